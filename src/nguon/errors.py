"""Errors meant for the person who caused them, carrying an i18n message, and the one shape
every endpoint answers an error in.

The shape is plone.restapi's: ``{"type": "BadRequest", "message": "…"}``. REST services raise
zExceptions' ``BadRequest``, ``Unauthorized``, ``NotFound`` or ``Forbidden`` (``client_error`` makes
one with a translated message) and plone.restapi renders it (``nguon.restapi.errors``); views
that are not REST services (feeds) answer ``error_body``. Clients written before issue 13 read
``{"error": {"type", "message"}}``: the same fields are also given under ``error``.
"""

from zope.i18n import translate


class UserError(ValueError):
    """A request that cannot be done; ``message`` (an i18n message) says why. Translate it
    for the request that asked: ``error.translated(request)``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def translated(self, request):
        return translate(self.message, context=request)


def client_error(kind, message, request):
    """The exception ``kind`` (``BadRequest``, ``Unauthorized``, ``NotFound``, ``Forbidden``)
    saying ``message`` (an i18n message or a ``UserError``) in the request's language; raise
    it from a REST service."""
    if isinstance(message, UserError):
        message = message.message
    error = kind(translate(message, context=request))
    error.nguon_message = (
        True  # said to the client as it is (plone.rest rewrites NotFound's)
    )
    return error


def error_body(kind, message, **extra):
    """The error shape: ``{"type", "message", …extra}``, also under ``error``."""
    shape = {"type": kind, "message": message, **extra}
    return {**shape, "error": dict(shape)}
