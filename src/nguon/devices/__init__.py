"""Equipment of every kind (radio stations, public boards, and whatever comes next).

- ``credentials``: a device's token (issued once, kept as a digest, rotated), under the
  annotation key ``nguon.devices.credentials``;
- ``sessions``: how a kiosk browser proves which board it is without a secret in any URL
  (a one-time pairing code, then a signed session cookie);
- ``reports``: ONE report log for what devices say they did (a station's as-run, a board's
  proof of play), kept in UTC with a retention, read by device or by item;
- ``keys``: the site's Ed25519 keys that sign what devices receive (station schedules,
  broadcast alerts), rotated with ``nguon-radio-keys``;
- ``services``: the one plone.restapi service style for equipment: a ``DeviceService``
  authenticates the calling device by its token header (or a paired kiosk's session) and
  refuses with plone.restapi's errors.

Radio and boards are users of this package: they say which portal type, header and record
shape they use; nothing here imports them.
"""
