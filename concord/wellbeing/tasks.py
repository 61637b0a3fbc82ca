"""Background work of the wellbeing app (run by `concord worker`)."""

from django_tasks import task

from .actions import wellbeing_tick


@task()
def wellbeing_tick_task() -> dict[str, int]:
    """Run one pass of the referral clock job and return what it did."""
    report = wellbeing_tick()
    return {
        "contact_overdue": report.contact_overdue,
        "follow_ups_missed": report.follow_ups_missed,
    }
