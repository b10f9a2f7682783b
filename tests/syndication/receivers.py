"""Commune sites for the tests: the reference consumer's mirror and push endpoint (nguon.sync),
each on its own loopback port."""

from nguon.sync.mirror import Mirror
from nguon.sync.receiver import make_server
from nguon.sync.receiver import Receiver

import secrets
import threading


class CommuneSite:
    def __init__(self, directory, feed_url):
        self.feed_url = feed_url
        self.secret = secrets.token_urlsafe(24)
        self.mirror = Mirror(directory / "mirror.sqlite")
        self.receiver = Receiver(self.mirror, self.secret, feed_url)
        self.server = None
        self.port = None

    @property
    def callback(self):
        return f"http://127.0.0.1:{self.port}/nhan-tin"

    def start(self):
        self.server = make_server(self.receiver, port=self.port or 0)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def titles(self):
        return sorted(self.mirror.items().values())
