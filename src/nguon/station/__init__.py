"""``nguon-station``: the reference agent a commune runs next to its radio equipment.

It needs nothing of Zope: ``acceptance`` decides whether a signed schedule may be used
(signature of the pinned key, validity window, newer than the last one), ``cache`` keeps the
last valid schedule and its audio on disk so the station goes on airing when the server is
unreachable, ``player`` drives Liquidsoap (two queues into one Icecast mount: emergencies
pre-empt everything), ``agent`` runs the loops and reports the as-run log.
"""
