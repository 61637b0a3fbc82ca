import pytest


@pytest.fixture
def categories(db):
    """Load the shipped category tree (flushed away in transactional tests)."""
    from concord.cases.models import Category
    from concord.cases.seed import load_categories

    if not Category.objects.exists():
        load_categories(Category)
    return Category.objects


@pytest.fixture
def no_model(monkeypatch):
    """Keep the triage classifier out of tests that are not about it (it trains for seconds)."""
    from concord.web import assist

    monkeypatch.setattr(assist, "category_suggestions", lambda **kw: [])
