"""The cluster instances' outermost WSGI filter: while the database cannot be reached (a
PostgreSQL restart), Zope fails before any exception view can run (opening the ZODB
connection is outside them), and waitress would answer a bare 500. This filter answers a
503 with a short Vietnamese page and ``Retry-After`` instead; RelStorage reconnects by
itself on a later request, so the instance recovers without a restart."""

import logging


logger = logging.getLogger("nguon.cluster")

BODY = (
    '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
    "<title>Tạm thời gián đoạn</title></head>\n<body><h1>Hệ thống tạm thời gián đoạn</h1>\n"
    "<p>Cơ sở dữ liệu đang khởi động lại. Vui lòng thử lại sau ít phút.</p></body></html>\n"
).encode()


def database_errors():
    """The exception classes that mean "the database cannot be reached"."""
    found = []
    try:
        import psycopg2

        found += [psycopg2.OperationalError, psycopg2.InterfaceError]
    except ImportError:  # pragma: no cover
        pass
    try:
        from relstorage.adapters.interfaces import ReplicaClosedException

        found.append(ReplicaClosedException)
    except ImportError:  # pragma: no cover
        pass
    return tuple(found)


def unavailable(start_response):
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(BODY))),
            ("Cache-Control", "no-store"),
            ("Retry-After", "10"),
        ],
    )
    return [BODY]


class DatabaseGuard:
    def __init__(self, app):
        self.app = app
        self.errors = database_errors()

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except self.errors as error:
            logger.warning("database unavailable: %s: %s", type(error).__name__, error)
            return unavailable(start_response)
        except Exception as error:
            if _caused_by(error, self.errors):
                logger.warning("database unavailable: %r", error)
                return unavailable(start_response)
            raise


def _caused_by(error, classes, depth=5):
    while error is not None and depth:
        if isinstance(error, classes):
            return True
        error = error.__cause__ or error.__context__
        depth -= 1
    return False


def filter_factory(global_conf, **local_conf):
    return DatabaseGuard
