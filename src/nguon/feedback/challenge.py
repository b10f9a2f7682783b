"""The proof of work every public form asks for: ALTCHA, served and checked by the site itself.

The browser's widget (npm ``altcha`` 3.x, vendored in ``vendor/altcha`` and served as
``++resource++nguon-feedback/altcha.min.js``) fetches ``challenge(portal, request)`` as JSON,
finds the answer in a few hundred milliseconds on a cheap phone, and sends the payload with
the form; ``verify(portal, payload)`` checks it before anything is filed. Both sides speak
ALTCHA's protocol v2 (the Python library ``altcha`` 2.x): PBKDF2/SHA-256 key derivation, in
deterministic mode (the site picks the counter the browser must find, so the work is known,
and checks the answer with one HMAC instead of deriving the key again).

- **Signed, never stored when issued.** A challenge carries its expiry (``expiresAt``,
  ``EXPIRY`` after it was made) and is signed with a key derived from the site's random secret,
  which ``install`` makes in the site's annotations (never in the repository nor the
  registry) and ``rotate`` replaces; the previous secret keeps checking the challenges made
  with it until they expire.
- **Used once.** A verified challenge is remembered until it expires (a BTree keyed by its
  random nonce, so concurrent writers touch different buckets, pruned a few entries at a
  time as new ones arrive); a second use is refused.
- **Adaptive.** The work asked of an address rises with the challenges it asked for lately
  (``nguon.feedback.throttle``): a flooding address pays seconds to tens of seconds per
  report; a village behind one address pays the same, and is still accepted.
"""

from altcha import create_challenge
from altcha import Payload
from altcha import verify_solution
from BTrees.OOBTree import OOBTree
from nguon import _
from nguon.annotations import site_state
from nguon.errors import UserError
from nguon.feedback.throttle import client_address
from nguon.feedback.throttle import THROTTLE
from persistent import Persistent

import hashlib
import hmac
import secrets
import time


KEY = "nguon.feedback.challenge"

ALGORITHM = "PBKDF2/SHA-256"
"""The key derivation the widget runs with WebCrypto (native speed in every browser)."""

COST = 1_000
"""PBKDF2 iterations per attempt: a few milliseconds on a cheap phone's browser."""

BASE_ATTEMPTS = 200
"""The counter the browser must find lies between half and all of ``BASE_ATTEMPTS`` times the
address's factor: at the base, 150 attempts of ``COST`` iterations on average, about 0.2 to
0.5 s on a cheap phone (a desktop takes less). The ceiling is ``throttle.MAX_FACTOR`` times
that."""

EXPIRY = 600
"""Seconds a challenge may be solved and sent in (10 minutes: a citizen typing a long report
after the page loaded asks the widget for a fresh one, which it does by itself)."""

PRUNE = 8
"""Remembered challenges looked at for expiry each time one is remembered."""


class ChallengeState(Persistent):
    """The site's secret (and the previous one while its challenges may still come back) and
    the challenges already used (nonce -> expiry, Unix seconds)."""

    def __init__(self):
        self.secret = secrets.token_bytes(32)
        self.previous = None
        self.previous_until = 0
        self.used = OOBTree()


class ChallengeRefused(UserError):
    """A payload that proves nothing: missing, malformed, tampered, expired or used before."""


def install(portal):
    """Make the site's secret and store of used challenges (idempotent)."""
    return site_state(portal, KEY, ChallengeState, create=True)


def _state(portal):
    state = site_state(portal, KEY, ChallengeState)
    if state is None:  # requests never write it: the capability's install makes it
        raise LookupError("nguon.feedback.challenge.install(portal) has not run")
    return state


def rotate(portal, now=None):
    """A new secret; challenges signed with the current one stay valid until they expire.
    Run it on the stopped site with ``zconsole run`` (docs/feedback.md, «Abuse limits») when
    the secret may have leaked: nothing else needs to change."""
    now = time.time() if now is None else now
    state = install(portal)
    state.previous, state.previous_until = state.secret, now + EXPIRY
    state.secret = secrets.token_bytes(32)


def _keys(secret):
    """The challenge's signing key and the derived key's signing key, from one secret."""
    return tuple(
        hmac.new(secret, label, hashlib.sha256).hexdigest()
        for label in (b"nguon.feedback.challenge", b"nguon.feedback.derived-key")
    )


def challenge(portal, request, now=None, attempts=BASE_ATTEMPTS, throttle=THROTTLE):
    """The JSON for the widget (``{"parameters": …, "signature": …}``): a challenge whose
    work is ``attempts`` times the request's address's factor (tests ask for less)."""
    now = time.time() if now is None else now
    most = attempts * throttle.work(client_address(request))
    signing, key_signing = _keys(_state(portal).secret)
    made = create_challenge(
        ALGORITHM,
        COST,
        counter=most // 2 + secrets.randbelow(most - most // 2 + 1),
        expires_at=int(now + EXPIRY),
        hmac_secret=signing,
        hmac_key_secret=key_signing,
    )
    return made.to_dict()


def verify(portal, payload, now=None):
    """True when ``payload`` (the widget's base64 text) solves an unexpired challenge of this
    site not used before, which it marks as used; else ``ChallengeRefused`` says why."""
    now = time.time() if now is None else now
    try:
        parsed = Payload.from_base64(payload)
        expires = parsed.challenge.parameters.expires_at
        nonce = parsed.challenge.parameters.nonce
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ChallengeRefused(
            _(
                "feedback_challenge_missing",
                default="Chưa có xác minh chống thư rác. Vui lòng chờ ô xác minh hoàn tất rồi gửi lại.",
            )
        ) from None
    if not isinstance(expires, int) or expires <= now:
        raise ChallengeRefused(
            _(
                "feedback_challenge_expired",
                default="Xác minh chống thư rác đã hết hạn. Vui lòng xác minh lại rồi gửi; nội dung bạn viết vẫn được giữ.",
            )
        )
    state = _state(portal)
    secrets_in_force = [state.secret]
    if state.previous is not None and now < state.previous_until:
        secrets_in_force.append(state.previous)
    if not any(_solves(parsed, secret) for secret in secrets_in_force):
        raise ChallengeRefused(
            _(
                "feedback_challenge_invalid",
                default="Xác minh chống thư rác không hợp lệ. Vui lòng xác minh lại rồi gửi; nội dung bạn viết vẫn được giữ.",
            )
        )
    if not isinstance(nonce, str) or nonce in state.used:
        raise ChallengeRefused(
            _(
                "feedback_challenge_used",
                default="Xác minh chống thư rác này đã được dùng. Mỗi lần gửi cần một lần xác minh mới.",
            )
        )
    _prune(state.used, now)
    state.used[nonce] = expires
    return True


def _solves(parsed, secret):
    signing, key_signing = _keys(secret)
    return verify_solution(parsed, signing, hmac_key_secret=key_signing).verified


def _prune(used, now):
    """Forget the expired among ``PRUNE`` challenges read from a random place in the tree
    (going on from its start at its end): each one remembered forgets up to ``PRUNE``, so the
    tree holds little more than the challenges still in force."""
    start = secrets.token_hex(16)
    seen = list(used.items(min=start)[:PRUNE])
    seen += list(used.items()[: PRUNE - len(seen)])
    for nonce, expires in dict(seen).items():
        if expires <= now:
            del used[nonce]
