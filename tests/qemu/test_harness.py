"""Tests of tools/run itself (no kernel needed): the fusion.exec encoding,
the QEMU command it composes, exit status, timeout and the backtrace
symbolizer, using fake_qemu.py in place of QEMU."""

import json
import os
import subprocess
import time

import pytest

from conftest import ROOT, RUN, load_run_module

FAKE = os.path.join(ROOT, "tests", "qemu", "fake_qemu.py")
BOARD = "qemu-virt-aarch64"
tools_run = load_run_module()


@pytest.fixture
def fake_build(tmp_path):
    """A build root whose qemu.json points at fake_qemu.py and a host ELF."""
    src = tmp_path / "prog.c"
    src.write_text("int target_function(int x) {\n  return x * 3;\n}\n"
                   "int main(void) { return target_function(1); }\n")
    elf = tmp_path / "fusion.elf"
    subprocess.run(["gcc", "-g", "-O0", "-o", str(elf), str(src)], check=True)
    (tmp_path / BOARD).mkdir()
    (tmp_path / BOARD / "qemu.json").write_text(json.dumps({
        "board": BOARD, "arch": os.uname().machine, "qemu": FAKE,
        "args": ["-M", "virt", "-nographic"], "smp": 4, "mem": "512M",
        "image": str(elf), "elf": str(elf)}))
    return tmp_path


