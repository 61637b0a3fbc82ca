"""Forms of the web pages: they parse and validate input; actions do the rest."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from concord.accounts.models import Unit
from concord.cases.models import (
    Category,
    Channel,
    IntakeChannel,
    Kind,
    Level,
    Outcome,
    ResolvedAnswer,
    Status,
)
from concord.channels import rules
from concord.channels.models import STAFF_SERVICE_METHODS, Opinion, Performance, PetitionType
from concord.core import conf
from concord.places.models import Place
from concord.web.guide import _pick


class FastSelect(forms.Select):
    """A select that writes its options directly instead of one template per option.

    The staff case page offers lists of hundreds of categories and units; rendering each option
    through the template engine took most of the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        pieces = []
        for group_name, options, _index in context["optgroups"]:
            body = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in options),
            )
            if group_name:
                body = format_html('<optgroup label="{}">{}</optgroup>', group_name, body)
            pieces.append((body,))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(context["attrs"]),
            format_html_join("", "{}", pieces),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (each checked by the upload rules later)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def place_choices(*, under: list[str] | None = None) -> list[tuple[str, str]]:
    """Return places for the picker, indented by level.

    Residents pick down to villages (grids are found by the map); staff filing for residents
    pick any place under their own (`under`: place paths), grids included.
    """
    rows = Place.objects.order_by("path").only("code", "level", "name_zh", "name_en", "path")
    if under is None:
        rows = rows.exclude(level=Level.GRID)
    else:
        q = Q(pk__in=[])
        for path in under:
            q |= Q(path__startswith=path)
        rows = rows.filter(q)
    out = [("", _("— choose your village or community —"))]
    for p in rows:
        indent = "\u2003" * (p.path.count("/") - 2)
        out.append((p.code, f"{indent}{p.localized_name()}"))
    return out


def category_choices() -> list[tuple[str, str]]:
    rows = Category.objects.filter(is_active=True, depth__lte=2).order_by("code")
    out = [("", _("— not sure: let staff decide —"))]
    for c in rows:
        indent = "\u2003" if c.depth == 2 else ""
        out.append((c.code, f"{indent}{c.localized_name()}"))
    return out


