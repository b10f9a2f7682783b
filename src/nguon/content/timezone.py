"""The one local time of the system: every unit, station and board is in Vietnam.

Local times in the content (broadcast slots, quiet hours, document dates) are read in this
zone; the site's ``plone.portal_timezone`` and the instance's ``TZ`` are set from it.
Pure (no Zope), so Zope-free commands and the instance files may use it.
"""

from zoneinfo import ZoneInfo


TIMEZONE = "Asia/Ho_Chi_Minh"
LOCAL_ZONE = ZoneInfo(TIMEZONE)
