"""The outbox consumer that prepares the delivery audio of radio items after commit.

Radio items and bulletins published on the radio channel get their audio made once per
change of what it is made from: the uploaded recording, checked and loudness-normalised, or
the script (a bulletin's title, summary and text) read by the speech engine first. An alert's
audio is the attention tone followed by the warning in every language
(``nguon.radio.alert_audio``). Items are
prepared from the moment they are written, so the approvers can listen to what will air and
the editor learns at once that a recording is corrupt (the failure is kept on the item with
its message, and stays until the item changes).
"""

from Acquisition import aq_base
from nguon.content.alert import is_alert
from nguon.content.channels import on_radio
from nguon.content.rich_text import plain_text
from nguon.errors import UserError
from nguon.outbox.interfaces import IOutboxConsumer
from nguon.radio import alert_audio
from nguon.radio import audio
from nguon.radio import broadcast
from nguon.radio import prepared
from nguon.radio import tts
from pathlib import Path
from plone import api
from plone.app.textfield.interfaces import IRichTextValue
from zope.i18n import translate
from zope.interface import implementer

import hashlib
import logging
import tempfile


logger = logging.getLogger("nguon.radio")


def script_of(obj):
    """What the speech engine reads for an item without a recording."""
    script = getattr(aq_base(obj), "script", None)
    if script and script.strip():
        return script
    parts = [obj.Title(), obj.Description()]
    text = getattr(aq_base(obj), "text", None)
    if IRichTextValue.providedBy(text):
        parts.append(plain_text(text.raw))
    return ". ".join(part.strip() for part in parts if part and part.strip())


def recording_of(obj):
    recording = getattr(aq_base(obj), "audio", None)
    return (
        recording if recording is not None and getattr(recording, "size", 0) else None
    )


def source_digest(obj):
    if is_alert(obj):
        return alert_audio.source_digest(obj)
    recording = recording_of(obj)
    if recording is not None:
        return "audio:" + hashlib.sha256(recording.data).hexdigest()
    return "script:" + hashlib.sha256(script_of(obj).encode("utf-8")).hexdigest()


def source_of(obj, folder):
    """Write what the item's delivery audio is made from into ``folder``; its path."""
    if is_alert(obj):
        return alert_audio.compose(obj, folder)
    recording = recording_of(obj)
    if recording is not None:
        source = folder / "recording"  # never the uploaded name: the content decides
        source.write_bytes(recording.data)
    else:
        source = folder / "speech.wav"
        tts.speak(script_of(obj), source)
    return source


def prepare_item(obj):
    """Make (or keep) the item's delivery audio; returns the prepared record or None."""
    digest = source_digest(obj)
    if prepared.source_digest_of(obj) == digest:
        return prepared.prepared(obj)
    with tempfile.TemporaryDirectory(prefix="nguon-audio-") as folder:
        folder = Path(folder)
        try:
            made = audio.prepare(source_of(obj, folder), folder / "delivery.mp3")
        except UserError as error:
            message = translate(error.message, target_language="vi")
            prepared.store_failure(obj, message, digest)
            logger.warning(
                "radio audio of %s refused: %s",
                "/".join(obj.getPhysicalPath()),
                message,
            )
            return None
        prepared.store(obj, made, digest)
    broadcast.audio_ready(api.portal.get(), obj)
    if obj.portal_type == "RadioItem":
        obj.duration = max(1, round(made.duration))
    return prepared.prepared(obj)


@implementer(IOutboxConsumer)
class RadioAudioConsumer:
    title = "Radio audio"
    batch_size = (
        4  # a few seconds of ffmpeg per round: search and feeds get their turn between
    )

    def active(self, portal):
        return True

    def wants(self, obj):
        return on_radio(obj)

    def deliver(self, portal, uids):
        brains = {
            brain.UID: brain
            for brain in portal.portal_catalog.unrestrictedSearchResults(UID=list(uids))
        }
        refused = {}
        for uid in uids:
            brain = brains.get(uid)
            obj = brain._unrestrictedGetObject() if brain is not None else None
            if obj is None or not on_radio(obj):
                continue
            try:
                prepare_item(obj)
            except (
                Exception
            ) as error:  # a tool missing or crashing: offered again later
                logger.exception("cannot prepare the radio audio of %s", uid)
                refused[uid] = f"{error.__class__.__name__}: {error}"
        return refused
