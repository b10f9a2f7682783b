"""``sync``, ``clean`` and ``rebuild``: queue the items that differ, the items only Solr holds,
or every item, then deliver them now (``delivery``)."""

from nguon.search import maintenance
from nguon.search.commands.delivery import deliver
from nguon.search.commands.delivery import report_delivery
from nguon.search.commands.output import say


def sync_command(site, arguments):
    differences = maintenance.sync(site)
    say(
        f"catalog {differences.catalog_count} mục, Solr {differences.solr_count} mục: "
        f"thiếu {len(differences.missing)}, thừa {len(differences.extra)}, "
        f"khác {len(differences.mismatched)}"
    )
    return report_delivery(site, deliver(site, arguments.batch_size))


def clean_command(site, arguments):
    extra = maintenance.clean(site)
    say(f"{extra} mục chỉ có trong Solr sẽ bị xóa")
    return report_delivery(site, deliver(site, arguments.batch_size))


def rebuild_command(site, arguments):
    queued = maintenance.rebuild(site)
    say(f"{queued} mục được xếp hàng để gửi lại tới Solr")
    return report_delivery(site, deliver(site, arguments.batch_size))
