"""Minimal presets (no monitor, KTEST or ostest in the image, e.g.
mps2-an385-min): vsh still boots on the console, files work in tmpfs, and
what was compiled out says so instead of pretending to run."""

import re

from conftest import run


def test_vsh_files_and_info(minimal_board):
    r = run(minimal_board, "--image", "vela", "--exec",
            "echo hi > /tmp/a && cat /tmp/a && ls / && info")
    assert r.returncode == 0, r
    assert "\nhi" in r.output.replace("\r", ""), r
    assert "dev/" in r.output and "tmp/" in r.output, r
    assert "proc/" not in r.output, r  # procfs is compiled out
    assert "CPUs: 1 online" in r.output, r


def test_vsh_runs_tasks_timers_and_signals(minimal_board):
    """What the minimal image keeps beyond files: tmpfs through every
    redirection, ps, a timed sleep, a second vsh started as a task, a signal
    to a task that does not exist (strerror gives the errno's name there,
    FUSION_SHORT_STRERROR), and free."""
    r = run(minimal_board, "--image", "vela", "--exec",
            "mkdir /tmp/d && echo one > /tmp/d/f && echo two >> /tmp/d/f && cat < /tmp/d/f"
            " && ls /tmp/d && ps && sleep 1 && vsh -c 'echo from-task' && rm /tmp/d/f"
            " && rmdir /tmp/d && ls /tmp; kill -TERM 200; free")
    out = r.output.replace("\r", "")
    assert r.returncode == 0, r
    assert "\none\ntwo\n" in out, r
    assert "\nf\n" in out, r
    assert re.search(r"\n +1 +1 +\d+ +\w+ +running +0 +\d+ vsh\n", out), r
    assert "\nfrom-task\n" in out, r
    assert "kill: 200: ESRCH" in out, r
    assert re.search(r"\nheap: +\d+ +\d+ +\d+", out), r


def test_ktest_is_not_built_in(minimal_board):
    r = run(minimal_board, "--image", "vela", "--test")
    assert r.returncode == 1, r
    assert "ktest: not built into this configuration" in r.output, r
