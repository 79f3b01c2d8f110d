"""tools/mkinitrd (no kernel needed): files, symbolic links and empty
directories in a newc archive, parents created once, @LIST files, and the
archive read back both by a parser written here and by GNU cpio. The
kernel's unpacker of the same format is host-tested (tests/host/fs/
cpio_test.cpp) and boots the Linux image's applet links (test_busybox.py)."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

MKINITRD = os.path.join(ROOT, "tools", "mkinitrd")


def parse(data):
    """{name: (mode, data)} of a newc archive, up to TRAILER!!!."""
    out, off = {}, 0
    while True:
        assert data[off:off + 6] == b"070701"
        fields = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = fields[1], fields[6], fields[11]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        at = (off + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return out
        assert name not in out, f"{name} twice"
        out[name] = (mode, data[at:at + size])
        off = (at + size + 3) & ~3


def test_files_links_dirs_and_lists(tmp_path):
    (tmp_path / "prog").write_bytes(b"\x7fELF...")
    (tmp_path / "prog").chmod(0o755)
    (tmp_path / "text").write_text("hello\n")
    (tmp_path / "list").write_text(f"usr/bin/awk->../../bin/prog\n\netc/motd={tmp_path / 'text'}\n")
    out = tmp_path / "out.cpio"
    r = subprocess.run([MKINITRD, str(out), f"bin/prog={tmp_path / 'prog'}", "bin/sh->prog",
                        "/abs->/bin/prog", "tmp/", "root/", f"@{tmp_path / 'list'}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    e = parse(out.read_bytes())
    assert e["bin/prog"] == (0o100755, b"\x7fELF...")
    assert e["etc/motd"] == (0o100644, b"hello\n")
    assert e["bin/sh"] == (0o120777, b"prog")
    assert e["abs"] == (0o120777, b"/bin/prog")
    assert e["usr/bin/awk"] == (0o120777, b"../../bin/prog")
    for d in ("bin", "etc", "usr", "usr/bin", "tmp", "root"):
        assert e[d] == (0o040755, b""), d
    # Parents come before what they hold.
    names = list(e)
    assert names.index("usr") < names.index("usr/bin") < names.index("usr/bin/awk")
    if shutil.which("cpio"):
        listing = subprocess.run(["cpio", "-itv"], input=out.read_bytes(), capture_output=True)
        assert listing.returncode == 0, listing.stderr
        assert b"bin/sh -> prog" in listing.stdout


@pytest.mark.parametrize("bad", ["->x", "a->", "=x", "nothing", "/"])
def test_malformed_arguments_are_refused(tmp_path, bad):
    r = subprocess.run([MKINITRD, str(tmp_path / "o.cpio"), bad], capture_output=True, text=True)
    assert r.returncode != 0 and "mkinitrd:" in r.stderr
    assert not (tmp_path / "o.cpio").exists()
