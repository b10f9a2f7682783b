"""``nguon-search``: look at and repair the Solr index of a stopped site.

    nguon-search status    pending items and dead letters per consumer, Solr against the catalog
    nguon-search verify    compare Solr with the catalog item by item (exit 1 when they differ)
    nguon-search sync      queue and deliver only the items that differ
    nguon-search clean     queue and delete what Solr holds and the catalog does not
    nguon-search rebuild   queue and deliver every item (``make reindex``)

It opens the instance's database directly (run it from the project folder, with the site
stopped); while the site runs, its outbox worker keeps Solr in step by itself. With the bundled
Solr (no ``SOLR_URL``) the command starts the node for its run and stops it afterwards.

Maintenance goes through the outbox like any edit: the items are queued and committed first,
then delivered batch by batch with a commit after each, so a run that Solr interrupts leaves
the rest queued for the next run or the next start of the site.

Exit codes: 0 done (verify: Solr equals the catalog), 1 verify found differences or Solr
refused items for good, 2 the command could not run (database in use, Solr unreachable, no
site, bad settings), with one line on stderr that says why.
"""
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from nguon.outbox.interfaces import IOutboxConsumer
from nguon.outbox.storage import outbox
from nguon.outbox.worker import BATCH_SIZE
from nguon.outbox.worker import deliver_pending
from nguon.search import client
from nguon.search import maintenance
from nguon.search import verify
from ZODB.POSException import ConflictError
from zope.component import queryUtility

import argparse
import logging
import sys
import time
import transaction
import zc.lockfile


SHOWN = 20  # differences, refusals and dead letters listed per kind
CONFLICT_RETRIES = 10
LOCKED = ("cơ sở dữ liệu đang được Plone dùng (site đang chạy): khi site chạy, worker của nó "
          "tự giữ Solr khớp với catalog; muốn chạy bảo trì thì dừng site rồi chạy lại lệnh")


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-search", description="Kiểm tra và sửa chỉ mục Solr của một site đang dừng.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    commands.add_parser("status", help="mục chờ gửi, mục hỏng, lần gửi cuối; Solr so với catalog")
    commands.add_parser("verify", help="so Solr với catalog từng mục (mã thoát 1 khi khác)")
    commands.add_parser("sync", help="gửi lại những mục Solr khác catalog")
    commands.add_parser("clean", help="xóa khỏi Solr những mục catalog không có")
    commands.add_parser("rebuild", help="gửi lại mọi mục (make reindex)")
    for name, command in commands.choices.items():
        if name != "status" and name != "verify":
            command.add_argument("--batch-size", type=int, default=BATCH_SIZE, metavar="SỐ",
                                 help=f"số mục mỗi lần gửi (mặc định {BATCH_SIZE})")
    return parser


def _say(message="", stream=None):
    print(f"nguon: {message}", file=stream or sys.stdout, flush=True)


class Progress:
    """A progress bar on stderr: bar, done/total, items per second, time left.

    On a terminal it redraws one line at most ten times a second; otherwise (a log, a pipe)
    it writes a line at most every ``every`` seconds, and always the last one."""

    def __init__(self, total, label="gửi tới Solr", stream=None, clock=time.monotonic,
                 width=30, every=5.0):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.clock = clock
        self.width = width
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.every = 0.1 if self.tty else every
        self.started = clock()
        self.shown = None
        self.done = 0

    def line(self, done):
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = done / elapsed
        share = done / self.total if self.total else 1.0
        filled = int(self.width * min(share, 1.0))  # full only when done
        bar = "█" * filled + "░" * (self.width - filled)
        if done >= self.total:
            left = "0:00"
        else:
            left = _duration((self.total - done) / rate) if rate else "?"
        return (f"nguon: {self.label} [{bar}] {done}/{self.total} "
                f"{rate:.0f} mục/giây, còn {left}")

    def update(self, done, force=False):
        self.done = done
        now = self.clock()
        if not force and self.shown is not None and now - self.shown < self.every:
            return
        self.shown = now
        if self.tty:
            self.stream.write("\r" + self.line(done) + "\x1b[K")
        else:
            self.stream.write(self.line(done) + "\n")
        self.stream.flush()

    def finish(self):
        self.update(self.done, force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _when(timestamp):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp)) if timestamp else "chưa có"


