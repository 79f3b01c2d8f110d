"""Vela runtime on each board: builtin applications run as tasks from the
monitor (`run <builtin>`), with picolibc stdio (integers and floats), the
TLSF heap, errno, libm, and the ostest harness (`[ostest] PASS|FAIL name`,
final `N passed, N failed`, exit status = failures != 0).
"""

import re

import pytest

from conftest import board_cpus, run

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$", re.M)


def test_hello_runs_and_exits_zero(board):
    r = run(board, "--exec", "run hello one two")
    assert r.returncode == 0, r
    assert "Hello from Vela! argc=3 [one] [two]" in r.output, r
    assert "ints: -42 42 beef 1234567890123" in r.output, r
    assert "float: sqrt(2) = 1.414214, sin(pi/6) = 0.500, 1.5e-07" in r.output, r
    assert "malloc: heap works" in r.output, r
    assert "(ENOMEM)" in r.output and "(ERANGE)" in r.output, r
    assert "hello: ok" in r.output, r


def test_unknown_builtin_is_reported(board):
    r = run(board, "--exec", "run no_such_app")
    assert r.returncode == 127, r
    assert "run: no_such_app: ENOENT" in r.output, r


@pytest.mark.parametrize("smp", ["1", "4"])
def test_ostest_libc_cases_pass(board, smp):
    r = run(board, "--smp", str(board_cpus(board, int(smp))), "--exec", "run ostest libc")
    assert r.returncode == 0, r
    m = SUMMARY.search(r.output)
    assert m, r
    assert int(m.group(1)) >= 6 and m.group(2) == "0", r
    assert "[ostest] PASS heap_check" in r.output, r
    assert "[ostest] FAIL" not in r.output, r


def test_full_ostest_passes(board):
    # From vsh, as users run it: some cases expect vsh's stdio (fd 1 on
    # /dev/console), which the monitor's `run` does not set up.
    # The whole suite takes tens of seconds, more on a loaded machine.
    r = run(board, "--image", "vela", "--exec", "ostest", timeout=300)
    assert r.returncode == 0, r
    m = SUMMARY.search(r.output)
    assert m and m.group(2) == "0", r
