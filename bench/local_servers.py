#!/usr/bin/env python3
"""What the benchmark drivers that start servers share: HTTP probes, the origin's admin API, the
packaged jars started as their own processes, and the temp folders every nginx they start needs."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fetch(url, headers=None):
    """(status, body) of a GET; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except OSError:
        return 0, b""


def wait_for(url, process, log, status=200):
    """Waits (90 s at most) until url answers status; exits naming the log when it does not, or the process died."""
    deadline = time.monotonic() + 90
    while fetch(url)[0] != status:
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            sys.exit(f"{url} did not answer {status}; see {log}")
        time.sleep(0.3)


def admin(origin_http, token, method, path, body=None):
    """A call to the origin's admin API; its JSON answer."""
    request = urllib.request.Request(f"http://127.0.0.1:{origin_http}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode())


def start_java(work, name, jar, env, options=()):
    """A packaged jar as its own process (MALLOC_ARENA_MAX=2, as deploy/systemd runs it), its output in work/name.log."""
    log = work / f"{name}.log"
    process = subprocess.Popen(["java", *options, "-jar", str(jar)], env=dict(os.environ, MALLOC_ARENA_MAX="2", **env),
                               stdout=open(log, "w"), stderr=subprocess.STDOUT)
    return process, log


def nginx_temp_paths(prefix):
    """The http block's temp folders, all under prefix: nginx run by a user writes nothing outside it."""
    return "\n".join(f"  {kind}_temp_path {prefix}/{kind.replace('client_body', 'body')};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
