"""URLs of the assessments app (mounted by concord/urls.py)."""

from django.urls import path

from . import views, workbench

app_name = "assessments"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("consultations/<int:assessment_id>", views.public_detail, name="public_detail"),
    path(
        "consultations/<int:assessment_id>/documents/<int:number>",
        views.public_document,
        name="public_document",
    ),
    path("comments/", views.comment_lookup, name="comment_lookup"),
    path("comments/<str:code>", views.comment_page, name="comment"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:assessment_id>", views.staff_detail, name="staff_detail"),
    path("staff/<int:assessment_id>/answer", views.staff_answer_theme, name="staff_answer"),
    path("staff/<int:assessment_id>/decide", views.staff_decide, name="staff_decide"),
    path("staff/<int:assessment_id>/report-<str:lang>.pdf", views.staff_report, name="report"),
]

W = workbench
urlpatterns += [
    path("staff/decisions/new", W.decision_new, name="decision_new"),
    path("staff/decisions/<int:decision_id>", W.decision_page, name="decision"),
    path("staff/decisions/<int:decision_id>/screen", W.decision_screen, name="decision_screen"),
    path("staff/decisions/<int:decision_id>/plan", W.decision_plan, name="decision_plan"),
    path("staff/<int:assessment_id>/consultation", W.consultation_open, name="consultation_open"),
    path(
        "staff/<int:assessment_id>/consultation/close",
        W.consultation_close,
        name="consultation_close",
    ),
    path(
        "staff/<int:assessment_id>/consultation/summarise",
        W.consultation_summarise,
        name="summarise",
    ),
    path("staff/<int:assessment_id>/moderate", W.comment_moderate, name="moderate"),
    path("staff/<int:assessment_id>/engagements", W.engagement_record, name="engagement"),
    path("staff/<int:assessment_id>/risk-points", W.risk_point_add, name="point_add"),
    path("staff/<int:assessment_id>/risk-points/change", W.risk_point_update, name="point_update"),
    path("staff/<int:assessment_id>/override", W.override_level, name="override"),
    path("staff/<int:assessment_id>/report", W.issue_report, name="issue_report"),
    path("staff/<int:assessment_id>/tasks", W.task_add, name="task_add"),
    path("staff/<int:assessment_id>/tasks/complete", W.task_complete, name="task_complete"),
    path("staff/<int:assessment_id>/monitoring", W.monitoring_record, name="monitoring"),
    path("staff/<int:assessment_id>/reassess", W.reassess, name="reassess"),
]
