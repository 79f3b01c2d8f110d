"""Debian's unmodified busybox on the Linux image (aarch64): applets run by
`tools/run --image linux --exec` under /bin/sh -c, their output compared
with the same busybox binary run by the host's qemu-aarch64 on the same
inputs. Each case is one boot and one applet: until clone/fork lands the
shell can only run builtins (echo, printf with redirections) and `exec` its
last command, so every input is written by printf and the applet under test
is exec'd. Machine-dependent applets (ps, free, uptime, df, mount, uname)
are checked for plausible values instead."""

import os
import pty
import shlex
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import run, type_line

BOARD = "qemu-virt-aarch64"
BUSYBOX = os.path.expanduser("~/.cache/fusion/busybox-arm64/busybox")

# name -> (setup, command): SETUP (shell builtins: printf with
# redirections) writes the inputs in a fresh directory, then COMMAND runs.
# Fusion: `cd /tmp; SETUP; exec COMMAND` under /bin/sh (its own /tmp
# tmpfs). Host: the same SETUP under the same busybox's sh, then COMMAND as
# `busybox COMMAND` (qemu-user cannot exec the applet links itself).
TEXT_CASES = {
    "echo": ("", "echo hello  world"),
    "cat": (r"printf 'one\ntwo\n' > f", "cat f"),
    "wc": (r"printf 'a b\nc d e\n' > f", "wc f"),
    "head": (r"printf '1\n2\n3\n4\n' > f", "head -n 2 f"),
    "tail": (r"printf '1\n2\n3\n4\n' > f", "tail -n 3 f"),
    "sort": (r"printf 'b\na\nc\nb\n' > f", "sort -r f"),
    "uniq": (r"printf 'a\na\nb\na\n' > f", "uniq -c f"),
    "grep": (r"printf 'apple\nbanana\ncherry\n' > f", "grep -n an f"),
    "grep-status": (r"printf 'a\n' > f", "grep -q zzz f"),  # exit status 1
    "sed": (r"printf 'apple\nbanana\ncherry\n' > f", "sed -e s/a/A/g -e 2d f"),
    "awk": (r"printf '1 2\n3 4\n' > f", "awk '{ s += $1 * $2 } END { print s, NR }' f"),
    "ls": ("printf x > b; printf y > a; echo z > c", "ls"),
    "find": ("printf x > a; printf y > b", "find . -name a"),
    "mkdir": ("", "mkdir -v d"),
    "cp": ("printf x > a", "cp -v a b"),
    "mv": ("printf x > a", "mv -v a b"),
    "ln": ("printf x > a", "ln -sv a l"),
    "rm": ("printf x > a", "rm -v a"),
}


def need_busybox(board):
    if board != BOARD:
        pytest.skip(f"busybox is Debian's arm64 build: {BOARD} only")
    if not os.path.isfile(BUSYBOX):
        pytest.skip(f"no busybox at {BUSYBOX}: tools/setup could not fetch "
                    "Debian's busybox-static:arm64 (apt-get download)")


def program_output(r):
    """What the program printed: the console after the kernel's boot lines,
    without the kernel's own log lines (unimplemented syscalls)."""
    text = r.output.replace("\r", "")
    marker = re.search(r"^fs: root tmpfs.*mounted\n", text, re.M)
    assert marker, r
    lines = text[marker.end():].split("\n")
    return "\n".join(l for l in lines if not l.startswith("linux: pid ")).strip("\n")


def fusion(board, script):
    return run(board, "--image", "linux", "--exec", f"cd /tmp; {script}")


def host(setup, command):
    """Status and output of COMMAND after SETUP under qemu-aarch64, with a
    terminal as stdout and stderr like the Fusion console (ls formats for a
    terminal)."""
    qemu = shutil.which("qemu-aarch64")
    if not qemu:
        pytest.skip("no qemu-aarch64 (qemu-user) on this host")
    with tempfile.TemporaryDirectory() as d:
        if setup:
            subprocess.run([qemu, BUSYBOX, "sh", "-c", setup], cwd=d, check=True, timeout=60)
        return run_on_a_terminal([qemu, BUSYBOX, *shlex.split(command)], d)


