"""Checks made before anything starts, each failing with a one-line message saying what to fix."""

from nguon.instance.settings import ConfigurationError

import errno
import os
import socket
import tempfile


def check_data_folder(var):
    """The data folder exists (or can be made) and this user can write in it."""
    try:
        var.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=var):
            pass
    except OSError as error:
        raise ConfigurationError(
            f"không ghi được vào thư mục dữ liệu {var} ({error.strerror}): sửa quyền thư mục "
            f"hoặc đặt NGUON_VAR tới một thư mục ghi được"
        ) from None


def check_port_free(host, port, variable):
    """Nothing listens on host:port yet; ``variable`` names the setting to change."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    f"cổng {port} trên {host} đang được một chương trình khác dùng: dừng chương "
                    f"trình đó hoặc đặt {variable} sang cổng khác"
                ) from None
            if error.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
                raise ConfigurationError(
                    f"không mở được {host}:{port} ({os.strerror(error.errno)}): kiểm tra "
                    f"{variable} và NGUON_HOST"
                ) from None
            raise
