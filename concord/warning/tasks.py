from django_tasks import task

from .run import surveillance_run


@task()
def surveillance_run_task() -> dict:

    run = surveillance_run()
    return {"series": run.series, "alerts": run.alerts_created, "seconds": run.seconds}