def run_on_a_terminal(argv, cwd, timeout=60):
    """Status and output of ARGV in CWD with a pseudo-terminal as stdout and
    stderr, like the Fusion console."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    status = p.wait(timeout=timeout)
    os.close(master)
    return status, out.decode(errors="replace").replace("\r", "").strip("\n")


@pytest.mark.parametrize("name", sorted(TEXT_CASES))
def test_applet_matches_host_busybox(board, name):
    need_busybox(board)
    setup, command = TEXT_CASES[name]
    want_status, want = host(setup, command)
    r = fusion(board, f"{setup}; exec {command}" if setup else f"exec {command}")
    assert program_output(r) == want, r
    assert r.returncode == want_status, r


def test_readlink_of_an_applet_link(board):
    need_busybox(board)
    r = fusion(board, "exec readlink /bin/sh")
    assert program_output(r) == "busybox", r


def test_uname(board):
    need_busybox(board)
    r = fusion(board, "exec uname -s -m")
    assert program_output(r) == "Linux aarch64", r


def test_ps_lists_itself(board):
    need_busybox(board)
    r = fusion(board, "exec ps")
    out = program_output(r)
    assert re.search(r"^\s*PID\s+USER\s+.*COMMAND$", out, re.M), r
    # The shell exec'd ps in place (no fork): pid 1, its command line.
    assert re.search(r"^\s*1\s+root\s+.*sh -c cd /tmp; exec ps$", out, re.M), r


def test_free_reports_the_ram(board):
    need_busybox(board)
    out = program_output(fusion(board, "exec free"))
    m = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert m, out
    total, used, free = map(int, m.groups())
    assert 400_000 < total < 600_000 and used > 0 and free > 0, out  # 512 MiB board, in KiB
    assert re.search(r"^Swap:\s+0\s+0\s+0$", out, re.M), out


def test_uptime_and_load_average(board):
    need_busybox(board)
    out = program_output(fusion(board, "exec uptime"))
    assert re.search(r"up .*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$", out), out


def test_df_shows_the_tmp_tmpfs(board):
    need_busybox(board)
    out = program_output(fusion(board, "exec df"))
    m = re.search(r"^tmpfs\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+/tmp$", out, re.M)
    assert m, out
    size, used, avail = map(int, m.groups())
    assert size > 0 and used + avail <= size, out


def test_mount_lists_the_real_mounts(board):
    need_busybox(board)
    out = program_output(fusion(board, "exec mount"))
    for line in ("rootfs on / type tmpfs", "proc on /proc type proc", "tmpfs on /tmp type tmpfs"):
        assert line in out, out


def test_proc_self_is_the_caller(board):
    need_busybox(board)
    out = program_output(fusion(board, "exec readlink -f /proc/self/exe"))
    assert out == "/bin/busybox", out
    out = program_output(fusion(board, "exec cat /proc/self/stat"))
    fields = out.split()
    # pid, (comm), state, ppid: cat was exec'd in place of pid 1 (through
    # /proc/self/exe, as busybox re-executes itself), running.
    assert fields[0] == "1" and fields[1] == "(exe)" and fields[2] == "R", out
    assert len(fields) == 52, out


def test_interactive_shell_on_the_console(board, console):
    """With no --exec the console is busybox's /bin/sh: a prompt, builtins,
    arithmetic and cd/pwd through the new syscalls."""
    need_busybox(board)
    child = console(board, "--image", "linux")
    child.expect(r"/ # ")
    type_line(child, "echo hi-$((6 * 7))")
    child.expect(r"hi-42\r+\n")  # the console's ONLCR, then the host pty's
    child.expect(r"/ # ")
    # pwd is the shell's logical path; the prompt shows getcwd's, the link
    # resolved to the shell's own pid.
    type_line(child, "cd /proc/self; pwd")
    child.expect(r"/proc/self\r+\n")
    child.expect(r"/proc/1 # ")
