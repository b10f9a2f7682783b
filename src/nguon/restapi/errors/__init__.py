"""plone.restapi's error answer for nguon's REST services, with the pre-issue-13 copy.

plone.rest renders an exception raised by a service as ``{"type", "message"}``. This view
adds the same fields under ``error`` (``nguon.errors.error_body``), and keeps the message of a
``NotFound`` made by ``nguon.errors.client_error`` (plone.rest replaces every ``NotFound`` message
with the address). It answers for requests marked ``INguonAPIRequest``: REST requests on a
site where nguon is installed, marked after traversal (an error during traversal is plone.rest's
own answer, the same two top-level fields).

A body that is not JSON (plone.restapi's ``DeserializationError``, a plain exception) is the
client's mistake: it is answered 400, not 500, by every service that reads a JSON body.
"""

from nguon import _
from nguon.interfaces import INguonLayer
from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from plone.restapi.exceptions import DeserializationError
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.i18n import translate
from zope.interface import directlyProvidedBy
from zope.interface import directlyProvides


class INguonAPIRequest(IAPIRequest):
    """A plone.rest request on a site where nguon is installed."""


def mark_api_request(event):
    request = event.request
    if IAPIRequest.providedBy(request) and INguonLayer.providedBy(request):
        directlyProvides(request, INguonAPIRequest, *directlyProvidedBy(request))


NOT_JSON = _("asrun_error_json", default="Nội dung không phải JSON hợp lệ.")


class NguonErrorHandling(ErrorHandling):
    def __call__(self):
        if isinstance(self.context, DeserializationError):
            self.context = BadRequest(translate(NOT_JSON, context=self.request))
        return super().__call__()

    def render_exception(self, exception):
        result = super().render_exception(exception)
        if result is None:  # plone.rest redirected
            return result
        if isinstance(exception, NotFound) and getattr(
            exception, "nguon_message", False
        ):
            result["message"] = str(exception)
        result["error"] = {"type": result["type"], "message": result["message"]}
        return result
