#!/usr/bin/python3
"""Slow and idle clients against a fresh `findme serve`, while normal clients run (issue #12).

Starts the server on a new DATA_DIR (127.0.0.1, a free port), creates an organizer and an event,
then measures GET /api/events/{code} from normal clients three times: alone, while N attackers
hold connections open, and after the server's deadlines have cut them off. The attackers, a third
each (an attack that stalls only one kind of read proves little):

  header   sends a request header one byte per second, never finishing it (slowloris)
  body     sends a whole header announcing a 1 MB body, then one byte per second
  reader   pipelines 500 requests for a 25 kB script of the web app (12 MB of answers, more
           than the socket buffers hold) and never reads them

Prints what normal clients saw (latency percentiles, errors), how many attackers were refused at
the connection cap or cut off by a deadline and when, and the server's peak open descriptors and
memory. Figures go to docs/reliability.md with the command.

With --check (the short run CTest does: findme_slow_clients_test), it also exits 1 unless the
normal clients had no error in any phase, the server stayed up with its descriptors bounded, and
the server cut off every header and body trickler within the hold. Latency is reported, never
asserted: on a shared 2-core machine it measures the neighbours as much as the server.

  /usr/bin/python3 bench/load/slow_clients.py --binary build/release/findme \
      --model-dir models/face-api-1.7.15 --attackers 2000
"""
import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import resource
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def proc_status(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) // 1024
    return fds, rss


async def normal_clients(host, port, path, count, concurrency):
    """`count` GETs of `path` over fresh connections, `concurrency` at a time."""
    latencies, errors = [], []
    sem = asyncio.Semaphore(concurrency)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()

    async def one():
        async with sem:
            start = time.monotonic()
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
                writer.write(request)
                await writer.drain()
                status_line = await asyncio.wait_for(reader.readline(), 10)
                await asyncio.wait_for(reader.read(), 10)
                writer.close()
                status = int(status_line.split()[1]) if status_line else 0
                if status != 200:
                    errors.append(f"status {status}")
                else:
                    latencies.append((time.monotonic() - start) * 1000)
            except Exception as e:  # noqa: BLE001 - every failure is a finding to report
                errors.append(type(e).__name__)

    await asyncio.gather(*(one() for _ in range(count)))
    return latencies, errors


def summary(latencies, errors):
    if not latencies:
        return {"ok": 0, "errors": len(errors)}
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"ok": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors)),
            "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(latencies), 1)}


