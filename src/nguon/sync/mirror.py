"""The local copy of a unit's items, in SQLite.

Changes are applied in sequence order and only forward: an item's row keeps the sequence
number of the last change applied to it, a deletion leaves a tombstone with its number, and a
change older than what is kept is ignored. Applying the same document twice, or an old one
again, therefore changes nothing. A pushed delivery is recorded as taken in the very
transaction that applies it: a crash before the commit leaves neither, and the hub's repeat
of the delivery is applied then.
"""

from pathlib import Path

import json
import sqlite3
import time


SCHEMA = """
create table if not exists items (
    uid text primary key, seq integer not null, title text, url text,
    published text, priority text, data text not null);
create table if not exists tombstones (uid text primary key, seq integer not null, at text);
create table if not exists state (key text primary key, value text);
create table if not exists deliveries (id text primary key, received real not null);
"""


class Mirror:
    def __init__(self, path, folder=None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    # -- state ------------------------------------------------------------------------

    def get(self, key, default=None):
        row = self.db.execute(
            "select value from state where key = ?", (key,)
        ).fetchone()
        return row[0] if row else default

    def set(self, key, value):
        with self.db:
            self.db.execute(
                "insert or replace into state values (?, ?)", (key, str(value))
            )

    @property
    def cursor(self):
        value = self.get("cursor")
        return int(value) if value is not None else None

    def seen(self, delivery_id):
        """True if this delivery was applied before."""
        row = self.db.execute(
            "select 1 from deliveries where id = ?", (delivery_id,)
        ).fetchone()
        return row is not None

    # -- applying changes -------------------------------------------------------------

    def apply(self, document, fallback_seq=0, delivery_id=None):
        """Apply a JSON Feed document (a page of current items, or a change stream); returns
        ``(upserted, deleted, ignored)``. Items of a current page carry no sequence number:
        they count as ``fallback_seq`` (the cursor the page was read at). ``delivery_id``
        is recorded as applied in the same transaction."""
        changes = []
        for item in document.get("items", []):
            seq = (item.get("_nguon") or {}).get("seq") or fallback_seq
            changes.append((seq, 1, item["_nguon"]["uid"], item))
        for deleted in (document.get("_nguon") or {}).get("deleted", []):
            changes.append(
                (deleted.get("seq") or fallback_seq, 0, deleted["uid"], deleted)
            )
        counts = [0, 0, 0]
        with self.db:
            for seq, is_upsert, uid, data in sorted(
                changes, key=lambda c: (c[0], c[1])
            ):
                if seq < self._last_seq(uid):
                    counts[2] += 1
                elif is_upsert:
                    self._upsert(uid, seq, data)
                    counts[0] += 1
                else:
                    self._delete(uid, seq, data.get("when"))
                    counts[1] += 1
            if delivery_id is not None:
                self.db.execute(
                    "insert or replace into deliveries values (?, ?)",
                    (delivery_id, time.time()),
                )
        return tuple(counts)

    def prune(self, keep, seq):
        """After reading the whole current feed at cursor ``seq``: every item not in
        ``keep`` (UIDs) and not changed after ``seq`` went away meanwhile; tombstone it.
        Returns how many."""
        gone = [
            uid
            for (uid,) in self.db.execute(
                "select uid from items where seq <= ?", (seq,)
            )
            if uid not in keep
        ]
        with self.db:
            for uid in gone:
                self._delete(uid, seq, None)
        return len(gone)

    def _last_seq(self, uid):
        row = self.db.execute(
            "select max(seq) from (select seq from items where uid = ?1"
            " union all select seq from tombstones where uid = ?1)",
            (uid,),
        ).fetchone()
        return row[0] or 0

    def _upsert(self, uid, seq, item):
        self.db.execute("delete from tombstones where uid = ?", (uid,))
        self.db.execute(
            "insert or replace into items values (?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                seq,
                item.get("title"),
                item.get("url"),
                item.get("date_published"),
                item["_nguon"].get("priority"),
                json.dumps(item, ensure_ascii=False),
            ),
        )
        if self.folder:
            (self.folder / f"{uid}.json").write_text(
                json.dumps(item, ensure_ascii=False, indent=1), encoding="utf-8"
            )

    def _delete(self, uid, seq, when):
        self.db.execute("delete from items where uid = ?", (uid,))
        self.db.execute(
            "insert or replace into tombstones values (?, ?, ?)", (uid, seq, when)
        )
        if self.folder:
            (self.folder / f"{uid}.json").unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------------

    def items(self):
        """``{uid: title}`` of what the mirror holds."""
        return dict(
            self.db.execute("select uid, title from items order by published desc")
        )

    def count(self):
        return self.db.execute("select count(*) from items").fetchone()[0]
