"""Solve an ALTCHA challenge as the browser's widget does, with the Python library's solver:
for the integration tests of the forms and services (the Chromium tests use the real widget)."""

from altcha import Challenge
from altcha import Payload
from altcha import solve_challenge

import json


def solve(challenge_json):
    """The payload the widget would send (base64 text) for ``challenge_json``: the JSON text
    or the dict that ``nguon.feedback.challenge.challenge`` gives."""
    if isinstance(challenge_json, str | bytes):
        challenge_json = json.loads(challenge_json)
    challenge = Challenge.from_dict(challenge_json)
    solution = solve_challenge(challenge, timeout=600)
    assert solution is not None, "the challenge was not solved"
    return Payload(challenge, solution).to_base64()


def counter(payload):
    """The counter a payload's solution found: the work its challenge asked for."""
    return Payload.from_base64(payload).solution.counter
