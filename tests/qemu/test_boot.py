"""Boot and console tests for each board, against the tools/run contract.

Strings the kernel must print (see docs/debugging.md):
  `fusion: cpu N online` once per CPU, the monitor prompt `fusion> `,
  `info` with the board name, `CPUs: N` and `Memory: N MiB`,
  KTEST lines `[ktest] PASS|FAIL suite.name` and a final `N passed, N failed`.
"""

import re
import subprocess
import time

import pytest

from conftest import PROMPT, board_cpus, board_drivers, load_run_module, run, type_line

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$", re.M)


def test_all_cpus_come_online(board, console):
    n = board_cpus(board)
    child = console(board, "--smp", str(n))
    seen = set()
    while seen != set(range(n)):
        child.expect(r"fusion: cpu (\d+) online")
        seen.add(int(child.match.group(1)))
    child.expect_exact(PROMPT)


def test_info_reports_board_cpus_and_memory(board):
    n = board_cpus(board)
    q = load_run_module().load_qemu_json(board)
    small = q.get("mem_fixed") and q["mem"].upper().endswith("M") and int(q["mem"][:-1]) < 256
    mem = [] if small else ["--mem", "256M"]  # mps2-an385: QEMU's RAM size is fixed at 16M
    r = run(board, "--smp", str(n), *mem, "--exec", "info")
    assert r.returncode == 0, r
    assert q["board"] in r.output, r
    assert f"CPUs: {n}" in r.output, r
    assert ("Memory: " if small else "Memory: 256 MiB") in r.output, r


def test_monitor_answers_help_and_uptime(board, console):
    child = console(board, "--smp", str(board_cpus(board)))
    child.expect_exact(PROMPT)
    type_line(child, "help")
    child.expect_exact(PROMPT)
    listing = child.before
    for command in ("help", "info", "uptime", "poweroff"):
        assert command in listing, f"help does not list {command}:\n{listing}"

    def uptime():
        type_line(child, "uptime")
        child.expect_exact(PROMPT)
        m = re.search(r"(\d+(?:\.\d+)?) ?s\b", child.before)
        assert m, f"uptime printed no seconds:\n{child.before}"
        return float(m.group(1))

    first = uptime()
    time.sleep(2)
    second = uptime()
    # The timer interrupt keeps time while the console waits for input.
    assert second - first >= 1.0, (first, second)


def test_exec_poweroff_exits_zero(board):
    r = run(board, "--exec", "poweroff")
    assert r.returncode == 0, r


def test_exec_unknown_command_exits_nonzero(board):
    r = run(board, "--exec", "no-such-command")
    assert r.returncode != 0, r


def test_exec_command_line_survives_encoding(board):
    """Spaces, `%` and `&&` reach the monitor intact (needs its `echo`)."""
    listing = run(board, "--exec", "help").output
    if not re.search(r"\becho\b", listing):
        pytest.skip("the monitor has no echo command")
    r = run(board, "--exec", "echo 100%41 && echo x>y")
    assert r.returncode == 0, r
    assert "100%41" in r.output, r  # decoded once, not twice
    assert "x>y" in r.output, r


def test_ktest_failing_case_fails_the_run(board):
    r = run(board, "--smp", str(board_cpus(board)), "--test", "--append", "fusion.ktest_fail=1",
            timeout=300)
    assert r.returncode != 0, r
    assert re.search(r"^\[ktest\] FAIL \S+\.\S+", r.output, re.M), r
    summaries = SUMMARY.findall(r.output.replace("\r", ""))
    assert summaries and int(summaries[-1][1]) >= 1, r


def test_gicv3_board_variant_boots(board):
    if "gicv3" not in board_drivers(board):
        pytest.skip(f"{board} has no GICv3 variant (a virt machine option)")
    r = run(board, "--smp", "4", "--exec", "info", "--", "-M", "virt,gic-version=3")
    assert r.returncode == 0, r
    assert "CPUs: 4" in r.output, r


_FLAGS = re.compile(r"^\s*(\S+)\s+(?:0x[0-9a-f]+\s+){5}([RWE ]{3})\s+0x[0-9a-f]+\s*$")


def test_no_segment_is_writable_and_executable(board):
    mod = load_run_module()
    elf = mod.load_qemu_json(board)["elf"]
    out = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True, check=True).stdout
    segments = [m.groups() for m in map(_FLAGS.match, out.splitlines()) if m]
    assert segments, out
    bad = [kind for kind, flags in segments if "W" in flags and "E" in flags]
    assert not bad, f"W+E segments {bad}:\n{out}"
