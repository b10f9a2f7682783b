"""The catch-up thread: every ``EVERY`` seconds each link reads what it may have missed
from central's feed (``catchup.pull``), so an outage of the province, of central or of the
network between them heals by itself; then it sends central what the link owes it
(``send_up``: acknowledgements, signed-off reports, ledger figures). Of several processes one
does it (a lease)."""

from nguon.errors import UserError
from nguon.federation import acks
from nguon.federation import apply as applying
from nguon.federation import catchup
from nguon.federation import figures
from nguon.federation import links
from nguon.federation import rollup
from nguon.outbox.lifecycle import start_thread
from nguon.outbox.thread import LeasedThread
from nguon.syndication import outbound
from ZODB.POSException import ConflictError
from zope.i18n import translate

import logging
import time


logger = logging.getLogger("nguon.federation")
EVERY = 300  # seconds between two catch-ups of a link
LEASE_KEY = "nguon.federation.catchup"


def _failed(tm, site, link_id, now, error):
    tm.abort()
    message = (
        translate(error.message, target_language="vi")
        if isinstance(error, UserError)
        else str(error)
    )
    link = links.get(site, link_id)
    link.pulled = now
    link.note(status="failed", message=message)
    tm.commit()
    logger.warning("federation link %s: %s", link_id, message)


def send_up(site, link, now=None):
    """Send central what the link owes it: acknowledgements, signed-off reports, ledger
    figures; returns how many of each central took. Raises what ``upward.post`` raises."""
    return {
        "acks": acks.send(site, link, now),
        "reports": rollup.send(site, link, now),
        "figures": figures.send(site, link, now),
    }


def catch_up_all(tm, site, now=None):
    """Pull every link of ``site`` whose last catch-up is older than ``EVERY``, and send
    every link's acknowledgements (``acks``)."""
    federation = links.state(site)
    now = now or time.time()
    for link_id in list(federation.links.keys()) if federation is not None else ():
        link = federation.links[link_id]
        try:
            if now - (link.pulled or 0) >= EVERY:
                counts = catchup.pull(site, link_id, now)
                link.pulled = now
                tm.commit()
                logger.info("federation link %s caught up: %s", link_id, counts)
            if applying.fetch_files(site, link):
                tm.commit()
            sent = sum(send_up(site, link, now).values())
            tm.commit()
            if sent:
                logger.info("federation link %s: %d sent up", link_id, sent)
        except ConflictError:
            tm.abort()
        except (UserError, outbound.CallFailed) as error:
            _failed(tm, site, link_id, now, error)


class Puller(LeasedThread):
    title = "federation catch-up"
    lease_key = LEASE_KEY

    def __init__(self, db, poll_seconds=60.0):
        super().__init__(db, poll_seconds)

    def work(self, tm, site):
        catch_up_all(tm, site)
        return False


def start_puller(event):
    start_thread(Puller)
