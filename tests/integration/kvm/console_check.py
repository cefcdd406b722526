#!/usr/bin/env python3
"""Drives `netlab console LAB VM` as a user at a terminal would: in a pty, it
presses Enter, types a command, reads its output on the VM's serial console,
then presses ^] and expects the console to end with exit 0.
Usage: console_check.py NETLAB LAB VM; prints what it saw and exits 1 on failure."""
import os
import pty
import select
import sys
import time

netlab, lab, vm = sys.argv[1:4]
marker = "console-check-%d" % os.getpid()
pid, fd = pty.fork()
if pid == 0:
    os.execv(netlab, [netlab, "console", lab, vm])

seen = b""


def read_until(needle, seconds):
    """Reads the pty until `needle` appears; False after `seconds`."""
    global seen
    end = time.monotonic() + seconds
    while needle not in seen:
        left = end - time.monotonic()
        if left <= 0:
            return False
        if select.select([fd], [], [], min(left, 1.0))[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the pty
                return needle in seen
            if not chunk:
                return needle in seen
            seen += chunk
    return True


def fail(why):
    print("FAIL: %s; the terminal showed:\n%s" % (why, seen.decode(errors="replace")[-3000:]))
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    sys.exit(1)


if not read_until(b"^] leaves", 60):
    fail("no 'connected' line")
# The shell prompt may have been printed before we attached: ask for a fresh one,
# and type until the command echoes (the serial line may drop the first bytes).
ok = False
for _ in range(10):
    os.write(fd, ("\recho %s-$((6*7))\r" % marker).encode())
    if read_until(("%s-42" % marker).encode(), 6):
        ok = True
        break
if not ok:
    fail("the command's output never came back over the serial console")
os.write(fd, b"\x1d")  # ^]
if not read_until(b"left the console", 30):
    fail("^] did not leave the console")
_, status = os.waitpid(pid, 0)
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
    fail("netlab console ended with status %d" % status)
print("console: typed a command, read its output, left with ^]")
