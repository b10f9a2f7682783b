"""The ceiling for the polling benchmark: waitress, with the threads nguon's wsgi.ini gives
it, serving one small file from memory through the thinnest WSGI application there is."""

from pathlib import Path


BODY = (Path(__file__).resolve().parents[2] / "docs" / "syndication.md").read_bytes()[
    :5000
]


def app(environ, start_response):
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(BODY))),
        ],
    )
    return [BODY]
