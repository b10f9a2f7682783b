from ftw.upgrade import UpgradeStep


class CitizenPagesAndNavigationForThousandsOfUnits(UpgradeStep):
    """Citizen pages and navigation for thousands of units.

    The site root shows the citizen's home (``@@trang-chu``) and every unit its public page
    (``@@trang-don-vi``); the navigation portlet, which listed every unit and item of a
    province down the left of every page, is removed from the site root, and the global
    sections are one level deep (``plone.navigation_depth``). A unit or the root that an
    administrator gave a view of its own keeps it.
    """

    def __call__(self):
        self.install_upgrade_profile()
