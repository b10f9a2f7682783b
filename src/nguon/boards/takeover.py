"""What a board shows of an emergency when it takes the board over, as data.

One shape serves every way a board learns of an emergency:

- the broadcast (``nguon.devices.broadcast``): ``CHANNEL`` is the named utility "board" of
  ``IBroadcastChannel``; its ``entry(item)`` is what a kiosk needs to show the takeover at
  once, without asking the site (it renders it itself);
- the playlist (``nguon.boards.playlist``): an alert's slides carry the same entry, the
  kiosk renders them the same way, and ``@@board-slide`` renders them as images
  (``render.takeover``) for boards that only take images.

An entry is plain JSON without floats (a browser verifying the signature cannot tell 5.0 from
5, ``docs/boards.md``)::

    {"uid", "kind": "alert" | "emergency", "test": bool,
     "severity": "Extreme" | … | None, "severity_title": "Đặc biệt nguy hiểm",
     "colours": {"background": "#800000", "text": "#ffffff"},
     "event", "headline", "instruction", "area",
     "expires": ISO 8601 | None, "until": "Hiệu lực đến 17:00 25/11",
     "identifier", "sender", "references": ["sender,identifier,sent", …],
     "languages": [{"language", "name", "event", "headline", "instruction"}, …],  # vi first
     "modified": epoch seconds (int)}
"""

from Acquisition import aq_base
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.boards import render
from nguon.content import alert
from nguon.content.timezone import LOCAL_ZONE
from nguon.devices.interfaces import IBroadcastChannel
from nguon.publication.entries import expiry_time
from nguon.publication.entries import plain_text
from nguon.publication.targeting import reach
from nguon.units.tree import find_unit
from nguon.units.tree import item_unit
from zope.i18n import translate
from zope.interface import implementer


LANGUAGE_NAMES = {tag: title for tag, title, _spoken in alert.LANGUAGES}
SEVERITY_TITLES = dict(alert.SEVERITIES)


def _vi(message):
    return translate(message, target_language="vi")


def hex_colour(rgb):
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def colours(severity):
    """The fixed pair of a severity (an emergency that is no alert: the emergency red)."""
    if severity in render.SEVERITY_PALETTES:
        background, text = render.SEVERITY_PALETTES[severity]
    else:
        background, text, _accent = render.PALETTES["emergency"]
    return {"background": hex_colour(background), "text": hex_colour(text)}


def until(expires):
    """ "Hiệu lực đến HH:MM dd/mm" in local time ("" without an end)."""
    if expires is None:
        return ""
    moment = expires.astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m")
    return _vi(
        _(
            "board_takeover_until",
            default="Hiệu lực đến ${time}",
            mapping={"time": moment},
        )
    )


def _area(item):
    """The alert's area as written, else the names of the units it reaches."""
    written = getattr(aq_base(item), "area_description", None)
    if written:
        return written
    names = [find_unit(code) for code, _below in reach(item)]
    names = [unit.Title() for unit in names if unit is not None]
    if names:
        return ", ".join(names)
    unit = item_unit(item)
    return unit.Title() if unit is not None else ""


def _alert_entry(item):
    infos = alert.infos(item)
    severity = getattr(item, "severity", None) or "Unknown"
    expires = alert.expires_at(item)
    return {
        "kind": "alert",
        "test": not alert.is_public(item),
        "severity": severity,
        "severity_title": _vi(SEVERITY_TITLES.get(severity, severity)),
        "colours": colours(severity),
        "event": infos[0].event,
        "headline": infos[0].headline,
        "instruction": infos[0].instruction,
        "area": _area(item),
        "expires": expires.astimezone(UTC).isoformat(timespec="seconds"),
        "until": until(expires),
        "identifier": getattr(item, "identifier", "") or "",
        "sender": alert.sender_of(item),
        "references": list(getattr(item, "references", None) or []),
        "languages": [
            {
                "language": info.language,
                "name": _vi(LANGUAGE_NAMES.get(info.language, "Tiếng Việt")),
                "event": info.event,
                "headline": info.headline,
                "instruction": info.instruction,
            }
            for info in infos
        ],
    }


def _emergency_entry(item):
    """Another emergency item (a board notice, a bulletin): its title and text."""
    seconds = expiry_time(item)
    expires = datetime.fromtimestamp(seconds, UTC) if seconds else None
    text = plain_text(item) or item.Description()
    return {
        "kind": "emergency",
        "test": False,
        "severity": None,
        "severity_title": render.EMERGENCY_LABEL.capitalize(),
        "colours": colours(None),
        "event": "",
        "headline": item.Title(),
        "instruction": text,
        "area": _area(item),
        "expires": expires.isoformat(timespec="seconds") if expires else None,
        "until": until(expires),
        "identifier": "",
        "sender": "",
        "references": [],
        "languages": [
            {
                "language": alert.VIETNAMESE,
                "name": "Tiếng Việt",
                "event": "",
                "headline": item.Title(),
                "instruction": text,
            }
        ],
    }


def entry(item, now=None):
    """The takeover of ``item`` (an emergency on the board channel); None for an alert no
    longer in force."""
    if alert.is_alert(item):
        if not alert.in_force(item, now):
            return None
        found = _alert_entry(item)
    else:
        found = _emergency_entry(item)
    return {
        "uid": item.UID(),
        **found,
        "modified": int(item.modified().timeTime()),
    }


def band(found, language):
    """The takeover's top line in ``language``: the severity, then the event."""
    event = language.get("event") or ""
    title = found["severity_title"].upper()
    return f"{title} · {event}" if event else title


def footer(found):
    """The last line: until when, then where (what gives way when the line is too long)."""
    return " · ".join(part for part in (found["until"], found["area"]) if part)


def palette(found):
    def rgb(value):
        return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))

    return rgb(found["colours"]["background"]), rgb(found["colours"]["text"])


def language_of(found, tag):
    """The entry's language ``tag`` (its first, Vietnamese, when it has no such one)."""
    languages = found["languages"]
    return next((lang for lang in languages if lang["language"] == tag), languages[0])


def superseded(entries):
    """The UIDs of alerts that another of ``entries`` updates (its ``references`` name
    their sender and identifier): an Update replaces what it refers to."""
    referred = {
        tuple(reference.split(",")[:2])
        for found in entries
        for reference in found.get("references") or ()
    }
    return {
        found["uid"]
        for found in entries
        if found["kind"] == "alert"
        and (found["sender"], found["identifier"]) in referred
    }


@implementer(IBroadcastChannel)
class BoardChannel:
    """The board channel of the broadcast (``IBroadcastChannel``, registered as "board")."""

    name = "board"

    def entry(self, item):
        return entry(item)


CHANNEL = BoardChannel()
