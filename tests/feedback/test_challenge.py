"""The public forms' proof of work (nguon.feedback.challenge): challenges signed with the
site's own secret, solved by the ALTCHA library's solver as the widget would, refused when
tampered with, expired or used twice; the work asked of an address rises with its flood, and
an honest report from the same address in the middle of the flood is still accepted."""

from Acquisition import aq_base
from argparse import Namespace
from BTrees.OOBTree import OOBTree
from nguon.feedback import challenge as pow
from nguon.feedback import cli
from nguon.feedback import throttle
from nguon.feedback.challenge import ChallengeRefused
from nguon.feedback.throttle import Throttle
from pathlib import Path
from Testing.makerequest import makerequest
from tests.feedback.altcha_solver import counter
from tests.feedback.altcha_solver import solve
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate
from ZPublisher import HTTPRequest

import base64
import json
import pytest
import subprocess
import time


WIDGET_SOLVER = Path(__file__).with_name("altcha_widget_solve.mjs")
ATTEMPTS = 4  # the base work for these tests (production asks for pow.BASE_ATTEMPTS)
VILLAGE = "203.113.1.1"  # one mobile carrier's address, shared by a whole village


@pytest.fixture
def site(integration):
    portal = integration["portal"]
    pow.install(portal)
    return portal


def request_from(app, address, **environ):
    environ = {"REMOTE_ADDR": address, "SERVER_NAME": "nguon.test", **environ}
    return makerequest(aq_base(app), environ=environ).REQUEST


def issue(site, address="198.51.100.7", counts=None, **options):
    counts = counts or Throttle()
    return pow.challenge(
        site,
        request_from(site.aq_parent, address),
        attempts=ATTEMPTS,
        throttle=counts,
        **options,
    )


def refusal(error):
    return translate(error.value.message, target_language="vi")


def tampered(payload, change):
    data = json.loads(base64.b64decode(payload))
    change(data)
    return base64.b64encode(json.dumps(data).encode()).decode()


def test_install_keeps_a_random_secret_in_the_site(integration):
    portal = integration["portal"]
    state = IAnnotations(portal)[pow.KEY]  # made by the profile's install
    assert pow.install(portal) is state  # idempotent
    assert len(state.secret) == 32
    assert isinstance(state.used, OOBTree)