class Attacker:
    def __init__(self, kind):
        self.kind = kind
        self.refused = False      # answered 503 at the connection cap
        self.connect_failed = False
        self.cut_after = None     # seconds until the server closed the connection
        self.opened = asyncio.Event()  # connected and first bytes sent (or gave up)

    async def run(self, host, port, hold):
        start = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
        except Exception:  # noqa: BLE001
            self.connect_failed = True
            self.opened.set()
            return
        try:
            if self.kind == "header":
                header = f"GET /api/events HTTP/1.1\r\nHost: {host}\r\nX-Slow: " + "a" * 64
                writer.write(b"G")
                payload = header[1:].encode()
            elif self.kind == "body":
                writer.write(f"POST /api/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: "
                             f"application/json\r\nContent-Length: 1000000\r\n\r\n{{".encode())
                payload = b"x" * 1000
            else:
                writer.write(f"GET /js/i18n.js HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() * 500)
                payload = b""
            await writer.drain()
            self.opened.set()
            for byte in payload:
                if reader.at_eof():
                    break
                try:
                    data = await asyncio.wait_for(reader.read(256), 1.0)
                    if self.kind != "reader" and data.startswith(b"HTTP/1.1 503"):
                        self.refused = True
                    if not data:
                        break
                except asyncio.TimeoutError:
                    pass
                if time.monotonic() - start > hold:
                    break
                writer.write(bytes([byte]))
                await writer.drain()
            if self.kind == "reader":
                # Never read: wait until the server gives up on us (or the hold ends).
                while time.monotonic() - start < hold:
                    await asyncio.sleep(0.5)
                    if writer.transport.is_closing() or reader.at_eof():
                        break
                    try:
                        writer.write(b"")
                        await asyncio.wait_for(writer.drain(), 0.5)
                    except (ConnectionError, asyncio.TimeoutError):
                        break
            if reader.at_eof() or writer.transport.is_closing():
                self.cut_after = time.monotonic() - start
        except (ConnectionError, OSError):
            self.cut_after = time.monotonic() - start
        finally:
            self.opened.set()
            writer.close()


def normal_phase(host, port, path, count, concurrency):
    """normal_clients() in its own process: the attackers' event loop must not slow it down."""
    return asyncio.run(normal_clients(host, port, path, count, concurrency))


async def measured(pool, host, port, path, args):
    loop = asyncio.get_running_loop()
    lat, err = await loop.run_in_executor(pool, normal_phase, host, port, path, args.requests,
                                          args.concurrency)
    return summary(lat, err)


async def main_async(args, base, host, port, code, pid, pool):
    path = f"/api/events/{code}"
    report = {"attackers": args.attackers, "normal_requests": args.requests}
    report["normal_alone"] = await measured(pool, host, port, path, args)
    baseline_fds, _ = proc_status(pid)

    kinds = args.kinds.split(",")
    attackers = [Attacker(kinds[i % len(kinds)]) for i in range(args.attackers)]
    peak = {"fds": 0, "rss_mb": 0}
    stop = asyncio.Event()

    timeline = []  # (seconds since the attack began, the server's open descriptors)
    attack_start = time.monotonic()

    async def sample():
        while not stop.is_set():
            fds, rss = proc_status(pid)
            timeline.append((time.monotonic() - attack_start, fds))
            peak["fds"] = max(peak["fds"], fds)
            peak["rss_mb"] = max(peak["rss_mb"], rss)
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    attack = asyncio.gather(*(a.run(host, port, args.hold) for a in attackers))
    # Measure once every attacker holds its connection (the connect storm is another attack).
    try:
        await asyncio.wait_for(asyncio.gather(*(a.opened.wait() for a in attackers)), 20)
    except asyncio.TimeoutError:
        pass
    report["attack_open_after_s"] = round(time.monotonic() - attack_start, 1)
    await asyncio.sleep(1)
    report["normal_under_attack"] = await measured(pool, host, port, path, args)
    await attack
    report["normal_after"] = await measured(pool, host, port, path, args)
    stop.set()
    await sampler
    report["server_peak"] = peak
    report["server_fds_baseline"] = baseline_fds
    # The server's open descriptors as its deadlines cut the attackers off.
    report["server_fds_at_s"] = {
        f"{t:.0f}": fds for t, fds in timeline if abs(t - round(t / 5) * 5) < 0.26}
    back = next((t for t, fds in timeline if t > 3 and fds <= baseline_fds + 20), None)
    report["all_attackers_cut_after_s"] = round(back, 1) if back is not None else None
    for kind in kinds:
        group = [a for a in attackers if a.kind == kind]
        cut = sorted(a.cut_after for a in group if a.cut_after is not None and not a.refused)
        report[f"attackers_{kind}"] = {
            "count": len(group),
            "refused_503": sum(a.refused for a in group),
            "connect_failed": sum(a.connect_failed for a in group),
            "cut_off_by_server": len(cut),
            "cut_after_s_median": round(statistics.median(cut), 1) if cut else None,
            "still_open_at_hold_end": len(group) - len(cut) - sum(a.refused for a in group)
            - sum(a.connect_failed for a in group),
        }
        if kind == "reader":
            # The server's close waits behind the unread answers: a client that never reads never
            # sees it. server_fds_at_s shows when the server let go.
            report[f"attackers_{kind}"]["note"] = "a non-reading client cannot see the close"
    return report


def check(report, max_connections):
    """What --check requires of a run; returns the list of what failed."""
    failed = []
    for phase in ("normal_alone", "normal_under_attack", "normal_after"):
        if report[phase]["errors"]:
            failed.append(f"{phase}: {report[phase]['errors']} normal requests failed")
    if not report["server_alive"]:
        failed.append("the server died")
    fd_bound = 2 * max_connections + 256  # what findme serve sizes its open-file limit to
    if report["server_peak"]["fds"] > fd_bound:
        failed.append(f"the server held {report['server_peak']['fds']} descriptors (> {fd_bound})")
    for kind in ("header", "body"):
        group = report.get(f"attackers_{kind}")
        if group and group["still_open_at_hold_end"]:
            failed.append(f"{group['still_open_at_hold_end']} {kind} tricklers still connected")
    return failed


def raise_open_file_limit():
    """Thousands of attacker sockets need more than the usual soft limit of 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--attackers", type=int, default=2000)
    p.add_argument("--kinds", default="header,body,reader",
                   help="attacks to mix, comma-separated (header, body, reader)")
    p.add_argument("--requests", type=int, default=300, help="normal GETs per phase")
    p.add_argument("--concurrency", type=int, default=10)
    p.add_argument("--hold", type=float, default=40, help="seconds each attacker keeps trying")
    p.add_argument("--max-connections", type=int, default=0,
                   help="MAX_CONNECTIONS for the server (0: its default)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 unless normal clients saw no error and the tricklers were cut off")
    args = p.parse_args()
    raise_open_file_limit()

    port = free_port()
    host = "127.0.0.1"
    base = f"http://{host}:{port}"
    with tempfile.TemporaryDirectory(prefix="findme-slow-") as data:
        env = dict(os.environ, PORT=str(port), HOST=host, DATA_DIR=data,
                   DATABASE_URL=f"sqlite:{data}/findme.db",
                   MODEL_DIR=args.model_dir, LOG_LEVEL="warn",
                   WEB_DIR=os.path.join(os.path.dirname(__file__), "..", "..", "web"))
        if args.max_connections:
            env["MAX_CONNECTIONS"] = str(args.max_connections)
        server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(data, "server.log"), "w"))
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/readyz", timeout=1)
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not become ready")
            org = call(base, "POST", "/api/organizers",
                       {"email": "org@example.org", "password": "a long password", "name": "Org"})
            event = call(base, "POST", "/api/events", {"name": "Slow clients"}, org["token"])
            with concurrent.futures.ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn")) as pool:
                report = asyncio.run(main_async(args, base, host, port, event["event"]["code"],
                                                server.pid, pool))
            report["server_alive"] = server.poll() is None
            report["load_average"] = os.getloadavg()
            print(json.dumps(report, indent=2))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if args.check:
        failed = check(report, args.max_connections or 2048)
        for line in failed:
            print("slow clients: FAILED: " + line, file=sys.stderr)
        if failed:
            sys.exit(1)
        print("slow clients: ok: normal clients had no error, tricklers were cut off")


if __name__ == "__main__":
    main()
