import io

import pytest
from PIL import Image


@pytest.fixture
def photo() -> bytes:
    """A small real PNG, as a phone camera would send (content is sniffed, not named)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buf, format="PNG")
    return buf.getvalue()
