#!/usr/bin/python3
"""Prints the summary of a load-benchmark run and writes the figures document.

Usage: report.py --work WORK --out docs/benchmarks-load.md [--notes bench/load/analysis.md]
Reads WORK/seed.json and WORK/results/{users30,users100,wrk-event,wrk-healthz}.json.
"""

import argparse
import json
import platform
import subprocess
from pathlib import Path

TARGETS_30 = [  # (route or event, percentile, limit in ms)
    ("/api/register-with-event-code", "p95", 250),
    ("selfie → match job done", "p95", 1500),
    ("/api/my-photos", "p95", 50),
]
RSS_LIMIT_MB = 600
EVENT_RPS_TARGET = 30000


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    distro = "?"
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            distro = line.split("=", 1)[1].strip('"')
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return "%s cores (%s), %.0f GB RAM, %s, Linux %s" % (cores, cpu, mem_kb / 1048576, distro,
                                                        platform.release())


def load(path):
    return json.loads(path.read_text()) if path.exists() else None


def row_of(run, name):
    for row in run["stats"]:
        if row["name"] == name:
            return row
    return None


def server_mean(run, row):
    """The server's own mean time for a locust entry (from /metrics), or '' if it has none."""
    means = run.get("server_means_ms", {})
    if row["type"] == "JOB":
        key = "job match_selfie"
    else:
        key = "http %s %s" % (row["type"], row["name"].split("?")[0])
    return "%.1f" % means[key] if key in means else ""


