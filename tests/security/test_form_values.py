"""Typed form values Zope cannot convert: the attack was a 500 on any URL of the site
(``ZPublisher`` lets the converter's error escape); now it is a 400 that says why."""

import pytest
import requests


@pytest.mark.parametrize(
    "query",
    [
        "b_start:int=abc",
        "size:float=x",
        "when:date=not-a-date",
        "b_size:long=1e999",
        "page:int=99999999999999999999999999999999999999x",
    ],
)
def test_a_value_the_converters_cannot_read_is_a_clear_400(functional, query):
    portal = functional["portal"].absolute_url()
    for url in (portal, f"{portal}/@search", f"{portal}/@@search"):
        answer = requests.get(
            f"{url}?{query}", headers={"Accept": "text/html"}, timeout=30
        )
        assert answer.status_code == 400, (url, query, answer.status_code)
    assert (
        requests.get(
            f"{portal}/@search?b_start:int=1",
            headers={"Accept": "application/json"},
            timeout=30,
        ).status_code
        == 200
    )
