"""Web Push of alerts to the citizen app's phones (VAPID, RFC 8030/8291/8292): the site's
key pair and the subscriptions per unit (``store``), what a subscription must be
(``subscriptions``), what a push says (``message``) and the outbox consumer that sends them
(``consumer``). docs/webpush.md."""
