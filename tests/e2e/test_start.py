"""``make start``'s program end to end: a real Solr, a real Plone, a real database on disk."""

from nguon.demo.setuphandlers import SITE_TITLE
from nguon.demo.users import demo_password
from tests.e2e.instance import BIN
from tests.e2e.instance import Instance
from tests.e2e.instance import port_is_free
from tests.e2e.instance import until

import pytest
import requests
import signal
import socket
import subprocess


pytestmark = pytest.mark.slow


def _inventory(instance):
    found = instance.get(
        "/@search?portal_type=Bulletin&b_size=200&metadata_fields=modified",
        accept="application/json",
        auth="admin:admin",
    )
    return {
        item["@id"].split("/Plone", 1)[1]: item["modified"] for item in found["items"]
    }


def test_start_serves_the_vietnamese_site_and_a_second_start_finds_it_unchanged(
    tmp_path,
):
    instance = Instance(tmp_path).start()
    try:
        front = instance.get("")  # the address nguon-start prints: 127.0.0.1
        assert 'lang="vi"' in front and "Nguồn" in front
        assert "++theme++barceloneta/css/barceloneta.min.css" in front, "unthemed"
        # The commune's page reads the change log, which the server's delivery thread fills
        # from the outbox after start: wait for it rather than race it.
        assert until(
            lambda: (
                "Thông báo lịch cắt điện ngày 25/11 tại phường Thuận Hóa"
                in instance.get("/trung-uong/hue/phuong-thuan-hoa")
            ),
            60,
        )
        assert "Dự thảo Quy chế" not in instance.get("/trung-uong/hue")
        _check_search(instance)
        before = _inventory(instance)
        assert len(before) >= 25
        log = instance.read_log()
        assert (
            "đã tạo site mới" in log
            and "thuanhoa.bientap" in log
            and instance.url in log
        )
        # the citizen app, built by the install, is named and served
        assert f"{instance.url}/ung-dung/" in log
        assert 'rel="manifest"' in instance.get("/ung-dung/")
        mqtt = instance.env["NGUON_MQTT_PORT"]
        assert f"Mosquitto sẵn sàng tại mqtt://127.0.0.1:{mqtt}" in log
        assert (
            tmp_path / "var" / "mosquitto" / "publisher.json"
        ).stat().st_mode & 0o77 == 0
        _check_upgrade_command(tmp_path)
        assert "ftw.upgrade" in instance.get("/@@manage-upgrades", auth="admin:admin")
        english = instance.get("", headers={"Cookie": "I18N_LANGUAGE=en"})
        assert 'lang="en"' in english
    except BaseException:
        instance.kill()
        raise
    assert instance.stop() == 0
    assert port_is_free(instance.port) and port_is_free(instance.solr_port)
    assert port_is_free(int(instance.env["NGUON_MQTT_PORT"]))

    again = Instance(tmp_path)
    again.port, again.solr_port = instance.port, instance.solr_port
    again.env.update(instance.env)
    again.start()
    try:
        assert "dùng lại site có sẵn" in again.read_log()
        assert _inventory(again) == before
    except BaseException:
        again.kill()
        raise
    assert again.stop(signal.SIGTERM) == 0
    assert port_is_free(again.port) and port_is_free(again.solr_port)


def _citizen_search(instance, **params):
    return requests.get(
        f"{instance.url}/@faceted-search",
        params=params,
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()


def _check_search(instance):
    """The new site's demo items reach the bundled Solr through the server's outbox worker;
    citizens find them without diacritics; a bulletin published now is found moments later."""
    demo = "Thông báo lịch cắt điện ngày 25/11 tại phường Thuận Hóa"
    assert until(
        lambda: (
            demo
            in [
                hit["title"]
                for hit in _citizen_search(instance, q="thong bao lich cat dien")[
                    "items"
                ]
            ]
        )
    )
    page = requests.get(
        f"{instance.url}/@@tra-cuu", params={"q": "cat dien"}, timeout=30
    ).text
    assert demo in page and "<mark>" in page
    editor = requests.Session()
    editor.auth = ("thuanhoa.bientap", demo_password())
    editor.headers["Accept"] = "application/json"
    created = editor.post(
        f"{instance.url}/trung-uong/hue/phuong-thuan-hoa",
        json={
            "@type": "Bulletin",
            "title": "Thông báo tiêm vắc xin sởi cho trẻ em",
            "description": "Trạm y tế phường tiêm vắc xin sởi miễn phí.",
            "category": "health",
        },
    )
    assert created.status_code == 201, created.text
    item = created.json()["@id"]
    assert editor.post(f"{item}/@workflow/submit").status_code == 200
    approver = requests.Session()
    approver.auth = ("thuanhoa.duyet", demo_password())
    approver.headers["Accept"] = "application/json"
    assert approver.post(f"{item}/@workflow/publish").status_code == 200
    assert until(
        lambda: (
            item
            in [
                hit["@id"]
                for hit in _citizen_search(instance, q="tiem vac xin soi")["items"]
            ]
        )
    )


def _upgrade(folder, *arguments):
    done = subprocess.run(
        [str(BIN / "upgrade"), *arguments, "--auth", "admin:admin"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _check_upgrade_command(folder):
    """ftw.upgrade's command finds the running instance from parts/instance, as with buildout."""
    sites = _upgrade(folder, "sites")
    assert "/Plone" in sites and SITE_TITLE in sites
    assert "Proposed upgrades" in _upgrade(folder, "list", "--pick-site", "--upgrades")
    assert "Installed profiles" in _upgrade(
        folder, "list", "--site", "Plone", "--profiles"
    )


def test_a_taken_port_is_refused_in_one_line(tmp_path):
    instance = Instance(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", instance.port))
        squatter.listen()
        code, output = instance.run()
    assert code == 2
    assert output.strip().count("\n") == 0 and "Traceback" not in output
    assert f"cổng {instance.port}" in output and "NGUON_PORT" in output


def test_an_unusable_data_folder_is_refused_in_one_line(tmp_path):
    (tmp_path / "blocked").write_text("a file where the data folder should be")
    code, output = Instance(tmp_path, NGUON_VAR="blocked/var").run()
    assert code == 2 and "Traceback" not in output
    assert output.strip().count("\n") == 0 and "NGUON_VAR" in output


def test_a_wrong_solr_address_is_refused_in_one_line(tmp_path):
    instance = Instance(tmp_path, NGUON_SOLR_BUNDLED="0")
    code, output = instance.run(timeout=120)
    assert code == 2 and "Traceback" not in output
    assert output.strip().count("\n") == 0
    assert "SOLR_URL" in output and instance.env["SOLR_URL"] in output
