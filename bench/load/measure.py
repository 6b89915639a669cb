#!/usr/bin/python3
"""Runs one measurement against a fresh `findme serve` on the seeded data (WORK/seed.json) and
writes WORK/results/NAME.json (plus the locust CSVs, the server log and a /metrics snapshot).

  measure.py locust --users 30 --spawn-rate 5 --duration 2m NAME
  measure.py wrk --path /healthz --connections 30 --duration 20s NAME

The server is restarted for each measurement, so its VmHWM is the peak of that run (plus start-up);
its VmRSS is also sampled every 0.5 s. Every child process is bounded in time.
"""

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (HealthProbe, MetricsSampler, RssSampler, Server, cpu_seconds,  # noqa: E402
                    http_text, loadavg)

HERE = Path(__file__).resolve().parent


def seconds_of(duration):
    match = re.fullmatch(r"(\d+)([smh]?)", duration)
    if not match:
        raise ValueError("duration like 90s, 2m: " + duration)
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def read_locust_stats(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append({
                "type": row["Type"], "name": row["Name"],
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0), "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0), "max": float(row["Max Response Time"] or 0),
                "rps": float(row["Requests/s"] or 0),
            })
    return rows


def read_failures(path):
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return [{"method": r["Method"], "name": r["Name"], "error": r["Error"],
                 "occurrences": int(r["Occurrences"])} for r in csv.DictReader(f)]


def server_means_ms(metrics):
    """Mean time per route (http_request_duration_seconds), job kind and face stage, in ms, as
    the server measured it (from a /metrics snapshot)."""
    sums, counts = {}, {}
    pattern = re.compile(r'^(http_request_duration_seconds|findme_job_duration_seconds|'
                         r'findme_face_stage_seconds)_(sum|count)\{(.*)\} ([0-9.e+-]+)$', re.M)
    for family, kind, labels, value in pattern.findall(metrics):
        key = family.split("_")[0 if family.startswith("http") else 1] + " " + \
            " ".join(v for _, v in re.findall(r'(\w+)="([^"]*)"', labels))
        (sums if kind == "sum" else counts)[key] = float(value)
    return {k: round(1000 * sums[k] / counts[k], 2) for k in sums if counts.get(k)}


