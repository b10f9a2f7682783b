"""A steady mixed load for the fault tests and the cluster benchmark (issue 18).

Three kinds of users, each a thread with its own HTTP session, closed loop (one request after
the other, with an optional pause between two):

- *citizens* search: the public search page ``@@tra-cuu?q=`` and its REST twin
  ``@faceted-search?q=``, and view pages (a unit's page), through the front (Varnish);
- *communes* poll their unit's feed conditionally through the front: ``feed.json?since=<cursor>``
  with the ``If-None-Match`` of their last answer (a 304 when nothing changed, a 200 with the
  new items otherwise, whose cursor and ETag they keep);
- an *editor* and an *approver* log in (plone.restapi ``@login``: a token, the session of a
  REST client; token requests need no CSRF token) and, through the balancer, create a bulletin
  in their commune, submit it and publish it (``@workflow/submit``, ``@workflow/publish``).

Every request is recorded (kind, status or the error, start, seconds). A POST that fails is
checked afterwards: did it commit (the item exists, or its state moved) or not? The published
items (UID, path, when) are what the delivery counters check against.
"""

from dataclasses import dataclass
from dataclasses import field
from nguon.demo.users import demo_password
from urllib.parse import urlsplit

import itertools
import requests
import statistics
import threading
import time
import uuid


KINDS = ("search", "feed", "page", "approve")
QUERIES = (
    "thông báo",
    "bão",
    "học sinh",
    "tiem chung",
    "Thuận Hóa",
    "lịch",
    "nghỉ học",
    "dịch vụ công",
)
# demo units (nguon.demo): Huế, Thuận Hóa, Vỹ Dạ, Quảng Trị, Đồng Hới
FEED_UNITS = ("46", "19786", "19777", "44", "18880")
EDITOR_UNIT = "19786"
EDITOR = "thuanhoa.bientap"
APPROVER = "thuanhoa.duyet"
TITLE_PREFIX = "Tin thử tải"


@dataclass
class Record:
    kind: str
    method: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    started: float  # time.monotonic()
    seconds: float
    error: str = ""
    committed: bool = None  # for a failed POST: did it commit all the same?

    @property
    def ok(self):
        return self.status in (200, 201, 204, 304)


@dataclass
class Published:
    uid: str
    path: str  # below the site, e.g. "thuan-hoa/tin-thu-tai-…"
    title: str
    at: float  # time.time() when the publishing request answered


@dataclass
class Figures:
    """What a load run (or a window of it) measured."""

    seconds: float
    records: list
    published: list = field(default_factory=list)

    @property
    def sent(self):
        return len(self.records)

    def failed(self, allowed=()):
        """{status: count} of the requests that did not succeed (0: no answer), leaving
        out the statuses in ``allowed``."""
        counts = {}
        for record in self.records:
            if not record.ok and record.status not in allowed:
                counts[record.status] = counts.get(record.status, 0) + 1
        return dict(sorted(counts.items()))

    def statuses(self):
        counts = {}
        for record in self.records:
            counts[record.status] = counts.get(record.status, 0) + 1
        return dict(sorted(counts.items()))

    def by_kind(self):
        """{kind: {"requests", "rate", "p50", "p95", "failed"}} (milliseconds)."""
        table = {}
        for kind in KINDS:
            records = [r for r in self.records if r.kind == kind]
            if not records:
                continue
            ms = sorted(r.seconds * 1000 for r in records if r.ok)
            table[kind] = {
                "requests": len(records),
                "rate": len(records) / self.seconds if self.seconds else 0.0,
                "p50": statistics.median(ms) if ms else None,
                "p95": percentile(ms, 95) if ms else None,
                "failed": sum(1 for r in records if not r.ok),
            }
        return table

    @property
    def rate(self):
        return self.sent / self.seconds if self.seconds else 0.0

    def posts_failed(self):
        """Failed POSTs: (committed all the same, not committed, unknown)."""
        failed = [r for r in self.records if r.method == "POST" and not r.ok]
        return (
            sum(1 for r in failed if r.committed is True),
            sum(1 for r in failed if r.committed is False),
            sum(1 for r in failed if r.committed is None),
        )

    def slowest(self):
        return max((r.seconds for r in self.records), default=0.0)


def percentile(sorted_values, p):
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[p - 1]


def site_path(url):
    return urlsplit(url).path.rstrip("/")


