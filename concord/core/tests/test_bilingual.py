from django.utils import translation
from django.utils.translation import gettext_lazy

from concord.core.bilingual import both, each, each_rendered, in_language


def test_a_message_is_stored_in_both_languages_and_read_in_one():
    stored = both("Policy: handling time for this category (%(days)d days)", days=30)
    assert "30" in stored and " / " in stored
    zh, en = stored.split(" / ")
    assert "30 days" in en and "天" in zh
    assert in_language(stored, "en") == en
    assert in_language(stored, "zh-hans") == zh
    with translation.override("en"):
        assert in_language(stored) == en


def test_a_text_in_one_language_is_shown_as_it_is():
    assert in_language("《信访工作条例》第三十二条", "en") == "《信访工作条例》第三十二条"
    assert in_language("", "en") == ""


def test_each_renders_a_message_in_every_language_with_its_parameters():
    texts = each("Policy: handling time for this category (%(days)d days)", days=30)
    assert set(texts) == {"zh-hans", "en"}
    assert texts["en"] == "Policy: handling time for this category (30 days)"
    assert "30" in texts["zh-hans"] and "天" in texts["zh-hans"]


def test_each_takes_parameters_that_differ_by_language():
    title = {"zh-hans": "暴雨", "en": "Rainstorm"}
    texts = each("%(title)s (%(what)s)", title=title, what=gettext_lazy("Lifted"))
    assert texts == {"zh-hans": "暴雨 (已解除)", "en": "Rainstorm (Lifted)"}
    # A record with no English title shows its Chinese one rather than nothing.
    assert each("%(title)s", title={"zh-hans": "暴雨", "en": ""})["en"] == "暴雨"


def test_each_calls_a_parameter_that_reads_the_active_language_once_per_language():
    def active() -> str:
        return translation.get_language()

    assert each("%(language)s", language=active) == {"zh-hans": "zh-hans", "en": "en"}


def test_each_rendered_builds_a_text_from_pieces_in_every_language():
    def render() -> str:
        return f"{translation.gettext('Lifted')} ({translation.get_language()})"

    assert each_rendered(render) == {"zh-hans": "已解除 (zh-hans)", "en": "Lifted (en)"}
