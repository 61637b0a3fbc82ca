from django.utils import translation

from concord.core.bilingual import both, in_language


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
