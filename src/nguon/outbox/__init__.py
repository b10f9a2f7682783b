"""The durable outbox: what changed in the site, kept until every consumer has taken it.

Channels outside the ZODB (Solr; later push subscribers, radio stations and boards) must
never miss a change because they were down when it happened. The content transaction itself
records *which item* changed, in the same ZODB commit (``processor``), in one pending set per
consumer (``storage``); a worker (``worker``) hands the pending items to each consumer
(``interfaces.IOutboxConsumer``) and forgets an item only once the consumer took it.

Entries are "converge" requests, not diffs: a consumer reads the item's committed state when it
delivers (index it, or delete it when it is gone or no longer indexable), so delivering twice,
late, or out of order does no harm, and a backlog of a thousand edits of one item is one entry.
"""
