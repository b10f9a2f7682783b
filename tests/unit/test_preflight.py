"""Pre-flight checks: a taken port and an unusable data folder end in a clear one-line error."""

from nguon.instance import preflight
from nguon.instance.settings import ConfigurationError

import pytest
import socket


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    preflight.check_port_free("127.0.0.1", port, "NGUON_PORT")


def test_a_taken_port_names_the_port_and_the_setting():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(ConfigurationError) as error:
            preflight.check_port_free("127.0.0.1", port, "NGUON_PORT")
    message = str(error.value)
    assert str(port) in message and "NGUON_PORT" in message and "\n" not in message


def test_a_data_folder_that_cannot_be_created_names_the_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError) as error:
        preflight.check_data_folder(blocker / "var")
    assert str(blocker / "var") in str(error.value) and "NGUON_VAR" in str(error.value)


def test_a_writable_data_folder_is_created(tmp_path):
    preflight.check_data_folder(tmp_path / "new" / "var")
    assert (tmp_path / "new" / "var").is_dir()