class Load:
    """The mixed load against ``front`` (citizens and communes; Varnish in the cluster) and
    ``balancer`` (the editors; HAProxy in the cluster): both are the site's URL
    (``http://host:port/Plone``). One instance alone: both are its URL."""

    def __init__(
        self,
        front,
        balancer,
        citizens=2,
        communes=2,
        editors=1,
        pause=0.05,
        editor_pause=0.3,
        timeout=30,
        password=None,
    ):
        self.front = front.rstrip("/")
        self.balancer = balancer.rstrip("/")
        self.citizens, self.communes, self.editors = citizens, communes, editors
        self.pause, self.editor_pause, self.timeout = pause, editor_pause, timeout
        self.password = password or demo_password()
        self.records = []
        self.published = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []
        self.started = None
        self.units = {}  # code -> path below the site
        self.tokens = {}  # user -> a login token of an earlier run (``login`` keeps them)

    # --- setting up ---------------------------------------------------------------------

    def prepare(self):
        """Find the demo units' paths (once, before the run)."""
        session = requests.Session()
        session.headers["Accept"] = "application/json"
        for code in FEED_UNITS:
            found = session.get(
                f"{self.balancer}/@search",
                params={"portal_type": "AdministrativeUnit", "unit_code": code},
                timeout=self.timeout,
            ).json()
            if found.get("items_total") == 1:
                url = found["items"][0]["@id"]
                self.units[code] = url[len(self.balancer) + 1 :]
        assert EDITOR_UNIT in self.units, self.units
        return self

    def start(self):
        if not self.units:
            self.prepare()
        self.stopping.clear()
        self.started = time.monotonic()
        workers = (
            [self.citizen] * self.citizens
            + [self.commune] * self.communes
            + [self.editor] * self.editors
        )
        for number, target in enumerate(workers):
            thread = threading.Thread(
                target=target, args=(number,), name=f"load-{number}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(self.timeout + 30)
        self.threads = []
        return self.figures()

    def figures(self, since=None, until=None):
        """The figures of the whole run, or of the requests started in a window
        (``time.monotonic()`` values)."""
        since = self.started if since is None else since
        until = time.monotonic() if until is None else until
        with self.lock:
            records = [r for r in self.records if since <= r.started < until]
            published = list(self.published)
        return Figures(until - since, records, published)

    def run_for(self, seconds):
        self.start()
        time.sleep(seconds)
        return self.stop()

    # --- requests -----------------------------------------------------------------------

    def _send(self, session, kind, method, url, **options):
        started = time.monotonic()
        try:
            answer = session.request(method, url, timeout=self.timeout, **options)
            status, error = answer.status_code, ""
        except requests.RequestException as failure:
            answer, status = None, 0
            error = f"{type(failure).__name__}: {failure}"[:300]
        record = Record(
            kind, method, status, started, time.monotonic() - started, error
        )
        with self.lock:
            self.records.append(record)
        return answer, record

    def _rest(self):
        session = requests.Session()
        session.headers["Accept"] = "application/json"
        return session

    # --- the users ----------------------------------------------------------------------

    def citizen(self, number):
        session = requests.Session()
        queries = itertools.cycle(QUERIES[number % len(QUERIES) :] + QUERIES)
        pages = itertools.cycle(sorted(self.units.values()))
        for turn in itertools.count():
            if self.stopping.is_set():
                return
            query = next(queries)
            if turn % 3 == 0:
                self._send(
                    session,
                    "search",
                    "GET",
                    f"{self.front}/@@tra-cuu",
                    params={"q": query},
                )
            elif turn % 3 == 1:
                self._send(
                    session,
                    "search",
                    "GET",
                    f"{self.front}/@faceted-search",
                    params={"q": query},
                    headers={"Accept": "application/json"},
                )
            else:
                self._send(session, "page", "GET", f"{self.front}/{next(pages)}")
            self.stopping.wait(self.pause)

    def commune(self, number):
        session = requests.Session()
        codes = list(self.units)
        state = {}  # path -> (cursor, etag)
        for turn in itertools.count(number):
            if self.stopping.is_set():
                return
            path = self.units[codes[turn % len(codes)]]
            cursor, etag = state.get(path, (None, None))
            params = {"since": cursor} if cursor is not None else {}
            headers = {"Accept": "application/feed+json"}
            if etag:
                headers["If-None-Match"] = etag
            answer, record = self._send(
                session,
                "feed",
                "GET",
                f"{self.front}/{path}/feed.json",
                params=params,
                headers=headers,
            )
            if answer is not None and answer.status_code == 200:
                try:
                    cursor = answer.json()["_nguon"]["cursor"]
                except (ValueError, KeyError):
                    cursor = None
                state[path] = (cursor, answer.headers.get("ETag"))
            self.stopping.wait(self.pause)

    def login(self, user):
        """A REST session logged in as ``user`` (a plone.restapi token), through the
        balancer; tries again while the cluster cannot answer."""
        session = self._rest()
        if user in self.tokens:
            session.headers["Authorization"] = f"Bearer {self.tokens[user]}"
            return session
        while not self.stopping.is_set():
            answer, _record = self._send(
                session,
                "approve",
                "POST",
                f"{self.balancer}/@login",
                json={"login": user, "password": self.password},
            )
            if answer is not None and answer.status_code == 200:
                self.tokens[user] = answer.json()["token"]
                session.headers["Authorization"] = f"Bearer {self.tokens[user]}"
                return session
            _record.committed = False  # a login commits nothing worth checking
            self.stopping.wait(1)
        return None

    def editor(self, number):
        editor, approver = self.login(EDITOR), self.login(APPROVER)
        if editor is None or approver is None:
            return
        unit = f"{self.balancer}/{self.units[EDITOR_UNIT]}"
        for turn in itertools.count():
            if self.stopping.is_set():
                return
            name = f"tin-thu-tai-{uuid.uuid4().hex[:12]}"
            title = f"{TITLE_PREFIX} {number}-{turn} {name[-6:]}"
            item = self.create(editor, unit, name, title)
            if item is None:
                self.stopping.wait(self.editor_pause)
                continue
            if self.transition(editor, item, "submit", "pending") and self.transition(
                approver, item, "publish", "published"
            ):
                uid = self.uid_of(editor, item)
                with self.lock:
                    self.published.append(
                        Published(
                            uid, item[len(self.balancer) + 1 :], title, time.time()
                        )
                    )
            self.stopping.wait(self.editor_pause)

    def create(self, session, unit, name, title):
        """Create a bulletin; returns its URL once it exists, or None when it does not
        (a failed POST is checked: committed or not)."""
        answer, record = self._send(
            session,
            "approve",
            "POST",
            unit,
            json={
                "@type": "Bulletin",
                "id": name,
                "title": title,
                "description": "Thông báo thử trong lúc chạy tải, kiểm tra chịu lỗi.",
                "category": "public-services",
                "target_scope": "unit",
            },
        )
        item = f"{unit}/{name}"
        if record.ok:
            return item
        record.committed = self.exists(session, item)
        return item if record.committed else None

    def transition(self, session, item, name, state):
        """Run a workflow transition; True once the item is in ``state``."""
        for _attempt in range(3):
            answer, record = self._send(
                session, "approve", "POST", f"{item}/@workflow/{name}"
            )
            if record.ok:
                return True
            current = self.state_of(session, item)
            record.committed = current == state if current is not None else None
            if record.committed:
                return True
            if self.stopping.wait(0.5):
                return False
        return False

    def _get_json(self, session, url):
        """GET ``url`` as JSON, trying again while the cluster cannot answer (not recorded:
        these are the checks of the load, not its requests)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answer = session.get(url, timeout=self.timeout)
            except requests.RequestException:
                answer = None
            if answer is not None and answer.status_code in (200, 404):
                return answer
            time.sleep(0.5)
        return None

    def exists(self, session, item):
        answer = self._get_json(session, item)
        return None if answer is None else answer.status_code == 200

    def state_of(self, session, item):
        answer = self._get_json(session, item)
        if answer is None or answer.status_code != 200:
            return None
        return answer.json().get("review_state")

    def uid_of(self, session, item):
        answer = self._get_json(session, item)
        return answer.json().get("UID") if answer is not None else None


def report(name, figures, lost=None, doubled=None, extra=""):
    """Print the figures line of a fault run; returns it (the benchmark keeps it)."""
    committed, not_committed, unknown = figures.posts_failed()
    line = (
        f"FAULT {name}: sent {figures.sent} in {figures.seconds:.0f} s, "
        f"statuses {figures.statuses()}, failed {sum(figures.failed().values())} "
        f"{figures.failed()}, failed POSTs committed/not/unknown "
        f"{committed}/{not_committed}/{unknown}, published {len(figures.published)}"
    )
    if lost is not None:
        line += f", lost {lost}"
    if doubled is not None:
        line += f", doubled {doubled}"
    if extra:
        line += f", {extra}"
    print(line, flush=True)
    return line
