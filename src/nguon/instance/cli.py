"""``nguon-start``: check the configuration, start Solr and Mosquitto, create the site on first
run, and serve Plone in the foreground. Ctrl-C (or SIGTERM) stops every process it started."""

from nguon.demo.users import demo_password
from nguon.demo.users import DEMO_USERS
from nguon.instance import preflight
from nguon.instance.files import write_instance
from nguon.instance.mosquitto import broker_of
from nguon.instance.mosquitto import require_external as require_broker
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from nguon.instance.solr import BundledSolr
from nguon.instance.solr import require_external
from nguon.messaging.settings import CREDENTIALS
from pathlib import Path

import os
import signal
import subprocess
import sys


def _say(message):
    print(f"nguon: {message}", flush=True)


def _fail(message):
    print(f"nguon: LỖI: {message}", file=sys.stderr, flush=True)
    return 2


def _create_or_open_site(settings):
    done = subprocess.run(
        [sys.executable, "-m", "nguon.instance.site"], capture_output=True, text=True
    )
    if done.returncode != 0:
        log = settings.var / "log" / "site-setup.log"
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
        last = (done.stderr.strip().splitlines() or ["(không có thông báo)"])[-1]
        raise ConfigurationError(
            f"không tạo/mở được site: {last} — chi tiết trong {log}"
        )
    return done.stdout.strip().endswith("created")


def _banner(settings, created):
    _say(
        ("đã tạo site mới" if created else "dùng lại site có sẵn")
        + f" trong {settings.var}"
    )
    _say(
        f"địa chỉ: {settings.site_url}  (quản trị Zope: http://{settings.host}:{settings.port}/manage)"
    )
    _say(
        f"đăng nhập quản trị: admin / {settings.admin_password if settings.demo else '(NGUON_ADMIN_PASSWORD)'}"
    )
    _say(
        f"người dân gửi phản ánh: {settings.site_url}/gui-phan-anh — cán bộ xử lý: "
        "<trang đơn vị>/xu-ly-phan-anh"
    )
    _say(
        f"ứng dụng cho người dân (cài từ trình duyệt điện thoại): {settings.site_url}/ung-dung/"
    )
    if settings.demo:
        _say(f"tài khoản mẫu (mật khẩu {demo_password()}):")
        for userid, fullname, unit_code, kind in DEMO_USERS:
            _say(f"  {userid:<18} {fullname} — đơn vị {unit_code}, nhóm {kind}")
    _say("nhấn Ctrl-C để dừng Plone, Solr và Mosquitto")


def _serve(settings):
    """Run the WSGI server until it exits or we are told to stop; returns its exit code."""
    runwsgi = Path(sys.executable).with_name("runwsgi")
    server = subprocess.Popen([str(runwsgi), str(settings.wsgi_ini)])

    def forward(_signum, _frame):
        # SIGTERM whatever we got: a server started in the background ignores SIGINT.
        if server.poll() is None:
            server.terminate()

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return server.wait()


def start():
    try:
        settings = from_environment()
        preflight.check_data_folder(settings.var)
        preflight.check_port_free(settings.host, settings.port, "NGUON_PORT")
        write_instance(settings)
        broker, mosquitto = broker_of(settings)
    except ConfigurationError as error:
        return _fail(error)
    solr = BundledSolr(settings) if settings.solr_bundled else None
    try:
        if solr:
            preflight.check_port_free("127.0.0.1", settings.solr_parts[2], "SOLR_URL")
            _say(
                "khởi động Solr đi kèm (lần đầu cần vài phút để tải thư viện từ Maven Central)…"
            )
            solr.start()
        else:
            require_external(settings.solr_url)
        _say(f"Solr sẵn sàng tại {settings.solr_url}")
        if mosquitto:
            mosquitto.start()
        else:
            require_broker(broker)
        # The server (and the site setup) publish the broadcast through it with this login.
        os.environ[CREDENTIALS] = str(broker.credentials)
        _say(
            f"Mosquitto sẵn sàng tại {broker.address} (WebSockets cho bảng tin: "
            f"{broker.ws_address})"
        )
        created = _create_or_open_site(settings)
        _banner(settings, created)
        code = _serve(settings)
        return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code
    except ConfigurationError as error:
        return _fail(error)
    except KeyboardInterrupt:
        return 0
    finally:
        if solr:
            solr.stop()
        if mosquitto:
            mosquitto.stop()


if __name__ == "__main__":
    sys.exit(start())
