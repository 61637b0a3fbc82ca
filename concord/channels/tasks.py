from django_tasks import task


@task()
def deadlines_tick_task() -> dict:
    from .deadlines import deadlines_tick

    report = deadlines_tick()
    return {
        "due_soon": report.due_soon,
        "breached": report.breached,
        "escalated": report.escalated,
        "revisits": report.revisits,
    }
