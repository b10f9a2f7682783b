"""``status``: the outbox's search channel (waiting, dead letters, last delivery) and Solr
against the catalog; still says what it can when Solr does not answer (then exit code 2)."""

from nguon.instance.offline import start_solr
from nguon.instance.settings import ConfigurationError
from nguon.outbox.report import consumer_lines
from nguon.outbox.storage import outbox
from nguon.search import client
from nguon.search import maintenance
from nguon.search import verify
from nguon.search.commands.output import say
from nguon.search.commands.output import SHOWN


def status_with_solr(site, settings, arguments):
    """The status, with Solr started for the run when the settings use the bundled node."""
    try:
        solr = start_solr(settings)
    except ConfigurationError as unreachable:
        return status_command(site, arguments, solr_error=unreachable.args[0])
    try:
        return status_command(site, arguments)
    finally:
        if solr is not None:
            solr.stop()


def status_command(site, arguments, solr_error=None):
    say(f"site «{site.getId()}», Solr {client.core_url()}")
    box = outbox(site)
    if box is None:
        say("site chưa có outbox: chạy các bước nâng cấp (upgrade install --proposed)")
    else:
        # The search command reports the search channel; nguon-outbox status reports them all.
        for name, pending in box.consumers.items(
            min=maintenance.CONSUMER, max=maintenance.CONSUMER
        ):
            for line in consumer_lines(name, pending, SHOWN):
                say(line)
    catalog_count = len(verify.all_brains(site))
    if solr_error:
        say(f"Solr: KHÔNG trả lời; catalog {catalog_count} mục")
        raise ConfigurationError(solr_error)
    solr_count = verify.count()
    say("Solr: trả lời (ping OK)")
    gap = (
        ""
        if solr_count == catalog_count
        else f" — chênh {abs(solr_count - catalog_count)}: nguon-search verify cho biết mục nào"
    )
    say(f"số mục: catalog {catalog_count}, Solr {solr_count}{gap}")
    return 0
