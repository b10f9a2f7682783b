"""The product's and the province's branding: the header's logo and names, the footer with
the operating unit's contact, and the control panel that sets them.

The province's name is Plone's own site title (``plone.site_title``: the page titles, the
logo's name) and an uploaded logo is Plone's own ``plone.site_logo``; without one the header
shows the product's mark (``static/nguon-logo.svg``). What Plone has no record for, the
product's name and the operating unit's contact, are the ``nguon.branding.*`` records of
``IBranding``. ``@@branding-controlpanel`` edits all of them in one form."""

from nguon import _
from pathlib import Path
from plone.app.layout.viewlets.common import LogoViewlet
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.base.interfaces import ISiteSchema
from plone.formwidget.namedfile.converter import b64encode_file
from plone.formwidget.namedfile.widget import NamedImageFieldWidget
from plone.registry.interfaces import IRegistry
from Products.Five.browser import BrowserView
from zope import schema
from zope.component import getUtility
from zope.interface import implementer
from zope.interface import Interface


PREFIX = "nguon.branding"
LOGO = Path(__file__).parent / "static" / "nguon-logo.svg"


def logo_as_upload():
    """The product's mark as Plone's site control panel stores an uploaded image (the
    value of ``plone.site_favicon`` / ``plone.site_logo``)."""
    return b64encode_file(LOGO.name, LOGO.read_bytes())


class IBranding(Interface):
    """The ``nguon.branding.*`` registry records."""

    product_name = schema.TextLine(
        title=_("branding_product_name", default="Tên sản phẩm"),
        default="Nguồn",
    )
    tagline = schema.TextLine(
        title=_("branding_tagline", default="Dòng giới thiệu"),
        description=_(
            "branding_tagline_help",
            default="Hiện dưới tên tỉnh ở đầu trang, ví dụ «Hệ thống thông tin nguồn».",
        ),
        required=False,
        default="Hệ thống thông tin nguồn",
    )
    operator_name = schema.TextLine(
        title=_("branding_operator_name", default="Đơn vị vận hành"),
        description=_(
            "branding_operator_name_help",
            default="Cơ quan chịu trách nhiệm vận hành hệ thống, hiện ở chân trang.",
        ),
        required=False,
        default="",
    )
    operator_address = schema.TextLine(
        title=_("branding_operator_address", default="Địa chỉ"),
        required=False,
        default="",
    )
    operator_phone = schema.TextLine(
        title=_("branding_operator_phone", default="Điện thoại"),
        required=False,
        default="",
    )
    operator_email = schema.TextLine(
        title=_("branding_operator_email", default="Thư điện tử"),
        required=False,
        default="",
    )


class IBrandingForm(IBranding):
    """The control panel's fields: Plone's site title and logo, then ours."""

    site_title = schema.TextLine(
        title=_("branding_site_title", default="Tên tỉnh, thành phố (tiêu đề trang)"),
        description=_(
            "branding_site_title_help",
            default="Hiện ở đầu mọi trang và trên thẻ trình duyệt, ví dụ «Thành phố Huế».",
        ),
    )
    site_logo = schema.Bytes(
        title=_("branding_site_logo", default="Biểu trưng"),
        description=_(
            "branding_site_logo_help",
            default="Để trống thì dùng biểu trưng của sản phẩm.",
        ),
        required=False,
    )


PLONE_FIELDS = ("site_title", "site_logo")  # kept in Plone's records (prefix "plone")


@implementer(IBrandingForm)
class BrandingSettings:
    """The form's content: reads and writes ``plone.site_title`` and ``plone.site_logo``
    for those two fields, ``nguon.branding.*`` for the others."""

    def __init__(self, registry=None):
        registry = registry or getUtility(IRegistry)
        self.__dict__["_plone"] = registry.forInterface(ISiteSchema, prefix="plone")
        self.__dict__["_ours"] = registry.forInterface(IBranding, prefix=PREFIX)

    def _records(self, name):
        return self._plone if name in PLONE_FIELDS else self._ours

    def __getattr__(self, name):
        return getattr(self._records(name), name)

    def __setattr__(self, name, value):
        setattr(self._records(name), name, value)


class BrandingEditForm(RegistryEditForm):
    schema = IBrandingForm
    schema_prefix = PREFIX
    id = "branding-controlpanel"
    label = _("branding_controlpanel", default="Nhận diện và chân trang")
    description = _(
        "branding_controlpanel_help",
        default="Tên tỉnh, biểu trưng, tên sản phẩm và thông tin liên hệ của đơn vị vận hành hiện ở đầu và chân mọi trang.",
    )

    def getContent(self):
        return BrandingSettings()

    def updateFields(self):
        super().updateFields()
        self.fields = self.fields.select(*PLONE_FIELDS) + self.fields.omit(
            *PLONE_FIELDS
        )
        self.fields["site_logo"].widgetFactory = NamedImageFieldWidget


class BrandingControlPanel(ControlPanelFormWrapper):
    form = BrandingEditForm


class BrandLogo(LogoViewlet):
    """The header: the logo, the province's name and the product's name and tagline."""

    def update(self):
        super().update()
        self.branding = BrandingSettings()
        if not self.branding.site_logo:  # else Plone's getSiteLogo(), set by super()
            self.img_src = (
                f"{self.portal_state.portal_url()}/++resource++nguon-logo.svg"
            )


class BrandFooter(BrowserView):
    """The footer's signature (Plone's ``@@footer``, which the theme puts in the copyright
    row): the operating unit and its contact, then the product."""

    def __call__(self):
        self.branding = BrandingSettings()
        return self.index()

    def phone_link(self):
        digits = "".join(c for c in self.branding.operator_phone or "" if c.isdigit())
        return f"tel:{digits}" if digits else None
