"""Printable documents: the mediation agreement as PDF via WeasyPrint, in Chinese (the text the
parties sign) or as an English reading copy."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from .models import MediationAgreement


def agreement_html(agreement: MediationAgreement, *, language: str = "zh-hans") -> str:
    case = agreement.case
    with translation.override(language):
        return render_to_string(
            "channels/agreement.html",
            {"agreement": agreement, "case": case, "unit": case.owner_unit},
        )


def agreement_pdf(agreement: MediationAgreement, *, language: str = "zh-hans") -> bytes:
    from weasyprint import HTML

    return HTML(string=agreement_html(agreement, language=language)).write_pdf()
