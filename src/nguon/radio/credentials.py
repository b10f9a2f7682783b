"""How a radio station proves which station it is: its token (``nguon.devices.credentials``)
in the ``X-Station-Token`` header."""

from nguon.devices.credentials import from_request


PORTAL_TYPE = "RadioStation"
HEADER = "X-Station-Token"


def authenticated_station(request):
    """The station whose valid token the request carries, or None."""
    return from_request(request, PORTAL_TYPE, HEADER)
