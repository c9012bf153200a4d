"""bench/devloop's measurements (run by bench/devloop/run): cold builds and edit -> served, for
a project made by the rjango CLI and for the hand-written project of bench/http/hand."""
import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

PORT_RJANGO, PORT_HAND = 8841, 8842


def timed(argv, cwd, env=None):
    start = time.monotonic()
    subprocess.run(argv, cwd=cwd, env=dict(os.environ, **(env or {})), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def get(port, path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        r = conn.getresponse()
        return r.status, r.read().decode()
    except OSError:
        return None, ""


def listener_pid(port):
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    m = re.search(r"pid=(\d+)", out)
    return int(m.group(1)) if m else None


def wait_served(port, path, check, old_pid, timeout=600):
    """Seconds until a server other than `old_pid` answers `path` and `check(body)` holds."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        pid = listener_pid(port)
        if pid and pid != old_pid:
            status, body = get(port, path)
            if status == 200 and check(body):
                return time.monotonic() - start
        time.sleep(0.05)
    sys.exit(f"port {port}: {path} not served with the change within {timeout} s")


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path + ".tmp", "w") as f:
        f.write(text.replace(old, new, 1))
    os.replace(path + ".tmp", path)


def make_rjango_project(rjango, work, http):
    site = os.path.join(work, "devsite")
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([rjango, "startproject", "devsite"], cwd=work, check=True, stdout=subprocess.DEVNULL)
    return site


def fill_rjango_project(rjango, site, http):
    subprocess.run([rjango, "startapp", "blog"], cwd=site, check=True, stdout=subprocess.DEVNULL)
    src = os.path.join(http, "rjango")
    shutil.copy(os.path.join(src, "models.rs"), os.path.join(site, "src/blog/models.rs"))
    shutil.copy(os.path.join(src, "views.rs"), os.path.join(site, "src/views.rs"))
    shutil.copy(os.path.join(src, "urls.rs"), os.path.join(site, "src/urls.rs"))
    for t in ("page.html", "posts.html"):
        shutil.copy(os.path.join(src, t), os.path.join(site, "templates", t))
    edit(os.path.join(site, "src/main.rs"), "mod generated;", "mod generated;\nmod views;")
    subprocess.run([rjango, "makemigrations", "--noinput"], cwd=site, check=True, stdout=subprocess.DEVNULL)


def make_hand_project(work, http):
    hand = os.path.join(work, "hand")
    shutil.rmtree(hand, ignore_errors=True)
    shutil.copytree(os.path.join(http, "hand"), hand, ignore=shutil.ignore_patterns("target"))
    return hand


def cold_builds(rjango, work, http):
    print("== cold builds (a fresh target directory each)")
    rows = []
    site = make_rjango_project(rjango, work, http)
    hand = make_hand_project(work, http)
    for name, cwd in (("rjango project", site), ("hand-written", hand)):
        target = os.path.join(work, f"target-cold-{name.split()[0]}")
        shutil.rmtree(target, ignore_errors=True)
        env = {"CARGO_TARGET_DIR": target}
        debug = timed(["cargo", "build"], cwd, env)
        release = timed(["cargo", "build", "--release"], cwd, env)
        print(f"  {name:<16} debug {debug:6.1f} s   release {release:6.1f} s", flush=True)
        rows.append((name, debug, release))
        shutil.rmtree(target, ignore_errors=True)
    return rows


def start(argv, cwd, env, port):
    p = subprocess.Popen(argv, cwd=cwd, env=dict(os.environ, **env), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if p.poll() is not None:
            sys.exit(f"{argv[0]} stopped")
        if get(port, "/hello/")[0] == 200:
            return p
        time.sleep(0.2)
    sys.exit(f"nothing served on {port}")


def stop(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGINT)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


EDITS = [
    # (label, file, old, new, path, check)
    ("a view", "views.rs", '"Hello, world"', '"Hello, edited world"', "/hello/",
     lambda b: b == "Hello, edited world"),
    ("a template", "page.html", "<ul>", '<ul class="edited">', "/page/",
     lambda b: 'class="edited"' in b),
    ("a model (+ makemigrations)", "models.rs", None, None, "/posts/7/", lambda b: '"id"' in b),
]


def edit_loop(rjango, work, http):
    print("== edit -> served")
    target = os.path.join(work, "target-loop")
    env = {"CARGO_TARGET_DIR": target}
    site = make_rjango_project(rjango, work, http)
    fill_rjango_project(rjango, site, http)
    hand = make_hand_project(work, http)
    db = os.path.join(work, "devloop.sqlite3")
    if os.path.exists(db):
        os.remove(db)
    # The schema, then both servers on it.
    subprocess.run(["cargo", "build", "--quiet"], cwd=site, env=dict(os.environ, **env), check=True)
    subprocess.run([os.path.join(target, "debug", "devsite"), "migrate"], cwd=site, check=True,
                   env=dict(os.environ, DATABASE_URL=f"sqlite://{db}"), stdout=subprocess.DEVNULL)
    import sqlite3
    c = sqlite3.connect(db)
    c.execute("INSERT INTO blog_author (id, name) VALUES (1, 'Author 1')")
    c.executemany("INSERT INTO blog_post (id, author_id, title, body) VALUES (?, 1, ?, '')",
                  [(i, f"Post {i}") for i in range(1, 21)])
    c.commit()
    subprocess.run(["cargo", "build", "--quiet"], cwd=hand, env=dict(os.environ, **env), check=True)
    rjango_server = start([rjango, "runserver", f"127.0.0.1:{PORT_RJANGO}"], site,
                          dict(env, DATABASE_URL=f"sqlite://{db}"), PORT_RJANGO)
    hand_bin = os.path.join(target, "debug", "bench-hand")
    hand_argv = [hand_bin, f"127.0.0.1:{PORT_HAND}", f"sqlite://{db}", "1"]
    hand_server = start(hand_argv, hand, {}, PORT_HAND)
    rows = []
    try:
        for label, name, old, new, path, check in EDITS:
            # rjango: the file is saved; runserver notices, rebuilds and restarts.
            files = {"views.rs": "src/views.rs", "page.html": "templates/page.html",
                     "models.rs": "src/blog/models.rs"}
            old_pid = listener_pid(PORT_RJANGO)
            start_at = time.monotonic()
            if name == "models.rs":
                edit(os.path.join(site, files[name]), "    pub name: CharField,\n",
                     "    pub name: CharField,\n    #[field(default = 0)]\n    pub rank: IntegerField,\n")
                # Django's steps: makemigrations, migrate (which builds the project), and the
                # server reloads.
                for step in (["makemigrations", "--noinput"], ["migrate"]):
                    subprocess.run([rjango, *step], cwd=site, check=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL,
                                   env=dict(os.environ, **env, DATABASE_URL=f"sqlite://{db}"))
            else:
                edit(os.path.join(site, files[name]), old, new)
            wait_served(PORT_RJANGO, path, check, old_pid)
            ours = time.monotonic() - start_at
            # Hand-written: the same edit, then cargo build and a restart.
            hand_files = {"views.rs": "src/main.rs", "page.html": "templates/page.html",
                          "models.rs": "src/db.rs"}
            start_at = time.monotonic()
            if name == "models.rs":
                edit(os.path.join(hand, hand_files[name]), "        pub name: String,\n",
                     "        pub name: String,\n        pub rank: i32,\n")
            else:
                edit(os.path.join(hand, hand_files[name]), old, new)
            subprocess.run(["cargo", "build", "--quiet"], cwd=hand, env=dict(os.environ, **env), check=True)
            stop(hand_server)
            hand_server = start(hand_argv, hand, {}, PORT_HAND)
            theirs = time.monotonic() - start_at
            print(f"  {label:<28} rjango runserver {ours:5.1f} s   hand-written build + restart {theirs:5.1f} s", flush=True)
            rows.append((label, ours, theirs))
    finally:
        stop(rjango_server)
        stop(hand_server)
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rjango", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--http", required=True)
    p.add_argument("--skip-cold", action="store_true")
    args = p.parse_args()
    cold = [] if args.skip_cold else cold_builds(args.rjango, args.work, args.http)
    loop = edit_loop(args.rjango, args.work, args.http)
    print()
    if cold:
        print(f"{'cold build':<30} {'rjango':>8} {'hand':>8}")
        (_, rd, rr), (_, hd, hr) = cold
        print(f"{'debug (cargo build)':<30} {rd:>7.1f}s {hd:>7.1f}s")
        print(f"{'release (cargo build --release)':<30} {rr:>7.1f}s {hr:>7.1f}s")
        print()
    print(f"{'edit -> served':<30} {'rjango':>8} {'hand':>8}")
    for label, ours, theirs in loop:
        print(f"{label:<30} {ours:>7.1f}s {theirs:>7.1f}s")


if __name__ == "__main__":
    main()
