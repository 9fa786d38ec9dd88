"""``textmine app`` listens on 127.0.0.1 unless ``--host`` says otherwise, and says what sharing exposes."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import textmine_executable

from textmine.cli import corpus_commands
from textmine.cli.corpus_commands import streamlit_command, streamlit_environment

APP = Path(corpus_commands.__file__).resolve().parents[3] / "app.py"

WARNING_EVERY_INTERFACE = (
    "Attention : l'application écoute sur 0.0.0.0 (toutes les adresses de cette machine), port 8600, sans mot "
    "de passe : quiconque atteint cette adresse peut lire tout le corpus. Pour le protéger, placez "
    "l'application derrière un proxy inverse avec authentification (exemple nginx dans le README, section "
    "« Partager l'application »)."
)


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_streamlit_command_line_listens_on_this_machine_only() -> None:
    command = streamlit_command(APP, 8501)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(APP)]
    assert option(command, "--server.address") == "127.0.0.1"
    assert option(command, "--server.port") == "8501"
    assert option(command, "--server.headless") == "true"
    # nothing sent to Streamlit, and no banner asking checkip.amazonaws.com for the public address
    assert option(command, "--browser.gatherUsageStats") == "false"
    assert option(command, "--logger.hideWelcomeMessage") == "true"


def test_host_changes_the_address_and_nothing_else() -> None:
    local, shared = streamlit_command(APP, 8600), streamlit_command(APP, 8600, "0.0.0.0")
    assert option(shared, "--server.address") == "0.0.0.0"
    assert [a for a in shared if a != "0.0.0.0"] == [a for a in local if a != "127.0.0.1"]


def test_the_app_process_has_hugging_face_telemetry_off_but_may_download() -> None:
    env = streamlit_environment({"PATH": "/usr/bin"})
    assert env == {"PATH": "/usr/bin", "HF_HUB_DISABLE_TELEMETRY": "1"}


@pytest.fixture
def launch(cli, monkeypatch: pytest.MonkeyPatch):
    """``textmine app`` in-process, with ``os.execve`` recording the Streamlit command instead of running it."""
    launched: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(corpus_commands.os, "execve", lambda path, argv, env: launched.append((argv, env)))

    def run(*args: str) -> tuple[int, str, str, list[str], dict[str, str]]:
        status, out, err = cli("app", *args)
        (argv, env), = launched or [([], {})]
        launched.clear()
        return status, out, err, argv, env

    return run


def test_app_listens_on_127_0_0_1_by_default_without_a_warning(launch) -> None:
    status, out, err, argv, env = launch()
    assert status == 0
    assert out == "Application textmine : http://127.0.0.1:8501 (Ctrl+C pour arrêter)\n"
    assert err == ""
    assert option(argv, "--server.address") == "127.0.0.1"
    assert env["HF_HUB_DISABLE_TELEMETRY"] == "1"


def test_host_on_every_interface_prints_the_warning(launch) -> None:
    status, out, err, argv, _ = launch("--host", "0.0.0.0", "--port", "8600")
    assert status == 0
    assert err == WARNING_EVERY_INTERFACE + "\n"
    assert out == "Application textmine : http://localhost:8600 (Ctrl+C pour arrêter)\n"
    assert option(argv, "--server.address") == "0.0.0.0"


def test_a_named_address_is_in_the_warning(launch) -> None:
    _, out, err, argv, _ = launch("--host", "192.168.1.20")
    assert err.startswith("Attention : l'application écoute sur 192.168.1.20, port 8501, sans mot de passe : ")
    assert out == "Application textmine : http://192.168.1.20:8501 (Ctrl+C pour arrêter)\n"
    assert option(argv, "--server.address") == "192.168.1.20"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_print_no_warning(launch, host: str) -> None:
    status, _, err, argv, _ = launch("--host", host)
    assert (status, err, option(argv, "--server.address")) == (0, "", host)


def test_a_bad_host_is_refused_in_french(launch) -> None:
    status, _, err, argv, _ = launch("--host", "pas une adresse")
    assert status == 2
    assert err == (
        "Erreur : argument --host : adresse invalide « pas une adresse » (une adresse IP comme 127.0.0.1 ou "
        "0.0.0.0, ou un nom de machine) (voir « textmine app --help »).\n"
    )
    assert argv == []


def test_the_warning_points_to_a_readme_section_with_a_proxy_example() -> None:
    readme = (APP.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Partager l'application\n", 1)[1].split("\n## ", 1)[0]
    assert "proxy_pass http://127.0.0.1:8501;" in section
    assert "auth_basic_user_file" in section


def test_streamlit_run_app_py_directly_is_as_private() -> None:
    import tomllib

    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["showEmailPrompt"] is False
    assert config["browser"]["gatherUsageStats"] is False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_sockets(pid: int, port: int) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Addresses on which process ``pid`` listens on TCP ``port``, read from /proc/net/tcp and tcp6."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            hex_address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port and inode in inodes:  # 0A: LISTEN
                addresses.add(kernel_address(hex_address))
    return addresses


def kernel_address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as /proc/net/tcp* writes it: 32-bit words in the machine's byte order."""
    raw = bytes.fromhex(hex_address)
    words = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    native = b"".join(word[::-1] if sys.byteorder == "little" else word for word in words)
    return ipaddress.ip_address(native)


@pytest.mark.skipif(sys.byteorder != "little", reason="exemples écrits pour une machine petit-boutiste")
def test_kernel_addresses_are_read_as_the_kernel_writes_them() -> None:
    assert str(kernel_address("0100007F")) == "127.0.0.1"
    assert str(kernel_address("00000000")) == "0.0.0.0"
    assert str(kernel_address("00000000000000000000000000000000")) == "::"
    assert str(kernel_address("00000000000000000000000001000000")) == "::1"


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="/proc/net/tcp est propre à Linux")
def test_the_started_app_listens_on_127_0_0_1_only(demo_copy, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "app.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [textmine_executable(), "app", "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ},
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"no answer within 90 s:\n{log.read_text()}"
                time.sleep(0.3)
        # textmine execs Streamlit: the server is the process started here
        assert listening_sockets(server.pid, port) == {ipaddress.ip_address("127.0.0.1")}, log.read_text()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, log.read_text()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the port is still open after the server stopped"
