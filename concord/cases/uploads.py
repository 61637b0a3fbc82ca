"""Attachment checks: size and a content-type allow-list decided by the bytes, not the name."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from concord.core import conf
from concord.core.errors import InvalidInput, PayloadTooLarge

ALLOWED = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "audio/mpeg": ".mp3",
}


def sniff(head: bytes) -> str | None:
    """Return the content type the leading bytes prove, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The sample may end inside a multi-byte character.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if "\x00" in text or text.lstrip().lower().startswith(("<!doctype", "<html", "<svg", "<?xml")):
        return None
    return "text/plain"


def check_upload(data: bytes, name: str) -> tuple[str, str]:
    """Return (content type, sha256) for an acceptable upload or raise a clear error."""
    limit = conf.concord().attachment_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(
            _("Attachments may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            fields={"file": _("Too large.")},
        )
    if not data:
        raise InvalidInput(_("The file is empty."), fields={"file": _("Empty file.")})
    kind = sniff(data[:4096])
    if kind not in ALLOWED:
        raise InvalidInput(
            _(
                "This type of file is not accepted. Send a photo (JPEG, PNG, GIF, WebP), a PDF, "
                "plain text or an MP3 recording."
            ),
            fields={"file": _("File type not allowed.")},
        )
    return kind, hashlib.sha256(data).hexdigest()
