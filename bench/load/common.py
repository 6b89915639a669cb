"""Shared helpers of the load benchmarks: start/stop a findme server, sample its memory and CPU,
and small JSON-over-HTTP calls. Standard library only (runs with Debian's /usr/bin/python3).

Not thread-safe except where noted (RssSampler runs its own thread and is read after stop()).
"""

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

SERVING_RE = re.compile(r"findme is serving on (http://[0-9.]+:(\d+))")


class Server:
    """One `findme serve` process on 127.0.0.1 with a free port, logging to files in log_dir."""

    def __init__(self, binary, data_dir, model_dir, log_dir, name, extra_env=None):
        self.binary = str(binary)
        self.data_dir = Path(data_dir)
        self.model_dir = str(model_dir)
        self.log_dir = Path(log_dir)
        self.name = name
        self.extra_env = extra_env or {}
        self.proc = None
        self.url = None
        self.port = None

    def env(self):
        env = dict(os.environ)
        env.update({
            "HOST": "127.0.0.1",
            "PORT": "0",
            "DATA_DIR": str(self.data_dir),
            "DATABASE_URL": "sqlite:" + str(self.data_dir / "findme.db"),
            "MODEL_DIR": self.model_dir,
            "LOG_LEVEL": "info",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout_s=120):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out_path = self.log_dir / (self.name + ".stdout")
        err_path = self.log_dir / (self.name + ".stderr.log")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env(), stdout=out,
                                         stderr=err, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("findme serve exited with %s; see %s" %
                                   (self.proc.returncode, err_path))
            match = SERVING_RE.search(out_path.read_text(errors="replace"))
            if match:
                self.url, self.port = match.group(1), int(match.group(2))
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("findme serve did not start in %d s" % timeout_s)
        self.wait_ready(deadline)
        return self

    def wait_ready(self, deadline):
        while time.monotonic() < deadline:
            try:
                status, _ = http_json("GET", self.url + "/readyz", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("findme serve was not ready in time")

    @property
    def pid(self):
        return self.proc.pid

    def status_kb(self, field):
        """VmRSS, VmHWM, ... of the server in kB (None once it has exited)."""
        try:
            text = Path("/proc/%d/status" % self.pid).read_text()
        except OSError:
            return None
        match = re.search(r"^%s:\s+(\d+) kB" % field, text, re.M)
        return int(match.group(1)) if match else None

    def stop(self, timeout_s=30):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def cpu_seconds(pid):
    """User + system CPU time of a process so far, in seconds (None once it has exited)."""
    try:
        fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class Background:
    """A loop (`_run`, which returns once `_stop` is set) on its own daemon thread."""

    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()


class RssSampler(Background):
    """Samples a process's resident set every `period_s` on its own thread."""

    def __init__(self, pid, period_s=0.5):
        self.pid = pid
        self.period_s = period_s
        self.samples = []  # (seconds since start, rss kB)
        super().__init__()
        self._start = time.monotonic()

    def _run(self):
        path = Path("/proc/%d/status" % self.pid)
        while not self._stop.is_set():
            try:
                match = re.search(r"^VmRSS:\s+(\d+) kB", path.read_text(), re.M)
            except OSError:
                return
            if match:
                self.samples.append((time.monotonic() - self._start, int(match.group(1))))
            self._stop.wait(self.period_s)

    def peak_kb(self):
        return max((kb for _, kb in self.samples), default=0)


class MetricsSampler(Background):
    """Polls /metrics every `period_s` on its own thread and keeps the maximum of some gauges
    (handler pool busy/queued, job queue depth, connections, waiting requests)."""

    GAUGES = ("http_blocking_pool_busy", "http_blocking_pool_queued", "findme_job_queue_depth",
              "http_connections", "http_waiting_requests")

    def __init__(self, url, period_s=1.0):
        self.url = url + "/metrics"
        self.period_s = period_s
        self.peaks = {}
        self.samples = 0
        super().__init__()

    def _run(self):
        # Series keep their labels (e.g. the read and write handler pools are separate).
        names = "|".join(self.GAUGES)
        pattern = re.compile(r"^(?:findme_)?((?:%s)(?:\{[^}]*\})?) ([0-9.e+-]+)$" % names, re.M)
        while not self._stop.wait(self.period_s):
            try:
                text = http_text(self.url, timeout=10)
            except OSError:
                continue
            self.samples += 1
            for name, value in pattern.findall(text):
                self.peaks[name] = max(self.peaks.get(name, 0.0), float(value))


class HealthProbe(Background):
    """GETs /healthz every `period_s` on its own thread, a new connection each time (as a load
    balancer's health check does), and keeps each latency; a failure or timeout counts apart."""

    def __init__(self, url, period_s=0.25, timeout_s=5):
        self.url = url + "/healthz"
        self.period_s = period_s
        self.timeout_s = timeout_s
        self.latencies_ms = []
        self.failures = 0
        super().__init__()

    def _run(self):
        while not self._stop.wait(self.period_s):
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout_s) as response:
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            if ok:
                self.latencies_ms.append(1000 * (time.monotonic() - started))
            else:
                self.failures += 1

    def summary(self):
        values = sorted(self.latencies_ms)

        def rank(p):
            return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 1)
        if not values:
            return {"probes": 0, "failures": self.failures}
        return {"probes": len(values), "failures": self.failures, "p50_ms": rank(50),
                "p99_ms": rank(99), "max_ms": round(values[-1], 1)}


def jpeg_with_comment(jpeg, text):
    """The same JPEG with a COM segment after SOI: other bytes (a new photo for the server), the
    same pixels."""
    payload = text.encode()
    segment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]


def http_json(method, url, body=None, token=None, timeout=30):
    """One JSON request; returns (status, parsed body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def http_text(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode(errors="replace")


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]
