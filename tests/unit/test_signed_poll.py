"""A subscriber's signed feed request (nguon.syndication.signing, nguon.sync.poller.Signer):
what the site checks before it counts a read as delivered."""

from nguon.sync.poller import Signer
from nguon.syndication import signing


SECRET = "một chuỗi bí mật dài ít nhất 16 ký tự"


def _check(headers, query, secret=SECRET):
    return signing.verify_poll(
        secret,
        headers[signing.SUBSCRIPTION],
        query,
        headers[signing.TIME],
        headers[signing.HEADER],
    )


def test_a_signed_request_verifies_with_its_query_and_time():
    headers = Signer("3f1c0d9e8a7b6c5d", SECRET)(
        "https://nguon.example/vn/46/19786/feed.json?since=41&channel=web"
    )
    assert headers[signing.SUBSCRIPTION] == "3f1c0d9e8a7b6c5d"
    assert _check(headers, "since=41&channel=web")


def test_another_secret_query_time_or_subscription_does_not_verify():
    headers = signing.poll_headers(SECRET, "3f1c0d9e8a7b6c5d", "since=41", 1764480000)
    assert _check(headers, "since=41")
    assert not _check(headers, "since=0")  # the signature of another query
    assert not _check(headers, "since=41", secret="khóa của người khác, đủ dài")
    assert not _check({**headers, signing.TIME: "1764480001"}, "since=41")
    assert not _check({**headers, signing.SUBSCRIPTION: "0000000000000000"}, "since=41")
    assert not _check({**headers, signing.HEADER: "md5=00"}, "since=41")
