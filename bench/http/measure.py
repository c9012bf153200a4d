"""bench/http's measurements, run by bench/http/run once the three servers are built.

Starts the servers (pinned to CPU 0), checks that they give the same answers, loads each
endpoint with wrk (pinned to CPU 1), servers alternated round by round, and prints the medians:
requests per second, p99 latency, CPU time per request, RSS, and the ratios. Then, for the two
Rust servers, the instructions per request under callgrind, which repeat exactly from run to
run (a 2 % regression shows).

Endpoints and servers are data (ENDPOINTS, Server): a later bench adds its own to the lists.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Endpoint:
    def __init__(self, name, label, method, path, body=None, content_type=None, kind="html"):
        self.name, self.label, self.method, self.path = name, label, method, path
        self.body, self.content_type, self.kind = body, content_type, kind

    def lua(self, directory):
        """A wrk script for a request with a body, or None."""
        if self.body is None:
            return None
        script = os.path.join(directory, f"{self.name}.lua")
        with open(script, "w") as f:
            f.write(f'wrk.method = "{self.method}"\n')
            f.write(f"wrk.body = {json.dumps(self.body)}\n")
            f.write(f'wrk.headers["Content-Type"] = "{self.content_type}"\n')
        return script


ENDPOINTS = [
    Endpoint("hello", "GET /hello/ (text)", "GET", "/hello/", kind="text"),
    Endpoint("item", "GET /items/<int>/ (JSON)", "GET", "/items/42/", kind="json"),
    Endpoint("search", "GET /search/?q=&page=", "GET", "/search/?q=rust%20web&page=2", kind="json"),
    Endpoint("post", "GET /posts/<id>/ (post + author)", "GET", "/posts/7/", kind="json"),
    Endpoint("page", "GET /page/ (template, 20 items)", "GET", "/page/"),
    Endpoint(
        "echo",
        "POST /echo/ (JSON body)",
        "POST",
        "/echo/",
        body=json.dumps({"name": "rjango", "tags": ["a", "b"], "n": 3, "nested": {"ok": True}}),
        content_type="application/json",
        kind="json",
    ),
    Endpoint("posts", "GET /posts/?page= (20 + authors)", "GET", "/posts/?page=3"),
    Endpoint(
        "create",
        "POST /api/posts/ (creates a row)",
        "POST",
        "/api/posts/",
        body=json.dumps({"author": 3, "title": "A new post", "body": "Written by the bench."}),
        content_type="application/json",
        kind="json",
    ),
]


class Server:
    def __init__(self, name, argv, port, cwd, env, callgrind=False, database=None, load=True):
        self.name, self.argv, self.port, self.cwd, self.env = name, argv, port, cwd, env
        self.callgrind = callgrind
        # False for a variant measured under callgrind only (its instructions, no wrk).
        self.load = load
        # [seed, database]: the server starts on a fresh copy of the seeded database each
        # time, so rows created by one phase's load do not slow the next.
        self.database = database
        self.process = None

    def start(self, prefix=()):
        if self.database:
            seed, db = self.database
            for suffix in ("-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copy(seed, db)
        env = dict(os.environ, **self.env)
        self.process = subprocess.Popen(
            ["taskset", "-c", "0", *prefix, *self.argv],
            cwd=self.cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} stopped: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        sys.exit(f"{self.name}: nothing listens on {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def pids(self):
        """The server's process and its descendants (gunicorn's workers, taskset's child)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return found

    def cpu_ticks(self):
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total

    def rss_kib(self):
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    m = re.search(r"VmRSS:\s+(\d+)", f.read())
                total += int(m.group(1)) if m else 0
            except OSError:
                pass
        return total


