"""The classifier in use: load, bootstrap from the shipped data, cache per process."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from .algorithms.classifier import Model, ModelError, load_model, train_default_model
from .models import TriageModel

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, Model] = {}


def model_dir() -> Path:
    path = Path(settings.DATA_DIR) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _default_model_file() -> Path:
    return model_dir() / "triage-default.zip"


def active_model() -> Model | None:
    """Return the active classifier, or None when it cannot be loaded (cases go to people)."""

    row = TriageModel.objects.filter(active=True).order_by("-trained_at").first()
    try:
        with _lock:
            if row is None:
                row = _bootstrap()
            if row.version not in _cache:
                _cache.clear()
                _cache[row.version] = load_model(row.path)
            return _cache[row.version]
    except (ModelError, OSError) as exc:
        logger.error("triage model unavailable: %s", exc)
        return None


def _bootstrap():
    """Train the starting model from the shipped citizen messages (a few seconds, once)."""

    path = _default_model_file()
    if path.exists():
        try:
            model = load_model(path)
        except ModelError:
            model = None
    else:
        model = None
    if model is None:
        model = train_default_model()
        model.save(path)
    row, _ = TriageModel.objects.get_or_create(
        version=model.version, defaults={"path": str(path), "active": True, "training_size": 300}
    )
    if not row.active:
        TriageModel.objects.filter(pk=row.pk).update(active=True)
    _cache[row.version] = model
    return row


def forget() -> None:
    _cache.clear()