def test_a_solved_challenge_is_accepted(site):
    made = issue(site)
    assert made["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert made["parameters"]["expiresAt"] <= time.time() + pow.EXPIRY
    assert pow.verify(site, solve(made)) is True


def test_the_widgets_own_solver_is_accepted(site, tmp_path):
    """The widget's library (npm altcha 3, WebCrypto PBKDF2) solves the site's challenge at
    the production work, and the site accepts its payload: both speak ALTCHA v2."""
    made = pow.challenge(site, request_from(site.aq_parent, "192.0.2.77"))
    (tmp_path / "challenge.json").write_text(json.dumps(made))
    solved = subprocess.run(
        ["node", str(WIDGET_SOLVER), str(tmp_path / "challenge.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert pow.verify(site, solved.stdout)


def test_production_work_is_not_what_the_tests_ask(site):
    payload = solve(pow.challenge(site, request_from(site.aq_parent, "192.0.2.1")))
    assert pow.BASE_ATTEMPTS // 2 <= counter(payload) <= pow.BASE_ATTEMPTS
    assert pow.verify(site, payload)


@pytest.mark.parametrize(
    "change",
    [
        # the easiest work: a prefix any key has
        lambda data: data["challenge"]["parameters"].update(keyPrefix=""),
        # more time to replay it
        lambda data: data["challenge"]["parameters"].update(
            expiresAt=data["challenge"]["parameters"]["expiresAt"] + 86400
        ),
        # a solution guessed, not found
        lambda data: data["solution"].update(derivedKey="00" * 32),
        # a challenge of its own, unsigned
        lambda data: data["challenge"].pop("signature"),
    ],
    ids=["prefix", "expiry", "solution", "unsigned"],
)
def test_a_tampered_payload_is_refused(site, change):
    payload = tampered(solve(issue(site)), change)
    with pytest.raises(ChallengeRefused) as refused:
        pow.verify(site, payload)
    assert "không hợp lệ" in refusal(refused)


def test_another_sites_challenge_is_refused(site):
    made = issue(site)
    pow.rotate(site)
    pow.rotate(site)  # the secret that signed it is gone
    with pytest.raises(ChallengeRefused):
        pow.verify(site, solve(made))


@pytest.mark.parametrize("payload", [None, "", "not base64!", "e30=", "W10="])
def test_no_payload_or_garbage_is_refused(site, payload):
    with pytest.raises(ChallengeRefused) as refused:
        pow.verify(site, payload)
    assert "Chưa có xác minh" in refusal(refused)


def test_an_expired_challenge_is_refused(site):
    payload = solve(issue(site))
    with pytest.raises(ChallengeRefused) as refused:
        pow.verify(site, payload, now=time.time() + pow.EXPIRY + 1)
    assert "hết hạn" in refusal(refused)


def test_a_replayed_payload_is_refused(site):
    payload = solve(issue(site))
    assert pow.verify(site, payload)
    with pytest.raises(ChallengeRefused) as refused:
        pow.verify(site, payload)
    assert "đã được dùng" in refusal(refused)


def test_rotation_keeps_challenges_in_flight_until_they_expire(site):
    before = solve(issue(site))
    late = solve(issue(site))
    pow.rotate(site)
    assert pow.verify(site, before)
    assert pow.verify(site, solve(issue(site)))  # signed with the new secret
    with pytest.raises(ChallengeRefused):
        pow.verify(site, late, now=time.time() + pow.EXPIRY + 1)


def test_the_command_rotates_the_secret_on_a_stopped_site(site, capsys, monkeypatch):
    monkeypatch.setattr(cli.transaction, "commit", lambda: None)  # the layer aborts
    before = solve(issue(site))
    secret = IAnnotations(site)[pow.KEY].secret
    cli.rotate_challenge(site, Namespace())
    assert IAnnotations(site)[pow.KEY].secret != secret
    assert "10 phút" in capsys.readouterr().out
    assert pow.verify(site, before)  # handed out before: still good until it expires


def test_used_challenges_are_forgotten_once_expired(site):
    used = IAnnotations(site)[pow.KEY].used
    for i in range(100):
        used[f"{i:032x}"] = 1  # expired long ago
    pow.verify(site, solve(issue(site)))
    assert len(used) == 100 + 1 - pow.PRUNE
    for _ in range(20):
        pow.verify(site, solve(issue(site)))
    assert len(used) < 100


def test_a_flooding_address_works_more_a_quiet_one_does_not(site):
    counts = Throttle()
    flood = [issue(site, VILLAGE, counts) for _ in range(throttle.ADDRESS_SOFT * 3)]
    heavy = solve(issue(site, VILLAGE, counts))
    quiet = solve(issue(site, "198.51.100.9", counts))
    assert counter(heavy) >= ATTEMPTS * 32 // 2  # the 61st challenge in ten minutes
    assert counter(quiet) <= ATTEMPTS
    assert pow.verify(site, heavy) and pow.verify(site, quiet)
    assert len(flood) == throttle.ADDRESS_SOFT * 3


def test_a_burst_is_slowed_and_the_honest_report_inside_it_is_accepted(site):
    """A spammer and a citizen share the village's address: the spammer's reports cost more
    and more work; the citizen's challenge, asked for in the middle, costs as much as the
    spammer's at that moment, and once solved it is accepted."""
    counts = Throttle()
    work, honest = [], None
    for sent in range(60):
        if sent == 35:
            honest = solve(issue(site, VILLAGE, counts))
        payload = solve(issue(site, VILLAGE, counts))
        work.append(counter(payload))
        assert pow.verify(site, payload)
        with pytest.raises(ChallengeRefused):
            pow.verify(site, payload)  # each challenge once
    assert max(work[: throttle.ADDRESS_SOFT]) <= ATTEMPTS
    assert min(work[-10:]) >= ATTEMPTS * 16 // 2
    assert pow.verify(site, honest)


def test_the_address_is_the_client_not_an_untrusted_proxy(site, monkeypatch):
    app = site.aq_parent
    forged = request_from(app, "192.0.2.50", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert throttle.client_address(forged) == "192.0.2.50"
    monkeypatch.setattr(HTTPRequest, "trusted_proxies", ("127.0.0.1",))
    proxied = request_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert throttle.client_address(proxied) == "198.51.100.3"
    # a client that writes its own header first: the proxy appends the real address
    forged = request_from(
        app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.3"
    )
    assert throttle.client_address(forged) == "198.51.100.3"


def test_the_widget_is_served_by_the_site(site):
    """Built by make altcha from vendor/altcha: no CDN."""
    for name in ("altcha.min.js", "altcha-vi.js"):
        resource = site.restrictedTraverse(f"++resource++nguon-feedback/{name}")
        assert "altcha" in resource.GET().decode()
