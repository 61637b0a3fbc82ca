from django_tasks import task

from .deadlines import deadlines_tick


@task()
def deadlines_tick_task() -> dict:

    report = deadlines_tick()
    return {
        "due_soon": report.due_soon,
        "breached": report.breached,
        "escalated": report.escalated,
        "revisits": report.revisits,
    }
