"""The staff workbench: queues, the case page with its action forms, the map, the inbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from concord.accounts import permissions as perms
from concord.accounts.models import User
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.models import (
    OPEN_STATUSES,
    Case,
    Category,
    Clock,
    ClockState,
    Status,
    TransferRequest,
)
from concord.cases.panels import case_panels
from concord.cases.selectors import CaseFilters, count_up_to, get_case_for_user
from concord.channels import actions as channel_actions
from concord.channels import rules
from concord.channels.models import PetitionStage, ServiceMethod
from concord.core.errors import ConcordError, InvalidInput, NotFound
from concord.notifications.selectors import inbox_for
from concord.safety.actions.incidents import incident_link_case
from concord.safety.selectors import incidents_for
from concord.triage import actions as triage_actions
from concord.triage.selectors import awaits_review, duplicates_of, incident_of
from concord.web import forms as web_forms
from concord.web import selectors, wording

PAGE_SIZE = 50
# A queue counts at most this many cases (40 pages); past it the caption says "more than".
# Counting reads every matching row: a town's whole history is some 100,000 of them, and
# nobody pages through more than a few dozen pages of a queue.
QUEUE_COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at a cap, so paging a million-case history stays cheap."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or QUEUE_COUNT_CAP
        self.capped = False

    @cached_property
    def count(self) -> int:
        n, self.capped = count_up_to(self.object_list, self.cap)
        return n


def staff_required(view):
    """Require login and some capability to see cases (or statistics)."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not (perms.can(request.user, Cap.CASE_VIEW) or perms.can(request.user, Cap.STATS_VIEW)):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Show my queue or my unit's queue, with counts by state and clock, filters and search.

    Staff who see no cases land on the page their role works from.
    """
    user = request.user
    if not perms.can(user, Cap.CASE_VIEW):
        if perms.can(user, Cap.STATS_VIEW):
            return redirect("web:dashboard")
        if perms.can(user, Cap.WELLBEING):
            return redirect("wellbeing:queue")
        if perms.can(user, Cap.PLATFORM_ADMIN) or user.is_staff:
            return redirect("admin:index")
        raise DjangoPermissionDenied
    form = web_forms.QueueFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    scope = d.get("scope") or "unit"
    filters = CaseFilters(
        place=d.get("place") or None,
        category=d.get("category") or None,
        channel=d.get("channel") or None,
        level=d.get("level") or None,
        created_from=d.get("created_from"),
        created_to=d.get("created_to"),
        q=d.get("q") or None,
    )
    try:
        q = selectors.staff_queue(
            request.user,
            scope=scope,
            filters=filters,
            status=d.get("status") or "",
            clock=d.get("clock") or "",
        )
    except NotFound:
        raise Http404() from None
    page = CappedPaginator(q.cases, PAGE_SIZE).get_page(request.GET.get("page"))
    today, now = timezone.localdate(), timezone.now()
    for case in page.object_list:
        if case.next_due:
            selectors.mark_time_left(
                case,
                due_on=case.next_due,
                unit=case.next_unit,
                amount=case.next_amount,
                due_at=case.next_due_at,
                today=today,
                now=now,
            )
            case.paused = case.next_state == ClockState.PAUSED
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/staff/queue.html",
        {
            "form": form,
            "scope": scope,
            "queue": q,
            "page": page,
            "query": query.urlencode(),
            "status_counts": [(Status(s).label, n) for s, n in sorted(q.by_status.items()) if n],
            "transfers": list(selectors.pending_transfers_for(request.user)[:20]),
        },
    )


@dataclass(frozen=True)
class Action:
    label: str
    form: type
    run: Callable
    states: frozenset[str] | None = None  # None: shown in any state
    cap: str = Cap.CASE_HANDLE
    mediation: bool = False


def _assignee(user, case, d):
    try:
        assignee = User.objects.get(pk=int(d["assignee"]))
    except (User.DoesNotExist, ValueError, TypeError):
        raise InvalidInput(_("Choose a staff member.")) from None
    case_actions.case_assign(actor=user, case=case, assignee=assignee)


def _merge(user, case, d):
    into = selectors.cases_visible_to(user).filter(receipt_code=d["into"].strip().upper()).first()
    if into is None:
        raise InvalidInput(_("No case you may see has that receipt code."))
    case_actions.case_merge(actor=user, case=case, into=into, note=d.get("note", ""))


def _categorize(user, case, d):
    category = Category.objects.filter(code=d["category"]).first()
    if category is None:
        raise InvalidInput(_("Unknown category."))
    case_actions.case_categorize(
        actor=user, case=case, category=category, reroute=d.get("reroute", False)
    )


def _triage_category(user, case, d):
    category = Category.objects.filter(code=d["category"]).first()
    if category is None:
        raise InvalidInput(_("Unknown category."))
    triage_actions.triage_correct_category(
        actor=user, case=case, category=category, reroute=d.get("reroute", False)
    )


def _extend(user, case, d):
    clock = Clock.objects.filter(case=case, pk=d["clock"]).first()
    if clock is None:
        raise InvalidInput(_("Unknown clock."))
    channel_actions.clock_extend(actor=user, clock=clock, days=d["days"], reason=d["reason"])


def _answer_transfer(user, case, d):
    transfer = TransferRequest.objects.filter(case=case, pk=d["transfer"]).first()
    if transfer is None:
        raise InvalidInput(_("Unknown transfer."))
    if d["answer"] == "accept":
        case_actions.case_transfer_accept(actor=user, transfer=transfer)
    else:
        case_actions.case_transfer_refuse(actor=user, transfer=transfer, reason=d.get("reason", ""))


def _agreement(user, case, d):
    channel_actions.mediation_record_agreement(
        actor=user,
        case=case,
        parties=d["parties"],
        facts=d["facts"],
        issues=d["issues"],
        responsibilities=d["responsibilities"],
        terms=d["terms"],
        performance_manner=d["performance_manner"],
        performance_due=d["performance_due"],
        signed_by=[s.strip() for s in d["signed_by"].splitlines() if s.strip()],
        mediator_signed=d["mediator_signed"],
        committee_sealed=d["committee_sealed"],
    )


def _link_incident(user, case, d):
    incident = incidents_for(user).filter(pk=d["incident"]).first()
    if incident is None:
        raise InvalidInput(_("Choose an incident you oversee."))
    incident_link_case(actor=user, incident=incident, case=case)


def _petition_register(user, case, d):
    carrier = channel_actions.petition_register(
        actor=user, case=case, matter_key=d["matter_key"], received_on=d.get("received_on")
    )
    if carrier.pk != case.pk:
        raise _Moved(carrier.pk)


def _review_decide(user, case, d):
    stage = getattr(getattr(case, "petition", None), "stage", "")
    channel_actions.petition_review_decide(
        actor=user,
        case=case,
        text=d["text"],
        recheck=stage == PetitionStage.RECHECK_REQUESTED,
        served_how=ServiceMethod.ON_THE_SPOT if d.get("on_the_spot") else "",
    )


def _attach(user, case, d):
    upload = d["file"]
    case_actions.case_attach(
        actor=user, case=case, data=upload.read(), name=upload.name, public=d.get("public", False)
    )


class _Moved(Exception):
    """The step left the case under another one (a repeat petition merged into the pending)."""

    def __init__(self, case_id: int):
        super().__init__(case_id)
        self.case_id = case_id


HANDLE_FROM = frozenset(case_actions.HANDLE_FROM)
WORKING = frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED})
ROUTABLE = frozenset(case_actions.OPEN_FOR_ROUTING)
F = web_forms

ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept"),
        F.NoteForm,
        lambda u, c, d: case_actions.case_accept(actor=u, case=c, note=d.get("note", "")),
        HANDLE_FROM,
    ),
    "not_accept": Action(
        gettext_lazy("Decline and redirect"),
        F.NotAcceptForm,
        lambda u, c, d: case_actions.case_not_accept(
            actor=u, case=c, reason=d["reason"], route=d["route"]
        ),
        HANDLE_FROM,
    ),
    "assign": Action(gettext_lazy("Assign"), F.AssignForm, _assignee, WORKING),
    "start": Action(
        gettext_lazy("Start work"),
        F.StepForm,
        lambda u, c, d: case_actions.case_start(actor=u, case=c),
        frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.REOPENED}),
    ),
    "pause": Action(
        gettext_lazy("Pause"),
        F.ReasonForm,
        lambda u, c, d: case_actions.case_pause(actor=u, case=c, reason=d["reason"]),
        frozenset({Status.IN_PROGRESS, Status.ASSIGNED, Status.ACCEPTED}),
    ),
    "resume": Action(
        gettext_lazy("Resume"),
        F.StepForm,
        lambda u, c, d: case_actions.case_resume(actor=u, case=c),
        frozenset({Status.PAUSED}),
    ),
    "resolve": Action(
        gettext_lazy("Resolve with a written answer"),
        F.ResolveForm,
        lambda u, c, d: case_actions.case_resolve(
            actor=u, case=c, outcome=d["outcome"], text=d["text"]
        ),
        WORKING | {Status.IN_PROGRESS},
    ),
    "close": Action(
        gettext_lazy("Close"),
        F.CloseForm,
        lambda u, c, d: case_actions.case_close(actor=u, case=c, note=d.get("note", "")),
        frozenset({Status.RESOLVED}),
    ),
    "reopen": Action(
        gettext_lazy("Reopen"),
        F.ReasonForm,
        lambda u, c, d: case_actions.case_reopen(actor=u, case=c, reason=d["reason"]),
        frozenset({Status.RESOLVED, Status.CLOSED}),
    ),
    "withdraw": Action(
        gettext_lazy("Record withdrawal"),
        F.ReasonForm,
        lambda u, c, d: case_actions.case_withdraw(actor=u, case=c, reason=d["reason"]),
        ROUTABLE,
    ),
    "escalate": Action(
        gettext_lazy("Escalate"),
        F.EscalateForm,
        lambda u, c, d: case_actions.case_escalate(
            actor=u, case=c, reason_code=d["reason_code"], note=d["note"]
        ),
        ROUTABLE,
        Cap.CASE_ESCALATE,
    ),
    "transfer": Action(
        gettext_lazy("Request a transfer"),
        F.TransferForm,
        lambda u, c, d: case_actions.case_transfer_request(
            actor=u, case=c, to_unit=d["to_unit"], reason=d["reason"]
        ),
        ROUTABLE,
        Cap.CASE_ROUTE,
    ),
    "transfer_answer": Action(
        gettext_lazy("Answer the transfer"), F.TransferAnswerForm, _answer_transfer, None
    ),
    "transfer_decide": Action(
        gettext_lazy("Decide the owner"),
        F.TransferDecideForm,
        lambda u, c, d: case_actions.case_transfer_decide(
            actor=u, case=c, to_unit=d["to_unit"], reason=d["reason"]
        ),
        None,
        Cap.CASE_SUPERVISE,
    ),
    "merge": Action(
        gettext_lazy("Merge into another case"), F.MergeForm, _merge, ROUTABLE, Cap.CASE_ROUTE
    ),
    "note": Action(
        gettext_lazy("Add a note"),
        F.AddNoteForm,
        lambda u, c, d: case_actions.case_add_note(
            actor=u, case=c, text=d["text"], public=d.get("public", False)
        ),
        None,
        Cap.CASE_VIEW,
    ),
    "link_incident": Action(
        gettext_lazy("Link to an incident"),
        F.LinkIncidentForm,
        _link_incident,
        None,
        Cap.CASE_SUPERVISE,
    ),
    "categorize": Action(
        gettext_lazy("Set category"), F.CategorizeForm, _categorize, frozenset(OPEN_STATUSES)
    ),
    # While triage waits for a person to check its suggestion, setting the category is that
    # check: the correction also leaves the triage queue and teaches the next model.
    "triage_category": Action(
        gettext_lazy("Correct the suggested category"),
        F.TriageCategoryForm,
        _triage_category,
        frozenset(OPEN_STATUSES),
    ),
    "enter_channel": Action(
        gettext_lazy("Move to a channel"),
        F.EnterChannelForm,
        lambda u, c, d: channel_actions.case_enter_channel(
            actor=u,
            case=c,
            channel=d["channel"],
            knowledge_date=d.get("knowledge_date"),
            mediation_requested_on=d.get("mediation_requested_on"),
            note=d.get("note", ""),
        ),
        frozenset(OPEN_STATUSES),
    ),
    "clock_start": Action(
        gettext_lazy("Start a deadline of the channel"),
        F.ClockStartForm,
        lambda u, c, d: channel_actions.channel_clock_start(
            actor=u, case=c, kind=d["kind"], start=d.get("start")
        ),
        frozenset(OPEN_STATUSES),
    ),
    "session": Action(
        gettext_lazy("Record a mediation session"),
        F.SessionForm,
        lambda u, c, d: channel_actions.mediation_record_session(
            actor=u,
            case=c,
            held_at=d["held_at"],
            location=d["location"],
            participants=d["participants"],
            notes=d.get("notes", ""),
        ),
        frozenset(OPEN_STATUSES),
        Cap.MEDIATE,
        True,
    ),
    "agreement": Action(
        gettext_lazy("Record the mediation agreement"),
        F.AgreementForm,
        _agreement,
        frozenset(OPEN_STATUSES),
        Cap.MEDIATE,
        True,
    ),
    "mediation_end": Action(
        gettext_lazy("End mediation without agreement"),
        F.MediationEndForm,
        lambda u, c, d: channel_actions.mediation_end_unresolved(
            actor=u,
            case=c,
            reason=d["reason"],
            knowledge_date=d["knowledge_date"],
            refused_by=d.get("refused_by", ""),
        ),
        frozenset(OPEN_STATUSES),
        Cap.MEDIATE,
        True,
    ),
    "extend": Action(
        gettext_lazy("Extend a deadline"), F.ExtendClockForm, _extend, None, Cap.CASE_SUPERVISE
    ),
    "performance": Action(
        gettext_lazy("Follow up the agreement's performance"),
        F.PerformanceForm,
        lambda u, c, d: channel_actions.mediation_record_performance(
            actor=u, case=c, performance=d["performance"], note=d.get("note", "")
        ),
        None,
        Cap.MEDIATE,
    ),
    "confirmation": Action(
        gettext_lazy("Record a judicial confirmation step"),
        F.ConfirmationForm,
        lambda u, c, d: channel_actions.mediation_record_confirmation(
            actor=u, case=c, step=d["step"], on=d.get("on"), note=d.get("note", "")
        ),
        None,
        Cap.MEDIATE,
    ),
    "petition_register": Action(
        gettext_lazy("Register as a petition"),
        F.PetitionRegisterForm,
        _petition_register,
        frozenset(OPEN_STATUSES),
    ),
    "petition_accept": Action(
        gettext_lazy("Accept the petition"),
        F.PetitionAcceptForm,
        lambda u, c, d: channel_actions.petition_accept(
            actor=u, case=c, petition_type=d["petition_type"]
        ),
    ),
    "petition_redirect": Action(
        gettext_lazy("Redirect to a statutory procedure"),
        F.PetitionRedirectForm,
        lambda u, c, d: channel_actions.petition_redirect(
            actor=u,
            case=c,
            route_channel=d["route_channel"],
            knowledge_date=d["knowledge_date"],
            note=d.get("note", ""),
        ),
    ),
    "petition_reply": Action(
        gettext_lazy("Issue the handling opinion"),
        F.PetitionReplyForm,
        lambda u, c, d: channel_actions.petition_reply(
            actor=u,
            case=c,
            opinion=d["opinion"],
            text=d["text"],
            legal_basis=d["legal_basis"],
            served_how=ServiceMethod.ON_THE_SPOT if d.get("on_the_spot") else "",
        ),
    ),
    "petition_review": Action(
        gettext_lazy("Decide the review request"), F.PetitionReviewDecideForm, _review_decide
    ),
    "petition_serve": Action(
        gettext_lazy("Record that the written opinion was served"),
        F.PetitionServiceForm,
        lambda u, c, d: channel_actions.petition_record_service(
            actor=u, case=c, how=d["how"], on=d.get("on")
        ),
    ),
    "refer_upward": Action(
        gettext_lazy("Refer above the county"),
        F.ReferUpwardForm,
        lambda u, c, d: case_actions.case_refer_upward(
            actor=u, case=c, body=d["body"], reason=d["reason"]
        ),
        ROUTABLE,
        Cap.CASE_ROUTE,
    ),
    "attach": Action(gettext_lazy("Attach a file"), F.StaffAttachForm, _attach),
}

# Which petition stages each petition step is offered in (信访工作条例).
PETITION_STAGES: dict[str, frozenset[str]] = {
    "petition_accept": frozenset({PetitionStage.RECEIVED}),
    "petition_redirect": frozenset({PetitionStage.RECEIVED, PetitionStage.HANDLING}),
    "petition_reply": frozenset({PetitionStage.HANDLING, PetitionStage.ACCEPTED}),
    "petition_review": frozenset({PetitionStage.REVIEW_REQUESTED, PetitionStage.RECHECK_REQUESTED}),
    "petition_serve": frozenset({PetitionStage.REPLIED, PetitionStage.REVIEWED}),
}


# Why a step is refused to someone without the capability it needs over the owning unit; the
# same rule the action applies (cases.actions / channels.actions), said before the attempt.
REFUSALS = {
    Cap.CASE_HANDLE: gettext_lazy("Only the owning unit or a supervisor can take this step."),
    Cap.CASE_ESCALATE: gettext_lazy("Only the owning unit or a supervisor can escalate."),
    Cap.CASE_ROUTE: gettext_lazy(
        "Only the owning unit's caseworkers or a supervisor can route this case."
    ),
    Cap.MEDIATE: gettext_lazy("Only the mediators of the owning unit can take this step."),
    Cap.CASE_SUPERVISE: gettext_lazy("Only a supervisor can take this step."),
}
# Capabilities that an action checks against the case's owning unit, not only its place.
UNIT_BOUND = frozenset({Cap.CASE_HANDLE, Cap.CASE_ESCALATE, Cap.CASE_ROUTE, Cap.MEDIATE})


def _may(user, case: Case, cap: str) -> bool:
    """Return whether `user` holds `cap` the way the action for it will check it."""
    place = case.place_path
    if perms.can(user, Cap.CASE_SUPERVISE, place_path=place):
        return True
    if cap == Cap.CASE_SUPERVISE:
        return False
    if cap in UNIT_BOUND:
        unit = case.owner_unit_id
        held = perms.can(user, cap, place_path=place, unit_id=unit)
        if cap == Cap.MEDIATE:
            held = held or perms.can(user, Cap.CASE_HANDLE, place_path=place, unit_id=unit)
        return held
    return perms.can(user, cap, place_path=place)


def _applies(name: str, action: Action, case: Case, data: dict, is_mediation: bool) -> bool:
    """Return whether the step fits the case's state at all (whoever the reader is)."""
    if action.states is not None and case.status not in action.states:
        return False
    if action.mediation and not is_mediation:
        return False
    petition = data["petition"]
    return not (
        (name == "transfer_answer" and not data["may_answer_transfer"])
        or (name == "transfer_decide" and not case.needs_ruling)
        or (name == "transfer" and data["pending_transfer"])
        or (name == "extend" and not any(c.is_live for c in data["clocks"]))
        or (name == "clock_start" and not case.channel)
        or (name == "petition_register" and petition is not None)
        or (name == "categorize" and data["triage_review"])
        or (name == "triage_category" and not data["triage_review"])
        or (
            name in PETITION_STAGES
            and (petition is None or petition.stage not in PETITION_STAGES[name])
        )
        or (
            name == "petition_serve"
            and petition is not None
            and channel_actions.served_on(petition) is not None
        )
        or (name in ("performance", "confirmation") and data["agreement"] is None)
        or (name == "refer_upward" and case.level != "county")
        or (name == "link_incident" and not data["open_incidents"])
    )


