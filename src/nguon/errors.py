"""Errors meant for the person who caused them, carrying an i18n message."""
from zope.i18n import translate


class UserError(ValueError):
    """A request that cannot be done; ``message`` (an i18n message) says why. Translate it
    for the request that asked: ``error.translated(request)``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def translated(self, request):
        return translate(self.message, context=request)
