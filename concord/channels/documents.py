"""Printable documents: the mediation agreement (zh) as PDF via WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import MediationAgreement


def agreement_html(agreement: MediationAgreement) -> str:
    case = agreement.case
    return render_to_string(
        "channels/agreement.html",
        {"agreement": agreement, "case": case, "unit": case.owner_unit},
    )


def agreement_pdf(agreement: MediationAgreement) -> bytes:
    from weasyprint import HTML

    return HTML(string=agreement_html(agreement)).write_pdf()
