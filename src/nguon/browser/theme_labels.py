"""What Plone writes where no catalogue or template of nguon reaches it, put right once the
theme is applied (a transform of plone.transformchain, after plone.app.theming's at 8850):

- English in the reader's language: the close button of the small screens' navigation panel
  (aria-label="Close", in Barceloneta's HTML), the publishing process page's item check boxes
  ("Select <title>", an attribute without i18n);
- what axe finds in the editor's form: the toolbar's pin and unpin links (no address) are
  buttons, a lead image's file input is named by its field's label (which points at the
  widget's id, not the input's);
- the icon beside a file's link is decorative (alt=""): its text alternative was the MIME
  type's English name, and the translated type is written right beside it."""

from nguon.interfaces import INguonLayer
from plone.transformchain.interfaces import ITransform
from repoze.xmliter.serializer import XMLSerializer
from zope.component import adapter
from zope.i18n import translate
from zope.i18nmessageid import MessageFactory
from zope.interface import implementer
from zope.interface import Interface


PLONE = MessageFactory("plone")  # messages of Plone's domain (locales/vi/plone.po)

# (CSS selector, attribute, message): the theme's English attributes.
LABELS = ((".offcanvas-header .btn-close", "aria-label", PLONE("Close")),)
# Attributes Plone's templates write as "Select <title>" without a catalogue (the item
# check boxes of the publishing process page): Plone's own message for them.
SELECT = ("input[name='paths:list']", ("title", "alt"), "Select ")
# Images whose text is written beside them.
DECORATIVE = (".named-file-widget img",)
# Links without an address that act as buttons (the toolbar's pin and unpin): their
# aria-label needs the role (axe: aria-prohibited-attr).
BUTTONS = (
    ".toolbar-header a.toolbar-collapse:not([href])",
    ".toolbar-header a.toolbar-expand:not([href])",
)
# File inputs whose label points at their widget's id instead of theirs (a lead image's
# upload): named by that label's text.
FILE_INPUTS = (
    ".named-file-widget input[type='file']",
    ".named-image-widget input[type='file']",
)


@implementer(ITransform)
@adapter(Interface, INguonLayer)
class ThemeLabels:
    order = 8900

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        return None

    def transformUnicode(self, result, encoding):
        return None

    def transformIterable(self, result, encoding):
        if not isinstance(result, XMLSerializer):
            return None
        root = result.tree.getroot()
        for selector, attribute, message in LABELS:
            for element in root.cssselect(selector):
                if element.get(attribute) == message:
                    element.set(attribute, translate(message, context=self.request))
        selector, attributes, prefix = SELECT
        for element in root.cssselect(selector):
            for attribute in attributes:
                value = element.get(attribute) or ""
                if value.startswith(prefix):
                    message = PLONE(
                        "checkbox_select_item",
                        default="Select ${title}",
                        mapping={"title": value[len(prefix) :]},
                    )
                    element.set(attribute, translate(message, context=self.request))
        for selector in DECORATIVE:
            for element in root.cssselect(selector):
                element.set("alt", "")
        for selector in BUTTONS:
            for element in root.cssselect(selector):
                element.set("role", "button")
        for selector in FILE_INPUTS:
            for element in root.cssselect(selector):
                self.label_file_input(root, element)
        return result

    @staticmethod
    def label_file_input(root, element):
        widget_id = (element.get("id") or "").removesuffix("-input")
        if not widget_id or element.get("aria-label"):
            return
        if root.cssselect(f"label[for='{element.get('id')}']"):
            return
        for label in root.cssselect(f"label[for='{widget_id}']"):
            text = " ".join(label.text_content().split())
            if text:
                element.set("aria-label", text)
                return
