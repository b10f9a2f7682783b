"""The radio item (tin phát thanh): a recording, or a script read out by text-to-speech."""

from nguon import _
from nguon.content.distribution import IDistributed
from nguon.content.validation import AUDIO_MAX_MB
from nguon.content.validation import check_any
from nguon.content.validation import check_audio
from nguon.content.validation import file_constraint
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


class IRadioItem(IDistributed):
    """Title and effective dates come from behaviors."""

    audio = NamedBlobFile(
        title=_("label_audio", default="Tệp âm thanh"),
        description=_(
            "help_audio",
            default="MP3, WAV, OGG, M4A hoặc FLAC, tối đa ${limit} MB.",
            mapping={"limit": AUDIO_MAX_MB},
        ),
        required=False,
        constraint=file_constraint(check_audio),
    )

    script = schema.Text(
        title=_("label_script", default="Kịch bản đọc"),
        description=_(
            "help_script",
            default="Văn bản được đọc bằng giọng nói tổng hợp khi không có tệp âm thanh.",
        ),
        required=False,
    )

    duration = schema.Int(
        title=_("label_duration", default="Thời lượng (giây)"),
        description=_(
            "help_duration", default="Hệ thống phát thanh điền sau khi xử lý âm thanh."
        ),
        required=False,
        min=1,
    )

    @invariant
    def audio_or_script(data):
        check_any(
            (data.audio, data.script),
            _(
                "error_radio_needs_audio_or_script",
                default="Cần tải lên tệp âm thanh hoặc nhập kịch bản để đọc.",
            ),
        )


@implementer(IRadioItem)
class RadioItem(Item):
    """An item for the commune radio stations."""
