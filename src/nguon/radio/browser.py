"""``@@station-audio/<item uid>``: the delivery audio of an item in the calling station's
schedule, for the station's token only (audio is not JSON, so this is a view, not a REST
service). Audio is streamed from its blob (``Range`` requests answered with ``206``), never
read whole into the server's memory."""

from nguon import _
from nguon.devices.services import view_error
from nguon.radio import credentials
from nguon.radio import prepared
from nguon.radio import schedule
from nguon.traversal import OneName
from plone import api
from plone.namedfile.browser import Download
from plone.namedfile.utils import stream_data
from Products.Five import BrowserView


class StationAudio(OneName, BrowserView):
    def __call__(self):
        response = self.request.response
        station = credentials.authenticated_station(self.request)
        if station is None:
            return view_error(
                self.request,
                401,
                _(
                    "station_error_token",
                    default="Thiếu hoặc sai mã xác thực của đài (X-Station-Token).",
                ),
            )
        found, _waiting = schedule.candidates(api.portal.get(), station)
        if self.traversed not in {candidate.uid for candidate in found}:
            return view_error(
                self.request,
                404,
                _(
                    "station_error_audio",
                    default="Tin này không có trong lịch phát của đài.",
                ),
            )
        brain = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            UID=self.traversed
        )[0]
        record = prepared.prepared(brain._unrestrictedGetObject())
        response.setHeader("ETag", f'"{record["sha256"]}"')
        return stream(
            self.context,
            self.request,
            record["file"],
            "private, max-age=86400, immutable",
        )


def stream(context, request, blob_file, cache_control):
    """``blob_file`` (a ``NamedBlobFile`` of MP3) as the answer: streamed from the blob, a
    single ``Range`` answered as plone.namedfile's download view does."""
    response = request.response
    response.setHeader("Content-Type", "audio/mpeg")
    response.setHeader("Content-Length", str(blob_file.getSize()))
    response.setHeader("Accept-Ranges", "bytes")
    response.setHeader("Cache-Control", cache_control)
    return stream_data(
        blob_file, **Download(context, request).handle_request_range(blob_file)
    )
