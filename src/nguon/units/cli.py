"""``nguon-units``: sync units from the official list, merge two units, or set units' points, on a stopped site.

    nguon-units sync --province 46 --province 44
    nguon-units sync --all
    nguon-units merge 19777 19786
    nguon-units locate diem.csv          # lines of code,latitude,longitude (WGS84 degrees)
    nguon-units locate --official        # the shipped points, for units that have none

It opens the instance's database directly (run it from the project folder, with the site
stopped); while the site runs, use the "Đơn vị hành chính" control panel instead.
"""

from nguon.instance.offline import run_command
from nguon.instance.settings import ConfigurationError
from nguon.units import location
from nguon.units import official
from nguon.units.importer import sync_provinces
from nguon.units.merge import merge_units
from nguon.units.merge import MergeError
from nguon.units.tree import find_unit
from zope.i18n import translate

import argparse
import transaction


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-units", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    sync = commands.add_parser(
        "sync", help="tạo hoặc cập nhật đơn vị theo danh mục chính thức"
    )
    which = sync.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--province", action="append", metavar="MÃ", help="mã tỉnh, thành phố"
    )
    which.add_argument("--all", action="store_true", help="cả 34 tỉnh, thành phố")
    merge = commands.add_parser("merge", help="sáp nhập đơn vị NGUỒN vào đơn vị ĐÍCH")
    merge.add_argument("source", metavar="NGUỒN")
    merge.add_argument("target", metavar="ĐÍCH")
    locate = commands.add_parser(
        "locate",
        help="đặt vị trí (vĩ độ, kinh độ) cho đơn vị từ tệp CSV mã,vĩ độ,kinh độ",
    )
    where = locate.add_mutually_exclusive_group(required=True)
    where.add_argument("file", nargs="?", metavar="TỆP_CSV")
    where.add_argument(
        "--official",
        action="store_true",
        help="vị trí kèm theo Nguồn, cho đơn vị chưa có vị trí",
    )
    return parser


WHILE_RUNNING = (
    "dừng site, hoặc dùng trang quản trị «Đơn vị hành chính» (@@units-controlpanel)"
)


def _sync(site, arguments):
    codes = sorted(official.provinces()) if arguments.all else arguments.province
    for code in codes:
        official.province(code)  # an unknown code fails before anything changes
    total = {"created": 0, "updated": 0, "unchanged": 0}
    for code in codes:
        counts = sync_provinces(site, [code])
        transaction.commit()
        total = {key: total[key] + counts[key] for key in total}
        print(
            f"nguon: {code} {official.province(code).title}: {dict(counts)}", flush=True
        )
    print(
        f"nguon: tổng cộng: tạo mới {total['created']}, cập nhật {total['updated']}, "
        f"giữ nguyên {total['unchanged']}"
    )


def _merge(site, arguments):
    source, target = find_unit(arguments.source), find_unit(arguments.target)
    for code, unit in ((arguments.source, source), (arguments.target, target)):
        if unit is None:
            raise ConfigurationError(f"không có đơn vị mã «{code}»")
    title = source.Title()
    try:
        moved = merge_units(source, target)
    except MergeError as error:
        raise ConfigurationError(
            translate(error.message, target_language="vi")
        ) from None
    transaction.commit()
    print(
        f"nguon: đã sáp nhập «{title}» vào «{target.Title()}» ({moved} mục chuyển sang)"
    )


def _locate(site, arguments):
    if arguments.official:
        points = location.official()
    else:
        try:
            with open(arguments.file, encoding="utf-8-sig", newline="") as stream:
                points = location.read(stream, arguments.file)
        except OSError as error:
            raise ConfigurationError(
                f"không đọc được «{arguments.file}»: {error}"
            ) from None
        except location.LocationsError as error:
            raise ConfigurationError(f"tệp vị trí có lỗi:\n{error}") from None
    counts = location.locate(points, only_missing=arguments.official)
    transaction.commit()
    print(
        f"nguon: vị trí: cập nhật {counts['updated']}, giữ nguyên {counts['unchanged']}, "
        f"mã không có đơn vị {counts['unknown']}"
    )


JOBS = {"sync": _sync, "merge": _merge, "locate": _locate}


def main(argv=None):
    arguments = _parser().parse_args(argv)
    return run_command(
        JOBS[arguments.command],
        arguments,
        refusals=(KeyError,),
        while_running=WHILE_RUNNING,
        log_as="nguon-units",
    )
