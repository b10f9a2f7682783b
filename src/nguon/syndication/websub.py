"""WebSub's verification of intent: before anything is pushed to a callback, the hub asks
it, with a random challenge, whether it really wants this topic; only an echo of the
challenge confirms."""
from nguon import _
from nguon.errors import UserError

import requests
import secrets


TIMEOUT = 10


def verify_intent(callback, mode, topic, lease_seconds=None):
    """GET the callback with the challenge; raise ``UserError`` unless it is echoed."""
    challenge = secrets.token_urlsafe(24)
    params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
    if lease_seconds:
        params["hub.lease_seconds"] = str(lease_seconds)
    try:
        response = requests.get(callback, params=params, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        raise UserError(_("websub_error_unreachable",
                          default="Không gọi được địa chỉ nhận tin để xác minh: ${error}",
                          mapping={"error": error.__class__.__name__})) from error
    if response.status_code // 100 != 2 or response.text.strip() != challenge:
        raise UserError(_("websub_error_refused",
                          default="Địa chỉ nhận tin không xác nhận đăng ký (mã ${code}); nó phải trả lại đúng chuỗi hub.challenge.",
                          mapping={"code": response.status_code}))
