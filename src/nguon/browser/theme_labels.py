"""Labels that Plone's Barceloneta theme writes in English in its own HTML (outside any
template, so no catalogue reaches them), given in the reader's language after the theme is
applied: the close button of the small screens' navigation panel (aria-label="Close"). And the
icon beside a file's link, whose text alternative is the file type's English name from the
MIME types registry (plone.formwidget.namedfile), made decorative (alt=""): the type is
written, translated, right beside it.

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
        for selector in DECORATIVE:
            for element in root.cssselect(selector):
                element.set("alt", "")
        return result