def _fill_choices(name: str, form, data: dict, case: Case | None = None) -> None:
    """Give the forms whose choices depend on the case their choices."""
    if name == "clock_start" and case is not None and case.channel:
        from concord.web.guide import _pick

        form.fields["kind"].choices = [
            (str(c.kind), _pick(c.label_zh, c.label_en))
            for c in rules.get_channel(case.channel).clocks
        ]
    if name == "assign":
        form.fields["assignee"].choices = [(u.pk, str(u)) for u in data["handlers"]]
    if name == "link_incident":
        form.fields["incident"].choices = [(i.pk, i.title) for i in data["open_incidents"]]


def _offered_actions(
    user, case: Case, data: dict, bound: dict | None = None
) -> tuple[list[dict], list[dict]]:
    """Return the steps the reader may take now, and those that fit the case but not the reader.

    The action checks permission again when it runs; this only keeps the page honest about
    what would work, and says why a step is not open to this reader.
    """
    is_mediation = rules.get_channel(case.channel).is_mediation if case.channel else False
    if "triage_review" not in data:
        data["triage_review"] = awaits_review(case)
    offered, refused = [], []
    for name, action in ACTIONS.items():
        if not _applies(name, action, case, data, is_mediation):
            continue
        if name != "transfer_answer" and not _may(user, case, action.cap):
            refused.append({"name": name, "label": action.label, "reason": REFUSALS[action.cap]})
            continue
        form = bound.get(name) if bound else None
        if form is None:
            form = action.form(prefix=name)
        _fill_choices(name, form, data, case)
        if name == "transfer_answer" and data["pending_transfer"]:
            form.initial["transfer"] = data["pending_transfer"].pk
        offered.append({"name": name, "label": action.label, "form": form})
    return offered, refused


