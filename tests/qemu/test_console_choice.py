"""The console is the UART /chosen/stdout-path names, not a fixed one:
raspi3b's devicetree says serial1 (the mini-UART); with a copy of it that
says serial0, the same kernel must talk over the PL011 (QEMU's first serial
port) instead, output and interrupt-driven input alike."""

import os
import shlex
import subprocess

import pexpect
import pytest

from conftest import BOOT_TIMEOUT, RUN, VSH_PROMPT, type_line


def qemu_command(board, dtb, *run_args):
    """tools/run's QEMU command for BOARD with DTB in place of the board's and
    the serial ports swapped, so serial0 (PL011) is the terminal."""
    line = subprocess.run([RUN, "--board", board, "--no-build", "--dry-run", *run_args],
                          capture_output=True, text=True, check=True).stdout
    cmd = shlex.split(line)
    cmd[cmd.index("-dtb") + 1] = str(dtb)
    first = cmd.index("-serial")
    assert cmd[first:first + 4] == ["-serial", "null", "-serial", "mon:stdio"], cmd
    cmd[first + 1], cmd[first + 3] = "mon:stdio", "null"
    return cmd


@pytest.fixture
def pl011_dtb(board, tmp_path):
    if board != "raspi3b":
        pytest.skip(f"{board}: only raspi3b's own devicetree offers two console UARTs here")
    from conftest import load_run_module
    q = load_run_module().load_qemu_json(board)
    src = q["args"][q["args"].index("-dtb") + 1]
    dtb = tmp_path / "pl011-console.dtb"
    dtb.write_bytes(open(src, "rb").read())
    subprocess.run(["fdtput", "-t", "s", str(dtb), "/chosen", "stdout-path", "serial0:115200n8"],
                   check=True)
    return dtb


def test_stdout_path_serial0_makes_the_pl011_the_console(board, pl011_dtb):
    cmd = qemu_command(board, pl011_dtb, "--exec", "info")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=BOOT_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Model: Raspberry Pi 3 Model B" in r.stdout, r.stdout


def test_pl011_console_takes_input(board, pl011_dtb):
    cmd = qemu_command(board, pl011_dtb)
    child = pexpect.spawn(cmd[0], cmd[1:], timeout=BOOT_TIMEOUT, encoding="utf-8",
                          codec_errors="replace")
    try:
        child.expect_exact(VSH_PROMPT)
        type_line(child, "echo typed-over-pl011")
        child.expect(r"\ntyped-over-pl011\r")  # the echo's output line, not the typing
        child.expect_exact(VSH_PROMPT)
    finally:
        child.terminate(force=True)
        child.close(force=True)
