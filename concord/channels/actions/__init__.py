"""Lawful channels on cases, by subject: entering a channel with its statutory clocks and
extensions (`common`), people's mediation (`mediation`) and petitions (`petitions`).

Each action locks the case, checks permission and state, writes, and appends its event.
"""

from .common import (  # noqa: F401 -- the package's public face
    ENTRY_CLOCKS,
    LABOUR_CATEGORY_PREFIXES,
    RESIDENT_DEADLINES,
    case_enter_channel,
    channel_clock_start,
    clock_extend,
    entry_clock_kinds,
    restart_handling_clocks,
    start_rule_clock,
)
from .mediation import (  # noqa: F401 -- the package's public face
    CONFIRMATION_STEPS,
    mediation_end_unresolved,
    mediation_record_agreement,
    mediation_record_confirmation,
    mediation_record_performance,
    mediation_record_session,
)
from .petitions import (  # noqa: F401 -- the package's public face
    PENDING_STAGES,
    SERVICE_STAGES,
    petition_accept,
    petition_mark_read,
    petition_record_service,
    petition_redirect,
    petition_register,
    petition_reply,
    petition_request_review,
    petition_review_decide,
    petition_review_route,
    served_on,
)
