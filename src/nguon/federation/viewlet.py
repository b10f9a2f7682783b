"""Under a received item's title: where it came from (its provenance)."""

from datetime import datetime
from nguon import _
from nguon.content.timezone import TIMEZONE
from nguon.federation import provenance
from plone.app.layout.viewlets import ViewletBase
from zoneinfo import ZoneInfo
from zope.i18n import translate

import html


class ProvenanceViewlet(ViewletBase):
    def update(self):
        super().update()
        self.data = provenance.get(self.context)

    def render(self):
        data = self.data
        if not data:
            return ""
        unit = (data.get("unit") or {}).get("title") or data.get("site")
        received = datetime.fromtimestamp(data.get("received") or 0, ZoneInfo(TIMEZONE))
        said = translate(
            _(
                "federation_provenance",
                default="Tin nhận từ ${unit} (${site}), ngày ${date}.",
                mapping={
                    "unit": unit,
                    "site": data.get("site"),
                    "date": received.strftime("%d/%m/%Y %H:%M"),
                },
            ),
            context=self.request,
        )
        parts = [f'<div class="nguon-provenance"><p>{html.escape(said)}']
        if data.get("url"):
            original = translate(
                _("federation_provenance_original", default="Bản gốc"),
                context=self.request,
            )
            parts.append(
                f' <a href="{html.escape(data["url"], quote=True)}" rel="noopener">'
                f"{html.escape(original)}</a>"
            )
        parts.append("</p>")
        if data.get("approvers"):
            label = translate(
                _("federation_provenance_approvers", default="Người duyệt ở nơi gửi:"),
                context=self.request,
            )
            names = ", ".join(
                " ".join(
                    part
                    for part in (approver.get("name"), f"({approver.get('unit')})")
                    if part
                )
                for approver in data["approvers"]
                if isinstance(approver, dict)
            )
            parts.append(f"<p>{html.escape(label)} {html.escape(names)}</p>")
        if data.get("retracted"):
            retracted = translate(
                _(
                    "federation_provenance_retracted",
                    default="Nơi gửi đã thu hồi tin này.",
                ),
                context=self.request,
            )
            parts.append(f"<p>{html.escape(retracted)}</p>")
        parts.append("</div>")
        return "".join(parts)
