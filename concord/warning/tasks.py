from django_tasks import task


@task()
def surveillance_run_task() -> dict:
    from .run import surveillance_run

    run = surveillance_run()
    return {"series": run.series, "alerts": run.alerts_created, "seconds": run.seconds}
