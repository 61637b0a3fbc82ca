"""URLs of the assessments app (mounted by concord/urls.py)."""

from django.urls import path

from . import views

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
