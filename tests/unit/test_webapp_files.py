"""``<site>/ung-dung/<path>`` maps a path to a file of the built app and to nothing else
(nguon.webapp.views): a folder's parent, a hidden file, a name with a slash and a missing file
are refused; hashed assets are cached for good, the page and the worker are revalidated."""

from nguon.webapp import views


def test_only_files_of_the_build(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc.js").write_text("")
    (tmp_path / ".secret").write_text("")
    (tmp_path.parent / "outside.txt").write_text("")
    assert views.resolve([], tmp_path) == tmp_path / "index.html"
    assert views.resolve(["assets", "index-abc.js"], tmp_path) == (
        tmp_path / "assets" / "index-abc.js"
    )
    for parts in (
        ["..", "outside.txt"],
        [".secret"],
        ["assets/index-abc.js"],
        ["assets\\index-abc.js"],
        ["assets", ""],
        ["assets"],
        ["missing.js"],
    ):
        assert views.resolve(parts, tmp_path) is None, parts


def test_cache_lives():
    assert views.cache_control(["assets", "index-abc.js"]) == views.IMMUTABLE
    assert views.cache_control([]) == views.REVALIDATE
    assert views.cache_control(["sw.js"]) == views.REVALIDATE
    assert views.cache_control(["manifest.webmanifest"]) == views.REVALIDATE