# -- opening the site and Solr ------------------------------------------------------------

def _log_to_event_log(settings):
    """The consumer's and Zope's log lines go to the instance's event log, not the screen."""
    folder = settings.var / "log"
    if not folder.is_dir():
        return
    handler = logging.FileHandler(folder / "event.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(name)s:%(lineno)s][nguon-search] %(message)s",
        "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)  # deprecation warnings of the stack, not for the operator


def _open_site(settings):
    from nguon.instance.site import open_app
    from zope.component.hooks import setSite

    if not settings.zope_conf.exists():
        raise ConfigurationError(
            f"không thấy {settings.zope_conf}: chạy lệnh trong thư mục dự án, sau khi đã "
            f"chạy make start ít nhất một lần")
    try:
        app = open_app(settings.zope_conf)
    except zc.lockfile.LockError:
        raise ConfigurationError(LOCKED) from None
    site = app.get(settings.site_id)
    if site is None:
        app._p_jar.db().close()
        raise ConfigurationError(f"không có site «{settings.site_id}»: chạy make start trước")
    setSite(site)
    return site


def _point_at_solr(settings):
    """collective.solr's settings as ``nguon-start`` sets them from SOLR_URL (only written when
    they differ; committed only by the commands that change something)."""
    from plone import api

    scheme, host, port, base = settings.solr_parts
    wanted = {"host": host, "port": port, "base": base,
              "https_connection": scheme == "https", "active": True}
    for name, value in wanted.items():
        record = f"collective.solr.{name}"
        if api.portal.get_registry_record(record, default=None) != value:
            api.portal.set_registry_record(record, value)


def _start_solr(settings):
    """The bundled node when the settings use it and it is not running; None otherwise.
    Raises ConfigurationError when Solr cannot be reached."""
    from nguon.instance import preflight
    from nguon.instance.solr import BundledSolr

    if client.ping():
        return None
    if not settings.solr_bundled:
        raise ConfigurationError(
            f"Solr không trả lời tại {client.core_url()}/admin/ping: khởi động Solr hoặc "
            f"sửa SOLR_URL")
    preflight.check_port_free("127.0.0.1", settings.solr_parts[2], "SOLR_URL")
    _say("khởi động Solr đi kèm cho lần chạy này…")
    solr = BundledSolr(settings)
    solr.start()
    return solr


# -- delivering ---------------------------------------------------------------------------

class Delivery:
    """What one run delivered, and what Solr refused."""

    def __init__(self, total):
        self.total = total
        self.delivered = 0
        self.refused = {}       # uid -> Solr's last message
        self.dead = []          # uids that became dead letters during the run
        self.left = 0           # still pending at the end
        self.unavailable = None
        self.seconds = 0.0


def deliver(site, batch_size=BATCH_SIZE, stream=None):
    """Deliver the Solr consumer's pending items with a progress bar, committing each batch."""
    consumer = queryUtility(IOutboxConsumer, name=maintenance.CONSUMER)
    pending = maintenance.pending(site)
    dead_before = set(pending.dead.keys())
    transaction.commit()  # what is queued is safe before anything is sent
    run = Delivery(pending.count())
    progress = Progress(run.total, stream=stream)
    progress.update(0, force=True)
    started, conflicts = time.monotonic(), 0
    while pending.count():
        try:
            result = deliver_pending(site, maintenance.CONSUMER, consumer, batch_size)
            transaction.commit()
        except ConflictError:  # another process (ZEO, RelStorage) took some items meanwhile
            transaction.abort()
            conflicts += 1
            if conflicts > CONFLICT_RETRIES:
                raise
            continue
        run.delivered += result.delivered
        run.refused.update(result.refused)
        progress.update(max(run.total - pending.count(), 0))
        if result.unavailable:
            run.unavailable = result.unavailable
            break
        if not result.busy:
            break
    progress.finish()
    run.seconds = time.monotonic() - started
    run.left = pending.count()
    run.dead = sorted(set(pending.dead.keys()) - dead_before)
    if run.delivered and not run.unavailable:
        try:
            client.update([("commit", {})])  # searchable now, and verify sees it all
        except client.SolrError as error:
            run.unavailable = str(error)
    return run


def _report_delivery(site, run):
    rate = run.delivered / run.seconds if run.seconds else 0.0
    _say(f"đã gửi {run.delivered} mục tới Solr trong {run.seconds:.1f} giây "
         f"({rate:.0f} mục/giây)")
    refused = {uid: message for uid, message in run.refused.items() if uid in run.dead}
    if refused:
        _say(f"Solr từ chối hẳn {len(refused)} mục (sau nhiều lần thử), giữ lại làm mục hỏng "
             f"(xem nguon-search status):")
        paths = _catalog_paths(site, list(refused)[:SHOWN])
        for uid in list(refused)[:SHOWN]:
            _say(f"  {uid} {paths.get(uid, '')}: {refused[uid]}")
        _more(len(refused))
    if run.unavailable:
        raise ConfigurationError(
            f"Solr ngừng trả lời giữa chừng ({run.unavailable}): {run.left} mục vẫn chờ trong "
            f"outbox, được gửi khi chạy lại lệnh hoặc khi khởi động site")
    return 1 if run.dead else 0


def _more(count):
    if count > SHOWN:
        _say(f"  … và {count - SHOWN} mục nữa")


def _catalog_paths(site, uids):
    if not uids:
        return {}
    brains = site.portal_catalog.unrestrictedSearchResults(UID=list(uids))
    return {brain.UID: brain.getPath() for brain in brains}


def _solr_paths(uids):
    if not uids:
        return {}
    query = " OR ".join(f'"{uid}"' for uid in uids)
    answer = client.get("select", q=f"UID:({query})", fl="UID,path_string", rows=len(uids))
    return {doc["UID"]: doc.get("path_string", "") for doc in answer["response"]["docs"]}


# -- the commands -------------------------------------------------------------------------

def _show_differences(site, differences):
    _say(f"catalog {differences.catalog_count} mục, Solr {differences.solr_count} mục")
    if differences.missing:
        _say(f"{len(differences.missing)} mục có trong catalog nhưng thiếu trong Solr:")
        paths = _catalog_paths(site, differences.missing[:SHOWN])
        for uid in differences.missing[:SHOWN]:
            _say(f"  {uid} {paths.get(uid, '')}")
        _more(len(differences.missing))
    if differences.extra:
        _say(f"{len(differences.extra)} mục chỉ có trong Solr (catalog không có):")
        paths = _solr_paths(differences.extra[:SHOWN])
        for uid in differences.extra[:SHOWN]:
            _say(f"  {uid} {paths.get(uid, '')}")
        _more(len(differences.extra))
    if differences.mismatched:
        _say(f"{len(differences.mismatched)} mục khác nhau giữa catalog và Solr:")
        shown = sorted(differences.mismatched)[:SHOWN]
        paths = _catalog_paths(site, shown)
        for uid in shown:
            fields = "; ".join(f"{name}: catalog {catalog!r}, Solr {solr!r}"
                               for name, (catalog, solr) in
                               sorted(differences.mismatched[uid].items()))
            _say(f"  {uid} {paths.get(uid, '')}: {fields}")
        _more(len(differences.mismatched))


def _pending_note(site):
    box = outbox(site)
    waiting = box.consumers[maintenance.CONSUMER].count() \
        if box is not None and maintenance.CONSUMER in box.consumers else 0
    if waiting:
        _say(f"{waiting} mục đang chờ gửi tới Solr trong outbox: nguon-search sync (hoặc khởi "
             f"động site) sẽ gửi chúng")


def verify_command(site, arguments):
    differences = verify.compare(site)
    _show_differences(site, differences)
    if differences.empty:
        _say(f"Solr khớp với catalog ({differences.catalog_count} mục)")
        return 0
    _pending_note(site)
    _say("Solr KHÁC catalog: chạy nguon-search sync để sửa")
    return 1


def sync_command(site, arguments):
    differences = maintenance.sync(site)
    _say(f"catalog {differences.catalog_count} mục, Solr {differences.solr_count} mục: "
         f"thiếu {len(differences.missing)}, thừa {len(differences.extra)}, "
         f"khác {len(differences.mismatched)}")
    return _report_delivery(site, deliver(site, arguments.batch_size))


def clean_command(site, arguments):
    extra = maintenance.clean(site)
    _say(f"{extra} mục chỉ có trong Solr sẽ bị xóa")
    return _report_delivery(site, deliver(site, arguments.batch_size))


def rebuild_command(site, arguments):
    queued = maintenance.rebuild(site)
    _say(f"{queued} mục được xếp hàng để gửi lại tới Solr")
    return _report_delivery(site, deliver(site, arguments.batch_size))


def status_command(site, arguments, solr_error=None):
    _say(f"site «{site.getId()}», Solr {client.core_url()}")
    box = outbox(site)
    if box is None:
        _say("site chưa có outbox: chạy các bước nâng cấp (upgrade install --proposed)")
    else:
        # The search command reports the search channel; the outbox also feeds other channels.
        for name, pending in box.consumers.items(min=maintenance.CONSUMER, max=maintenance.CONSUMER):
            consumer = queryUtility(IOutboxConsumer, name=name)
            title = consumer.title if consumer is not None else "không còn đăng ký"
            _say(f"outbox «{name}» ({title}): {pending.count()} mục chờ gửi, "
                 f"{len(pending.dead)} mục hỏng, đã gửi tổng cộng {pending.delivered()}")
            _say(f"  lần gửi cuối: {_when(pending.last_delivery)}")
            if pending.last_failure:
                failed_at, message = pending.last_failure
                _say(f"  lần lỗi cuối: {_when(failed_at)}: {message}")
            dead = list(pending.dead.items())
            for uid, (message, attempts, dead_at) in dead[:SHOWN]:
                _say(f"  mục hỏng {uid} ({attempts} lần, {_when(dead_at)}): {message}")
            _more(len(dead))
    catalog_count = len(verify.all_brains(site))
    if solr_error:
        _say(f"Solr: KHÔNG trả lời; catalog {catalog_count} mục")
        raise ConfigurationError(solr_error)
    solr_count = verify.count()
    _say("Solr: trả lời (ping OK)")
    gap = "" if solr_count == catalog_count else \
        f" — chênh {abs(solr_count - catalog_count)}: nguon-search verify cho biết mục nào"
    _say(f"số mục: catalog {catalog_count}, Solr {solr_count}{gap}")
    return 0


COMMANDS = {"status": status_command, "verify": verify_command, "sync": sync_command,
            "clean": clean_command, "rebuild": rebuild_command}


def main(argv=None):
    arguments = _parser().parse_args(argv)
    site = solr = None
    try:
        settings = from_environment()
        _log_to_event_log(settings)
        site = _open_site(settings)
        _point_at_solr(settings)
        if arguments.command == "status":
            error = None
            try:
                solr = _start_solr(settings)
            except ConfigurationError as unreachable:
                error = unreachable.args[0]
            return status_command(site, arguments, solr_error=error)
        solr = _start_solr(settings)
        return COMMANDS[arguments.command](site, arguments)
    except ConfigurationError as error:
        _say(f"LỖI: {error}", sys.stderr)
        return 2
    except client.SolrRejected as error:
        _say(f"LỖI: Solr từ chối yêu cầu: {error}", sys.stderr)
        return 2
    except client.SolrError as error:
        _say(f"LỖI: Solr không trả lời: {error}", sys.stderr)
        return 2
    finally:
        if site is not None:
            transaction.abort()  # status and verify change nothing; the others committed
            site._p_jar.db().close()
        if solr is not None:
            solr.stop()


if __name__ == "__main__":
    sys.exit(main())
