"""The target picker: the ``target_units`` field of the add and edit forms as a search by name.

The stored value stays the list of unit codes, in the field's own text area (one code a
line), so forms without JavaScript, plone.restapi and existing items are unchanged. With
JavaScript (``static/target-picker.js``), the text area is hidden and the editor types a
name, without diacritics if they like, and picks among the units ``@reachable-units``
offers: only those the reach rule lets an item of this unit and type target, each with its
level and, when choosing it makes the approval chain climb, the units that will approve.
"""

from Acquisition import aq_inner
from nguon import _
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.workflow.reachable import unit_info
from plone import api
from plone.app.z3cform.widgets.text import TextLinesWidget
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form.interfaces import DISPLAY_MODE
from z3c.form.interfaces import IFieldWidget
from z3c.form.interfaces import INPUT_MODE
from z3c.form.widget import FieldWidget
from zope.i18n import translate
from zope.interface import implementer


# What the script says, translated on the page (data attributes of the picker).
LABELS = {
    "remove": _("picker_remove", default="Bỏ"),
    "climbs": _("picker_climbs", default="Chọn đơn vị này, tin phải được duyệt đến:"),
    "none": _("picker_none", default="Không có đơn vị nào bạn gửi được mang tên này."),
    "found": _("picker_found", default="đơn vị tìm thấy"),
    "error": _("picker_error", default="Không tải được danh sách đơn vị, hãy thử lại."),
    "scope": _(
        "picker_scope_changed",
        default="Phạm vi được đổi thành «các đơn vị trực thuộc được chọn».",
    ),
    "chosen": _("picker_chosen", default="Đơn vị đã chọn"),
}


class TargetUnitsWidget(TextLinesWidget):
    picker = ViewPageTemplateFile("templates/target_picker.pt")
    display = ViewPageTemplateFile("templates/target_units_display.pt")

    def _form_context(self):
        form = self.form
        return aq_inner(getattr(form, "context", None) or self.context)

    def service_url(self):
        """``@reachable-units`` where the form is: the container unit (add) or the item."""
        return f"{self._form_context().absolute_url()}/@reachable-units"

    def portal_type(self):
        """The type being added or edited."""
        for form in (self.form, getattr(self.form, "parentForm", None)):
            portal_type = getattr(form, "portal_type", None)
            if portal_type in DISTRIBUTED_TYPES:
                return portal_type
        return getattr(self._form_context(), "portal_type", "")

    def portal_url(self):
        return api.portal.get().absolute_url()

    def labels(self):
        return {
            name: translate(message, context=self.request)
            for name, message in LABELS.items()
        }

    def chosen(self):
        """The units the field holds now, with their names and levels."""
        value = self.value or ""
        lines = value.splitlines() if isinstance(value, str) else list(value)
        return [unit_info(code.strip()) for code in lines if code.strip()]

    def render(self):
        if self.mode == DISPLAY_MODE:
            return self.display()
        if self.mode != INPUT_MODE:
            return super().render()
        return self.picker(textarea=super().render())


@implementer(IFieldWidget)
def TargetUnitsFieldWidget(field, request):
    return FieldWidget(field, TargetUnitsWidget(request))
