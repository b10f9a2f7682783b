"""The plain text of rich text (what the radio reads of a bulletin without a script)."""

from nguon.content.rich_text import plain_text


def test_blocks_are_words_apart_and_entities_decoded():
    assert (
        plain_text("<p>Thông báo &amp; lịch</p><p>tiêm<br/>chủng</p>")
        == "Thông báo & lịch tiêm chủng"
    )


def test_scripts_styles_and_comments_are_not_read():
    assert (
        plain_text("<p>a</p><script>x=1</script><style>p{}</style><!-- ghi chú -->")
        == "a"
    )


def test_no_html_is_no_text():
    assert plain_text(None) == "" and plain_text("  ") == ""
