"""tests/linux/files.c (file, descriptor and resource syscalls): passes on
Fusion on every board with an MMU, and under the host's qemu-user, which
proves each expectation against Linux."""

import os
import pty
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import board_has_mmu, load_run_module, run


def passed(output, name):
    m = re.search(rf"^{re.escape(name)}: (\d+) passed, (\d+) failed\r?$", output, re.M)
    assert m, output
    assert int(m.group(1)) > 0 and m.group(2) == "0", output


def test_files_program_passes_on_fusion(board):
    if not board_has_mmu(board):
        pytest.skip(f"{board} has no MMU: no Linux personality")
    r = run(board, "--image", "vela", "--exec", "run /bin/linux/files")
    assert r.returncode == 0, r
    passed(r.output, "files")


def test_files_program_passes_under_qemu_user(board):
    if not board_has_mmu(board):
        pytest.skip(f"{board} has no MMU: no Linux personality")
    q = load_run_module().load_qemu_json(board)
    qemu = shutil.which(f"qemu-{q['arch']}")
    if not qemu:
        pytest.skip(f"no qemu-{q['arch']} (qemu-user) on this host")
    binary = os.path.join(os.path.dirname(q["image"]), "linux", "files")
    # files.c works in /tmp/files_test; a private /tmp keeps runs apart. A
    # pseudo-terminal as stdin/stdout, like the Fusion console, so its
    # terminal ioctl checks run against Linux too.
    master, slave = pty.openpty()
    with tempfile.TemporaryDirectory() as tmp:
        # The binary is opened before the mount: the build tree itself may
        # live under /tmp (a clone in /tmp), which the new tmpfs hides.
        p = subprocess.Popen(["unshare", "-m", "sh", "-c",
                              f"exec 3<'{binary}' && mount -t tmpfs none /tmp && "
                              f"cat <&3 >/tmp/files && exec 3<&- && chmod +x /tmp/files && "
                              f"exec {qemu} /tmp/files"],
                             stdin=slave, stdout=slave, stderr=slave, cwd=tmp)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program closed the terminal
                break
            if not chunk:
                break
            out += chunk
        status = p.wait(timeout=120)
        os.close(master)
    text = out.decode(errors="replace").replace("\r", "")
    if status and "unshare" in text:
        pytest.skip(f"cannot make a private /tmp here: {text.strip()}")
    assert status == 0, text
    assert "tty ioctls skipped" not in text, text
    passed(text, "files")


def test_linux_image_runs_the_program(board):
    """--image linux: the program runs from the Linux initramfs as the
    console's command (/bin/sh -c with busybox; riscv64 has no busybox, so
    the command's words are the program and its arguments)."""
    if not board_has_mmu(board):
        pytest.skip(f"{board} has no MMU: no Linux personality")
    r = run(board, "--image", "linux", "--exec", "/bin/linux/files")
    assert r.returncode == 0, r
    passed(r.output, "files")
    assert "vsh" not in r.output, r  # no Vela shell on this console
