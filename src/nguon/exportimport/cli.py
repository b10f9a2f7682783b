"""``nguon-export`` and ``nguon-import``: a whole site, or one unit's subtree, to a folder and
back, on a stopped site (docs/exportimport.md describes the folder).

    nguon-export THƯ_MỤC [--unit MÃ]   write the site (or the unit with official code MÃ, its
                                       subtree, groups and members) to THƯ_MỤC
    nguon-import THƯ_MỤC               import THƯ_MỤC into the site (created without demo data
                                       when there is none), then check every item against the
                                       export's manifest

Like ``nguon-units``, they open the instance's database directly (run them from the project
folder, with the site stopped: NGUON_VAR and NGUON_SITE_ID say which). Exit codes: 0 done
(for an import: every item as exported), 1 imported with differences (listed), 2 the command
could not run, with one line on stderr that says why.
"""

from dataclasses import replace
from nguon.exportimport import run
from nguon.instance.offline import run_command
from nguon.instance.offline import say
from nguon.instance.settings import from_environment
from nguon.instance.site import create_site
from nguon.instance.site import ensure_admin
from pathlib import Path

import argparse
import sys
import transaction


def _export_parser():
    parser = argparse.ArgumentParser(
        prog="nguon-export", description="Xuất cả site hoặc một đơn vị ra một thư mục."
    )
    parser.add_argument(
        "folder", metavar="THƯ_MỤC", help="thư mục ghi (tạo nếu chưa có)"
    )
    parser.add_argument(
        "--unit",
        metavar="MÃ",
        help="chỉ xuất đơn vị có mã này (ví dụ 19777) và cấp dưới",
    )
    return parser


def _import_parser():
    parser = argparse.ArgumentParser(
        prog="nguon-import",
        description="Nhập một thư mục do nguon-export ghi vào site.",
    )
    parser.add_argument("folder", metavar="THƯ_MỤC", help="thư mục do nguon-export ghi")
    return parser


def export_job(site, arguments):
    folder = Path(arguments.folder)
    if folder.exists() and any(folder.iterdir()):
        raise run.ExportError(f"{folder} đã có dữ liệu: chọn một thư mục trống")
    manifest = run.export_site(site, folder, unit=arguments.unit)
    what = f"đơn vị {arguments.unit}" if arguments.unit else f"site «{site.getId()}»"
    say(f"đã xuất {what}: {len(manifest['items'])} mục vào {folder.resolve()}")


def import_job(site, arguments):
    folder = Path(arguments.folder)
    run.read_manifest(folder)  # refused before anything is written
    differences = run.import_site(site, folder, commit=True)
    transaction.commit()
    for line in differences:
        say(f"KHÁC: {line}")
    if differences:
        raise Differences(len(differences))
    say(f"đã nhập {folder.resolve()}: mọi mục đúng như lúc xuất")


class Differences(Exception):
    """The import ran; some items differ from the manifest (listed above)."""


def create_empty_site(app):
    """The site nguon-start would create with NGUON_DEMO=0: what an import goes into."""
    settings = replace(from_environment(), demo=False)
    ensure_admin(app, settings.admin_password)
    say(f"chưa có site «{settings.site_id}»: tạo site trống (không có dữ liệu mẫu)")
    site = create_site(app, settings)
    transaction.commit()  # the empty site stays, as nguon-start's would, whatever follows
    return site


def export_main(argv=None):
    arguments = _export_parser().parse_args(argv)
    return run_command(
        export_job, arguments, refusals=(run.ExportError,), log_as="nguon-export"
    )


def import_main(argv=None):
    arguments = _import_parser().parse_args(argv)
    try:
        run.read_manifest(arguments.folder)  # before a site is opened, or made
    except run.ExportError as error:
        print(f"nguon: LỖI: {error}", file=sys.stderr)
        return 2
    try:
        return run_command(
            import_job,
            arguments,
            refusals=(run.ExportError,),
            create=create_empty_site,
            log_as="nguon-import",
        )
    except Differences as error:
        print(
            f"nguon: LỖI: {error.args[0]} khác biệt giữa site và bản xuất",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(export_main())