def _related(user, case: Case) -> dict:
    """Return the likely duplicates, the triage cluster and the incidents of a case that the
    reader may see, and the open incidents they could link it to."""
    linked = list(incidents_for(user).filter(cases=case))
    open_incidents = []
    if perms.can(user, Cap.CASE_SUPERVISE, place_path=case.place_path):
        open_incidents = [
            i
            for i in incidents_for(user).filter(closed_at__isnull=True)[:50]
            if case.place_path.startswith(i.scope_path) and i not in linked
        ]
    return {
        "duplicates": list(duplicates_of(user, case)[:5]),
        "cluster": incident_of(user, case),
        "linked_incidents": linked,
        "open_incidents": open_incidents,
    }


def _case_context(request: HttpRequest, case: Case, bound: dict | None = None) -> dict:
    data = selectors.case_page_data(request.user, case)
    data.update(_related(request.user, case))
    language = request.LANGUAGE_CODE
    for e in data["events"]:
        e.label = wording.event_label(e)
        e.text = wording.event_text(e, language)
        e.typed = wording.event_text_is_typed(e)
    for c in data["clocks"]:
        c.label = wording.clock_label(c)
        c.provisional_text = wording.provisional_note(c)
    pending = data.get("pending_transfer")
    closed = (
        pending is not None
        and pending.objection_due is not None
        and timezone.localdate() > pending.objection_due
    )
    offered, refused = _offered_actions(request.user, case, data, bound)
    return {
        "case": case,
        **data,
        "action_names": {a["name"] for a in offered},
        "objection_closed": case_actions.objection_closed_message(pending) if closed else "",
        "service": wording.petition_service(data["petition"]),
        "actions": offered,
        "refused_actions": refused,
        "open": case.status in OPEN_STATUSES,
        "panels": case_panels(request, case),
    }


