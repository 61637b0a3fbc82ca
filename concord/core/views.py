from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Report whether the database and the task queue answer."""
    status = {"database": "ok", "tasks": "ok"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means unhealthy
        status["database"] = f"error: {type(exc).__name__}"
        code = 503
    try:
        from django_tasks import default_task_backend

        status["tasks_backend"] = type(default_task_backend).__name__
        if type(default_task_backend).__name__ == "DatabaseBackend":
            from django_tasks_db.models import DBTaskResult

            status["tasks_ready"] = DBTaskResult.objects.filter(status="READY").count()
    except Exception as exc:
        status["tasks"] = f"error: {type(exc).__name__}"
        code = 503
    return JsonResponse(status, status=code)


@csrf_exempt  # it only ever answers 404; a CSRF page would break the API's error shape
def api_not_found(request, *args, **kwargs):

    return JsonResponse(
        {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404
    )
