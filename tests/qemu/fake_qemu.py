#!/usr/bin/python3
"""A stand-in for qemu-system-*: behaves like a Fusion kernel that meets the
console contract, so the harness (tools/run, these tests) can be checked
without a kernel. Used by test_harness.py; FAKE_QEMU_MODE picks oddities:
  hang      print a prompt without newline, then never exit (timeouts)
  status=N  exit N at once
  backtrace print `  #0 0x<FAKE_QEMU_ADDR>` lines and exit 3
"""

import os
import re
import sys
import time
import tty

START = time.monotonic()
COMMANDS = ("help", "info", "uptime", "echo", "poweroff")


def arg(name, default=None):
    argv = sys.argv
    return argv[argv.index(name) + 1] if name in argv else default


def out(text):
    sys.stdout.write(text.replace("\n", "\r\n"))
    sys.stdout.flush()


def decode(value):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def execute(line, board, cpus, mem_mib):
    status = 0
    for cmd in line.split("&&"):
        words = cmd.split()
        if not words:
            continue
        name = words[0]
        if name == "help":
            out("".join(f"  {c}\n" for c in COMMANDS))
        elif name == "info":
            out(f"Board: {board}\nCPUs: {cpus}\nMemory: {mem_mib} MiB\n")
        elif name == "uptime":
            out(f"up {time.monotonic() - START:.3f} s\n")
        elif name == "echo":
            out(cmd.split("echo", 1)[1].strip() + "\n")
        elif name == "poweroff":
            sys.exit(status)
        else:
            out(f"{name}: unknown command\n")
            status = 127
        if status:
            break
    return status


def main():
    mode = os.environ.get("FAKE_QEMU_MODE", "")
    if os.environ.get("FAKE_QEMU_PIDFILE"):  # lets a test check we were killed
        with open(os.environ["FAKE_QEMU_PIDFILE"], "w") as f:
            f.write(str(os.getpid()))
    if mode.startswith("status="):
        print("fake qemu", " ".join(sys.argv[1:]), flush=True)
        sys.exit(int(mode[7:]))
    if mode == "hang":
        out("fusion> ")
        time.sleep(3600)
    if mode == "backtrace":
        out(f"backtrace:\n  #0 0x{os.environ['FAKE_QEMU_ADDR']}\n  #1 0x{os.environ['FAKE_QEMU_ADDR']} tail\n")
        sys.exit(3)

    cpus = int(arg("-smp", "1"))
    mem = arg("-m", "128M")
    mem_mib = int(mem[:-1]) * (1024 if mem.endswith("G") else 1) if mem[-1] in "MG" else int(mem)
    board = os.environ.get("FAKE_QEMU_BOARD", "qemu-virt-aarch64")
    opts = dict(w.split("=", 1) if "=" in w else (w, "1") for w in arg("-append", "").split())
    for cpu in range(cpus):
        out(f"fusion: cpu {cpu} online\n")
    if opts.get("fusion.test") == "1":
        failing = opts.get("fusion.ktest_fail") == "1"
        out("[ktest] PASS klib.format\n")
        if failing:
            out("[ktest] FAIL ktest.deliberate_failure\n")
        out(f"1 passed, {int(failing)} failed\n")
        sys.exit(3 if failing else 0)
    if "fusion.exec" in opts:
        sys.exit(execute(decode(opts["fusion.exec"]), board, cpus, mem_mib))

    if sys.stdin.isatty():
        tty.setraw(sys.stdin.fileno())  # QEMU -nographic does the same
    line = ""
    out("fusion> ")
    while True:
        ch = os.read(0, 1).decode(errors="replace")
        if not ch:
            sys.exit(0)
        if ch in "\r\n":
            out("\n")
            execute(line, board, cpus, mem_mib)
            line = ""
            out("fusion> ")
        else:
            line += ch
            out(ch)


if __name__ == "__main__":
    main()