def grouped_category_choices() -> list:
    """Return the categories for residents, grouped under their top-level category.

    Names only, in the reader's language (never codes): each group opens with its own
    top-level category, for a matter that fits the group but none of its parts.
    """
    rows = list(
        Category.objects.filter(is_active=True, depth__lte=2)
        .order_by("code")
        .only("code", "depth", "parent_id", "name_zh", "name_en")
    )
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for c in rows:
        if c.depth == 1:
            name = c.localized_name()
            groups[c.pk] = (
                name,
                [(c.code, str(_("%(group)s: other or not sure") % {"group": name}))],
            )
    for c in rows:
        if c.depth == 2 and c.parent_id in groups:
            groups[c.parent_id][1].append((c.code, c.localized_name()))
    return [("", _("— not sure: let staff decide —"))] + [
        (name, options) for name, options in groups.values()
    ]


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of matter is it?"), choices=Kind.choices)
    title = forms.CharField(label=_("In one line, what is it about?"), max_length=200)
    description = forms.CharField(
        label=_("Describe what happened"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who, what, where and since when. Do not include other people's ID numbers."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=FastSelect)
    place = forms.ChoiceField(label=_("Village or community"), required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 MB each."),
    )
    is_anonymous = forms.BooleanField(label=_("File anonymously"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_consent = forms.BooleanField(
        label=_("Staff may contact me about this matter"), required=False
    )
    on_behalf_consent = forms.CharField(
        label=_("Resident's consent to file on their behalf"),
        max_length=300,
        required=False,
        help_text=_("For example: consent given orally on site, with date and witness."),
    )
    intake_channel = forms.ChoiceField(
        label=_("How did the resident bring it?"),
        choices=[
            (IntakeChannel.WALK_IN, _("In person at the office (walk-in)")),
            (IntakeChannel.HOTLINE, _("By phone")),
            (IntakeChannel.LETTER, _("By letter")),
            (IntakeChannel.GRID_WORKER, _("To a grid worker on a visit")),
        ],
        required=False,
    )
    topic = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        staff_places: list[str] | None = None,
        staff_channel: str = IntakeChannel.WALK_IN,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        staff_filing = staff_places is not None
        self.staff_filing = staff_filing
        self.fields["category"].choices = grouped_category_choices()
        self.fields["place"].choices = place_choices(under=staff_places)
        if not staff_filing:
            del self.fields["on_behalf_consent"]
            del self.fields["intake_channel"]
        else:
            self.fields["on_behalf_consent"].required = True
            self.fields["intake_channel"].required = True
            self.fields["intake_channel"].initial = staff_channel

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        limits = conf.concord()
        if len(files) > limits.attachments_max_count:
            raise forms.ValidationError(
                _("Attach at most %(n)d files.") % {"n": limits.attachments_max_count}
            )
        if sum(f.size for f in files) > limits.attachments_max_total_bytes:
            raise forms.ValidationError(
                _("The files may total at most %(mb)d MB.")
                % {"mb": limits.attachments_max_total_bytes // (1024 * 1024)}
            )
        return files

    def clean(self):
        data = super().clean()
        if not data.get("place") and data.get("lat") is None:
            self.add_error(
                "place", _("Choose your village or community, or click the map where it is.")
            )
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("place", _("Click the map again: the location was incomplete."))
        if data.get("is_anonymous") and data.get("contact_consent"):
            if not data.get("phone"):
                self.add_error("phone", _("Give a phone number so that staff can call you."))
        if data.get("contact_consent") and not data.get("phone") and not data.get("is_anonymous"):
            self.add_error("phone", _("Give a phone number so that staff can call you."))
        return data


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=24)
    token = forms.CharField(label=_("Tracking key"), max_length=64)


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("Add information"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(forms.Form):
    resolved = forms.ChoiceField(
        label=_("Was your matter resolved?"),
        choices=ResolvedAnswer.choices,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you? (1 = not at all, 5 = very)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the answer be reviewed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- staff ---------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Queue"),
        required=False,
        choices=[
            ("unit", _("My unit's queue")),
            ("mine", _("Assigned to me")),
            ("all", _("All I may see")),
        ],
    )
    place = forms.ChoiceField(label=pgettext_lazy("web", "Place"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any"))] + list(Channel.choices)
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any"))] + list(Level.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any open")), ("all", _("Any"))] + list(Status.choices),
    )
    clock = forms.ChoiceField(
        label=_("Clock"),
        required=False,
        choices=[("", _("Any")), ("due_soon", _("Due soon")), ("breached", _("Breached"))],
    )
    created_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Filed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = place_choices()
        self.fields["place"].choices = [("", _("Any"))] + places[1:]
        self.fields["category"].choices = [("", _("Any"))] + category_choices()[1:]


def _text(label, *, required=True, rows=2, max_length=2000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label, *, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class StepForm(forms.Form):
    """A case-page step; reversible steps need no confirmation tick."""


class ConfirmForm(StepForm):
    """An irreversible step (close, merge): the tick says the reader means it."""

    confirm = forms.BooleanField(label=_("I understand this step cannot be undone"), required=True)


class NoteForm(StepForm):
    note = _text(_("Note (optional)"), required=False)


class CloseForm(ConfirmForm):
    note = _text(_("Note (optional)"), required=False)


class ReasonForm(StepForm):
    reason = _text(_("Reason"))


class NotAcceptForm(StepForm):
    reason = _text(_("Why it is not accepted here"))
    route = _text(_("Where the resident should go instead"))


class AssignForm(StepForm):
    assignee = forms.ChoiceField(label=_("Assign to"), widget=FastSelect)


class ResolveForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    text = _text(_("Written answer to the resident"), rows=4, max_length=10_000)


class EscalateForm(StepForm):
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            ("beyond_authority", _("Beyond our authority")),
            ("mediation_failed", _("Mediation failed")),
            ("deadline_risk", _("The deadline cannot be met")),
            ("complex", _("Complex or involves several units")),
        ],
    )
    note = _text(_("Explain"))


class TransferForm(StepForm):
    to_unit = forms.ModelChoiceField(
        label=_("To unit"), queryset=Unit.objects.none(), widget=FastSelect
    )
    reason = _text(_("Why this unit should handle it"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.filter(is_active=True).order_by("code")


class TransferDecideForm(TransferForm):
    pass


class MergeForm(ConfirmForm):
    into = forms.CharField(label=_("Receipt code of the surviving case"), max_length=24)
    note = _text(_("Note (optional)"), required=False)


class LinkIncidentForm(StepForm):
    incident = forms.TypedChoiceField(label=_("Incident"), coerce=int)


class AddNoteForm(forms.Form):
    text = _text(_("Note"), rows=3, max_length=10_000)
    public = forms.BooleanField(label=_("The resident may see this note"), required=False)


class CategorizeForm(StepForm):
    category = forms.ChoiceField(label=_("Category"), widget=FastSelect)
    reroute = forms.BooleanField(label=_("Route again by this category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()[1:]


class EnterChannelForm(StepForm):
    channel = forms.ChoiceField(label=_("Channel"), widget=FastSelect)
    knowledge_date = _date(_("Date the party knew of the matter"), required=False)
    mediation_requested_on = _date(
        _("Date mediation was requested (it interrupts a limitation period)"), required=False
    )
    note = _text(_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (c.code, _pick(c.name_zh, c.name_en))
            for c in rules.CHANNELS
            if c.code in Channel.values
        ]


class SessionForm(StepForm):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("Location"), max_length=200)
    participants = _text(_("Participants"))
    notes = _text(_("Notes (optional)"), required=False, rows=3, max_length=10_000)


class AgreementForm(StepForm):
    parties = _text(_("Parties (names, identity, address)"))
    facts = _text(_("Main facts"))
    issues = _text(_("Issues in dispute"))
    responsibilities = _text(_("Responsibilities"))
    terms = _text(_("Agreed terms"), rows=3)
    performance_manner = _text(_("How the terms will be performed"))
    performance_due = _date(_("Performance due by"))
    signed_by = _text(_("Signed by (one party per line)"))
    mediator_signed = forms.BooleanField(label=_("The mediator signed"), required=True)
    committee_sealed = forms.BooleanField(label=_("The committee's seal is on it"), required=True)


class MediationEndForm(StepForm):
    reason = _text(_("Why mediation ended without agreement"))
    knowledge_date = _date(_("Date the party knew of the matter"))
    refused_by = forms.CharField(label=_("Refused by (if a party refused)"), required=False)


class ClockStartForm(StepForm):
    """Start a clock of the case's channel when its trigger happens (acceptance, award …)."""

    kind = forms.ChoiceField(label=_("Deadline"))
    start = _date(_("Starts on (blank: today; a clock in hours starts now)"), required=False)


class ExtendClockForm(StepForm):
    clock = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365)
    reason = _text(_("Reason for the extension"))


class TransferAnswerForm(StepForm):
    transfer = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("refuse", _("Refuse"))]
    )
    reason = _text(_("Reason (required to refuse)"), required=False)


class DashboardForm(forms.Form):
    place = forms.ChoiceField(label=pgettext_lazy("web", "Place"), required=False)
    start = _date(_("From"), required=False)
    end = _date(_("Until"), required=False)


class PetitionRegisterForm(StepForm):
    matter_key = forms.CharField(
        label=_("Matter (the same key links repeat petitions)"), max_length=200
    )
    received_on = _date(_("Received on (blank: today)"), required=False)


class PetitionAcceptForm(StepForm):
    petition_type = forms.ChoiceField(label=_("Petition type"), choices=PetitionType.choices)


class PetitionRedirectForm(StepForm):
    """A petition that belongs to a statutory procedure (信访工作条例 art 31) is redirected there;
    the procedure's own time limit runs from the day the party knew of the matter."""

    route_channel = forms.ChoiceField(label=_("Statutory procedure"), widget=FastSelect)
    knowledge_date = _date(_("Date the party knew of the matter"))
    note = _text(_("Why it belongs there (told to the petitioner)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route_channel"].choices = [
            (c.code, _pick(c.name_zh, c.name_en))
            for c in rules.CHANNELS
            if c.code in Channel.values and c.code != "petition"
        ]


class TriageCategoryForm(CategorizeForm):
    """The correction of a suggested category that triage left for a person to check."""


class PetitionReplyForm(StepForm):
    opinion = forms.ChoiceField(label=_("Opinion"), choices=Opinion.choices)
    text = _text(_("Written handling opinion"), rows=4, max_length=10_000)
    legal_basis = _text(_("Legal basis"), max_length=2000)
    on_the_spot = forms.BooleanField(
        label=_("Handed to the petitioner on the spot (the review window starts today)"),
        required=False,
    )


class PetitionReviewDecideForm(StepForm):
    text = _text(_("Written review opinion"), rows=4, max_length=10_000)
    on_the_spot = forms.BooleanField(
        label=_("Handed to the petitioner on the spot (the re-review window starts today)"),
        required=False,
    )


class PetitionServiceForm(StepForm):
    how = forms.ChoiceField(
        label=_("How it reached the petitioner"),
        choices=[(m.value, m.label) for m in STAFF_SERVICE_METHODS],
    )
    on = _date(_("Served on (blank: today; required for post)"), required=False)


class ReferUpwardForm(StepForm):
    body = forms.CharField(label=_("Body above the county"), max_length=200)
    reason = _text(_("Why it goes above the county"), max_length=2000)


class PerformanceForm(StepForm):
    performance = forms.ChoiceField(
        label=_("Performance of the agreement"),
        choices=[(v, label) for v, label in Performance.choices if v != Performance.PENDING],
    )
    note = _text(_("Note (optional)"), required=False)


class ConfirmationForm(StepForm):
    step = forms.ChoiceField(
        label=_("Judicial confirmation"),
        choices=[
            ("applied", _("Both parties applied jointly to the court")),
            ("accepted", _("The court accepted the application")),
            ("confirmed", _("The court confirmed the agreement")),
            ("refused", _("The court refused to confirm it")),
        ],
    )
    on = _date(_("On (blank: today)"), required=False)
    note = _text(_("Note (optional)"), required=False)


class StaffAttachForm(ConfirmForm):
    file = forms.FileField(label=_("File"))
    public = forms.BooleanField(label=_("The resident may see it"), required=False)
