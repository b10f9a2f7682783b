"""Every plone.restapi service Nguồn registers, read from the component registry.

plone.rest's ``<plone:service>`` registers a browser view named ``<METHOD>_<type>_<subtype>_
<name>`` (``GET_application_json_@find-unit``) for ``(for, layer)``, whose class is a subclass
made on the fly of the ``factory`` the ZCML names. The services whose factory lives in the
``nguon`` package are Nguồn's: the document lists them all (``document.build``), so a new
service is in it the moment it is registered, and ``tests/openapi`` fails until it is
described.
"""

from dataclasses import dataclass
from plone.base.interfaces.siteroot import IPloneSiteRoot
from zope.component import getGlobalSiteManager
from zope.interface import Interface

import re


SERVICE = re.compile(
    r"^(?P<method>GET|POST|PUT|PATCH|DELETE)_application_json_(?P<name>@[\w.-]+)$"
)


@dataclass(frozen=True)
class Registration:
    method: str  # "GET"
    name: str  # "@find-unit"
    context: str  # dotted name of the interface the service is registered for
    factory: type  # the class the ZCML names
    permission: str  # the permission's title ("View")
    scope: str  # "site" (the site root) or "object" (a unit, an item, a station, ...)

    @property
    def key(self):
        return (self.method, self.name, self.scope)


def _permission(view_class):
    roles = getattr(view_class, "__roles__", None)
    return getattr(roles, "__name__", "") or ""


def _factory(view_class):
    for base in view_class.__mro__[1:]:
        if base.__module__.startswith("nguon."):
            return base
    return None


def _scopes(context):
    if context is Interface:
        return ("site", "object")
    if context.isOrExtends(IPloneSiteRoot) or IPloneSiteRoot.extends(context):
        return ("site",)  # the site root's own interfaces (CMF's ISiteRoot too)
    return ("object",)


def _registries(registry, seen=None):
    """The registry and every registry it builds on (test layers stack registries)."""
    seen = seen if seen is not None else []
    if registry not in seen:
        seen.append(registry)
        for base in getattr(registry, "__bases__", ()):
            _registries(base, seen)
    return seen


def _adapters():
    for registry in _registries(getGlobalSiteManager()):
        if hasattr(registry, "registeredAdapters"):
            yield from registry.registeredAdapters()


def registrations():
    """Nguồn's services, sorted by name, method and scope (one per scope: a service
    registered for every object is listed for the site root and for an object)."""
    found = set()
    for reg in _adapters():
        match = SERVICE.match(reg.name or "")
        if not match or not isinstance(reg.factory, type):
            continue
        factory = _factory(reg.factory)
        if factory is None:
            continue
        context = reg.required[0]
        for scope in _scopes(context):
            found.add(
                Registration(
                    method=match["method"],
                    name=match["name"],
                    context=f"{context.__module__}.{context.__name__}",
                    factory=factory,
                    permission=_permission(reg.factory),
                    scope=scope,
                )
            )
    return sorted(found, key=lambda r: (r.name, r.method, r.scope, r.context))
