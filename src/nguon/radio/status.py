"""Under a radio item's title, for the officials who see it: the audio that will air
(a player, its duration and loudness) or why it cannot air. ``@@radio-audio`` serves that
audio (streamed) to anyone who may view the item."""

from nguon.content.channels import on_radio
from nguon.radio import prepared
from nguon.radio.browser import stream
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five import BrowserView


class RadioAudioViewlet(ViewletBase):
    def update(self):
        super().update()
        self.record = (
            prepared.prepared(self.context) if on_radio(self.context) else None
        )
        self.error = prepared.failure(self.context) if on_radio(self.context) else None

    def available(self):
        # Officials who are logged in (editors, approvers, operators): citizens hear it on air.
        return on_radio(self.context) and not api.user.is_anonymous()

    def waiting(self):
        return self.record is None and not self.error

    def duration(self):
        seconds = round(self.record["duration"])
        return f"{seconds // 60}:{seconds % 60:02d}"

    def loudness(self):
        return f"{self.record['loudness']:.1f}"


class RadioAudio(BrowserView):
    def __call__(self):
        record = prepared.prepared(self.context)
        if record is None:
            self.request.response.setStatus(404)
            return b""
        return stream(self.context, self.request, record["file"], "private, no-cache")
