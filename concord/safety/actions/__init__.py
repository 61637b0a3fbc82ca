"""Every write in public safety: hazards, rectification, on-site verification, inspections,
incidents, warnings, vulnerable-household checks and policy notices.

Each action takes the acting user, checks permission and state inside a transaction, appends an
audit event (on the case's chain for cases; on its own stream, e.g. ``warning:<id>``, for the
rest, with the stream's owner row locked) and sends notifications on commit.

The package is split by subject; import from `concord.safety.actions` as before.
"""

from .hazards import (
    case_verify_on_site,
    close_guard,
    hazard_report,
    may_close,
    verification_required,
)
from .incidents import (
    incident_close,
    incident_link_case,
    incident_log_action,
    incident_record,
    incident_review,
    incident_update_figures,
    response_plan_create,
)
from .inspections import (
    RESULT_VALUES,
    due_dates,
    inspection_plan_create,
    inspection_record,
    inspections_schedule,
    site_register,
)
from .orders import rectification_order_issue, rectification_report_done
from .policies import policy_publish, policy_question_answer, policy_question_ask
from .residents import household_record, resident_profile_set, resident_profile_update
from .warnings import (
    COLOUR_NAMES,
    URGENT_COLOURS,
    warning_check_mark,
    warning_deliver,
    warning_issue,
    warning_lift,
    warning_lift_deliver,
)

__all__ = [
    "COLOUR_NAMES",
    "RESULT_VALUES",
    "URGENT_COLOURS",
    "case_verify_on_site",
    "close_guard",
    "due_dates",
    "hazard_report",
    "household_record",
    "incident_close",
    "incident_link_case",
    "incident_log_action",
    "incident_record",
    "incident_review",
    "incident_update_figures",
    "inspection_plan_create",
    "inspection_record",
    "inspections_schedule",
    "may_close",
    "policy_publish",
    "policy_question_answer",
    "policy_question_ask",
    "rectification_order_issue",
    "rectification_report_done",
    "resident_profile_set",
    "resident_profile_update",
    "response_plan_create",
    "site_register",
    "verification_required",
    "warning_check_mark",
    "warning_deliver",
    "warning_issue",
    "warning_lift",
    "warning_lift_deliver",
]
