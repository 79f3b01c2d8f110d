"""Minimal presets (no monitor, KTEST or ostest in the image, e.g.
mps2-an385-min): vsh still boots on the console, files work in tmpfs, and
what was compiled out says so instead of pretending to run."""

from conftest import run


def test_vsh_files_and_info(minimal_board):
    r = run(minimal_board, "--image", "vela", "--exec",
            "echo hi > /tmp/a && cat /tmp/a && ls / && info")
    assert r.returncode == 0, r
    assert "\nhi" in r.output.replace("\r", ""), r
    assert "dev/" in r.output and "tmp/" in r.output, r
    assert "proc/" not in r.output, r  # procfs is compiled out
    assert "CPUs: 1 online" in r.output, r


def test_ktest_is_not_built_in(minimal_board):
    r = run(minimal_board, "--image", "vela", "--test")
    assert r.returncode == 1, r
    assert "ktest: not built into this configuration" in r.output, r
