from ftw.upgrade import UpgradeStep
from nguon.instance.offline import point_at_caching_proxies
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment


class Caching(UpgradeStep):
    """HTTP caching behind a caching proxy.

    For sites made before Nguồn ran behind Varnish: plone.app.caching (its records, control
    panel and plone.cachepurging's settings), the cache rules of what every visitor shares
    (static resources, content files, the units' feeds: ruleset ``nguon.feed``, kept
    ``nguon.feedCaching.smaxage`` seconds) and the proxies to purge from
    ``NGUON_CACHING_PROXIES`` (also set at every start).
    """

    def __call__(self):
        self.setup_install_profile("profile-plone.app.caching:default")
        self.install_upgrade_profile()
        try:
            point_at_caching_proxies(from_environment())
        except ConfigurationError:
            pass  # the next start says what is wrong with the settings
