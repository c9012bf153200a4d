"""bench/soak's measurement: one server of bench/http's servers.json at saturation.

Two wrk processes run side by side on CPU 1 for --seconds, one on a page that reads the
database and one that writes it; every 5 s the server's resident memory and open file
descriptors are sampled. The first --warmup seconds fill the caches and the pool. Passes when
no response was a 5xx (nor any non-2xx), wrk saw no socket errors, RSS after the warm-up stays
within 10 % of its smallest sample, and the descriptors open in the last third of the run are
no more than in the first third after the warm-up.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
from measure import ENDPOINTS, Server  # noqa: E402


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sample(server):
    pids = server.pids()
    rss = sum(status(p, "VmRSS") for p in pids)
    fds = sum(len(os.listdir(f"/proc/{p}/fd")) for p in pids)
    return rss, fds


def wrk(port, endpoint, seconds, scripts):
    argv = ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s", "--timeout", "10s"]
    script = endpoint.lua(scripts)
    if script:
        argv += ["-s", script]
    return subprocess.Popen(
        [*argv, f"http://127.0.0.1:{port}{endpoint.path}"], stdout=subprocess.PIPE, text=True
    )


def report(name, out):
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = int(non2xx.group(1)) if non2xx else 0
    socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    print(f"  {name:<8} {requests:>9} requests, {rps:>8.0f}/s, {bad} non-2xx, {socket_errors} socket errors")
    return bad, socket_errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--server", default="rjango")
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    config = next(s for s in json.load(open(args.config)) if s["name"] == args.server)
    server = Server(
        config["name"], config["argv"], config["port"], config["cwd"], config["env"],
        database=config.get("database"),
    )
    read = next(e for e in ENDPOINTS if e.name == "post")
    write = next(e for e in ENDPOINTS if e.name == "create")
    server.start()
    failures = []
    try:
        with tempfile.TemporaryDirectory() as scripts:
            print(f"== {args.server}: {read.label} and {write.label}, {args.seconds} s at saturation")
            started = time.time()
            loads = [(read.name, wrk(server.port, read, args.seconds, scripts)),
                     (write.name, wrk(server.port, write, args.seconds, scripts))]
            samples = []
            while any(p.poll() is None for _, p in loads):
                elapsed = time.time() - started
                rss, fds = sample(server)
                samples.append((elapsed, rss, fds))
                time.sleep(5)
            outs = [(name, p.communicate()[0]) for name, p in loads]
        rss_idle, fds_idle = sample(server)
        for name, out in outs:
            bad, socket_errors = report(name, out)
            if bad:
                failures.append(f"{name}: {bad} responses were not 2xx")
            if socket_errors:
                failures.append(f"{name}: {socket_errors} socket errors")
        print("  RSS and open descriptors:")
        for elapsed, rss, fds in samples[:: max(1, len(samples) // 12)] + samples[-1:]:
            print(f"    {elapsed:>5.0f} s  {rss / 1024:>7.1f} MiB  {fds:>4} fds")
        print(f"    after   {rss_idle / 1024:>7.1f} MiB  {fds_idle:>4} fds")
        warm = [s for s in samples if s[0] >= args.warmup]
        if warm:
            low, high = min(s[1] for s in warm), max(s[1] for s in warm)
            growth = high / low - 1
            print(f"  RSS after the warm-up: {low / 1024:.1f} to {high / 1024:.1f} MiB ({growth:+.1%})")
            if growth > 0.10:
                failures.append(f"RSS grew {growth:.1%} after the warm-up")
            third = max(1, len(warm) // 3)
            early, late = max(s[2] for s in warm[:third]), max(s[2] for s in warm[-third:])
            if late > early:
                failures.append(f"descriptors grew from {early} to {late}")
    finally:
        server.stop()
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("passed: no errors, RSS flat, no descriptor growth")


if __name__ == "__main__":
    main()
