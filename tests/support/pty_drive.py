"""Runs a command on a pseudo-terminal and answers its prompts, as a person at a terminal would.

usage: pty_drive.py CWD PATTERN ANSWER [PATTERN ANSWER ...] -- COMMAND [ARGS...]

Each PATTERN (a regular expression) is waited for in the output, in order, and ANSWER plus a
newline is typed. Prints everything the command wrote; exits with the command's exit code
(124 when a pattern did not appear within 30 seconds).
"""
import os
import pty
import re
import select
import sys
import time

def main():
    cwd = sys.argv[1]
    sep = sys.argv.index("--")
    pairs = sys.argv[2:sep]
    command = sys.argv[sep + 1:]
    steps = list(zip(pairs[0::2], pairs[1::2]))
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ["TERM"] = "xterm"
        os.execvp(command[0], command)
    seen = b""
    cursor = 0
    def read(timeout):
        nonlocal seen
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return None
        if not chunk:
            return None
        seen += chunk
        return True
    for pattern, answer in steps:
        deadline = time.time() + 30
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(seen, cursor)
            if m:
                cursor = m.end()
                break
            if time.time() > deadline or read(0.5) is None:
                sys.stdout.write(seen.decode(errors="replace"))
                sys.stdout.write(f"\n[pty_drive] never saw {pattern!r}\n")
                os.kill(pid, 9)
                sys.exit(124)
        time.sleep(0.05)
        os.write(fd, answer.encode() + b"\r")
    # The last answer may start slow work (a password hash): wait for the end, not a pause.
    while read(30) is True:
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))

main()
