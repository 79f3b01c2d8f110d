"""virtio-mmio + virtio-rng on every board: the device binds over the legacy
(QEMU 7.2's default) and the modern transport, /dev/urandom says it is fed
by it, vsh reads /dev/urandom, and KTEST virtio_rng passes with the device
present (and is skipped, passing, without it)."""

import re

import pytest

from conftest import VSH_PROMPT, board_drivers, run

RNG = ["-device", "virtio-rng-device"]
TRANSPORTS = {
    "legacy": RNG,
    "modern": ["-global", "virtio-mmio.force-legacy=false", *RNG],
}
HEX_ROW = r"\n([0-9a-f]{8} ((?: [0-9a-f]{2}){16}))"


def needs_virtio_mmio(board):
    # QEMU's sifive_u has no virtio-mmio slots, so -device virtio-rng-device
    # has no bus to sit on there.
    if "virtio_mmio" not in board_drivers(board):
        pytest.skip(f"{board} has no virtio-mmio transport")


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
def test_ktest_with_device(board, transport):
    needs_virtio_mmio(board)
    r = run(board, "--test", "--append", "fusion.ktest=virtio_rng", "--",
            *TRANSPORTS[transport])
    assert r.returncode == 0, r
    assert re.search(rf"virtio-mmio: \S+: virtio-rng \(device id 4\), {transport} transport",
                     r.output), r
    assert "urandom: xoshiro256** reseeded from virtio-rng" in r.output, r
    assert "2 passed, 0 failed" in r.output, r
    assert "skipped" not in r.output, r  # the cases really ran


def test_without_device(board):
    r = run(board, "--test", "--append", "fusion.ktest=virtio_rng")
    assert r.returncode == 0, r
    assert "urandom: no virtio-rng; xoshiro256** seeded from the timer" in r.output, r
    assert "virtio-mmio:" not in r.output, r  # 32 empty slots, skipped quietly
    assert "[ktest] SKIP virtio_rng.two_reads_differ (no virtio-rng device" in r.output, r
    assert re.search(r"^\[ktest\] 2 skipped\r?$", r.output, re.M), r
    assert re.search(r"^0 passed, 0 failed\r?$", r.output, re.M), r  # skipped is not passed


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
def test_vsh_hexdump_urandom(board, console, transport):
    needs_virtio_mmio(board)
    child = console(board, "--image", "vela", "--", *TRANSPORTS[transport])
    child.expect_exact("urandom: xoshiro256** reseeded from virtio-rng")
    child.expect_exact(VSH_PROMPT)
    child.send("hexdump /dev/urandom\r")  # endless; the fixture stops QEMU
    rows = []
    for _ in range(16):
        child.expect(HEX_ROW)
        rows.append(child.match.group(2))
    assert len(set(rows)) == len(rows), rows  # no repeats
    assert all(row != " 00" * 16 for row in rows), rows