def run(root, *args, env=None, timeout=60):
    e = dict(os.environ, FUSION_BUILD_ROOT=str(root), **(env or {}))
    return subprocess.run([RUN, "--no-build", *args], capture_output=True, text=True,
                          env=e, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("cmd", ["info", "echo a  b && ls > /tmp/x", "100% 'q' \"d\" \\",
                                 "tab\tnewline\n", "ünïcode ✓", "%41%"])
def test_exec_encoding_round_trips(cmd):
    encoded = tools_run.encode_exec(cmd)
    assert " " not in encoded and "\t" not in encoded and "\n" not in encoded
    assert encoded.isascii()
    assert tools_run.decode_exec(encoded) == cmd


def test_command_line_is_composed_from_qemu_json(fake_build):
    r = run(fake_build, "--smp", "2", "--mem", "256M", "--test", "--exec", "a b",
            "--append", "fusion.ktest_fail=1 x=1", "--gdb", "--dry-run", "--", "-M", "virt,gic-version=3")
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    assert line.startswith(f"{FAKE} -M virt -nographic -kernel ")
    assert "-smp 2 -m 256M" in line
    assert '-append "fusion.test=1 fusion.exec=a%20b fusion.ktest_fail=1 x=1"' in line
    assert line.endswith("-s -S -M virt,gic-version=3"), line  # extra args come last


def test_board_defaults_apply(fake_build):
    r = run(fake_build, "--dry-run")
    assert "-smp 4 -m 512M" in r.stdout and "-append" not in r.stdout


def test_fixed_cpu_count_becomes_maxcpus(fake_build):
    # A machine with a fixed CPU count (raspi3b) keeps its -smp; fewer CPUs
    # are the kernel's fusion.maxcpus, more are refused.
    qj = fake_build / BOARD / "qemu.json"
    qj.write_text(json.dumps(dict(json.loads(qj.read_text()), smp_fixed=True)))
    r = run(fake_build, "--smp", "1", "--test", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "-smp 4 " in r.stdout and '-append "fusion.test=1 fusion.maxcpus=1"' in r.stdout
    assert "fusion.maxcpus" not in run(fake_build, "--smp", "4", "--dry-run").stdout
    r = run(fake_build, "--smp", "8", "--dry-run")
    assert r.returncode == 2 and "has 4 CPUs" in r.stderr


def test_firmware_cpus_are_added_to_qemu_smp(fake_build):
    # sifive_u: QEMU's -smp also counts the E51 that only firmware runs on,
    # while --smp and the board default count the CPUs the kernel runs on.
    path = fake_build / BOARD / "qemu.json"
    q = json.loads(path.read_text())
    path.write_text(json.dumps(dict(q, firmware_cpus=1)))
    assert "-smp 5 -m" in run(fake_build, "--dry-run").stdout
    assert "-smp 2 -m" in run(fake_build, "--smp", "1", "--dry-run").stdout


def test_fixed_ram_size_becomes_mem_limit(fake_build):
    qj = fake_build / BOARD / "qemu.json"
    qj.write_text(json.dumps(dict(json.loads(qj.read_text()), mem_fixed=True)))
    r = run(fake_build, "--mem", "256M", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "-m 512M -append fusion.mem=256M" in r.stdout
    assert "fusion.mem=" not in run(fake_build, "--mem", "0.5G", "--dry-run").stdout
    assert "fusion.mem=1536K" in run(fake_build, "--mem", "1536K", "--dry-run").stdout
    for bad in ("1G", "lots"):
        r = run(fake_build, "--mem", bad, "--dry-run")
        assert r.returncode == 2 and "has 512M of RAM" in r.stderr, bad


def test_linux_image_needs_its_initramfs(fake_build):
    r = run(fake_build, "--image", "linux", "--dry-run")
    assert r.returncode == 2
    assert "no Linux initramfs" in r.stderr


def test_linux_image_boots_its_own_initramfs(fake_build, tmp_path):
    vela, linux = tmp_path / "initrd.cpio", tmp_path / "initrd-linux.cpio"
    vela.write_bytes(b"v")
    linux.write_bytes(b"l")
    qj = fake_build / BOARD / "qemu.json"
    qj.write_text(json.dumps(dict(json.loads(qj.read_text()), initrd=str(vela),
                                  linux_initrd=str(linux))))
    r = run(fake_build, "--image", "linux", "--exec", "ls /", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert f"-initrd {linux} " in r.stdout
    assert "fusion.image=linux fusion.exec=ls%20/" in r.stdout
    assert f"-initrd {vela}" in run(fake_build, "--dry-run").stdout


def test_image_selects_the_console_program(fake_build):
    # vela (vsh) is the kernel's default; the monitor needs a bootarg.
    assert "-append" not in run(fake_build, "--image", "vela", "--dry-run").stdout
    r = run(fake_build, "--image", "monitor", "--dry-run")
    assert "-append fusion.image=monitor" in r.stdout


def test_unknown_board_is_rejected(fake_build):
    r = run(fake_build, "--board", "no-such-board", "--dry-run")
    assert r.returncode == 2 and "unknown board" in r.stderr


@pytest.mark.parametrize("status", [0, 1, 7])
def test_qemu_exit_status_passes_through(fake_build, status):
    r = run(fake_build, "--exec", "x", env={"FAKE_QEMU_MODE": f"status={status}"})
    assert r.returncode == status


def test_exec_status_and_output(fake_build):
    r = run(fake_build, "--mem", "256M", "--exec", "info && echo a  b>c")
    assert r.returncode == 0, r
    assert "Memory: 256 MiB" in r.stdout and "a  b>c" in r.stdout
    assert run(fake_build, "--exec", "bogus").returncode != 0


def alive(pidfile):
    """Whether the fake QEMU that wrote PIDFILE still runs (zombies count as gone)."""
    try:
        with open(f"/proc/{int(pidfile.read_text())}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, ValueError):
        return False


def test_timeout_kills_qemu(fake_build):
    start = time.monotonic()
    pidfile = fake_build / "qemu.pid"
    r = run(fake_build, "--test", env={"FAKE_QEMU_MODE": "hang", "FUSION_TIMEOUT": "2",
                                       "FAKE_QEMU_PIDFILE": str(pidfile)})
    assert r.returncode == 124
    assert "timed out" in r.stderr
    assert time.monotonic() - start < 30
    assert "fusion> " in r.stdout  # the unfinished line was not swallowed
    assert pidfile.exists() and not alive(pidfile), "fake QEMU still running"


def test_backtrace_lines_are_symbolized(fake_build):
    nm = subprocess.run(["nm", str(fake_build / "fusion.elf")], capture_output=True, text=True).stdout
    addr = next(l.split()[0] for l in nm.splitlines() if l.endswith(" target_function"))
    r = run(fake_build, "--exec", "x", env={"FAKE_QEMU_MODE": "backtrace", "FAKE_QEMU_ADDR": addr})
    assert r.returncode == 3
    lines = [l.rstrip("\r") for l in r.stdout.splitlines()]
    assert lines[1].startswith(f"  #0 0x{addr} target_function at ")
    assert "prog.c:1" in lines[1]
    assert lines[2].endswith(" tail") and "target_function at" in lines[2]


def test_partial_prompt_streams_before_newline(fake_build):
    """A prompt without newline reaches the reader at once (batch mode)."""
    pidfile = fake_build / "qemu.pid"
    env = dict(os.environ, FUSION_BUILD_ROOT=str(fake_build), FAKE_QEMU_MODE="hang",
               FUSION_TIMEOUT="20", FAKE_QEMU_PIDFILE=str(pidfile))
    p = subprocess.Popen([RUN, "--no-build", "--test"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    try:
        start, got = time.monotonic(), b""
        while b"fusion> " not in got and time.monotonic() - start < 10:
            got += os.read(p.stdout.fileno(), 100)
        assert b"fusion> " in got
    finally:
        p.terminate()
        p.wait(timeout=10)
    # SIGTERM to tools/run is forwarded: QEMU must not outlive it.
    deadline = time.monotonic() + 5
    while alive(pidfile) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pidfile), "fake QEMU outlived tools/run"


def test_backtrace_line_split_before_its_newline_is_held_back():
    """The kernel ends lines with \\r\\n; a read that stops between the two
    must not stream the backtrace line before its symbol is appended."""
    mod = load_run_module()
    assert mod._BT_PREFIX.match("  #0 0xffffffff8023ef5e\r")
    assert mod._BT_PREFIX.match("  #12 0xffff")
    assert not mod._BT_PREFIX.match("fusion> ")
