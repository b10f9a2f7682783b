"""A radio station's credential (``nguon.devices``), sent as the ``X-Station-Token`` header."""
from nguon.devices import authenticated
from nguon.devices import issue  # noqa: F401  (the station API issues through here)
from nguon.devices import issued  # noqa: F401
from nguon.devices import valid  # noqa: F401


HEADER = "X-Station-Token"


def authenticated_station(request):
    """The station whose valid token the request carries, or None."""
    return authenticated(request.getHeader(HEADER), "RadioStation")
