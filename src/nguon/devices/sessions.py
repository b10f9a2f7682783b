"""How a kiosk browser proves which board it is without a secret in any URL (used for
boards; nothing here is particular to them: any device a browser plays may pair).

A unit admin asks for a **pairing code** (``POST <board>/@board-pairing``): random, valid
``PAIRING`` (fifteen minutes), for one use, kept only as its digest. The operator opens the
pairing address on the board's screen, ``@@kiosk#pair=<code>``: the code is in the fragment,
which browsers never send to a server, so it is in no access log, proxy or ``Referer``. The
player posts it in a header to ``@kiosk-session`` and gets a **session**: an HttpOnly,
SameSite=Strict cookie (``COOKIE``) holding ``<board uid>.<expiry>.<HMAC>``, signed with the
board's own session secret, valid ``SESSION`` and renewed by the player while it runs. Issuing
new credentials for the board (``@board-credentials``, ``nguon.devices.credentials.issue``)
makes a new secret: every session and pairing of the board stops at once. Before issue 13 this
module was ``nguon.boards.session``; its annotation key is unchanged.
"""

from datetime import timedelta
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import hashlib
import hmac
import secrets
import time


KEY = "nguon.boards.session"
COOKIE = "nguon_board"
SESSION = timedelta(hours=24)
PAIRING = timedelta(minutes=15)


def _digest(code):
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _state(board):
    annotations = IAnnotations(board)
    state = annotations.get(KEY)
    if state is None:
        state = annotations[KEY] = PersistentMapping(
            secret=secrets.token_bytes(32), pairing=None, pairing_until=0.0
        )
    return state


def revoke(board):
    """Every session and pairing code of ``board`` stops working."""
    IAnnotations(board).pop(KEY, None)


def pairing_code(board, now=None):
    """A new one-time pairing code for ``board`` (the previous unused one stops working)."""
    now = now or time.time()
    code = f"{board.UID()}.{secrets.token_urlsafe(24)}"
    state = _state(board)
    state["pairing"], state["pairing_until"] = (
        _digest(code),
        now + PAIRING.total_seconds(),
    )
    return code, state["pairing_until"]


def redeem(board, code, now=None):
    """True (once) when ``code`` is the board's pairing code and still valid; it is used up."""
    state = IAnnotations(board).get(KEY)
    if not state or not state["pairing"] or not code:
        return False
    if not hmac.compare_digest(state["pairing"], _digest(code)):
        return False
    state["pairing"] = None
    return (now or time.time()) < state["pairing_until"]


def _mac(secret, board_uid, expires):
    return hmac.new(
        secret, f"{board_uid}.{expires}".encode("ascii"), hashlib.sha256
    ).hexdigest()


def session_token(board, now=None):
    """A signed session for ``board``; returns ``(token, expiry in epoch seconds)``."""
    expires = int((now or time.time()) + SESSION.total_seconds())
    return (
        f"{board.UID()}.{expires}.{_mac(_state(board)['secret'], board.UID(), expires)}",
        expires,
    )


def valid_session(board, token, now=None):
    """True when ``token`` is a session of ``board`` signed with its secret and not expired."""
    state = IAnnotations(board).get(KEY)
    try:
        board_uid, expires, mac = (token or "").split(".")
        expires = int(expires)
    except ValueError:
        return False
    if not state or board_uid != board.UID():
        return False
    return (
        hmac.compare_digest(mac, _mac(state["secret"], board_uid, expires))
        and (now or time.time()) < expires
    )
