"""What every way in checks before a citizen's report is filed, whatever carried it (the REST
service ``@feedback``, Open311's ``POST requests``): the contact's limit, the number of
photos and each photo cleaned (``privacy.clean_photo``), then ``lifecycle.file_report``. A refused photo does not count against the contact's limit.

The proof of work (``challenge.verify``) or the application's key is checked by the face
before, because it is what keeps the costly part (decoding photos) away from a flood.
"""

from nguon.feedback import privacy
from nguon.feedback.lifecycle import file_report
from nguon.feedback.throttle import THROTTLE


def file_checked(
    category,
    place,
    text,
    address="",
    point=None,
    photos=(),
    contact=None,
    throttle=THROTTLE,
    now=None,
):
    """File a report from what a client sent: ``photos`` as ``(data, filename)`` pairs,
    ``contact`` ``{"kind", "value"}`` or None. Returns ``(report, code)``; raises
    ``throttle.Throttled`` (the contact sent too many), ``validation.Refused`` (a photo) or
    ``UserError`` (anything else the lifecycle refuses), having filed nothing."""
    privacy.check_photo_count(len(photos))
    cleaned = [
        privacy.clean_photo(data, filename, number)
        for number, (data, filename) in enumerate(photos, start=1)
    ]
    throttle.admit((contact or {}).get("value"))
    return file_report(
        category,
        place,
        text,
        address=address,
        point=point,
        photos=cleaned,
        contact=contact,
        now=now,
    )
