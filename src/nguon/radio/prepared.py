"""The delivery audio of a radio item: prepared after commit by the ``radio-audio`` outbox
consumer, kept beside the item (an annotation holding a blob), with its duration, loudness
and checksum, and the digest of what it was made from (so an unchanged item is not prepared
again). A failure is kept too, with its message, for the editor to see."""

from persistent.mapping import PersistentMapping
from plone.namedfile.file import NamedBlobFile
from zope.annotation.interfaces import IAnnotations


KEY = "nguon.radio.prepared"


def prepared(item):
    record = IAnnotations(item).get(KEY)
    return record if record and record.get("file") is not None else None


def failure(item):
    record = IAnnotations(item).get(KEY)
    return record.get("error") if record else None


def store(item, audio, source_digest):
    IAnnotations(item)[KEY] = PersistentMapping(
        file=NamedBlobFile(
            audio.path.read_bytes(),
            contentType="audio/mpeg",
            filename=f"{item.getId()}.mp3",
        ),
        duration=audio.duration,
        loudness=audio.loudness,
        sha256=audio.sha256,
        size=audio.size,
        source=source_digest,
        error=None,
    )


def store_failure(item, message, source_digest):
    IAnnotations(item)[KEY] = PersistentMapping(
        file=None, error=message, source=source_digest
    )


def source_digest_of(item):
    record = IAnnotations(item).get(KEY)
    return record.get("source") if record else None
