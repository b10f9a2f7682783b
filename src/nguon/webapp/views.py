"""``<site>/ung-dung/<path>``: the files of the built app, read from ``static/``.

The app is a static bundle (``webapp/``, built by ``make webapp``), so the view only maps a
path to a file: names are checked against the folder (no ``..``, no hidden files), the
content type follows the extension, hashed assets are cached for a year, and the page, the
service worker and the manifest are revalidated every time with their ETag (a new build
reaches phones on their next visit; an unchanged file answers 304 without its body). ``/ung-dung`` without its slash is redirected, since the page's links are
relative to the folder. Files go out byte for byte (Plone's transform chain, the theme
included, is turned off for them). The service worker's default scope is its folder,
``/ung-dung/``, which is the app's whole address, so no ``Service-Worker-Allowed`` is
needed.

The page asked with ``?xa=<unit code>`` of a public unit (the commune's own address of the
app, printed as a QR code) arrives with the commune's items in it (``nguon.webapp.first``):
revalidated every time too, its ETag that of its bytes (the feed's items and the warnings
in force are in them), varying with the language the feed's title is read in. Any other
``xa`` (unknown, not a unit, not public, malformed) gets the plain page, unchanged."""

from datetime import datetime
from datetime import UTC
from hashlib import sha256
from nguon.webapp import first
from nguon.webapp.commune import first_of
from nguon.webapp.commune import words
from pathlib import Path
from plone import api
from Products.Five.browser import BrowserView
from ZODB.POSException import ConflictError
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
from zope.publisher.interfaces import NotFound

import logging


logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=86400"


def resolve(parts, root=STATIC):
    """The file under ``root`` that ``parts`` names, or None (missing, hidden, outside)."""
    if not parts:
        parts = ["index.html"]
    for part in parts:
        if not part or part.startswith(".") or "/" in part or "\\" in part:
            return None
    path = root.joinpath(*parts)
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


def etag(path):
    """A validator of the built file (its size and time of the build)."""
    stat = path.stat()
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def cache_control(parts):
    if parts and parts[0] == "assets":
        return IMMUTABLE  # Vite's hashed file names: a new build has new names
    if parts and parts[0] == "icons":
        return SHORT
    return REVALIDATE


@implementer(IPublishTraverse)
class App(BrowserView):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.parts = []

    def publishTraverse(self, request, name):
        self.parts.append(name)
        return self

    def __call__(self):
        request, response = self.request, self.request.response
        actual = request.get("ACTUAL_URL", "")
        if not self.parts and not actual.endswith("/"):
            query = request.get("QUERY_STRING")
            response.redirect(f"{actual}/" + (f"?{query}" if query else ""))
            return ""
        path = resolve(self.parts)
        if path is None:
            if not STATIC.joinpath("index.html").is_file():
                response.setStatus(503)
                response.setHeader("Content-Type", "text/plain; charset=utf-8")
                return "Ứng dụng chưa được dựng: chạy make install.\n"
            raise NotFound(self, "/".join(self.parts), request)
        # Byte for byte: no theme, no rewriting of the page by Plone's transform chain.
        request.environ["plone.transformchain.disable"] = True
        response.setHeader(
            "Content-Type", TYPES.get(path.suffix, "application/octet-stream")
        )
        response.setHeader("Cache-Control", cache_control(self.parts))
        response.setHeader("X-Content-Type-Options", "nosniff")
        body = self.commune_page(path)
        tag = etag(path) if body is None else f'"{sha256(body).hexdigest()[:32]}"'
        if body is not None:
            response.setHeader("Vary", "Accept-Language")
        response.setHeader("ETag", tag)
        if tag in (request.getHeader("If-None-Match") or ""):
            response.setStatus(304)  # a revalidation on 3G: no body
            return b""
        return path.read_bytes() if body is None else body

    def commune_page(self, path):
        """The page with the commune's items in it (``?xa=``), or None for the file."""
        if self.parts not in ([], ["index.html"]):
            return None
        code = first.valid_code(self.request.form.get("xa"))
        if code is None:
            return None
        try:
            found = first_of(api.portal.get(), code, self.request)
        except ConflictError:
            raise
        except Exception:
            # A commune's printed QR code must still open the app: the plain page.
            logger.exception("the commune's page of the app (xa=%s) failed", code)
            return None
        if found is None:
            return None
        unit, feed = found
        page = first.first_page(
            path.read_text("utf-8"),
            unit,
            feed,
            words(self.request),
            datetime.now(UTC),
        )
        return None if page is None else page.encode("utf-8")
