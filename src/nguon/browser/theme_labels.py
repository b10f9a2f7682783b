"""English that Plone writes where no catalogue reaches it (in Barceloneta's HTML, or in a
template's attributes without i18n), given in the reader's language once the theme is applied:
the close button of the small screens' navigation panel (aria-label="Close"), the item check
boxes' "Select <title>" on the publishing process page. And the icon beside a file's link,
whose text alternative is the file type's English name from the MIME types registry
(plone.formwidget.namedfile), made decorative (alt=""): the type is written, translated,
right beside it.

A transform of plone.transformchain, ordered after plone.app.theming's (8850)."""

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
        return result