def route_table(run):
    lines = ["| route | requests | failures | p50 ms | p95 ms | p99 ms | max ms | req/s | "
             "server mean ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in run["stats"]:
        name = row["name"] if row["type"] == "JOB" or row["name"] == "Aggregated" else \
            "%s %s" % (row["type"], row["name"])
        if row["name"] == "Aggregated":
            name = "**all requests**"
        lines.append("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %.1f | %s |" %
                     (name, row["requests"], row["failures"], row["p50"], row["p95"], row["p99"],
                      row["max"], row["rps"], server_mean(run, row)))
    return lines


def request_failures(run):
    """Failures of HTTP requests (the JOB entry counts jobs that ended failed)."""
    return sum(r["failures"] for r in run["stats"] if r["name"] != "Aggregated")


def timeouts(run):
    return sum(f["occurrences"] for f in run["failures"] if "imeout" in f["error"])


def verdicts(u30, u100, wrk_event):
    out = []  # (target, measured, ok)
    if u30:
        out.append(("30 users: 0 failures", "%d" % request_failures(u30),
                    request_failures(u30) == 0))
        for name, pct, limit in TARGETS_30:
            row = row_of(u30, name)
            value = row[pct] if row else float("nan")
            out.append(("30 users: %s %s ≤ %d ms" % (name, pct, limit), "%.0f ms" % value,
                        row is not None and value <= limit))
        peak = max(u30["rss_peak_sampled_kb"], u30["vm_hwm_kb"] or 0) / 1024
        out.append(("30 users: peak RSS ≤ %d MB" % RSS_LIMIT_MB, "%.0f MB" % peak,
                    peak <= RSS_LIMIT_MB))
    if u100:
        out.append(("100 users: 0 failures", "%d" % request_failures(u100),
                    request_failures(u100) == 0))
        out.append(("100 users: no timeouts", "%d" % timeouts(u100), timeouts(u100) == 0))
    if wrk_event:
        out.append(("wrk GET /api/events/{code} ≥ %d req/s" % EVENT_RPS_TARGET,
                    "%.0f req/s" % wrk_event["rps"], wrk_event["rps"] >= EVENT_RPS_TARGET))
    return out


def locust_section(title, run):
    lines = ["### %s" % title, "",
             "`%s`" % run["command"], "",
             "Load average before/after: %s / %s. Server: peak RSS %.0f MB (sampled every 0.5 s; "
             "VmHWM %.0f MB, at start %.0f MB), %.2f cores of CPU on average%s." %
             (" ".join(run["loadavg_before"]), " ".join(run["loadavg_after"]),
              run["rss_peak_sampled_kb"] / 1024, (run["vm_hwm_kb"] or 0) / 1024,
              (run["rss_start_kb"] or 0) / 1024, run["server_cpu_cores"],
              "; locust %.2f cores" % run["client_cpu_cores"] if "client_cpu_cores" in run
              else ""), ""]
    if run.get("gauge_peaks"):
        lines += ["Highest gauges in /metrics (sampled every second): " + ", ".join(
            "%s %g" % kv for kv in sorted(run["gauge_peaks"].items())) + ".", ""]
    lines += route_table(run)
    lines += ["", "(server mean: the server's own mean time per request from /metrics; for the "
              "JOB entry, the match job's run time without its wait in the queue.)"]
    if run["failures"]:
        lines += ["", "Failures:", ""]
        lines += ["- %d × %s %s: %s" % (f["occurrences"], f["method"], f["name"], f["error"][:200])
                  for f in run["failures"]]
    return lines + [""]


def wrk_section(runs):
    lines = ["| wrk | requests/s | p50 ms | p90 ms | p99 ms | non-2xx | socket errors | "
             "server CPU (cores) | wrk CPU (cores) | load before |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |"]
    for run in runs:
        if run:
            lines.append("| `%s` | %.0f | %.2f | %.2f | %.2f | %d | %s | %.2f | %s | %s |" %
                         (run["command"], run["rps"], run.get("p50", 0), run.get("p90", 0),
                          run.get("p99", 0), run["non_2xx"], run["socket_errors"] or "none",
                          run["server_cpu_cores"], run.get("client_cpu_cores", "not recorded"),
                          " ".join(run["loadavg_before"])))
    return lines


def document(work, notes):
    seed = load(work / "seed.json")
    res = work / "results"
    u30, u100 = load(res / "users30.json"), load(res / "users100.json")
    wrk_event, wrk_health = load(res / "wrk-event.json"), load(res / "wrk-healthz.json")
    lines = ["# Load benchmarks", "",
             "Generated by `bench/load/run.sh` (bench/load/README.md); the lead merges these "
             "figures into docs/benchmarks.md.", "",
             "Machine: %s. The server, locust and wrk share these cores: locust (one Python "
             "process) and wrk take CPU from the server, so the figures are lower bounds of what "
             "the server alone can do." % machine(), ""]
    if u30:
        lines += ["Load average (1, 5, 15 min) when the measurements started: %s." %
                  " ".join(u30["loadavg_before"]), ""]
    lines += ["## Targets", "", "| target | measured | |", "| --- | ---: | --- |"]
    lines += ["| %s | %s | %s |" % (t, m, "met" if ok else "**missed**")
              for t, m, ok in verdicts(u30, u100, wrk_event)]
    lines += [""]
    if notes and notes.exists():
        lines += [notes.read_text().strip(), ""]
    if seed:
        st = seed["stats"]
        lines += ["## Seeded event", "",
                  "%d photos made from the six sample photos (random crop, rescale to 900–1600 px, "
                  "mirror, JPEG quality 72–92), bulk-imported with `findme import --event CODE "
                  "DIR --wait` into a server with %s matching workers: %d indexed, %d failed, "
                  "%d faces, in **%.1f s = %.2f photos/s** (from the start of the import until "
                  "the last photo was indexed; %s; load average %s → %s). Selfie pool: %s." %
                  (st["photos"]["total"], seed["matching_threads"], st["photos"]["indexed"],
                   st["photos"]["failed"], st["faces"], seed["index_seconds"],
                   seed["photos_per_s"], seed["import_line"], " ".join(seed["loadavg_before"]),
                   " ".join(seed["loadavg_after"]), seed.get("selfies", "face crops")), ""]
    lines += ["## Locust", "",
              "Scenario (bench/load/locustfile.py): each user plays one attendee after another: "
              "GET the event, register with the code and a selfie, wait for the match job "
              "(`GET /api/jobs/{id}?wait=30`), browse my-photos and up to 12 thumbnails 2–4 "
              "times 1–3 s apart (an original 20 % of the time), upload another selfie with "
              "probability 0.3 and wait for it, browse again. `selfie → match job done` is the "
              "time from sending the selfie until the job is reported done. Locust rounds "
              "percentiles above 100 ms to 2 significant digits.", ""]
    if u30:
        lines += locust_section("30 users, spawn rate 5", u30)
    if u100:
        lines += locust_section("100 users, spawn rate 5", u100)
    lines += ["## wrk", ""] + wrk_section([wrk_event, wrk_health]) + [""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--notes", type=Path)
    args = parser.parse_args()
    text = document(args.work, args.notes)
    args.out.write_text(text + "\n")
    res = args.work / "results"
    u30, u100 = load(res / "users30.json"), load(res / "users100.json")
    print("\n%-50s %15s" % ("target", "measured"))
    for target, measured, ok in verdicts(u30, u100, load(res / "wrk-event.json")):
        print("%-50s %15s  %s" % (target, measured, "met" if ok else "MISSED"))
    print("\nwritten: %s" % args.out)


if __name__ == "__main__":
    main()
