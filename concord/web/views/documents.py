"""Printable documents from the staff case page, in the reader's language.

The receipt and the written answer are print views of the case (the browser prints them); the
mediation agreement is the same PDF the API serves (`channels.documents`), in Chinese (the text
the parties sign) or as an English reading copy.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from concord.cases.selectors import get_case_for_user
from concord.channels.documents import agreement_pdf
from concord.channels.models import MediationAgreement
from concord.core.errors import NotFound
from concord.web import wording
from concord.web.views.staff import staff_required


def _case(request: HttpRequest, case_id: int):
    try:
        return get_case_for_user(request.user, case_id)
    except NotFound:
        raise Http404() from None


@require_GET
@staff_required
def receipt(request: HttpRequest, case_id: int) -> HttpResponse:
    """Show the acknowledgement of receipt: code, date, owner and deadlines, never the token."""
    case = _case(request, case_id)
    clocks = list(case.clocks.order_by("due_on"))
    for c in clocks:
        c.label = wording.clock_label(c)
    return render(request, "web/staff/doc_receipt.html", {"case": case, "clocks": clocks})


@require_GET
@staff_required
def answer(request: HttpRequest, case_id: int) -> HttpResponse:
    """Show the written answer as a letter to print; 404 until there is one."""
    case = _case(request, case_id)
    if not case.resolution_text:
        raise Http404()
    return render(request, "web/staff/doc_answer.html", {"case": case})


@require_GET
@staff_required
def agreement(request: HttpRequest, case_id: int) -> HttpResponse:
    """Return the mediation agreement as PDF in the reader's language."""
    case = _case(request, case_id)
    found = MediationAgreement.objects.filter(case=case).select_related("case").first()
    if found is None:
        raise Http404()
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    response = HttpResponse(agreement_pdf(found, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.receipt_code}.pdf"'
    return response
