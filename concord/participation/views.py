"""Public pages: the dashboard (no login) and the suggestions board."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import opendata, selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    month = request.GET.get("month")
    try:
        chosen = datetime.strptime(month, "%Y-%m").date() if month else None
    except ValueError:
        chosen = None
    data = opendata.publication(chosen)
    return render(
        request,
        "participation/dashboard.html",
        {
            "data": data,
            "tables": data["tables"],
            "series": opendata.series(),
            "dictionary": opendata.dictionary(),
        },
    )


def suggestions(request: HttpRequest) -> HttpResponse:
    items = selectors.suggestions_public()[:100]
    return render(request, "participation/suggestions.html", {"items": items})
