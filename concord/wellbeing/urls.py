"""URLs of the wellbeing app (mounted by concord/urls.py)."""

app_name = "wellbeing"
urlpatterns: list = []
