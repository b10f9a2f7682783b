"""``@@units-controlpanel``: re-sync units from the official list, and merge units."""

from nguon import _
from nguon.units import official
from nguon.units.importer import sync_provinces
from nguon.units.merge import merge_units
from nguon.units.merge import MergeError
from nguon.units.tree import find_unit
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView


class UnitsControlPanel(BrowserView):
    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            if "sync" in form:
                self.sync(form.get("provinces", []))
            elif "merge" in form:
                self.merge(
                    form.get("source", "").strip(), form.get("target", "").strip()
                )
            self.request.response.redirect(
                f"{self.context.absolute_url()}/@@units-controlpanel"
            )
            return ""
        return self.index()

    def data_version(self):
        return official.data_version()

    def provinces(self):
        """Every official province, with how many of its communes the site has."""
        for code, province in sorted(official.provinces().items()):
            here = find_unit(code)
            present = (
                len(
                    api.content.find(
                        context=here,
                        portal_type="AdministrativeUnit",
                        unit_level="commune",
                    )
                )
                if here
                else 0
            )
            yield {
                "code": code,
                "title": province.title,
                "official": len(province.children),
                "present": present,
            }

    def sync(self, codes):
        codes = [codes] if isinstance(codes, str) else list(codes)
        if not codes:
            api.portal.show_message(
                _("msg_sync_nothing", default="Chưa chọn tỉnh, thành phố nào."),
                request=self.request,
                type="warning",
            )
            return
        counts = sync_provinces(api.portal.get(), codes)
        api.portal.show_message(
            _(
                "msg_sync_done",
                default="Đã đồng bộ: tạo mới ${created}, cập nhật ${updated}, giữ nguyên ${unchanged}.",
                mapping=dict(counts),
            ),
            request=self.request,
        )

    def merge(self, source_code, target_code):
        source, target = find_unit(source_code), find_unit(target_code)
        if source is None or target is None:
            missing = source_code if source is None else target_code
            api.portal.show_message(
                _(
                    "msg_merge_unknown",
                    default="Không có đơn vị mã «${code}».",
                    mapping={"code": missing},
                ),
                request=self.request,
                type="error",
            )
            return
        title = source.Title()
        try:
            moved = merge_units(source, target)
        except MergeError as error:
            api.portal.show_message(
                error.translated(self.request), request=self.request, type="error"
            )
            return
        api.portal.show_message(
            _(
                "msg_merge_done",
                default="Đã sáp nhập «${source}» vào «${target}» (${moved} mục chuyển sang).",
                mapping={"source": title, "target": target.Title(), "moved": moved},
            ),
            request=self.request,
        )
