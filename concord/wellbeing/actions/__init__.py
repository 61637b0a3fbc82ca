"""Every write of the crisis protocol, the sealed referral record and the counselling network.

Each action takes a required actor (None only for the intake hook and the clock job), runs in a
transaction, checks permission and state, appends its event to the referral's own hash-chained
stream ("referral:<id>") and sends its alerts on commit. Case streams only ever get the bare fact
"referred to psychological services": no referral contents are copied there.

The package is split by subject; import from `concord.wellbeing.actions` as before.
"""

from .common import (
    CASE_EVENT_KIND,
    MAX_TEXT,
    NoCounsellingTeam,
    is_team_counsellor,
    on_duty,
    referral_stream,
    require_team_counsellor,
    team_counsellors,
    team_for_place,
    team_lead,
)
from .counselling import (
    SAFETY_PLAN_FIELDS,
    follow_up_complete,
    follow_up_schedule,
    referral_assess,
    referral_close,
    referral_hand_over,
    referral_log_contact,
    referral_set_safety_plan,
    referral_take,
)
from .exports import EXPORT_COLUMNS, export_decide, export_download, export_request
from .intake import (
    Opened,
    case_mark_crisis,
    check_text_for_crisis,
    instructions_for,
    on_case_submitted,
    on_case_text,
    open_intake_referral,
)
from .marks import referral_mark_signal
from .network import (
    activity_add,
    activity_record_participation,
    duty_shift_add,
    partner_add,
    team_set_lead,
)
from .phrases import (
    may_review_phrases,
    phrase_propose,
    phrase_review,
    phrase_stream,
    phrases_mark_exported,
)
from .tick import TickReport, wellbeing_tick

__all__ = [
    "CASE_EVENT_KIND",
    "EXPORT_COLUMNS",
    "MAX_TEXT",
    "NoCounsellingTeam",
    "Opened",
    "SAFETY_PLAN_FIELDS",
    "TickReport",
    "activity_add",
    "activity_record_participation",
    "case_mark_crisis",
    "check_text_for_crisis",
    "duty_shift_add",
    "export_decide",
    "export_download",
    "export_request",
    "follow_up_complete",
    "follow_up_schedule",
    "instructions_for",
    "is_team_counsellor",
    "may_review_phrases",
    "on_case_submitted",
    "on_case_text",
    "on_duty",
    "open_intake_referral",
    "partner_add",
    "phrase_propose",
    "phrase_review",
    "phrase_stream",
    "phrases_mark_exported",
    "referral_assess",
    "referral_close",
    "referral_hand_over",
    "referral_log_contact",
    "referral_mark_signal",
    "referral_set_safety_plan",
    "referral_stream",
    "referral_take",
    "require_team_counsellor",
    "team_counsellors",
    "team_for_place",
    "team_lead",
    "team_set_lead",
    "wellbeing_tick",
]
