"""tools/image: the SD-card image of boards that boot from one (raspi3b).
The image must have an MBR with one bootable FAT32 partition at 1 MiB that
fsck.fat accepts and whose files (listed with mdir) are the built kernel,
the DTB and config.txt. Boards without an SD-card image are skipped."""

import os
import struct
import subprocess
import time

import pytest

from conftest import ROOT, load_run_module

IMAGE = os.path.join(ROOT, "tools", "image")
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def image_boards():
    from importlib.machinery import SourceFileLoader
    import importlib.util
    loader = SourceFileLoader("fusion_image", IMAGE)
    spec = importlib.util.spec_from_loader("fusion_image", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return set(mod.IMAGES)


@pytest.fixture
def sd_board(board):
    if board not in image_boards():
        pytest.skip(f"{board} boots without an SD card (tools/image has no image for it)")
    return board


def make(board, out, *extra):
    return subprocess.run([IMAGE, board, "--no-build", "-o", str(out), *extra],
                          capture_output=True, text=True)


def partition(img):
    """(start sector, sector count) of partition 1, checking the MBR."""
    with open(img, "rb") as f:
        sector = f.read(512)
    assert sector[510:] == b"\x55\xaa"
    entry = sector[446:462]
    assert entry[0] == 0x80, "partition 1 is not bootable"
    assert entry[4] == 0x0C, f"partition type {entry[4]:#x}, want FAT32 LBA"
    assert sector[462:510] == bytes(48), "only one partition expected"
    return struct.unpack("<II", entry[8:16])


def test_sd_image_has_a_checked_fat32_boot_partition(sd_board, tmp_path):
    img = tmp_path / "sd.img"
    r = make(sd_board, img)
    assert r.returncode == 0, r.stderr
    start, count = partition(img)
    assert start == 2048 and os.path.getsize(img) == (start + count) * 512
    part = tmp_path / "boot.fat"
    with open(img, "rb") as f:
        f.seek(start * 512)
        part.write_bytes(f.read(count * 512))
    fsck = subprocess.run(["fsck.fat", "-n", str(part)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert part.read_bytes()[82:90] == b"FAT32   "  # the FAT32 boot sector's type field

    listing = subprocess.run(["mdir", "-b", "-i", f"{img}@@{start * 512}", "::/"],
                             capture_output=True, text=True, env=MTOOLS_ENV)
    assert listing.returncode == 0, listing.stderr
    names = sorted(os.path.basename(line) for line in listing.stdout.split())
    assert names == ["bcm2837-rpi-3-b.dtb", "config.txt", "kernel8.img"], listing.stdout

    # kernel8.img is the build's Image, byte for byte; config.txt is 64-bit.
    out = tmp_path / "kernel8.img"
    subprocess.run(["mcopy", "-i", f"{img}@@{start * 512}", "::/kernel8.img", str(out)],
                   check=True, env=MTOOLS_ENV)
    image = os.path.join(load_run_module().build_dir(sd_board), "Image")
    with open(image, "rb") as f:
        assert out.read_bytes() == f.read()
    config = subprocess.run(["mtype", "-i", f"{img}@@{start * 512}", "::/config.txt"],
                            capture_output=True, text=True, env=MTOOLS_ENV).stdout
    assert "arm_64bit=1" in config and "device_tree=bcm2837-rpi-3-b.dtb" in config


def test_firmware_files_are_copied_when_given(sd_board, tmp_path):
    fw = tmp_path / "firmware"
    fw.mkdir()
    for name in ("bootcode.bin", "start.elf", "fixup.dat"):
        (fw / name).write_bytes(name.encode())
    img = tmp_path / "sd.img"
    r = make(sd_board, img, "--firmware", str(fw))
    assert r.returncode == 0, r.stderr
    start, _ = partition(img)
    listing = subprocess.run(["mdir", "-b", "-i", f"{img}@@{start * 512}", "::/"],
                             capture_output=True, text=True, env=MTOOLS_ENV).stdout
    for name in ("bootcode.bin", "start.elf", "fixup.dat", "kernel8.img"):
        assert f"::/{name}" in listing.split(), listing

    (fw / "start.elf").unlink()
    r = make(sd_board, tmp_path / "bad.img", "--firmware", str(fw))
    assert r.returncode == 2 and "no start.elf" in r.stderr, r.stderr
    assert not (tmp_path / "bad.img").exists()


def test_boards_without_an_image_are_refused(tmp_path):
    r = make("qemu-virt-aarch64", tmp_path / "x.img")
    assert r.returncode == 2 and "no SD-card image" in r.stderr, r.stderr


def test_same_inputs_give_the_same_image(sd_board, tmp_path):
    # FAT stamps times with 2 s granularity: make a second image later than
    # that, so any "now" that leaked into it would show.
    first, second = tmp_path / "a.img", tmp_path / "b.img"
    assert make(sd_board, first).returncode == 0
    time.sleep(2.5)
    assert make(sd_board, second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
