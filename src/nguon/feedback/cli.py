"""``nguon-feedback-keys``: the keys of the applications that file reports through Open311,
and the secret that signs the public forms' proof-of-work challenges, on a stopped site (as
``nguon-cap-keys`` does for the CAP key).

    nguon-feedback-keys list                      # every key: id, application, issued, revoked
    nguon-feedback-keys issue "Ứng dụng Huế-S"    # a new key, printed once: give it to the app
    nguon-feedback-keys revoke 1a2b3c4d           # refuse the key from now on
    nguon-feedback-keys rotate-challenge          # a new secret for the challenges

Only the key's digest is kept (``nguon.feedback.apikeys``): a lost key cannot be shown
again; revoke it and issue another. After ``rotate-challenge`` the challenges already
handed out stay valid until they expire (``nguon.feedback.challenge.rotate``).
"""

from nguon.feedback import apikeys
from nguon.feedback import challenge
from nguon.instance.offline import run_command
from nguon.instance.settings import ConfigurationError

import argparse
import getpass
import transaction


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-feedback-keys", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="các khóa đã cấp")
    issue = commands.add_parser("issue", help="cấp khóa mới cho một ứng dụng")
    issue.add_argument("name", metavar="TÊN", help="tên ứng dụng")
    revoke = commands.add_parser("revoke", help="thu hồi một khóa")
    revoke.add_argument("key_id", metavar="MÃ", help="mã khóa (cột đầu của list)")
    commands.add_parser(
        "rotate-challenge", help="đổi khóa bí mật ký phép thử chống thư rác"
    )
    return parser


def _day(moment):
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def show(site, arguments):
    for client in apikeys.clients(site):
        state = f"thu hồi {_day(client.revoked)}" if client.revoked else "đang dùng"
        print(
            f"{client.key_id}  {client.name}  cấp {_day(client.issued)}"
            f" ({client.issued_by or '-'})  {state}"
        )


def issue(site, arguments):
    client, secret = apikeys.issue(site, arguments.name, getpass.getuser())
    transaction.commit()
    print(f"nguon: khóa {client.key_id} cho «{client.name}» (chỉ in một lần):")
    print(secret)


def revoke(site, arguments):
    client = apikeys.revoke(site, arguments.key_id)
    if client is None:
        raise ConfigurationError(f"không có khóa {arguments.key_id}")
    transaction.commit()
    print(f"nguon: đã thu hồi khóa {client.key_id} ({client.name})")


def rotate_challenge(site, arguments):
    challenge.rotate(site)
    transaction.commit()
    print(
        "nguon: đã đổi khóa bí mật của phép thử; phép thử đã phát vẫn dùng được "
        f"{challenge.EXPIRY // 60:.0f} phút nữa"
    )


def main(argv=None):
    arguments = _parser().parse_args(argv)
    job = {
        "list": show,
        "issue": issue,
        "revoke": revoke,
        "rotate-challenge": rotate_challenge,
    }[arguments.command]
    return run_command(job, arguments, log_as="nguon-feedback-keys")
