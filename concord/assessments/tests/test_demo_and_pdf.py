"""The demo content and the PDF report (Chinese glyphs must really render)."""

from datetime import date

import numpy as np
import pypdfium2 as pdfium
import pytest

from concord.assessments.documents import report_pdf
from concord.assessments.models import Assessment, Stage
from concord.demo.extra_assessments import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world, at, keyword_classifier, monkeypatch):
    monkeypatch.setattr(
        "concord.assessments.actions.consultation.classify_texts", keyword_classifier
    )
    at("2026-05-10 09:00")
    return populate(seed=7, today=date(2026, 5, 10))


def test_the_demo_has_one_finished_and_one_running_assessment(demo):
    finished = Assessment.objects.get(pk=demo["finished"])
    running = Assessment.objects.get(pk=demo["running"])
    assert finished.stage == Stage.DECIDED and finished.outcome == "implement"
    assert finished.level == "medium"  # one point scores 12 → R3
    assert finished.tasks.count() == 2
    assert finished.consultation.summary["total"] == 12
    assert running.stage == Stage.CONSULTING
    assert running.consultation.is_open_on(date(2026, 5, 10))
    assert running.consultation.comments.count() == 5


def test_the_demo_is_deterministic_and_not_added_twice(demo):
    first = Assessment.objects.get(pk=demo["finished"]).decision.title
    assert populate(seed=7, today=date(2026, 5, 10)) == {"assessments": 0}
    assert Assessment.objects.count() == 2
    assert first.startswith("【示例】")


def _font_names(pdf: bytes) -> set[str]:
    doc = pdfium.PdfDocument(pdf)
    names = set()
    page = doc[0]
    text = page.get_textpage()
    raw = pdfium.raw
    import ctypes

    for i in range(text.count_chars()):
        font = (
            raw.FPDFText_GetTextObject(text, i) if hasattr(raw, "FPDFText_GetTextObject") else None
        )
        if not font:
            continue
        pdf_font = raw.FPDFTextObj_GetFont(font)
        size = raw.FPDFFont_GetBaseFontName(pdf_font, None, 0)
        buf = ctypes.create_string_buffer(size)
        raw.FPDFFont_GetBaseFontName(pdf_font, buf, size)
        names.add(buf.value.decode("latin-1"))
    return names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_report_renders_chinese_text_with_an_embedded_cjk_font(world, demo, language):
    a = Assessment.objects.get(pk=demo["finished"])
    pdf = report_pdf(a, language=language, reader=world.zoe)
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    text = page.get_textpage().get_text_range()
    assert a.decision.title in text
    assert ("Social stability risk assessment report" in text) == (language == "en")
    assert ("社会稳定风险评估报告" in text) == (language == "zh-hans")
    # A CJK font is embedded: without it the title would be tofu boxes from a fallback font.
    fonts = _font_names(pdf)
    assert any("CJK" in f for f in fonts), fonts
    # The title area is not blank: it has dark pixels, spread over the title's width.
    image = np.asarray(page.render(scale=1).to_pil().convert("L"))
    height, width = image.shape
    title_band = image[: height // 8]
    dark = title_band < 128
    assert dark.sum() > 500
    columns = np.flatnonzero(dark.any(axis=0))
    assert columns.max() - columns.min() > width / 4