def ask(port, endpoint, connection=None):
    """One request; (status, content type, body)."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if endpoint.content_type:
        headers["Content-Type"] = endpoint.content_type
    conn.request(endpoint.method, endpoint.path, body=endpoint.body, headers=headers)
    r = conn.getresponse()
    body = r.read()
    if connection is None:
        conn.close()
    return r.status, r.getheader("Content-Type", ""), body


def check_agreement(servers):
    """Every server's answer to every endpoint: the same status and bytes (JSON compared as
    values, since Django writes `", "` and `": "` and the Rust servers write compact JSON)."""
    for e in ENDPOINTS:
        answers = {s.name: ask(s.port, e) for s in servers}
        first_name, first = next(iter(answers.items()))
        for name, answer in answers.items():
            status, ctype, body = answer
            if status != first[0]:
                sys.exit(f"{e.path}: {first_name} answered {first[0]}, {name} {status}:\n{body[:500]}")
            if e.kind == "json":
                same = json.loads(body) == json.loads(first[2])
            else:
                same = body == first[2]
            if not same:
                at = next((i for i, (a, b) in enumerate(zip(first[2], body)) if a != b), min(len(body), len(first[2])))
                sys.exit(f"{e.path}: {first_name} and {name} disagree from byte {at}:\n"
                         f"{first[2][max(at - 80, 0):at + 200]}\n---\n{body[max(at - 80, 0):at + 200]}")
            if ctype.split(";")[0] != first[1].split(";")[0]:
                sys.exit(f"{e.path}: {first_name} sends {first[1]}, {name} {ctype}")
        print(f"  {e.path:<32} {first[0]} {len(first[2]):>5} bytes, the same from all {len(servers)}")


def wrk(port, endpoint, seconds, connections, scripts):
    argv = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    script = endpoint.lua(scripts)
    if script:
        argv += ["-s", script]
    out = subprocess.run(
        [*argv, f"http://127.0.0.1:{port}{endpoint.path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        sys.exit(f"{port}{endpoint.path}: failures under load\n{out}")
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    if timeouts and int(timeouts.group(1)):
        print(f"  {port}{endpoint.path}: {timeouts.group(1)} requests timed out under load")
    return rps, requests, to_ms(p99)


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def load(servers, seconds, rounds, connections):
    """Each endpoint, `rounds` times each server, the order rotated each round; the medians."""
    results = {}
    with tempfile.TemporaryDirectory() as scripts:
        for e in ENDPOINTS:
            runs = {s.name: [] for s in servers}
            for r in range(rounds):
                order = servers[r % len(servers):] + servers[: r % len(servers)]
                for s in order:
                    before = s.cpu_ticks()
                    rps, requests, p99 = wrk(s.port, e, seconds, connections, scripts)
                    cpu_us = (s.cpu_ticks() - before) / CLK_TCK * 1e6 / max(requests, 1)
                    runs[s.name].append((rps, p99, cpu_us))
            results[e.name] = {
                name: tuple(statistics.median(v[i] for v in values) for i in range(3))
                for name, values in runs.items()
            }
            line = "  ".join(f"{n} {v[0] / 1000:7.1f}k" for n, v in results[e.name].items())
            print(f"  {e.label:<36} {line}", flush=True)
    return results


def callgrind(server, requests, warmup, outdir):
    """Instructions per request of each endpoint: counters zeroed after a warm-up, `requests`
    requests on one keep-alive connection, counters dumped. taskset execs valgrind, which runs
    the server in its own process: the process callgrind_control talks to is the server's."""
    outdir = os.path.join(outdir, server.name)
    os.mkdir(outdir)
    out = os.path.join(outdir, "callgrind.out")
    server.start(prefix=["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}.%p"])
    pid = str(server.process.pid)
    per_request, seen = {}, set()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        for e in ENDPOINTS:
            for _ in range(warmup):
                ask(server.port, e, conn)
            subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
            for _ in range(requests):
                status, _, body = ask(server.port, e, conn)
                if status >= 400:
                    sys.exit(f"{server.name} {e.path}: {status} under callgrind: {body[:300]}")
            subprocess.run(["callgrind_control", "-d", e.name, pid], check=True, capture_output=True)
            per_request[e.name] = new_dump_total(outdir, seen) / requests
        conn.close()
    finally:
        server.stop()
    return per_request


def new_dump_total(outdir, seen):
    """The total instructions of the one dump file written since the last call."""
    new = [n for n in os.listdir(outdir) if n not in seen]
    seen.update(new)
    dumps = [n for n in new if re.search(r"\.\d+\.\d+$", n)]
    if len(dumps) != 1:
        sys.exit(f"expected one new callgrind dump in {outdir}, found {new}")
    with open(os.path.join(outdir, dumps[0])) as f:
        m = re.search(r"^(?:totals|summary): (\d+)", f.read(), re.M)
    return int(m.group(1))


def ratio(a, b):
    return f"{a / b:5.2f}" if b else "   - "


