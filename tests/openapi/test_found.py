"""What the schemathesis run (test_schemathesis) found in Nguồn's endpoints, kept as plain
tests so it stays fixed."""

import requests


def test_open311_xml_error_with_a_control_character_is_an_answer(tree_functional):
    """``services.xml?address_id=%01`` answered 500 ("All strings must be XML compatible"):
    the 400's description echoes the unit code, and lxml refuses a control character. The
    description leaves such characters out; the JSON answer keeps the code as it came."""
    base = f"{tree_functional['portal'].absolute_url()}/open311/v2"
    xml = requests.get(f"{base}/services.xml?address_id=A%01B", timeout=60)
    assert xml.status_code == 400, xml.text
    assert b"<errors>" in xml.content and b"AB" in xml.content
    data = requests.get(f"{base}/services.json?address_id=A%01B", timeout=60)
    assert data.status_code == 400
    assert "A\x01B" in data.json()[0]["description"]


def _json(url, method="get", headers=(), **options):
    headers = {"Accept": "application/json", **dict(headers)}
    return requests.request(method, url, headers=headers, timeout=60, **options)


def test_a_body_that_is_not_json_is_a_bad_request(tree_functional):
    """``POST @feedback`` with ``\\x00`` as its JSON body answered 500 (plone.restapi's
    DeserializationError); every service that reads a JSON body now answers 400 in the one
    error shape."""
    url = tree_functional["portal"].absolute_url()
    for service in ("@feedback", "@feedback-mine", "vn/46/19786/@feedback"):
        answer = _json(
            f"{url}/{service}",
            "post",
            data=b"\x00",
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 400, (service, answer.text)
        assert answer.json()["type"] == "BadRequest"
        assert answer.json()["message"] == "Nội dung không phải JSON hợp lệ."


def test_search_paging_out_of_bounds_and_unreadable_text_are_bad_requests(
    tree_functional,
):
    """``@search?b_size=-1481`` answered 500 (plone.restapi's batch asserts), and a text of
    characters the catalog's parser counts as no word (``\\U0001a556\\x19``) too (its
    ParseError): both 400 naming the parameter."""
    url = tree_functional["portal"].absolute_url()
    for query, name in (
        ({"b_size": "-1481"}, "b_size"),
        ({"b_size": "0"}, "b_size"),
        ({"b_start": "-3"}, "b_start"),
        ({"SearchableText": "\U0001a556\x19"}, "SearchableText"),
    ):
        answer = _json(f"{url}/@search", params=query)
        assert answer.status_code == 400, (query, answer.text)
        assert name in answer.json()["message"]
    assert _json(f"{url}/@search", params={"b_size": "5"}).status_code == 200
