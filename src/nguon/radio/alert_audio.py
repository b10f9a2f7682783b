"""What an alert sounds like on air: the attention tone, then the warning in every language.

The parts, in order: the two-tone attention signal (``audio.tone``), then for each ``<info>``
of the alert (``nguon.content.alert.infos``: Vietnamese first) its recorded voice where there
is one, otherwise its text read by the speech engine in that language. Each part is checked
and loudness-normalised alone (``audio.prepare``: a quiet recording is not drowned by the
tone), then the parts are joined with a short silence between them; the consumer prepares
the joined audio once more as the delivery file.

A language with neither a recorded voice nor a speech voice (Jrai, Bahnar, H'Mông… without
their recording) cannot be aired: the whole alert is refused with a message that names the
language, kept on the alert for its approvers to see (``prepared.store_failure``).
"""

from nguon import _
from nguon.content.alert import infos
from nguon.content.alert import LANGUAGES
from nguon.content.alert import VIETNAMESE
from nguon.errors import UserError
from nguon.radio import audio
from nguon.radio import tts
from zope.i18n import translate

import hashlib
import json


# Changes whenever what the tone is made of changes, so every alert's audio is made again.
TONE = {"frequencies": audio.ATTENTION_TONE, "seconds": audio.TONE_SECONDS}
TITLES = {VIETNAMESE: _("language_vi", default="Tiếng Việt")} | {
    tag: title for tag, title, _spoken in LANGUAGES
}


class AlertAudioError(UserError):
    """One language of the alert cannot be aired; the message names it and says why."""


def script(info):
    """What the speech engine reads for one ``Info``: the event (unless the headline says
    it already), the headline, the description and the instruction."""
    parts = [info.headline, info.description, info.instruction]
    if info.event and info.event.strip().lower() not in info.headline.lower():
        parts.insert(0, info.event)
    return ". ".join(
        part.strip().rstrip(".") for part in parts if part and part.strip()
    )


def source_digest(alert):
    """The digest of everything the audio is made from: the tone, and per language its
    recorded voice or its text. Any edit of any language makes the audio again."""
    made_of = [TONE]
    for info in infos(alert):
        voice = info.voice
        made_of.append(
            {
                "language": info.language,
                "voice": hashlib.sha256(voice.data).hexdigest() if voice else None,
                "script": None if voice else script(info),
            }
        )
    encoded = json.dumps(made_of, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return "alert:" + hashlib.sha256(encoded).hexdigest()


def _language(info):
    return translate(TITLES.get(info.language, info.language), target_language="vi")


def _part(info, number, folder):
    """The prepared audio of one language, in ``folder``."""
    if info.voice is None and not info.spoken:
        raise AlertAudioError(
            _(
                "alert_audio_no_voice",
                default="Bản «${language}» chưa có giọng đọc ghi âm, và chưa có giọng đọc "
                "tổng hợp cho tiếng này: hãy tải lên bản ghi âm để cảnh báo được phát "
                "trên loa.",
                mapping={"language": _language(info)},
            )
        )
    try:
        if info.voice is not None:
            source = folder / f"voice-{number}"  # never the uploaded name
            source.write_bytes(info.voice.data)
        else:
            source = folder / f"speech-{number}.wav"
            tts.speak(script(info), source, language=info.language)
        return audio.prepare(source, folder / f"part-{number}.mp3").path
    except UserError as error:
        raise AlertAudioError(
            _(
                "alert_audio_part",
                default="Bản «${language}»: ${error}",
                mapping={
                    "language": _language(info),
                    "error": translate(error.message, target_language="vi"),
                },
            )
        ) from error


def compose(alert, folder):
    """Write the alert's audio (tone, then every language) into ``folder``; its path (WAV).
    ``UserError`` (``AlertAudioError``, ``audio.AudioError``) when it cannot be aired."""
    tone = audio.prepare(audio.tone(folder / "tone.wav"), folder / "tone.mp3").path
    parts = [_part(info, number, folder) for number, info in enumerate(infos(alert))]
    return audio.join([tone, *parts], folder / "alert.wav")
