"""Emergency alerts as OASIS CAP 1.2 messages (docs/alerts.md).

The Alert type and the facts every channel reads are ``nguon.content.alert``; this package
is what only alerts do: the message (``message``) and the site's signing key (``keys``), the
stable CAP address and the Atom index (``browser``), validation before approval
(``validation``), Update and Cancel (``chain``), and what happens when an alert is added,
edited or published (``events``). Ingest of other senders' messages is ``ingest*``.
"""
