#!/usr/bin/env python3
"""Event indexing throughput end to end (issue #14): a fresh `findme serve` (SQLite, its default
matching workers), an organizer and an event made through the API, then `findme import --event
CODE DIR --wait` of N distinct 1920 px photos (the package's six demo samples, 3-5 faces each,
each copy made distinct by a JPEG comment segment, so the pixels are the samples' own). Prints
photos/s from the start of the import until the last photo is indexed, the server's CPU time,
and the mean stage times of its index jobs (from its job log lines).

  python3 bench/load/index_throughput.py --binary build/facepath/findme --copies 8 --runs 2
"""

import argparse
import datetime
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, cpu_seconds, http_json, jpeg_with_comment, loadavg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORGANIZER = {"email": "organizer@index.test", "password": "index test organizer", "name": "Ix"}
STAGE_RE = re.compile(r"index photo=\d+ (.*)")


def make_photos(model_dir, copies, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, 7):
        raw = (Path(model_dir) / "demo" / ("sample%d.jpg" % n)).read_bytes()
        for k in range(copies):
            (out_dir / ("s%d-%02d.jpg" % (n, k))).write_bytes(jpeg_with_comment(raw, "copy %d" % k))
    return 6 * copies


TIME_RE = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\]")


def job_times(log_text):
    """(start, end) wall-clock seconds of each index job (job lines are logged when a job ends,
    with its total)."""
    starts, ends = [], []
    for line in log_text.splitlines():
        stamp = TIME_RE.match(line)
        total = re.search(r"total=([\d.]+)ms", line)
        if stamp and total and STAGE_RE.search(line):
            end = datetime.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            ends.append(end)
            starts.append(end - float(total.group(1)) / 1000)
    return starts, ends


def stage_means(log_text):
    sums, count = {}, 0
    for line in log_text.splitlines():
        match = STAGE_RE.search(line)
        if not match:
            continue
        count += 1
        for key, value in re.findall(r"(\w+)=([\d.]+)ms", match.group(1)):
            sums[key] = sums.get(key, 0.0) + float(value)
    return {k: v / count for k, v in sums.items()} if count else {}


def run_once(args, photos_dir, photos, work):
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    server = Server(args.binary, data, args.model_dir, work / "logs", "serve").start()
    try:
        status, body = http_json("POST", server.url + "/api/organizers", ORGANIZER)
        assert status == 201, body
        token = body["token"]
        status, body = http_json("POST", server.url + "/api/events", {"name": "Ix"}, token=token)
        assert status == 201, body
        code = body["event"]["code"]
        before_cpu = cpu_seconds(server.pid)
        load = loadavg()
        started = time.monotonic()
        started_wall = time.time()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([args.binary, "import", "--event", code, str(photos_dir), "--wait"],
                       env=server.env(), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=600)
        seconds = time.monotonic() - started
        exited_wall = time.time()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import_cpu = (children_after.ru_utime + children_after.ru_stime
                      - children_before.ru_utime - children_before.ru_stime)
        cpu = cpu_seconds(server.pid) - before_cpu
        status, stats = http_json("GET", "%s/api/events/%s/stats" % (server.url, code),
                                  token=token)
    finally:
        server.stop()
    logs = (work / "logs" / "serve.stderr.log").read_text(errors="replace")
    logs += (work / "logs" / "serve.stdout").read_text(errors="replace")
    means = stage_means(logs)
    print("%d photos in %.1f s = %.2f photos/s; server CPU %.1f s (%.0f ms per photo); load "
          "average before %s; stats %s" % (photos, seconds, photos / seconds, cpu,
                                           1000 * cpu / photos, load, stats))
    starts, ends = job_times(logs)
    if ends:
        span = max(ends) - min(starts)
        print("  first job start to last job end: %.1f s = %.2f photos/s; import start to first "
              "job start: %.0f ms; last job end to import exit: %.0f ms"
              % (span, photos / span, 1000 * (min(starts) - started_wall),
                 1000 * (exited_wall - max(ends))))
    print("  findme import's own CPU: %.2f s (%.1f ms per photo)" % (import_cpu,
                                                                     1000 * import_cpu / photos))
    print("  mean per index job: " + ", ".join("%s %.1f ms" % kv for kv in sorted(means.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "build/release/findme"))
    parser.add_argument("--model-dir", default=str(ROOT / "models/face-api-1.7.15"))
    parser.add_argument("--copies", type=int, default=8, help="copies of each of the 6 samples")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="findme-index-") as tmp:
        work = Path(tmp)
        photos = make_photos(args.model_dir, args.copies, work / "photos")
        for _ in range(args.runs):
            run_once(args, work / "photos", photos, work)


if __name__ == "__main__":
    main()
