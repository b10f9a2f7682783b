"""The instances' outermost WSGI filter turns "the database cannot be reached" into a 503
with a short Vietnamese page (Zope alone answers a bare 500), and lets the rest through."""

from nguon.cluster.wsgi import DatabaseGuard
from nguon.cluster.wsgi import filter_factory

import psycopg2
import pytest


def run(app):
    answered = {}

    def start_response(status, headers):
        answered["status"], answered["headers"] = status, dict(headers)

    body = b"".join(DatabaseGuard(app)({}, start_response))
    return answered["status"], answered["headers"], body.decode()


def test_a_refused_database_connection_is_a_503_in_vietnamese():
    def app(environ, start_response):
        raise psycopg2.OperationalError(
            "connection to server failed: Connection refused"
        )

    status, headers, body = run(app)
    assert status.startswith("503")
    assert headers["Retry-After"] == "10"
    assert headers["Cache-Control"] == "no-store"
    assert "Cơ sở dữ liệu đang khởi động lại" in body


def test_an_error_raised_while_handling_a_lost_connection_is_a_503_too():
    def app(environ, start_response):
        try:
            raise psycopg2.InterfaceError("connection already closed")
        except psycopg2.InterfaceError:
            raise RuntimeError("while aborting") from None

    assert run(app)[0].startswith("503")


def test_other_errors_and_answers_pass_through():
    def failing(environ, start_response):
        raise KeyError("not a database error")

    with pytest.raises(KeyError):
        run(failing)

    def fine(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    assert run(fine) == ("200 OK", {"Content-Type": "text/plain"}, "ok")


def test_paste_deploy_builds_the_filter():
    assert filter_factory({}) is DatabaseGuard
