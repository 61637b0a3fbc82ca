"""Background work on RQ (Redis) when REDIS_URL is set: the clock job and an early-warning run
go through the RQ backend and a worker."""

import pytest

pytestmark = pytest.mark.redis


@pytest.mark.django_db
def test_the_clock_job_and_a_surveillance_run_go_through_rq(world, settings, at):
    import django_rq
    from django_tasks.base import TaskResultStatus
    from rq.worker import SimpleWorker

    from concord.cases import actions as ca
    from concord.cases.models import Category
    from concord.channels.tasks import deadlines_tick_task
    from concord.warning.models import SurveillanceRun
    from concord.warning.tasks import surveillance_run_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    at("2026-03-02 09:00")
    case = ca.case_submit(
        kind="dispute",
        title="噪音",
        description="d",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    ca.case_accept(actor=world.bob, case=case)
    at("2026-04-03 09:00")  # the 30-day handling clock (due 04-01) has passed

    tick = deadlines_tick_task.enqueue()
    run = surveillance_run_task.enqueue()
    assert queue.count == 2, "both tasks wait in Redis until a worker takes them"
    # SimpleWorker runs jobs in this process, inside the test's database transaction.
    worker = django_rq.get_worker(
        "default", worker_class=SimpleWorker, job_class="django_tasks_rq.backend.Job"
    )
    worker.work(burst=True)

    tick.refresh()
    run.refresh()
    assert tick.status == TaskResultStatus.SUCCESSFUL and run.status == TaskResultStatus.SUCCESSFUL
    assert tick.return_value["breached"] == 1 and tick.return_value["escalated"] == 1
    case.refresh_from_db()
    assert case.level == "town"
    assert SurveillanceRun.objects.count() == 1
