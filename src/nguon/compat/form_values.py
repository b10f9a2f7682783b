"""A form value that Zope's converters cannot read (``?b_start:int=abc``,
``?when:date=abc``) is the client's mistake: a 400 with a sentence, not a 500.

Zope converts typed form fields (``:int``, ``:float``, ``:date``, ...) in
``HTTPRequest.processInputs``, before any view runs, and lets the converter's ``ValueError``
or ``DateTimeError`` escape as a server error on every URL of the site. Applied with
collective.monkeypatcher (``configure.zcml``)."""

from DateTime.interfaces import DateTimeError
from nguon import _
from zExceptions import BadRequest
from zope.i18n import translate


def process_inputs(self, *args, **kwargs):
    try:
        return self._old_processInputs(*args, **kwargs)
    except (ValueError, DateTimeError):
        raise BadRequest(
            translate(
                _(
                    "error_form_value",
                    default="Một tham số của yêu cầu có giá trị không đọc được (ví dụ «:int» không phải số).",
                ),
                context=self,
            )
        ) from None
