"""`concord serve` collects static files only when their sources changed."""

import os

from concord.core import statics


def test_static_files_are_collected_only_when_their_sources_change(settings, tmp_path):
    source, root = tmp_path / "src", tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black }")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    assert statics.collect_static_if_changed() is True  # first start
    assert (root / "css" / "site.css").read_text() == "body { color: black }"
    assert statics.collect_static_if_changed() is False  # unchanged: no collection
    (root / "css" / "site.css").unlink()
    assert statics.collect_static_if_changed() is False  # (the proof that nothing ran)
    assert not (root / "css" / "site.css").exists()

    (source / "css" / "site.css").write_text("body { color: navy }")
    st = (source / "css" / "site.css").stat()
    os.utime(source / "css" / "site.css", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert statics.collect_static_if_changed() is True  # a source changed
    assert (root / "css" / "site.css").read_text() == "body { color: navy }"

    (source / "app.js").write_text("console.log(1)")
    assert statics.collect_static_if_changed() is True  # a file added
    assert (root / "app.js").exists()

    statics.stamp_path().unlink()
    assert statics.collect_static_if_changed() is True  # STATIC_ROOT emptied or new
