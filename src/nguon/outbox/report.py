"""What an operator reads about a consumer's pending set: waiting, dead letters, deliveries,
the last failure (``nguon-outbox status``, ``nguon-search status``)."""

from nguon.outbox.interfaces import IOutboxConsumer
from zope.component import queryUtility

import time


SHOWN = 20  # dead letters listed per consumer


def when(timestamp):
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))
        if timestamp
        else "chưa có"
    )


def consumer_lines(name, pending, shown=SHOWN):
    """Lines about consumer ``name``'s pending set, dead letters first ``shown`` of them."""
    consumer = queryUtility(IOutboxConsumer, name=name)
    title = consumer.title if consumer is not None else "không còn đăng ký"
    lines = [
        f"outbox «{name}» ({title}): {pending.count()} mục chờ gửi, "
        f"{len(pending.dead)} mục hỏng, đã gửi tổng cộng {pending.delivered()}",
        f"  lần gửi cuối: {when(pending.last_delivery)}",
    ]
    if pending.last_failure:
        failed_at, message = pending.last_failure
        lines.append(f"  lần lỗi cuối: {when(failed_at)}: {message}")
    dead = list(pending.dead.items())
    for uid, (message, attempts, dead_at) in dead[:shown]:
        lines.append(f"  mục hỏng {uid} ({attempts} lần, {when(dead_at)}): {message}")
    if len(dead) > shown:
        lines.append(f"  … và {len(dead) - shown} mục nữa")
    return lines
