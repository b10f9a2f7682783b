"""``nguon-cap-keys``: show or rotate the key that signs the site's CAP messages, on a stopped
site (as ``nguon-radio-keys`` does for the devices' keys).

    nguon-cap-keys show                    # the certificates published at /@cap-keys
    nguon-cap-keys show --pem              # ... with their PEM text, to hand to a reader
    nguon-cap-keys rotate --retire-at 2026-12-31T00:00:00+07:00
    nguon-cap-keys rotate --now            # the old key is compromised: unpublish it now

``rotate`` makes a new key, which signs every message from then on; the old certificate
stays published beside it until ``--retire-at`` (default: in seven days), so that messages
signed before still verify against what the site publishes while aggregators and the
provinces' ingest pin the new one.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.alerts import keys
from nguon.instance.offline import run_command
from nguon.instance.settings import ConfigurationError

import argparse
import transaction


DEFAULT_OVERLAP = timedelta(days=7)


def _aware(text):
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("cần múi giờ, ví dụ 2026-12-31T00:00:00+07:00")
    return moment


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-cap-keys", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("show", help="các chứng thư đang công bố tại /@cap-keys")
    show.add_argument("--pem", action="store_true", help="in cả chứng thư dạng PEM")
    rotate = commands.add_parser(
        "rotate", help="tạo khóa mới; chứng thư cũ còn công bố đến --retire-at"
    )
    when = rotate.add_mutually_exclusive_group()
    when.add_argument(
        "--retire-at",
        type=_aware,
        metavar="ISO8601",
        help="thời điểm thôi công bố chứng thư cũ, có múi giờ (mặc định: sau 7 ngày)",
    )
    when.add_argument(
        "--now", action="store_true", help="thôi công bố chứng thư cũ ngay (khóa bị lộ)"
    )
    return parser


def show(site, arguments, now=None):
    for key in keys.published(site, now):
        until = (
            f"công bố đến {key['retiring_at']}"
            if key["retiring_at"]
            else "khóa hiện hành"
        )
        print(f"{key['fingerprint']}  {until}  (hiệu lực đến {key['not_after']})")
        if getattr(arguments, "pem", False):
            print(key["certificate"])


def rotate(site, arguments, now=None):
    now = now or datetime.now(UTC)
    retire_at = now if arguments.now else (arguments.retire_at or now + DEFAULT_OVERLAP)
    try:
        new = keys.rotate(site, retire_at, now)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    transaction.commit()
    print(
        f"nguon: khóa CAP mới {new}; chứng thư cũ công bố đến "
        f"{retire_at.isoformat(timespec='seconds')}"
    )
    show(site, arguments, now)


def main(argv=None):
    arguments = _parser().parse_args(argv)
    job = show if arguments.command == "show" else rotate
    return run_command(job, arguments, log_as="nguon-cap-keys")
