"""Every write to a case: one function per state change.

Each action runs in a transaction, locks the case row, checks permission and state, writes the
change and appends its event to the case's hash chain. Side effects run on commit.

The package is split by subject; import from `concord.cases.actions` as before.
"""

from .common import (
    CLOSE_GUARDS,
    SUBMIT_HOOKS,
    TEXT_HOOKS,
    category_root,
    is_handler,
    lock_case,
    record_event,
    require_handler,
    require_text,
    within_handling_clock,
)
from .erasure import ERASED, case_erase_personal_data, cases_due_for_erasure
from .intake import (
    ON_BEHALF_CHANNELS,
    Submission,
    ValidSubmission,
    build_case,
    case_submit,
    party_rows,
    validate_submission,
)
from .lifecycle import (
    HANDLE_FROM,
    case_accept,
    case_assign,
    case_categorize,
    case_close,
    case_escalate,
    case_not_accept,
    case_pause,
    case_reopen,
    case_resolve,
    case_resume,
    case_set_urgency,
    case_start,
    case_withdraw,
)
from .tracking import REVISIT_AFTER, case_add_information, case_add_note, case_attach, case_feedback
from .transfers import (
    OPEN_FOR_ROUTING,
    case_merge,
    case_refer_upward,
    case_transfer_accept,
    case_transfer_decide,
    case_transfer_refuse,
    case_transfer_request,
    common_parent,
)

__all__ = [
    "CLOSE_GUARDS",
    "ERASED",
    "HANDLE_FROM",
    "ON_BEHALF_CHANNELS",
    "OPEN_FOR_ROUTING",
    "REVISIT_AFTER",
    "SUBMIT_HOOKS",
    "Submission",
    "TEXT_HOOKS",
    "ValidSubmission",
    "build_case",
    "case_accept",
    "case_add_information",
    "case_add_note",
    "case_assign",
    "case_attach",
    "case_categorize",
    "case_close",
    "case_erase_personal_data",
    "case_escalate",
    "case_feedback",
    "case_merge",
    "case_not_accept",
    "case_pause",
    "case_refer_upward",
    "case_reopen",
    "case_resolve",
    "case_resume",
    "case_set_urgency",
    "case_start",
    "case_submit",
    "case_transfer_accept",
    "case_transfer_decide",
    "case_transfer_refuse",
    "case_transfer_request",
    "case_withdraw",
    "cases_due_for_erasure",
    "category_root",
    "common_parent",
    "is_handler",
    "lock_case",
    "party_rows",
    "record_event",
    "require_handler",
    "require_text",
    "validate_submission",
    "within_handling_clock",
]
