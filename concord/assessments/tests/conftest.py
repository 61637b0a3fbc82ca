import pytest


@pytest.fixture
def keyword_classifier():
    """A stand-in for the triage model where a test needs fixed themes (the real one is slow)."""

    def classify(texts):
        out = []
        for t in texts:
            if "补偿" in t or "安置" in t:
                out.append(("城乡建设", 0.9))
            elif "学校" in t or "上学" in t:
                out.append(("教育文体", 0.8))
            else:
                out.append(("环境保护", 0.6))
        return out

    return classify
