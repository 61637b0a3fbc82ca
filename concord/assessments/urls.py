"""URLs of the assessments app (mounted by concord/urls.py)."""

app_name = "assessments"
urlpatterns: list = []