# The instruction ratios printed, where both servers ran: rjango against the bare hand-written
# server, against the hand-written server sending the four headers Django's default
# MIDDLEWARE sends (the same answers, headers included), and rjango without MIDDLEWARE
# against the bare one (the framework's own cost).
RATIOS = [("hand", "rjango"), ("hand+headers", "rjango"), ("hand", "rjango-bare")]
# The req/s ratios printed, where both servers were loaded: rjango against the bare
# hand-written server, against it sending the same four headers (the same answers, byte for
# byte), and against Django.
LOAD_RATIOS = [("rjango", "hand"), ("rjango", "hand+headers"), ("rjango", "django")]


def report(results, names, idle, loaded, instructions):
    hand, rj, dj = names[:3]
    if results:
        print()
        pairs = [(a, b) for a, b in LOAD_RATIOS if a in names and b in names]
        print(f"{'req/s, p99, CPU per request':<36}" + "".join(f" {n:>12}" for n in names)
              + "".join(f" {a + '/' + b:>20}" for a, b in pairs)
              + "".join(f" {'p99 ' + n:>18}" for n in names)
              + "".join(f" {'CPU ' + n:>18}" for n in names))
        for e in ENDPOINTS:
            r = results[e.name]
            print(f"{e.label:<36}" + "".join(f" {r[n][0]:>12.0f}" for n in names)
                  + "".join(f" {ratio(r[a][0], r[b][0]):>20}" for a, b in pairs)
                  + "".join(f" {r[n][1]:>16.2f}ms" for n in names)
                  + "".join(f" {r[n][2]:>16.1f}us" for n in names))
        print()
        print(f"{'RSS':<36} {'hand':>10} {'rjango':>9} {'Django':>8} {'rj/hand':>7}")
        for label, rss in (("idle (after start)", idle), ("after the load", loaded)):
            print(f"{label:<36} {rss[hand] / 1024:>8.1f}Mi {rss[rj] / 1024:>7.1f}Mi {rss[dj] / 1024:>6.1f}Mi"
                  f" {ratio(rss[rj], rss[hand]):>7}")
    if instructions:
        print()
        columns = list(instructions)
        pairs = [(a, b) for a, b in RATIOS if a in instructions and b in instructions]
        print(f"{'instructions per request':<36}" + "".join(f" {c:>12}" for c in columns)
              + "".join(f" {a + '/' + b:>20}" for a, b in pairs))
        for e in ENDPOINTS:
            print(f"{e.label:<36}" + "".join(f" {instructions[c][e.name]:>12.0f}" for c in columns)
                  + "".join(f" {ratio(instructions[a][e.name], instructions[b][e.name]):>20}"
                            for a, b in pairs))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True, help="a JSON list of the servers")
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--callgrind-requests", type=int, default=1000)
    p.add_argument("--only", default="", help="endpoint names, comma-separated")
    p.add_argument("--skip-load", action="store_true")
    args = p.parse_args()
    global ENDPOINTS
    if args.only:
        ENDPOINTS = [e for e in ENDPOINTS if e.name in args.only.split(",")]
    servers = [Server(**s) for s in json.load(open(args.config))]
    loaded_servers = [s for s in servers if s.load]
    names = [s.name for s in loaded_servers]
    results, idle, loaded = {}, {}, {}
    try:
        for s in servers:
            s.start()
        time.sleep(1)
        idle = {s.name: s.rss_kib() for s in servers}
        print("== the same answers from each server")
        check_agreement(servers)
        if not args.skip_load:
            print(f"== wrk -t1 -c{args.connections}, {args.rounds} x {args.seconds} s a server, the medians (req/s)")
            results = load(loaded_servers, args.seconds, args.rounds, args.connections)
            loaded = {s.name: s.rss_kib() for s in servers}
    finally:
        for s in servers:
            s.stop()
    instructions = {}
    if args.callgrind_requests:
        print(f"== callgrind: {args.callgrind_requests} requests an endpoint, after a warm-up")
        with tempfile.TemporaryDirectory() as outdir:
            for s in servers:
                if s.callgrind:
                    instructions[s.name] = callgrind(s, args.callgrind_requests, 50, outdir)
                    print(f"  {s.name}: " + ", ".join(f"{k} {v:.0f}" for k, v in instructions[s.name].items()), flush=True)
    report(results, names, idle, loaded, instructions)


if __name__ == "__main__":
    main()
