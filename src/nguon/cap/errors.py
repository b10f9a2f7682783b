"""The one error of the CAP library: a message refused, with its reason in Vietnamese."""

from string import Template


class CapError(ValueError):
    """A CAP message that cannot be read, written, validated or trusted.

    ``reason`` is an ``_()`` message (msgid, Vietnamese default, mapping) for the user
    interface; ``code`` a stable ASCII word for logs and for mapping to a screen.
    ``str()`` gives the Vietnamese default with its mapping filled in.
    """

    def __init__(self, code, reason):
        self.code = code
        self.reason = reason
        super().__init__(render(reason))


def render(message):
    """The Vietnamese default of an ``_()`` message, with its mapping filled in."""
    default = getattr(message, "default", None) or str(message)
    mapping = getattr(message, "mapping", None) or {}
    return Template(default).safe_substitute({k: str(v) for k, v in mapping.items()})
