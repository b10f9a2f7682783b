"""``nguon-radio-keys``: show or rotate the key that signs what stations air, on a stopped site.

    nguon-radio-keys show
    nguon-radio-keys rotate --retire-at 2026-12-31T00:00:00+07:00
    nguon-radio-keys rotate --now          # the old key is compromised: it signs nothing more

``rotate`` makes a new key; the old one keeps signing too until ``--retire-at`` (default: in
seven days), so stations that pin only the old key keep airing while their operators add the
new one (``nguon-station --public-key NEW --public-key OLD@<retire-at>``). Both commands print
the ``--public-key`` arguments stations should use. Like ``nguon-units``, it opens the
instance's database directly (run it from the project folder, with the site stopped).
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.devices import keys
from nguon.instance.offline import run_command
from nguon.instance.settings import ConfigurationError

import argparse
import transaction


DEFAULT_OVERLAP = timedelta(days=7)


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-radio-keys", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="các khóa đang ký và tham số --public-key cho đài")
    rotate = commands.add_parser(
        "rotate", help="tạo khóa mới; khóa cũ còn ký đến --retire-at"
    )
    when = rotate.add_mutually_exclusive_group()
    when.add_argument(
        "--retire-at",
        type=_aware,
        metavar="ISO8601",
        help="thời điểm khóa cũ thôi ký, có múi giờ (mặc định: sau 7 ngày)",
    )
    when.add_argument(
        "--now", action="store_true", help="khóa cũ thôi ký ngay (khóa bị lộ)"
    )
    return parser


def _aware(text):
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("cần múi giờ, ví dụ 2026-12-31T00:00:00+07:00")
    return moment


def station_arguments(site, now=None):
    """The ``nguon-station`` arguments that pin every key signing now."""
    return " ".join(
        f"--public-key {key['public_key']}"
        + (f"@{key['not_after']}" if key["not_after"] else "")
        for key in keys.published(site, now)
    )


def show(site, arguments, now=None):
    for key in keys.published(site, now):
        until = f"ký đến {key['not_after']}" if key["not_after"] else "khóa hiện hành"
        print(f"{key['key_id']}  {until}")
    print(f"tham số cho nguon-station: {station_arguments(site, now)}")


def rotate(site, arguments, now=None):
    now = now or datetime.now(UTC)
    retire_at = now if arguments.now else (arguments.retire_at or now + DEFAULT_OVERLAP)
    try:
        new = keys.rotate(site, retire_at, now)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    transaction.commit()
    print(
        f"nguon: khóa mới {new}; khóa cũ ký đến {retire_at.isoformat(timespec='seconds')}"
    )
    show(site, arguments, now)


def main(argv=None):
    arguments = _parser().parse_args(argv)
    job = show if arguments.command == "show" else rotate
    return run_command(job, arguments, log_as="nguon-radio-keys")
