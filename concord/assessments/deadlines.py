"""The mitigation-task job: warn before deadlines and mark breaches, like the case clocks.

Idempotent: each step is claimed with a conditional update, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.core import conf
from concord.core.bilingual import each
from concord.core.ledger import append_event
from concord.notifications.actions import notify

from .models import MitigationTask, TaskState


@dataclass
class TickReport:
    due_soon: int = 0
    overdue: int = 0


def _recipients(task: MitigationTask) -> list:
    """Return the handlers of the task's unit and the assessment's leader."""
    return [*holders(Cap.CASE_HANDLE, unit_id=task.owner_unit_id), task.assessment.leader]


def tick(*, today: date | None = None) -> TickReport:
    """Run one pass over open mitigation tasks (called by the worker's schedule)."""
    today = today or timezone.localdate()
    report = TickReport()
    soon = MitigationTask.objects.filter(
        state=TaskState.OPEN,
        due_soon_notified=False,
        due_on__gte=today,
        due_on__lte=today + conf.due_soon(),
    ).select_related("assessment__leader", "assessment__decision")
    for task in soon:
        with transaction.atomic():
            claimed = MitigationTask.objects.filter(pk=task.pk, due_soon_notified=False).update(
                due_soon_notified=True
            )
            if not claimed:
                continue
            notify(
                recipients=_recipients(task),
                kind="mitigation_due_soon",
                subject=each("Mitigation task due soon: %(title)s", title=task.title),
                body=each(
                    "Due on %(due)s for “%(decision)s”.",
                    due=task.due_on,
                    decision=task.assessment.decision.title,
                ),
                link=f"/assessments/staff/{task.assessment_id}",
                dedupe_key=f"mitigation-soon:{task.pk}:{task.due_on}",
            )
            report.due_soon += 1
    late = MitigationTask.objects.filter(state=TaskState.OPEN, due_on__lt=today).select_related(
        "assessment__leader", "assessment__decision"
    )
    for task in late:
        with transaction.atomic():
            claimed = MitigationTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
                state=TaskState.OVERDUE, breached_at=timezone.now()
            )
            if not claimed:
                continue
            # Lock the assessment row: it owns the audit stream being appended to.
            from .actions import lock_assessment

            assessment = lock_assessment(task.assessment_id)
            append_event(
                stream=f"assessment:{assessment.pk}",
                kind="task_overdue",
                data={"task": task.pk, "due_on": task.due_on.isoformat()},
            )
            notify(
                recipients=_recipients(task),
                kind="mitigation_overdue",
                subject=each("Mitigation task overdue: %(title)s", title=task.title),
                body=each(
                    "It was due on %(due)s for “%(decision)s”.",
                    due=task.due_on,
                    decision=task.assessment.decision.title,
                ),
                link=f"/assessments/staff/{task.assessment_id}",
                dedupe_key=f"mitigation-overdue:{task.pk}",
            )
            report.overdue += 1
    return report
