"""``nguon-cluster``'s refusals come before anything starts, in one Vietnamese line."""

from nguon.cluster import cli

import os
import socket


def test_start_refuses_a_busy_port_before_starting_anything(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = cli.main(["start", "--var", str(tmp_path), "--port", str(port)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("nguon: LỖI: ")
    assert f"cổng {port}" in error
    assert not os.path.exists(tmp_path / "cluster" / "postgresql")


def test_status_says_when_no_cluster_runs(tmp_path, capsys):
    assert cli.main(["status", "--var", str(tmp_path)]) == 2
    assert "cụm không chạy" in capsys.readouterr().err


def test_instances_must_be_at_least_one(tmp_path, capsys):
    assert cli.main(["start", "--var", str(tmp_path), "--instances", "0"]) == 2
    assert "--instances" in capsys.readouterr().err
