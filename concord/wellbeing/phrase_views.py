"""The page of de-identified example phrases for the crisis detector: counsellors propose,
the team lead approves or rejects. Approved phrases reach the training corpus only through
``concord wellbeing export-phrases`` and a person's commit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from concord.core.errors import ConcordError, NotFound

from . import actions, selectors
from .models import ExamplePhrase, PhraseLanguage, PhraseLevel


@login_required
def phrases(request: HttpRequest, code: str) -> HttpResponse:
    try:
        team = selectors.get_team(request.user, code)
    except NotFound as exc:
        raise Http404 from exc
    if not actions.is_team_counsellor(request.user, team_id=team.pk):
        raise Http404
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("form") == "review":
                phrase = ExamplePhrase.objects.filter(pk=post.get("phrase") or 0, team=team).first()
                if phrase is None:
                    raise Http404
                actions.phrase_review(
                    actor=request.user,
                    phrase=phrase,
                    approve=post.get("decision") == "approve",
                    note=post.get("note", ""),
                )
                messages.success(request, _("Review recorded."))
            else:
                actions.phrase_propose(
                    actor=request.user,
                    team=team,
                    text=post.get("text", ""),
                    language=post.get("language", ""),
                    level=post.get("level", ""),
                    own_words=post.get("own_words") in {"on", "1", "yes"},
                )
                messages.success(request, _("Phrase proposed; the team lead reviews it."))
        except ConcordError as exc:
            messages.error(request, exc.message)
            for message in exc.fields.values():
                if message != exc.message:
                    messages.error(request, message)
        return redirect("wellbeing:phrases", code=team.code)
    return render(
        request,
        "wellbeing/phrases.html",
        {
            "team": team,
            "levels": PhraseLevel.choices,
            "languages": PhraseLanguage.choices,
            **selectors.example_phrases(request.user, team),
        },
    )
