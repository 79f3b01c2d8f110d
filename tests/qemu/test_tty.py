"""/dev/console as a terminal: outside vsh's own line editor, programs see
a canonical-mode tty (the kernel echoes and edits, ^D is end of file) and
^C interrupts what runs in the foreground instead of being a byte."""

import re

import pexpect

from conftest import VSH_PROMPT, type_line


def interrupt(child):
    """Ctrl-C until the prompt is back. A ^C that lands before the builtin
    has blocked is taken (vsh records it) but cannot wake a wait that starts
    later; a user presses it again, and so does this (at most 5 times)."""
    for _ in range(5):
        child.send("\x03")
        child.expect_exact("^C")
        if child.expect_exact([VSH_PROMPT, pexpect.TIMEOUT], timeout=10) == 0:
            return
    raise AssertionError("Ctrl-C did not bring the prompt back")


def test_cooked_mode_echo_erase_and_eof(board, console):
    child = console(board, "--image", "vela")
    child.expect_exact(VSH_PROMPT)
    # vsh gives the terminal back to canonical mode before it runs a line,
    # so once "ready" shows, what is typed meets the tty's own editing.
    type_line(child, "echo ready; cat")
    child.expect(r"\nready\r*\n")
    # The tty echoes "ab", erases the b ("\b \b": the host terminal between
    # QEMU and this test may drop the backspaces), echoes "c"; cat then
    # prints the line it read, which only the erase makes "ac".
    child.send("ab\x7fc\r")
    child.expect(r"ab\x08? \x08?c\r*\n")
    child.expect(r"ac\r*\n")
    child.send("one more\r")
    child.expect(r"one more\r*\none more\r*\n")
    child.send("\x04")  # ^D on an empty line: cat reads end of file
    child.expect_exact(VSH_PROMPT)
    type_line(child, "echo st=$?")
    child.expect(r"\nst=0\r*\n")
    child.expect_exact(VSH_PROMPT)


def test_ctrl_c_interrupts_a_blocked_builtin(board, console):
    child = console(board, "--image", "vela")
    child.expect_exact(VSH_PROMPT)
    type_line(child, "sleep 1000")
    child.expect(r"sleep 1000\r*\n")
    interrupt(child)
    type_line(child, "echo st=$?")
    child.expect(r"\nst=130\r*\n")  # 128 + SIGINT, as a POSIX shell says
    type_line(child, "echo ready; cat")
    child.expect(r"\nready\r*\n")
    child.send("partial")
    interrupt(child)  # flushes the partial line, interrupts the read
    type_line(child, "echo alive")
    child.expect(r"\nalive\r*\n")


def test_vsh_restores_its_editing_after_a_command(board, console):
    child = console(board, "--image", "vela")
    child.expect_exact(VSH_PROMPT)
    type_line(child, "hello")
    child.expect("Hello from Vela!")
    child.expect_exact(VSH_PROMPT)
    # vsh's editor again: Ctrl-U kills the line (no tty echo of "^U").
    child.send("echo junk\x15echo clean\r")
    child.expect(r"\nclean\r*\n")
    assert not re.search(r"\^U", child.before)
