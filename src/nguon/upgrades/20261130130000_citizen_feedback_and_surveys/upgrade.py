from ftw.upgrade import UpgradeStep
from nguon.feedback.install import install


class CitizenFeedbackAndSurveys(UpgradeStep):
    """Citizen feedback and surveys.

    For sites made before citizens could report: the permission to handle reports (held by
    the units' editors, approvers and admins), the store of reports, the secret of the
    public forms' proof-of-work challenge, the lease of the due-date clock, the survey
    type and the units' action «Xử lý phản ánh» (the desk).
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