def run_locust(args, seed, server, out_dir):
    prefix = out_dir / args.name
    env = dict(server.env())
    env.update({"FINDME_EVENT_CODE": seed["event_code"], "FINDME_SELFIE_DIR": seed["selfies_dir"],
                "FINDME_HOSTS": server.hosts})
    command = ["/usr/bin/locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u",
               str(args.users), "-r", str(args.spawn_rate), "-t", args.duration, "--host",
               server.url, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
               "--loglevel", "WARNING"]
    with open(str(prefix) + ".locust.log", "wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        try:
            proc.wait(timeout=seconds_of(args.duration) + 120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    shown = command[:1] + ["-f", "bench/load/locustfile.py"] + command[3:]
    shown[shown.index("--host") + 1] = "http://127.0.0.1:PORT"
    shown[shown.index("--csv") + 1] = "WORK/results/" + args.name
    return {"command": " ".join(shown),
            "locust_exit": proc.returncode,
            "stats": read_locust_stats(str(prefix) + "_stats.csv"),
            "failures": read_failures(Path(str(prefix) + "_failures.csv"))}


def parse_wrk(text):
    result = {"raw": text}
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result["rps"] = float(match.group(1)) if match else 0.0
    for pct in ("50", "90", "99"):
        match = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\b" % pct, text, re.M)
        if match:
            factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
            result["p" + pct] = float(match.group(1)) * factor
    match = re.search(r"(\d+) requests in", text)
    result["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result["non_2xx"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: (.*)", text)
    result["socket_errors"] = match.group(1).strip() if match else ""
    return result


def run_wrk(args, seed, server, out_dir):
    path = args.path.replace("{code}", seed["event_code"])
    command = ["wrk", "-t%d" % args.threads, "-c%d" % args.connections, "-d%s" % args.duration,
               "--latency", server.url + path]
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         timeout=seconds_of(args.duration) + 60).stdout
    (out_dir / (args.name + ".wrk.txt")).write_text(out)
    result = parse_wrk(out)
    result["command"] = " ".join(command[:-1] + ["http://127.0.0.1:PORT" + args.path])
    return result


def measure(args):
    work = Path(args.work)
    seed = json.loads((work / "seed.json").read_text())
    out_dir = work / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    extra_env = dict(kv.split("=", 1) for kv in args.env)
    server = Server(args.binary, seed["data_dir"], args.model_dir, out_dir, args.name + "-server",
                    extra_env)
    server.start()
    # --processes N: more processes on the same DATA_DIR and database (a shared PostgreSQL);
    # locust users are spread over them round-robin (FINDME_HOSTS), as a load balancer would.
    others = [Server(args.binary, seed["data_dir"], args.model_dir, out_dir,
                     "%s-server%d" % (args.name, i + 2), extra_env)
              for i in range(args.processes - 1)]
    for other in others:
        other.start()
    server.hosts = ",".join(s.url for s in [server] + others)
    record = {"name": args.name, "mode": args.mode, "loadavg_before": loadavg(),
              "server_env": extra_env, "processes": args.processes}
    try:
        rss_at_start = server.status_kb("VmRSS")
        sampler = RssSampler(server.pid).start()
        gauges = MetricsSampler(server.url).start() if args.mode == "locust" else None
        health = HealthProbe(server.url).start() if args.mode == "locust" else None
        pids = [s.pid for s in [server] + others]
        cpu_before, started = sum(cpu_seconds(p) for p in pids), time.monotonic()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_before = children.ru_utime + children.ru_stime
        if args.mode == "locust":
            record.update(run_locust(args, seed, server, out_dir))
            record.update(users=args.users, spawn_rate=args.spawn_rate, duration=args.duration)
        else:
            record.update(run_wrk(args, seed, server, out_dir))
        wall = time.monotonic() - started
        # Summed over every process; memory figures below are the first process's.
        record["server_cpu_cores"] = round(
            (sum(cpu_seconds(p) for p in pids) - cpu_before) / wall, 2)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        record["client_cpu_cores"] = round(
            (children.ru_utime + children.ru_stime - client_before) / wall, 2)
        sampler.stop()
        if gauges:
            gauges.stop()
            record["gauge_peaks"] = gauges.peaks
        if health:
            health.stop()
            record["healthz_probe"] = health.summary()
        record.update(loadavg_after=loadavg(), rss_start_kb=rss_at_start,
                      rss_peak_sampled_kb=sampler.peak_kb(), vm_hwm_kb=server.status_kb("VmHWM"),
                      rss_end_kb=server.status_kb("VmRSS"))
        metrics = http_text(server.url + "/metrics")
        (out_dir / (args.name + ".metrics.txt")).write_text(metrics)
        record["server_means_ms"] = server_means_ms(metrics)
        record["rss_series_kb"] = sampler.samples[::4]
    finally:
        server.stop()
        for other in others:
            other.stop()
    (out_dir / (args.name + ".json")).write_text(json.dumps(record, indent=2))
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["locust", "wrk"])
    parser.add_argument("name")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="2m")
    parser.add_argument("--path", default="/healthz", help="wrk: path, {code} = the event")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1,
                        help="findme processes on the same data (needs a shared PostgreSQL)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra server environment (e.g. LOG_LEVEL=warn), repeatable")
    args = parser.parse_args()
    record = measure(args)
    if args.mode == "locust":
        for row in record["stats"]:
            print("%-5s %-36s n=%-6d fail=%-4d p50=%-6.0f p95=%-6.0f p99=%-6.0f rps=%.1f" %
                  (row["type"], row["name"], row["requests"], row["failures"], row["p50"],
                   row["p95"], row["p99"], row["rps"]))
    else:
        print("wrk %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d" %
              (args.path, record["rps"], record.get("p50", 0), record.get("p99", 0),
               record["non_2xx"]))
    if record.get("gauge_peaks"):
        print("gauge peaks (1 s samples): " + ", ".join(
            "%s %g" % kv for kv in sorted(record["gauge_peaks"].items())))
    if record.get("healthz_probe"):
        print("/healthz probe (a new connection every 0.25 s): %s" % record["healthz_probe"])
    failures = [f for f in record.get("failures", []) if "refused" not in f["error"]]
    refused = sum(f["occurrences"] for f in record.get("failures", [])
                  if "refused" in f["error"])
    if record["mode"] == "locust":
        print("failures other than refusals: %d; refusals (429/503 with Retry-After, resent): %d"
              % (sum(f["occurrences"] for f in failures), refused))
    print("server: peak RSS %.0f MB sampled, VmHWM %.0f MB, %.2f cores; client %.2f cores" %
          (record["rss_peak_sampled_kb"] / 1024, (record["vm_hwm_kb"] or 0) / 1024,
           record["server_cpu_cores"], record["client_cpu_cores"]))


if __name__ == "__main__":
    main()
