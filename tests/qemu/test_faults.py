"""Fault reporting on the real kernel: a bad pointer and a kernel stack
overflow each print the cause, the registers and a backtrace that tools/run
symbolizes to file:line, and the run exits with the kernel's failure status."""

import re

from conftest import run

SYMBOLIZED = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ .+ at [\w/.-]+\.(cpp|S|c):\d+", re.M)


def test_bad_pointer_prints_symbolized_backtrace(board):
    r = run(board, "--exec", "crash")
    assert r.returncode != 0, r
    assert "KERNEL FAULT" in r.output, r
    assert "fault address: 0x0000000000000010" in r.output, r
    assert SYMBOLIZED.search(r.output), r
    assert "kernel/src/monitor/commands.cpp" in r.output, r


def test_stack_overflow_is_reported_as_such(board):
    r = run(board, "--exec", "crash stack")
    assert r.returncode != 0, r
    assert re.search(r"KERNEL FAULT on CPU \d+: kernel stack overflow", r.output), r
    assert SYMBOLIZED.search(r.output), r
