"""``khoa-open311`` on the site root: the site's administrators issue and revoke the keys of
the applications that file reports through Open311 in the browser, as ``nguon-feedback-keys``
does on the server (``nguon.feedback.apikeys``). A new key is shown once, on the answer to
the form that issued it, never cached; the page lists every key with its application, who
issued it when, and whether it was revoked."""

from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback import apikeys
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


def _local(moment):
    return moment.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M") if moment else ""


class KeysPage(BrowserView):
    index = ViewPageTemplateFile("templates/open311_keys.pt")

    def __call__(self):
        self.issued = None
        self.missing_name = False
        self.request.response.setHeader("Cache-Control", "private, no-store")
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.act(self.request.form)
        return self.index()

    def act(self, form):
        portal = api.portal.get()
        if form.get("action") == "issue":
            name = str(form.get("name") or "").strip()[:200]
            if not name:
                self.missing_name = True
                return
            client, secret = apikeys.issue(portal, name, api.user.get_current().getId())
            self.issued = {
                "key_id": client.key_id,
                "name": client.name,
                "secret": secret,
            }
        elif form.get("action") == "revoke":
            apikeys.revoke(portal, str(form.get("key_id") or ""))

    def keys(self):
        return [
            {
                "key_id": client.key_id,
                "name": client.name,
                "issued": _local(client.issued),
                "issued_by": client.issued_by or "",
                "revoked": _local(client.revoked),
            }
            for client in apikeys.clients(api.portal.get())
        ]

    def endpoint(self):
        return f"{api.portal.get().absolute_url()}/open311/v2/discovery.json"
