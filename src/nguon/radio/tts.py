"""Text to speech behind a small interface, espeak-ng's Vietnamese voice by default.

An engine is a named utility providing ``ISpeechEngine``; the registry record
``nguon.radio.tts_engine`` names the one in use (``espeak-ng`` unless a site installs a better
one). Every engine gets text already normalised for reading (``nguon.radio.speech``).

Alerts are read in other languages too (``speak(..., language=...)``): espeak-ng's voice of
each language in ``VOICES`` reads the text as written (the reading normalisation is
Vietnamese). A language without a voice here needs a recorded voice.
"""

from nguon import _
from nguon.content import confined
from nguon.errors import UserError
from nguon.radio import speech
from zope.interface import implementer
from zope.interface import Interface


# A script is read at about 15 characters a second: the longest one allowed takes an hour.
MAX_SCRIPT_CHARACTERS = 50_000
# espeak-ng writes 44 kB of WAV a second (22.05 kHz, 16 bits): an hour and some is 200 MB.
LIMITS = confined.Limits(
    memory_mb=512, cpu_seconds=600, wall_seconds=900, output_mb=200
)


VIETNAMESE = "vi-VN"
# espeak-ng's voice for each language an alert may add (RFC 5646 tags, as
# ``nguon.content.alert.LANGUAGES`` says which are spoken); Vietnamese is the configured engine.
VOICES = {"en-US": "en-us", "fr-FR": "fr-fr", "zh-CN": "cmn"}


class ISpeechEngine(Interface):
    def synthesise(text, wav_path):
        """Write ``text`` (normalised Vietnamese) read aloud to ``wav_path`` (WAV)."""


class SpeechError(UserError):
    """The script cannot be read aloud; the message says why."""


@implementer(ISpeechEngine)
class EspeakEngine:
    """espeak-ng from Debian's packages; its ``vi`` voice (Northern)."""

    def __init__(self, voice="vi", words_per_minute=150):
        self.voice = voice
        self.words_per_minute = words_per_minute

    def synthesise(self, text, wav_path):
        try:
            done = confined.run(
                [
                    "espeak-ng",
                    "-v",
                    self.voice,
                    "-s",
                    str(self.words_per_minute),
                    "-w",
                    str(wav_path),
                    "--stdin",
                ],
                LIMITS,
                text.encode("utf-8"),
            )
        except confined.LimitExceeded:
            raise SpeechError(
                _(
                    "tts_error_limits",
                    default="Bộ đọc văn bản vượt giới hạn xử lý (bộ nhớ hoặc thời "
                    "gian); hãy rút ngắn kịch bản.",
                )
            ) from None
        if done.returncode != 0:
            raise SpeechError(
                _(
                    "tts_error_engine",
                    default="Bộ đọc văn bản lỗi: ${message}",
                    mapping={"message": done.stderr.decode(errors="replace")[:200]},
                )
            )


ENGINES = {"espeak-ng": EspeakEngine}


def engine(name=None):
    from zope.component import queryUtility

    name = name or _configured_engine()
    found = queryUtility(ISpeechEngine, name=name)
    if found is not None:
        return found
    if name in ENGINES:
        return ENGINES[name]()
    raise SpeechError(
        _(
            "tts_error_unknown_engine",
            default="Không có bộ đọc văn bản «${name}».",
            mapping={"name": name},
        )
    )


def _configured_engine():
    try:
        from plone import api

        return (
            api.portal.get_registry_record("nguon.radio.tts_engine", default=None)
            or "espeak-ng"
        )
    except Exception:  # outside a site (commands, tests of the parts)
        return "espeak-ng"


def speak(script, wav_path, engine_name=None, language=VIETNAMESE):
    """Read ``script`` (in ``language``) aloud into ``wav_path``; a script with nothing to
    read is refused, and so is a language without a voice."""
    if language != VIETNAMESE and language not in VOICES:
        raise SpeechError(
            _(
                "tts_error_language",
                default="Chưa có giọng đọc tổng hợp cho ngôn ngữ «${language}».",
                mapping={"language": language},
            )
        )
    if len(script) > MAX_SCRIPT_CHARACTERS:
        raise SpeechError(
            _(
                "tts_error_too_long",
                default="Kịch bản đọc dài quá ${limit} ký tự; hãy rút ngắn hoặc tải "
                "lên bản ghi âm.",
                mapping={"limit": MAX_SCRIPT_CHARACTERS},
            )
        )
    text = speech.normalise(script) if language == VIETNAMESE else script
    if not speech.has_words(text):
        raise SpeechError(
            _(
                "tts_error_no_words",
                default="Kịch bản đọc không có chữ nào (chỉ có dấu câu hoặc khoảng trắng).",
            )
        )
    if language == VIETNAMESE:
        engine(engine_name).synthesise(text, wav_path)
    else:
        EspeakEngine(voice=VOICES[language]).synthesise(text, wav_path)
    return text
