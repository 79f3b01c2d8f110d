"""Shared helpers for the QEMU console tests: which boards, how to boot them.

Every test boots through tools/run (so the command-line contract itself is
under test). `--board B` (repeatable) picks boards; default: every board
preset. Boards are built once per session unless FUSION_NO_BUILD=1 says the
caller (tools/test) already built them.
"""

import os
import re
import signal
import subprocess
import sys

import pexpect
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
RUN = os.path.join(ROOT, "tools", "run")
sys.path.insert(0, os.path.join(ROOT, "tools"))

# Generous per-boot limits: TCG on a shared 2-core machine is slow, but a
# missing string must not hang the suite for long either.
BOOT_TIMEOUT = int(os.environ.get("FUSION_BOOT_TIMEOUT", "60"))
PROMPT = "fusion> "
VSH_PROMPT = "vsh> "


def with_image(args):
    """The console tests written for the kernel monitor boot it explicitly:
    tools/run's default image is now vela (vsh). Tests of vsh pass
    `--image vela` themselves."""
    return list(args) if "--image" in args else ["--image", "monitor", *args]


def load_run_module():
    """tools/run as a module (it has no .py suffix), for its helpers."""
    from importlib.machinery import SourceFileLoader
    import importlib.util
    loader = SourceFileLoader("fusion_run", RUN)
    spec = importlib.util.spec_from_loader("fusion_run", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def board_cpus(board, want=4):
    """WANT CPUs, or all the board has when its QEMU machine has a fixed,
    smaller count (mps2-an385 has one)."""
    q = load_run_module().load_qemu_json(board)
    return min(want, q["smp"]) if q.get("smp_fixed") else want


def board_drivers(board):
    """The hal/drivers files boards/<board>/board.cmake links (FUSION_DRIVERS)."""
    with open(os.path.join(ROOT, "boards", board, "board.cmake")) as f:
        m = re.search(r"^set\(FUSION_DRIVERS\s+([^)]*)\)", f.read(), re.M)
    return m.group(1).split() if m else []


def board_has_mmu(board):
    """False for boards whose board.cmake sets FUSION_MMU OFF (no page tables,
    so no user space and no Linux personality)."""
    with open(os.path.join(ROOT, "boards", board, "board.cmake")) as f:
        return re.search(r"^set\(FUSION_MMU\s+OFF\)", f.read(), re.M) is None


def pytest_addoption(parser):
    parser.addoption("--board", action="append", default=[],
                     help="board to test (repeatable; default: every board preset)")


def pytest_generate_tests(metafunc):
    # `board`: presets whose image has the kernel monitor (most tests use
    # it); `minimal_board`: the minimal presets without it (test_minimal.py).
    for fixture, want_monitor in (("board", True), ("minimal_board", False)):
        if fixture in metafunc.fixturenames:
            mod = load_run_module()
            boards = metafunc.config.getoption("board") or mod.boards()
            boards = [b for b in boards if mod.preset_has(b, "MONITOR") == want_monitor]
            metafunc.parametrize(fixture, boards, indirect=True)


_built = {}


@pytest.fixture
def board(request):
    """The board name, built once per session (a failed build fails the test)."""
    return build_once(request.param)


@pytest.fixture
def minimal_board(request):
    return build_once(request.param)


def build_once(name):
    if os.environ.get("FUSION_NO_BUILD") != "1" and name not in _built:
        r = subprocess.run([RUN, "--board", name, "--build-only"], capture_output=True, text=True)
        _built[name] = (r.returncode, r.stdout + r.stderr)
    if name in _built and _built[name][0] != 0:
        pytest.fail(f"build of {name} failed:\n{_built[name][1][-4000:]}")
    return name


class Result:
    def __init__(self, returncode, output):
        self.returncode = returncode
        self.output = output

    def __repr__(self):
        return f"exit {self.returncode}; output:\n{self.output[-6000:]}"


def run(board, *args, timeout=BOOT_TIMEOUT):
    """tools/run in batch mode (--exec/--test); returns exit status + output.

    tools/run's own FUSION_TIMEOUT kills QEMU; the extra margin here is only
    a backstop, and it kills the whole session so no QEMU is left behind.
    """
    env = dict(os.environ, FUSION_TIMEOUT=str(timeout))
    cmd = [RUN, "--board", board, "--no-build", *with_image(args)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True, errors="replace",
                         env=env, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        out += "\n[conftest: tools/run did not stop; killed]"
    print(out)  # shown by pytest when the test fails
    return Result(p.returncode, out)


@pytest.fixture
def console(request):
    """Factory: boot interactively under a pty; children are killed after."""
    children = []

    def spawn(board, *args):
        child = pexpect.spawn(RUN, ["--board", board, "--no-build", *with_image(args)],
                              timeout=BOOT_TIMEOUT, encoding="utf-8",
                              codec_errors="replace", dimensions=(50, 200))
        child.logfile_read = sys.stdout
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)
        child.close(force=True)


def type_line(child, text):
    """Types TEXT and Enter (CR, as a serial terminal sends it)."""
    child.send(text + "\r")
