"""``GET @my-work``: the first items and the total of each of the current user's lists of
work (``nguon.work.lists``); ``GET @my-work/<list>`` one whole list in plone.restapi batches
(``b_size`` up to ``bounded.MAX_SIZE``, ``b_start``, ``batching`` links)."""

from nguon import _
from nguon.errors import client_error
from nguon.restapi import bounded
from nguon.restapi.traversing import PathService
from nguon.work import lists
from plone import api
from plone.restapi.serializer.converters import json_compatible
from zExceptions import NotFound
from zExceptions import Unauthorized


def serialize(name, brain, titles):
    entry = lists.describe(name, brain, titles)
    entry["@id"] = entry.pop("url")
    entry["@type"] = entry.pop("type")
    return json_compatible(entry)


class MyWorkGet(PathService):
    def reply(self):
        if api.user.is_anonymous():
            raise client_error(
                Unauthorized,
                _(
                    "my_work_error_anonymous",
                    default="Cần đăng nhập để xem việc của mình.",
                ),
                self.request,
            )
        user = api.user.get_current()
        names = [n for n in lists.LISTS if n != "queue" or lists.approves(user)]
        base = f"{self.context.absolute_url()}/@my-work"
        titles = lists.UnitTitles()
        if not self.params:
            return self.home(user, names, base, titles)
        name = self.params[0]
        if len(self.params) > 1 or name not in names:
            raise client_error(
                NotFound,
                _(
                    "my_work_error_list",
                    default="Không có danh sách «${name}». Các danh sách: ${names}.",
                    mapping={"name": "/".join(self.params), "names": ", ".join(names)},
                ),
                self.request,
            )
        found = bounded.batch(self.request, lists.work_list(name, user))
        answer = bounded.page(found, [serialize(name, b, titles) for b in found])
        answer["list"] = name
        return answer

    def home(self, user, names, base, titles):
        answer = {"@id": base, "lists": {}}
        for name in names:
            results = lists.work_list(name, user)
            answer["lists"][name] = {
                "@id": f"{base}/{name}",
                "items_total": len(results),
                "items": [serialize(name, b, titles) for b in results[: lists.SHOWN]],
            }
        return answer
