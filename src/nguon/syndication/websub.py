"""WebSub's verification of intent: before anything is pushed to a callback, the hub asks
it, with a random challenge, whether it really wants this topic; only an echo of the
challenge confirms. The request goes to the address that was checked (``outbound``)."""

from nguon import _
from nguon.errors import UserError
from nguon.syndication import outbound
from urllib.parse import urlencode

import secrets


TIMEOUT = 10


def verify_intent(callback, mode, topic, lease_seconds=None, allowed=()):
    """GET the callback with the challenge; raise ``UserError`` unless it is echoed."""
    challenge = secrets.token_urlsafe(24)
    params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
    if lease_seconds:
        params["hub.lease_seconds"] = str(lease_seconds)
    separator = "&" if "?" in callback else "?"
    try:
        answer = outbound.call(
            "GET",
            f"{callback}{separator}{urlencode(params)}",
            allowed,
            timeout=TIMEOUT,
            read=len(challenge) + 64,
        )
    except outbound.CallFailed as error:
        raise UserError(
            _(
                "websub_error_unreachable",
                default="Không gọi được địa chỉ nhận tin để xác minh: ${error}",
                mapping={"error": str(error)},
            )
        ) from error
    if answer.status // 100 != 2 or answer.body.strip() != challenge.encode():
        raise UserError(
            _(
                "websub_error_refused",
                default="Địa chỉ nhận tin không xác nhận đăng ký (mã ${code}); nó phải trả lại đúng chuỗi hub.challenge.",
                mapping={"code": answer.status},
            )
        )