@require_GET
@staff_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = get_case_for_user(request.user, case_id)
    except NotFound:
        raise Http404() from None
    return render(request, "web/staff/case.html", _case_context(request, case))


@require_POST
@staff_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """Run one step from the case page (irreversible ones only once their box is ticked)."""
    try:
        case = get_case_for_user(request.user, case_id)
    except NotFound:
        raise Http404() from None
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404()
    form = spec.form(request.POST, request.FILES, prefix=action)
    if action in ("assign", "link_incident"):
        data = selectors.case_page_data(request.user, case)
        data.update(_related(request.user, case))
        _fill_choices(action, form, data)
    if action == "clock_start":
        _fill_choices(action, form, {}, case)
    if form.is_valid():
        try:
            spec.run(request.user, case, form.cleaned_data)
        except _Moved as moved:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
            return redirect("web:case", case_id=moved.case_id)
        except ConcordError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
            # The reason leads the page, in its language, where the eye lands after posting.
            messages.error(
                request,
                _("%(action)s was not recorded: %(reason)s")
                % {"action": spec.label, "reason": exc.message},
            )
            return _render_refused(request, case_id, action, form)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
            try:
                get_case_for_user(request.user, case_id)
            except NotFound:
                return redirect("web:queue")
            return redirect("web:case", case_id=case_id)
    messages.error(
        request,
        _("%(action)s was not recorded: %(reason)s")
        % {"action": spec.label, "reason": _("some fields need attention (marked below).")},
    )
    return _render_refused(request, case_id, action, form)


def _render_refused(request: HttpRequest, case_id: int, action: str, form) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    context = _case_context(request, case, bound={action: form})
    context["open_action"] = action
    return render(request, "web/staff/case.html", context, status=400)


@require_GET
@staff_required
def case_map(request: HttpRequest) -> HttpResponse:

    return render(
        request,
        "web/staff/map.html",
        {
            "map_data": selectors.map_data(request.user),
            "tiles": getattr(settings, "CONCORD_MAP_TILES", ""),
        },
    )


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:

    items = list(inbox_for(request.user).select_related("case")[:50])
    return render(request, "web/staff/inbox.html", {"items": items})
