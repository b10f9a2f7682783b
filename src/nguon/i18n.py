"""The ``nguon`` gettext domain: which messages the code uses, and compiling the catalogues.

Messages are written ``_("msgid", default="Vietnamese text")`` in Python, as
``i18n:translate="msgid"`` elements (the text is the default) in page templates, and as the
text of ``i18n:translate`` elements or ``i18n:attributes`` in the profiles' XML (GenericSetup
uses the text as msgid).
``nguon-compile-translations`` turns every ``locales/*/LC_MESSAGES/*.po`` into ``.mo``: the
``nguon`` domain and the Vietnamese messages of Plone's own domains that Plone's catalogues
lack (``plone.po``, ...); a catalogue with a syntax error stops it with the file named.
Catalogues are read, written and compiled with polib.

``<nguon:registerTranslationsFirst directory="locales" />`` registers the catalogues as
``i18n:registerTranslations`` does, and puts them before every other package's catalogue of
the same domain: zope.i18n asks a domain's catalogues in the order they were registered and
takes the first that has the message, so without it plone.app.locales' ``plone.po`` would
answer before ours whatever order ZCML loads them in.
"""

from pathlib import Path
from zope.component import getUtilitiesFor
from zope.configuration.fields import Path as PathField
from zope.i18n.interfaces import ITranslationDomain
from zope.i18n.zcml import registerTranslations
from zope.interface import Interface

import ast
import json
import os
import polib
import sys
import xml.etree.ElementTree as ElementTree


DOMAIN = "nguon"
PACKAGE = Path(__file__).resolve().parent
LOCALES = PACKAGE / "locales"
I18N_NS = "{http://xml.zope.org/namespaces/i18n}"


def python_messages(root=PACKAGE):
    """{msgid: default} of every ``_("msgid", default=...)`` call under ``root``."""
    messages = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                default = next(
                    (kw.value.value for kw in node.keywords if kw.arg == "default"), ""
                )
                messages[node.args[0].value] = default
    return messages


def profile_messages(root=PACKAGE / "profiles"):
    """{msgid: msgid} of the profiles' XML: ``i18n:translate`` texts and ``i18n:attributes``."""
    messages = {}
    for path in sorted(root.rglob("*.xml")):
        for element in ElementTree.parse(path).iter():
            texts = []
            if f"{I18N_NS}translate" in element.attrib:
                texts.append(element.text or "")
            for name in element.attrib.get(f"{I18N_NS}attributes", "").split(";"):
                texts.append(element.attrib.get(name.strip(), ""))
            for text in filter(None, (" ".join(t.split()) for t in texts)):
                messages[text] = text
    return messages


def template_messages(root=PACKAGE):
    """{msgid: default} of every ``i18n:translate`` element of the page templates."""
    messages = {}
    for path in sorted(root.rglob("*.pt")):
        for element in ElementTree.parse(path).iter():
            if f"{I18N_NS}translate" in element.attrib:
                default = " ".join("".join(element.itertext()).split())
                msgid = element.attrib[f"{I18N_NS}translate"] or default
                messages[msgid] = default
    return messages


def used_messages():
    return {**profile_messages(), **template_messages(), **python_messages()}


def read_po(path):
    """{msgid: msgstr} of a .po file (plain entries; no plurals or contexts are used here)."""
    return {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


METADATA = {
    "Project-Id-Version": "nguon",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
    "Language-Code": None,
    "Domain": DOMAIN,
}


def write_po(path, language, entries, defaults):
    """Write a catalogue: ``entries`` {msgid: msgstr}, in the order of ``defaults``; a default
    that differs from its msgid is kept as the ``#. Default:`` comment, as i18ndude writes it.
    Lines are not wrapped (one line per msgid, so that appends and diffs stay small)."""
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = "The nguon domain, written by nguon-i18n-sync from the code: translate msgstr only."
    catalogue.metadata = {**METADATA, "Language-Code": language}
    for msgid, default in defaults.items():
        comment = (
            f"Default: {json.dumps(default, ensure_ascii=False)}"
            if default != msgid
            else ""
        )
        catalogue.append(
            polib.POEntry(msgid=msgid, msgstr=entries.get(msgid, ""), comment=comment)
        )
    catalogue.save(str(path))


def sync_command():
    """Bring the template and every catalogue in line with the messages the code uses.

    Vietnamese entries take the code's default; other languages keep their translations and
    get empty entries for new messages, listed so that a translator fills them.
    """
    used = used_messages()
    write_po(LOCALES / f"{DOMAIN}.pot", "", {}, used)
    for po in catalogues():
        language = po.parent.parent.name
        entries = read_po(po)
        if language == "vi":
            entries.update({msgid: default for msgid, default in used.items()})
        write_po(po, language, entries, used)
        for msgid in used:
            if not entries.get(msgid):
                print(f"nguon: {language}: untranslated: {msgid}")
    return 0


def catalogues():
    return sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_all():
    """Compile every catalogue of every domain; returns the .mo paths written."""
    written = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        try:
            catalogue = polib.pofile(str(po))
        except OSError as error:  # polib's syntax errors, with the line
            raise SystemExit(f"nguon: LỖI: {po}: {error}") from None
        mo = po.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo))
        written.append(mo)
    return written


class IRegisterTranslationsFirst(Interface):
    directory = PathField(title="Directory holding <language>/LC_MESSAGES/*.mo")


def register_translations_first(_context, directory):
    """ZCML handler: ``i18n:registerTranslations``, then our catalogues first."""
    registerTranslations(_context, directory)
    _context.action(
        discriminator=None,
        callable=consult_first,
        args=(os.path.normpath(directory),),
    )


def consult_first(directory):
    """Put the catalogues read from ``directory`` first in every translation domain.

    zope.i18n keeps each domain's catalogues per language as a list of identifiers (the
    .mo file's path) in registration order (``TranslationDomain._catalogs``); a catalogue
    registered later, by a package loaded after ours, is appended behind ours."""
    prefix = directory + os.sep
    for _name, domain in getUtilitiesFor(ITranslationDomain):
        for names in getattr(domain, "_catalogs", {}).values():
            ours = [name for name in names if str(name).startswith(prefix)]
            names[:] = ours + [name for name in names if name not in ours]


def compile_command():
    for mo in compile_all():
        print(f"nguon: compiled {mo.relative_to(PACKAGE)}")
    return 0


if __name__ == "__main__":
    sys.exit(compile_command())
