"""A real SMTP server for tests of mail (aiosmtpd), and the site's mail host pointed at it.

``smtp_server()`` runs aiosmtpd on a free local port and keeps what it receives, parsed
(``server.messages``: ``email.message.Message`` objects, the envelope's recipients under
``X-RcptTo``; a message has arrived once the sender's SMTP conversation is over); ``use_server(server)`` sets the current site's mail settings
(``plone.smtp_host``/``plone.smtp_port``, which Plone's mail host reads when it sends, and a
sender address) so that ``plone.api.portal.send_email`` reaches it.
"""

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from contextlib import contextmanager
from plone import api

import socket


class Collector(Message):
    """Keeps every message the server accepts."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.messages = collector.messages
    try:
        yield controller
    finally:
        controller.stop()


def use_server(server, sender="nguon@nguon.invalid"):
    """Point the current site's mail host at ``server``."""
    api.portal.set_registry_record("plone.smtp_host", server.hostname)
    api.portal.set_registry_record("plone.smtp_port", server.port)
    api.portal.set_registry_record("plone.email_from_address", sender)
    api.portal.set_registry_record("plone.email_from_name", "Hệ thống thông tin nguồn")
