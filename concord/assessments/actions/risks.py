"""The risk register and the assessed level."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts.models import Unit
from concord.core.errors import InvalidInput

from .. import rules
from ..models import Assessment, Comment, Dimension, RiskLevel, RiskPoint, Stance, Visibility
from .common import (
    OPEN_FOR_OPINIONS,
    _record,
    _require_manager,
    _require_reviewer,
    _require_stage,
    _stream,
    _text,
    lock_assessment,
)

# --- risk register and level ---------------------------------------------------------------


def _stance_counts(assessment: Assessment) -> dict[str, int]:
    counts = {s: 0 for s in Stance.values}
    rows = Comment.objects.filter(
        consultation__assessment=assessment, visibility=Visibility.PUBLISHED
    ).exclude(stance="")
    for stance in rows.values_list("stance", flat=True):
        counts[stance] += 1
    return counts


def point_inputs(points) -> list[rules.PointInput]:
    return [
        rules.PointInput(
            key=str(p.pk),
            dimension=p.dimension,
            likelihood=p.likelihood,
            impact=p.impact,
            has_mitigation=p.has_mitigation,
        )
        for p in points
    ]


def _recompute(assessment: Assessment) -> None:
    """Store the level the documented rules give for the register and stances now."""
    result = rules.overall_level(
        point_inputs(assessment.risk_points.all()), **_stance_counts(assessment)
    )
    assessment.computed_level = result.level
    assessment.computed_detail = result.as_dict()
    assessment.save(update_fields=["computed_level", "computed_detail", "updated_at"])


def _clean_point(dimension: str, likelihood: int, impact: int) -> None:
    if dimension not in Dimension.values:
        raise InvalidInput(_("Unknown dimension."), fields={"dimension": _("Unknown dimension.")})
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= int(value) <= 5:
            msg = _("Give a whole number from 1 to 5.")
            raise InvalidInput(msg, fields={name: msg})


def risk_point_add(
    *,
    actor,
    assessment: Assessment,
    dimension: str,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    affected_groups: list[str] | None = None,
    evidence: list[dict] | None = None,
    mitigation: str = "",
    owner_unit: Unit | None = None,
) -> RiskPoint:
    """Add a risk point to the register and recompute the level."""
    title = _text(title, "title", max_chars=200)
    _clean_point(dimension, likelihood, impact)
    with transaction.atomic():
        assessment = lock_assessment(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("change the risk register"))
        point = RiskPoint.objects.create(
            assessment=assessment,
            dimension=dimension,
            title=title,
            description=description.strip(),
            likelihood=int(likelihood),
            impact=int(impact),
            affected_groups=list(affected_groups or []),
            evidence=list(evidence or []),
            mitigation=mitigation.strip(),
            owner_unit=owner_unit,
        )
        _record(
            _stream(assessment),
            "risk_point_added",
            actor,
            point=point.pk,
            dimension=dimension,
            likelihood=int(likelihood),
            impact=int(impact),
        )
        _recompute(assessment)
    return point


def risk_point_update(*, actor, point: RiskPoint, **changes: Any) -> RiskPoint:
    """Change a risk point's scores, mitigation or owner, and recompute the level."""
    allowed = {
        "title",
        "description",
        "likelihood",
        "impact",
        "affected_groups",
        "evidence",
        "mitigation",
        "owner_unit",
        "dimension",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(_("Unknown field."), fields={sorted(unknown)[0]: _("Unknown field.")})
    with transaction.atomic():
        assessment = lock_assessment(point.assessment_id)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("change the risk register"))
        point = RiskPoint.objects.select_for_update().get(pk=point.pk)
        for name, value in changes.items():
            setattr(point, name, value.strip() if isinstance(value, str) else value)
        _clean_point(point.dimension, point.likelihood, point.impact)
        point.save()
        _record(
            _stream(assessment),
            "risk_point_changed",
            actor,
            point=point.pk,
            fields=sorted(changes),
            likelihood=point.likelihood,
            impact=point.impact,
        )
        _recompute(assessment)
    return point


def assessment_override_level(
    *, actor, assessment: Assessment, level: str, reason: str
) -> Assessment:
    """Let the reviewer set the level against the rules, with a written reason on record."""
    if level not in RiskLevel.values:
        raise InvalidInput(_("Unknown level."), fields={"level": _("Unknown level.")})
    reason = _text(reason, "reason", max_chars=4000)
    with transaction.atomic():
        assessment = lock_assessment(assessment)
        _require_reviewer(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("override the level"))
        assessment.override_level = level
        assessment.override_reason = reason
        assessment.overridden_by = actor
        assessment.save(
            update_fields=["override_level", "override_reason", "overridden_by", "updated_at"]
        )
        _record(
            _stream(assessment),
            "level_overridden",
            actor,
            public=True,
            computed=assessment.computed_level,
            level=level,
            reason=reason,
        )
    return assessment
