`nguon-outbox status|retry [CHANNEL]`: operators see every outbox channel's waiting items and
dead letters with their reasons (Solr, syndication, radio audio), and queue the dead letters
again once the cause is fixed (docs/operations.md, "Dead letters").
