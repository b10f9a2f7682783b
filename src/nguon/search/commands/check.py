"""``verify``: Solr compared with the catalog item by item; exit code 1 when they differ."""

from nguon.outbox.storage import outbox
from nguon.search import maintenance
from nguon.search import verify
from nguon.search.commands.output import catalog_paths
from nguon.search.commands.output import more
from nguon.search.commands.output import say
from nguon.search.commands.output import SHOWN
from nguon.search.commands.output import solr_paths


def verify_command(site, arguments):
    differences = verify.compare(site)
    show_differences(site, differences)
    if differences.empty:
        say(f"Solr khớp với catalog ({differences.catalog_count} mục)")
        return 0
    _pending_note(site)
    say("Solr KHÁC catalog: chạy nguon-search sync để sửa")
    return 1


def show_differences(site, differences):
    say(f"catalog {differences.catalog_count} mục, Solr {differences.solr_count} mục")
    if differences.missing:
        say(f"{len(differences.missing)} mục có trong catalog nhưng thiếu trong Solr:")
        paths = catalog_paths(site, differences.missing[:SHOWN])
        for uid in differences.missing[:SHOWN]:
            say(f"  {uid} {paths.get(uid, '')}")
        more(len(differences.missing))
    if differences.extra:
        say(f"{len(differences.extra)} mục chỉ có trong Solr (catalog không có):")
        paths = solr_paths(differences.extra[:SHOWN])
        for uid in differences.extra[:SHOWN]:
            say(f"  {uid} {paths.get(uid, '')}")
        more(len(differences.extra))
    if differences.mismatched:
        say(f"{len(differences.mismatched)} mục khác nhau giữa catalog và Solr:")
        shown = sorted(differences.mismatched)[:SHOWN]
        paths = catalog_paths(site, shown)
        for uid in shown:
            fields = "; ".join(
                f"{name}: catalog {catalog!r}, Solr {solr!r}"
                for name, (catalog, solr) in sorted(differences.mismatched[uid].items())
            )
            say(f"  {uid} {paths.get(uid, '')}: {fields}")
        more(len(differences.mismatched))


def _pending_note(site):
    box = outbox(site)
    waiting = (
        box.consumers[maintenance.CONSUMER].count()
        if box is not None and maintenance.CONSUMER in box.consumers
        else 0
    )
    if waiting:
        say(
            f"{waiting} mục đang chờ gửi tới Solr trong outbox: nguon-search sync (hoặc khởi "
            f"động site) sẽ gửi chúng"
        )
