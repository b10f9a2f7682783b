"""What the feedback services share: the site's store, one report, and the answers they
refuse with (the one error shape; 429 with ``Retry-After`` for a contact over its limit)."""

from nguon import _
from nguon.content.validation import Refused
from nguon.errors import client_error
from nguon.errors import error_body
from nguon.feedback.store import feedback_store
from plone import api
from zExceptions import BadRequest
from zExceptions import NotFound


def store(request):
    found = feedback_store(api.portal.get())
    if found is None:
        raise client_error(
            BadRequest,
            _("error_feedback_not_installed", default="Trang này chưa nhận phản ánh."),
            request,
        )
    return found


def not_found(request):
    return client_error(
        NotFound,
        _("feedback_rest_not_found", default="Không có phản ánh này."),
        request,
    )


def unknown_action(actions, request):
    return client_error(
        BadRequest,
        _(
            "feedback_rest_action",
            default="«action» phải là một trong: ${actions}.",
            mapping={"actions": ", ".join(actions)},
        ),
        request,
    )


def refused(error, request):
    """``BadRequest`` saying why a ``UserError`` or a photo's ``Refused`` was raised."""
    message = error.args[0] if isinstance(error, Refused) else error
    return client_error(BadRequest, message, request)


def too_many(error, request):
    """The 429 answer for ``throttle.Throttled``: its message and ``Retry-After``."""
    request.response.setStatus(429)
    request.response.setHeader("Retry-After", str(error.retry_after))
    return error_body(
        "TooManyRequests",
        api.portal.translate(error.message),
        retry_after=error.retry_after,
    )
