"""Points on the Earth for the units: what a latitude and longitude may be, and how far apart
two points are (the great-circle distance, on a sphere of the Earth's mean radius).

A sphere is within 0.5 % of the ellipsoid's geodesic: a commune 10 km away is said to be
between 9.95 and 10.05 km, which is enough to rank the nearest communes.
"""

import math


EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)


def distance_km(lat1, lon1, lat2, lon2):
    """The great-circle distance between two points in degrees (haversine), in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def coordinate(value, bounds):
    """``value`` as a float within ``bounds``, or None when it is not one (text that is not
    a number, NaN, infinity, out of range)."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not bounds[0] <= number <= bounds[1]:
        return None
    return number


def point(latitude, longitude):
    """``(latitude, longitude)`` as floats, or None when either is not a valid coordinate."""
    lat, lon = coordinate(latitude, LATITUDE), coordinate(longitude, LONGITUDE)
    if lat is None or lon is None:
        return None
    return lat, lon
