"""The ``nguon`` gettext domain: which messages the code uses, and compiling the catalogues.

Messages are written ``_("msgid", default="Vietnamese text")`` in Python, and as the text of
``i18n:translate`` elements in the profiles' XML (GenericSetup uses the text as msgid).
``nguon-compile-translations`` turns every ``locales/*/LC_MESSAGES/nguon.po`` into ``.mo``;
a catalogue with a syntax error stops it with the file named.
"""
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
from pythongettext.msgfmt import PoSyntaxError

import ast
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
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                default = next((kw.value.value for kw in node.keywords if kw.arg == "default"), "")
                messages[node.args[0].value] = default
    return messages


def profile_messages(root=PACKAGE / "profiles"):
    """{msgid: msgid} of every ``i18n:translate`` element in the profiles' XML."""
    messages = {}
    for path in sorted(root.rglob("*.xml")):
        for element in ElementTree.parse(path).iter():
            if f"{I18N_NS}translate" in element.attrib and (element.text or "").strip():
                text = element.text.strip()
                messages[text] = text
    return messages


def used_messages():
    return {**profile_messages(), **python_messages()}


def _unquote(token):
    return ast.literal_eval(token)


def read_po(path):
    """{msgid: msgstr} of a .po file (plain entries; no plurals or contexts are used here)."""
    entries, current, key = {}, {}, None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _sep, value = line.partition(" ")
            current[key] = _unquote(value)
        elif line.startswith('"') and key:
            current[key] += _unquote(line)
        elif not line:
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, None
    return entries


def catalogues():
    return sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_all():
    """Compile every catalogue; returns the .mo paths written."""
    written = []
    for po in catalogues():
        try:
            with open(po, "rb") as source:
                compiled = Msgfmt(source, DOMAIN).get()
        except PoSyntaxError as error:
            raise SystemExit(f"nguon: LỖI: {po}: {error.msg}") from None
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled)
        written.append(mo)
    return written


def compile_command():
    for mo in compile_all():
        print(f"nguon: compiled {mo.relative_to(PACKAGE)}")
    return 0


if __name__ == "__main__":
    sys.exit(compile_command())
