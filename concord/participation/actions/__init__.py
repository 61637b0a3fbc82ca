"""Every write of public participation: verification, suggestions, polls, volunteers,
social organisations, conventions and open-data snapshots.

The package is split by subject; import from `concord.participation.actions` as before.
"""

from .common import (
    CODE_ATTEMPTS,
    CODE_TTL,
    MEDIATION_CHANNELS,
    MODERATION_REASONS,
    identity_key,
    normalise_phone,
    verification_for,
)
from .conventions import convention_publish
from .opendata import opendata_snapshot, opendata_snapshots_due
from .polls import poll_confirm_paper_vote, poll_create, poll_enter_paper_vote, poll_vote
from .suggestions import (
    responsible_unit,
    suggestion_clock_tick,
    suggestion_moderate,
    suggestion_respond,
    suggestion_submit,
    suggestion_support,
)
from .verification import (
    census_upload,
    verification_by_census,
    verification_by_proven_phone,
    verification_confirm_code,
    verification_in_person,
    verification_request_code,
)
from .volunteers import (
    may_lead_team,
    organisation_contract_add,
    organisation_link_case,
    organisation_register,
    volunteer_assign,
    volunteer_decide,
    volunteer_record_hours,
    volunteer_sign_up,
    volunteer_team_create,
    volunteer_team_set_leader,
)

__all__ = [
    "CODE_ATTEMPTS",
    "CODE_TTL",
    "MEDIATION_CHANNELS",
    "MODERATION_REASONS",
    "census_upload",
    "convention_publish",
    "identity_key",
    "normalise_phone",
    "opendata_snapshot",
    "opendata_snapshots_due",
    "organisation_contract_add",
    "organisation_link_case",
    "organisation_register",
    "poll_confirm_paper_vote",
    "poll_create",
    "poll_enter_paper_vote",
    "poll_vote",
    "responsible_unit",
    "suggestion_clock_tick",
    "suggestion_moderate",
    "suggestion_respond",
    "suggestion_submit",
    "suggestion_support",
    "verification_by_census",
    "verification_by_proven_phone",
    "verification_confirm_code",
    "verification_for",
    "verification_in_person",
    "verification_request_code",
    "may_lead_team",
    "volunteer_decide",
    "volunteer_team_set_leader",
    "volunteer_assign",
    "volunteer_record_hours",
    "volunteer_sign_up",
    "volunteer_team_create",
]
