"""Background jobs: each only calls into the app."""

from django_tasks import task

from . import deadlines


@task()
def mitigation_tick() -> dict:
    report = deadlines.tick()
    return {"due_soon": report.due_soon, "overdue": report.overdue}
