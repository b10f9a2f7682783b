"""The ``nguon`` gettext domain: which messages the code uses, and compiling the catalogues.

Messages are written ``_("msgid", default="Vietnamese text")`` in Python, as
``i18n:translate="msgid"`` elements (the text is the default) in page templates, and as the
text of ``i18n:translate`` elements or ``i18n:attributes`` in the profiles' XML (GenericSetup
uses the text as msgid).
``nguon-compile-translations`` turns every ``locales/*/LC_MESSAGES/nguon.po`` into ``.mo``;
a catalogue with a syntax error stops it with the file named.
"""
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
from pythongettext.msgfmt import PoSyntaxError

import ast
import json
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


PO_HEADER = """msgid ""
msgstr ""
"Project-Id-Version: nguon\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Language-Code: {language}\\n"
"Domain: nguon\\n"

"""


def _quote(text):
    return json.dumps(text, ensure_ascii=False)


def write_po(path, language, entries, defaults):
    """Write a catalogue: ``entries`` {msgid: msgstr}, in the order of ``defaults``."""
    parts = [PO_HEADER.format(language=language)]
    for msgid, default in defaults.items():
        if default != msgid:
            parts.append(f"#. Default: {_quote(default)}\n")
        parts.append(f"msgid {_quote(msgid)}\nmsgstr {_quote(entries.get(msgid, ''))}\n\n")
    Path(path).write_text("".join(parts), encoding="utf-8")


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
