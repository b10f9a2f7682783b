"""The push thread starts with the Zope process, beside the outbox worker."""

from nguon.outbox.lifecycle import start_thread
from nguon.syndication.pusher import Pusher


def start_pusher(event):
    start_thread(Pusher)
