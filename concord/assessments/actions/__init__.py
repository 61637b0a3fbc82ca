"""Every write of the risk-assessment workflow (PROCESS_RULES W4), one function per step.

Each action runs in a transaction, locks the row that owns its audit stream, checks
permission and stage, writes, and appends an event to the hash-chained record
(stream "decision:<id>" for screening, "assessment:<id>" for everything in one round).
Notifications are queued on commit.

The package is split by subject; import from `concord.assessments.actions` as before.
"""

from .common import (
    DEFAULT_CONSULTATION_DAYS,
    OPEN_FOR_OPINIONS,
    consultation_min_days,
    lock_assessment,
    may_manage,
    may_review,
)
from .consultation import (
    classify_texts,
    comment_moderate,
    comment_submit,
    consultation_close,
    consultation_open,
    consultation_summarise,
    engagement_record,
    token_digest,
)
from .decisions import assessment_plan, decision_create, decision_screen
from .reports import (
    assessment_decide,
    assessment_issue_report,
    assessment_reassess,
    mitigation_task_add,
    mitigation_task_complete,
    monitoring_record,
    theme_response_set,
    unanswered_themes,
)
from .risks import assessment_override_level, point_inputs, risk_point_add, risk_point_update

__all__ = [
    "DEFAULT_CONSULTATION_DAYS",
    "OPEN_FOR_OPINIONS",
    "assessment_decide",
    "assessment_issue_report",
    "assessment_override_level",
    "assessment_plan",
    "assessment_reassess",
    "classify_texts",
    "comment_moderate",
    "comment_submit",
    "consultation_close",
    "consultation_min_days",
    "consultation_open",
    "consultation_summarise",
    "decision_create",
    "decision_screen",
    "engagement_record",
    "lock_assessment",
    "may_manage",
    "may_review",
    "mitigation_task_add",
    "mitigation_task_complete",
    "monitoring_record",
    "point_inputs",
    "risk_point_add",
    "risk_point_update",
    "theme_response_set",
    "unanswered_themes",
    "token_digest",
]
