#!/usr/bin/python3
"""The end-of-event burst: 1,000 photos uploaded through the API while 200 attendees register
within 2 minutes. Targets: every selfie matched within 3 s p95, every photo indexed, galleries
complete at the end.

Starts a fresh `findme serve` on WORK/data, creates an organizer and an empty event, then at t=0
starts together:
  uploaders  --uploaders connections POST every photo to /api/events/{code}/photos,
             --upload-batch files per request, each request with its own Idempotency-Key; a 429
             or 503 is resent with the same key after its Retry-After
  attendees  each arrives at a random time within --window s (one thread each), POSTs
             /api/register-with-event-code with a selfie from the pool and waits for its match
             job with GET /api/jobs/{id}?wait=30; selfie -> match done is timed from sending the
             registration until the job is reported done
It then waits until every accepted photo is indexed or failed and the event has no queued or
running job (the indexing span is timed from the first upload, to within the 1 s poll), and
checks the galleries: each attendee's my-photos (A) against their my-photos after they send the
same selfie again once everything is indexed (B: a full match against the final event, 8
attendees at a time, not counted in the burst figures). A gallery is complete when A == B.

Photos and selfies are seed.py's (cached in WORK/images). Prints a summary and a verdict, writes
--out as JSON, and exits 1 if a request failed (other than a 429/503 resent successfully), a
photo was not indexed or a gallery is incomplete.

  /usr/bin/python3 bench/load/burst.py --photos 1000 --attendees 200 --window 120 \
      --out /tmp/findme-burst-work/burst.json
"""

import argparse
import collections
import concurrent.futures
import dataclasses
import http.client
import json
import math
import random
import shutil
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed  # noqa: E402
from common import (MetricsSampler, RssSampler, Server, cpu_seconds, http_json,  # noqa: E402
                    loadavg)

ROOT = Path(__file__).resolve().parents[2]
TARGET_P95_MS = 3000
RESEND_STATUSES = (429, 503)
MAX_RESENDS = 20
UPLOAD_TIMEOUT_S = 300
REQUEST_TIMEOUT_S = 60
JOB_WAIT_S = 30
POLL_S = 1.0
CHECK_THREADS = 8


@dataclasses.dataclass
class Target:
    """The server and event under test; shared read-only by every thread."""
    url: str
    code: str
    organizer_token: str
    selfies: dict  # file name -> bytes
    deadline: float  # time.monotonic() after which nobody waits any more
    t0: float = 0.0


# --- HTTP -------------------------------------------------------------------------------------

def send(method, url, data=None, headers=None, timeout=REQUEST_TIMEOUT_S):
    """One request: (status, headers, body bytes). Status 0 when no answer came; the body then
    names the error."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (OSError, http.client.HTTPException) as error:
        return 0, {}, type(error).__name__.encode()


def multipart(fields, files):
    """A multipart/form-data body: (bytes, content type). files: (field, filename, bytes)."""
    boundary = "findme-burst-" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' %
                      (boundary, name, value)).encode())
    for name, filename, data in files:
        parts.append(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                      'Content-Type: image/jpeg\r\n\r\n' % (boundary, name, filename)).encode())
        parts.append(data + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


def retry_after(headers):
    try:
        return min(max(float(headers.get("Retry-After", 1)), 0.1), 120.0)
    except ValueError:
        return 1.0


def post_idempotent(target, path, data, headers, timeout):
    """POSTs with a fresh Idempotency-Key; a 429 or 503 is resent with the same key after its
    Retry-After (at most MAX_RESENDS times, never past the deadline). Returns (final status,
    body, [(status, ms) of every attempt])."""
    headers = dict(headers, **{"Idempotency-Key": str(uuid.uuid4())})
    attempts = []
    while True:
        started = time.monotonic()
        status, answer_headers, body = send("POST", target.url + path, data, headers, timeout)
        attempts.append((status, round(1000 * (time.monotonic() - started), 1)))
        pause = retry_after(answer_headers)
        if (status not in RESEND_STATUSES or len(attempts) > MAX_RESENDS or
                time.monotonic() + pause > target.deadline):
            return status, body, attempts
        time.sleep(pause)


def bearer(token):
    return {"Authorization": "Bearer " + token}


# --- The organizer's uploads ------------------------------------------------------------------

def upload_batch(target, files):
    """POSTs one batch of photos; returns what the server made of it."""
    data, content_type = multipart({}, [("photos", p.name, p.read_bytes()) for p in files])
    headers = dict(bearer(target.organizer_token), **{"Content-Type": content_type})
    status, body, attempts = post_idempotent(target, "/api/events/%s/photos" % target.code, data,
                                             headers, UPLOAD_TIMEOUT_S)
    record = {"files": len(files), "status": status, "attempts": attempts, "accepted": 0,
              "duplicate": 0, "rejected": []}
    if status == 202:
        answer = json.loads(body)
        record["duplicate"] = sum(bool(p.get("duplicate")) for p in answer["photos"])
        record["accepted"] = len(answer["photos"]) - record["duplicate"]
        record["rejected"] = [r["error"]["code"] for r in answer["rejected"]]
    return record


# --- Attendees --------------------------------------------------------------------------------

def register_and_match(target, tag, selfie):
    """Registers attendee `tag` with the named selfie and waits for the match job."""
    fields = {"event_code": target.code, "email": "%s@burst.test" % tag,
              "password": "burst attendee password", "name": tag}
    data, content_type = multipart(fields, [("selfie", selfie, target.selfies[selfie])])
    started = time.monotonic()
    status, body, attempts = post_idempotent(target, "/api/register-with-event-code", data,
                                             {"Content-Type": content_type}, REQUEST_TIMEOUT_S)
    record = {"status": status, "attempts": attempts, "job_status": None}
    if status not in (200, 201):
        return record
    answer = json.loads(body)
    record["token"] = answer["token"]
    if not answer.get("match_job"):
        record["job_status"] = "no match_job"
        return record
    record.update(wait_job(target, answer["match_job"]["id"], answer["token"], started))
    return record


def wait_job(target, job_id, token, started):
    """Polls GET /api/jobs/{id}?wait=30 until the job ends; match_ms counts from `started`."""
    url = "%s/api/jobs/%s?wait=%d" % (target.url, job_id, JOB_WAIT_S)
    while time.monotonic() < target.deadline:
        status, _, body = send("GET", url, headers=bearer(token), timeout=JOB_WAIT_S + 60)
        if status != 200:
            return {"job_status": "poll %d" % status}
        job = json.loads(body)["job"]
        if job["status"] in ("done", "failed"):
            return {"job_status": job["status"], "job_error": job.get("error"),
                    "matches": (job.get("result") or {}).get("matches"),
                    "match_ms": round(1000 * (time.monotonic() - started), 1)}
    return {"job_status": "timeout"}


def attendee(target, n, arrival_s, selfie):
    """One attendee of the burst: arrives `arrival_s` after t0, registers, waits for the match."""
    time.sleep(max(0.0, target.t0 + arrival_s - time.monotonic()))
    record = {"n": n, "arrival_s": round(arrival_s, 2), "selfie": selfie}
    record.update(register_and_match(target, "attendee-%d" % n, selfie))
    return record


# --- The burst --------------------------------------------------------------------------------

def event_stats(target):
    status, stats = http_json("GET", "%s/api/events/%s/stats" % (target.url, target.code),
                              token=target.organizer_token)
    return stats if status == 200 else None


def all_indexed(stats, uploads):
    """Every upload has answered and every photo it stored is indexed or failed."""
    if not all(f.done() for f in uploads):
        return False
    accepted = sum(f.result()["accepted"] for f in uploads)
    photos = stats["photos"]
    return photos["total"] >= accepted and photos["indexed"] + photos["failed"] == photos["total"]


def watch(target, uploads, attendees):
    """Polls the event's stats every POLL_S until the uploads and attendees are done, every
    photo is indexed or failed and the event has no queued or running job, or the deadline
    passes. Returns (seconds from t0 until every photo was indexed or None, last stats, series
    of (s, total, indexed, failed, queue_depth))."""
    indexed_s, stats, series, shown = None, None, [], 0.0
    while time.monotonic() < target.deadline:
        now = time.monotonic() - target.t0
        stats = event_stats(target) or stats
        if stats:
            photos = stats["photos"]
            series.append((round(now, 1), photos["total"], photos["indexed"], photos["failed"],
                           stats["queue_depth"]))
            if indexed_s is None and all_indexed(stats, uploads):
                indexed_s = now
            if (indexed_s is not None and stats["queue_depth"] == 0 and
                    all(f.done() for f in attendees)):
                break
            if now - shown >= 10:
                shown = now
                print("burst: %4.0f s: %d/%d upload requests answered, %d photos stored, %d "
                      "indexed, %d failed; %d/%d attendees done; %d jobs queued or running" %
                      (now, sum(f.done() for f in uploads), len(uploads), photos["total"],
                       photos["indexed"], photos["failed"], sum(f.done() for f in attendees),
                       len(attendees), stats["queue_depth"]), flush=True)
        time.sleep(POLL_S)
    return indexed_s, stats, series


def run_burst(target, batches, uploaders, plan):
    """Starts the uploaders and the attendees at t0 and watches until everything is done.
    plan: [(arrival_s, selfie name)], one per attendee."""
    with concurrent.futures.ThreadPoolExecutor(len(plan) or 1) as attendee_pool, \
            concurrent.futures.ThreadPoolExecutor(uploaders) as upload_pool:
        target.t0 = time.monotonic()
        uploads = [upload_pool.submit(upload_batch, target, batch) for batch in batches]
        attendees = [attendee_pool.submit(attendee, target, n, arrival, selfie)
                     for n, (arrival, selfie) in enumerate(plan)]
        indexed_s, stats, series = watch(target, uploads, attendees)
        return ([f.result() for f in uploads], [f.result() for f in attendees], indexed_s,
                stats, series)


# --- Galleries --------------------------------------------------------------------------------

def my_photos(target, token):
    """{photo id: similarity} of an attendee's my-photos and its candidate count, or None."""
    url = "%s/api/my-photos?event_code=%s" % (target.url, target.code)
    status, body = http_json("GET", url, token=token)
    if status != 200:
        return None
    return {p["id"]: p["similarity"] for p in body["photos"]}, body.get("candidates", 0)


def resend_selfie(target, token, selfie):
    """The attendee sends the same selfie again (POST /api/upload-selfie) and waits for its
    match job: a full match of their selfies against the whole event as it is now."""
    data, content_type = multipart({"event_code": target.code},
                                   [("selfie", selfie, target.selfies[selfie])])
    status, body, attempts = post_idempotent(target, "/api/upload-selfie", data,
                                             dict(bearer(token), **{"Content-Type": content_type}),
                                             REQUEST_TIMEOUT_S)
    record = {"status": status, "attempts": attempts, "job_status": None}
    if status != 202:
        return record
    record.update(wait_job(target, json.loads(body)["job"]["id"], token, time.monotonic()))
    return record


def check_galleries(target, attendees):
    """Fetches each attendee's gallery (A), then has each send the same selfie again
    (CHECK_THREADS at a time) and fetches the gallery again (B). A photo in B and not in A is
    one that matching the photos as they arrived missed; since nothing shown is withdrawn, A is
    within B. The attendees stay the same, so the rivals each face is weighed against do too."""
    joined = [a for a in attendees if a.get("token")]
    senders = collections.Counter(a["selfie"] for a in joined)
    burst = {a["n"]: my_photos(target, a["token"]) for a in joined}
    with concurrent.futures.ThreadPoolExecutor(CHECK_THREADS) as pool:
        checks = list(pool.map(lambda a: resend_selfie(target, a["token"], a["selfie"]), joined))
    rows = []
    for a, check in zip(joined, checks):
        after = my_photos(target, a["token"])
        rows.append(compare_gallery(a, burst[a["n"]], check, after))
        rows[-1]["shared_selfie"] = senders[a["selfie"]] - 1
    return rows


def compare_gallery(attendee_record, burst, check, after):
    """missing: photos B has and A lacks; extra: photos A has and B lacks (id -> similarity)."""
    row = {"n": attendee_record["n"], "selfie": attendee_record["selfie"],
           "check_status": check["status"], "check_job": check["job_status"]}
    if burst is None or after is None or check["job_status"] != "done":
        row["complete"] = None  # not comparable
        return row
    (a, a_candidates), (b, b_candidates) = burst, after
    row.update(photos=len(a), check_photos=len(b), candidates=a_candidates,
               check_candidates=b_candidates, complete=a.keys() == b.keys(),
               missing={i: b[i] for i in b.keys() - a.keys()},
               extra={i: a[i] for i in a.keys() - b.keys()})
    return row


# --- Figures ----------------------------------------------------------------------------------

def percentiles(values):
    """Nearest-rank p50/p95/p99 and max of `values`."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(p):
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99),
            "max": ordered[-1]}


def statuses(records, ok):
    """Final statuses other than `ok`, and the 429/503 answers that were resent."""
    failed = collections.Counter(r["status"] for r in records if r["status"] not in ok)
    resent = collections.Counter(s for r in records for s, _ in r["attempts"][:-1])
    return dict(failed), dict(resent)


def upload_figures(uploads, photo_count, indexed_s, stats):
    failed, resent = statuses(uploads, (202,))
    accepted = sum(u["accepted"] for u in uploads)
    photos = stats["photos"] if stats else {"total": 0, "indexed": 0, "failed": 0}
    return {
        "photos": photo_count, "requests": len(uploads), "accepted": accepted,
        "duplicate": sum(u["duplicate"] for u in uploads),
        "rejected": dict(collections.Counter(c for u in uploads for c in u["rejected"])),
        "request_ms": percentiles([ms for u in uploads for _, ms in u["attempts"]]),
        "failed_requests_by_status": failed, "resent_by_status": resent,
        "stored": photos["total"], "indexed": photos["indexed"], "index_failed": photos["failed"],
        "faces": stats["faces"] if stats else None,
        "indexing_span_s": round(indexed_s, 1) if indexed_s else None,
        "photos_per_s": round(photos["indexed"] / indexed_s, 2) if indexed_s else None,
    }


def attendee_figures(attendees):
    failed, resent = statuses(attendees, (200, 201))
    jobs = collections.Counter(str(a["job_status"]) for a in attendees)
    return {
        "attendees": len(attendees), "registered": sum(bool(a.get("token")) for a in attendees),
        "failed_by_status": failed, "resent_by_status": resent,
        "register_ms": percentiles([a["attempts"][-1][1] for a in attendees]),
        "selfie_to_match_ms": percentiles([a["match_ms"] for a in attendees
                                           if a["job_status"] == "done"]),
        "jobs_by_status": dict(jobs),
        "job_errors": [a["job_error"] for a in attendees if a.get("job_error")],
    }


def gallery_figures(rows):
    compared = [r for r in rows if r["complete"] is not None]
    incomplete = [r for r in compared if not r["complete"]]
    missing = [len(r["missing"]) for r in compared]
    extra = [len(r["extra"]) for r in compared]
    return {
        "complete": sum(r["complete"] for r in compared), "compared": len(compared),
        "not_compared": len(rows) - len(compared),
        # Another attendee sent the very same selfie bytes (the pool is smaller than the crowd).
        "incomplete_shared_selfie": sum(bool(r["shared_selfie"]) for r in incomplete),
        "missing_sum": sum(missing), "missing_max": max(missing, default=0),
        "extra_sum": sum(extra), "extra_max": max(extra, default=0),
        "gallery_photos": percentiles([r["photos"] for r in compared]),
        "rows": rows,
    }


# --- Report -----------------------------------------------------------------------------------

def failures(record):
    """Why the run fails; empty when it passes (the p95 target is judged in the verdict only)."""
    up, att, gal = record["uploads"], record["attendees"], record["galleries"]
    reasons = []
    if up["failed_requests_by_status"]:
        reasons.append("upload requests failed: %s" % up["failed_requests_by_status"])
    if up["rejected"]:
        reasons.append("photos rejected: %s" % up["rejected"])
    if up["indexed"] < up["photos"]:
        reasons.append("%d of %d photos indexed (%d failed)" %
                       (up["indexed"], up["photos"], up["index_failed"]))
    if att["failed_by_status"]:
        reasons.append("registrations failed: %s" % att["failed_by_status"])
    not_done = {k: v for k, v in att["jobs_by_status"].items() if k != "done"}
    if not_done:
        reasons.append("match jobs not done: %s" % not_done)
    if gal["complete"] < att["attendees"]:
        reasons.append("%d of %d galleries complete" % (gal["complete"], att["attendees"]))
    return reasons


def verdict(record):
    up, att, gal = record["uploads"], record["attendees"], record["galleries"]
    p95 = att["selfie_to_match_ms"].get("p95")
    checks = [
        ("selfie→match p95 %s ms (≤ %d)" % ("%.0f" % p95 if p95 is not None else "-",
                                            TARGET_P95_MS),
         p95 is not None and p95 <= TARGET_P95_MS and att["selfie_to_match_ms"]["n"] ==
         att["attendees"]),
        ("photos indexed %d/%d" % (up["indexed"], up["photos"]), up["indexed"] == up["photos"]),
        ("galleries complete %d/%d" % (gal["complete"], att["attendees"]),
         gal["complete"] == att["attendees"]),
    ]
    return "verdict: " + "; ".join("%s %s" % (text, "PASS" if ok else "FAIL")
                                   for text, ok in checks)


def ms(figures):
    if not figures.get("n"):
        return "none"
    return "p50 %.0f, p95 %.0f, p99 %.0f, max %.0f ms (n=%d)" % (
        figures["p50"], figures["p95"], figures["p99"], figures["max"], figures["n"])


def print_summary(record):
    up, att, gal, srv = (record["uploads"], record["attendees"], record["galleries"],
                         record["server"])
    print("uploads: %d photos in %d requests: %d accepted, %d duplicate, rejected %s; request %s;"
          " failed %s, resent %s" % (up["photos"], up["requests"], up["accepted"],
                                     up["duplicate"], up["rejected"] or "none",
                                     ms(up["request_ms"]), up["failed_requests_by_status"] or
                                     "none", up["resent_by_status"] or "none"))
    print("indexing: %d stored, %d indexed, %d failed, %s faces; last photo indexed %s s after "
          "the first upload (%s photos/s)" % (up["stored"], up["indexed"], up["index_failed"],
                                              up["faces"], up["indexing_span_s"],
                                              up["photos_per_s"]))
    print("registrations: %d of %d ok; failed %s, resent %s; POST %s" %
          (att["registered"], att["attendees"], att["failed_by_status"] or "none",
           att["resent_by_status"] or "none", ms(att["register_ms"])))
    print("selfie → match done: %s; jobs %s" % (ms(att["selfie_to_match_ms"]),
                                                 att["jobs_by_status"]))
    print("galleries: %d/%d complete (%d not compared); missing %d (max %d per attendee), extra "
          "%d (max %d)" % (gal["complete"], att["attendees"], gal["not_compared"],
                           gal["missing_sum"], gal["missing_max"], gal["extra_sum"],
                           gal["extra_max"]))
    sizes = gal["gallery_photos"]
    if sizes["n"]:
        print("gallery sizes: p50 %d, max %d photos; %d of the incomplete have a selfie another "
              "attendee also sent" % (sizes["p50"], sizes["max"], gal["incomplete_shared_selfie"]))
    print("server: peak RSS %.0f MB sampled, VmHWM %.0f MB, CPU %.0f s over %.0f s (%.2f cores); "
          "load average %s -> %s" % (srv["rss_peak_sampled_kb"] / 1024,
                                     (srv["vm_hwm_kb"] or 0) / 1024, srv["cpu_s"],
                                     srv["burst_s"], srv["cpu_s"] / srv["burst_s"],
                                     " ".join(record["loadavg_before"]),
                                     " ".join(record["loadavg_after"])))
    if srv["gauge_peaks"]:
        print("gauge peaks (1 s samples): " + ", ".join(
            "%s %g" % kv for kv in sorted(srv["gauge_peaks"].items())))


# --- Main -------------------------------------------------------------------------------------

def measure(args, server, batches, plan, selfies):
    """Runs the burst and the gallery check against a started server; returns the record."""
    token, code = seed.create_event(server.url)
    target = Target(server.url, code, token, selfies, time.monotonic() + args.timeout)
    print("burst: event %s on %s; %d photos in %d requests by %d uploaders, %d attendees over "
          "%g s" % (code, server.url, args.photos, len(batches), args.uploaders, len(plan),
                    args.window), flush=True)
    record = {"config": {k: str(v) for k, v in vars(args).items()}, "event_code": code,
              "loadavg_before": loadavg()}
    rss, gauges = RssSampler(server.pid).start(), MetricsSampler(server.url).start()
    cpu_before = cpu_seconds(server.pid)
    uploads, attendees, indexed_s, stats, series = run_burst(target, batches, args.uploaders,
                                                             plan)
    burst_s = time.monotonic() - target.t0
    record["server"] = {"burst_s": round(burst_s, 1),
                        "cpu_s": round(cpu_seconds(server.pid) - cpu_before, 1)}
    rss.stop()
    gauges.stop()
    record["server"].update(rss_peak_sampled_kb=rss.peak_kb(), vm_hwm_kb=server.status_kb("VmHWM"),
                            gauge_peaks=gauges.peaks)
    record["loadavg_after"] = loadavg()
    print("burst: done in %.0f s; checking %d galleries" % (burst_s, len(attendees)), flush=True)
    target.deadline = time.monotonic() + args.timeout
    rows = check_galleries(target, attendees)
    record.update(uploads=upload_figures(uploads, args.photos, indexed_s, stats),
                  attendees=attendee_figures(attendees), galleries=gallery_figures(rows),
                  final_stats=event_stats(target), stats_series=series,
                  attendee_records=[{k: v for k, v in a.items() if k != "token"}
                                    for a in attendees])
    return record


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "build/release/findme"))
    parser.add_argument("--model-dir", default=ROOT / "models/face-api-1.7.15", type=Path)
    parser.add_argument("--work", default=Path("/tmp/findme-burst-work"), type=Path)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--attendees", type=int, default=200)
    parser.add_argument("--window", type=float, default=120,
                        help="seconds over which attendees arrive (uniformly at random)")
    parser.add_argument("--upload-batch", type=int, default=10, help="photos per request")
    parser.add_argument("--uploaders", type=int, default=2, help="concurrent upload requests")
    parser.add_argument("--seed", type=int, default=1, help="arrival times and selfie choice")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="bound on the burst and, again, on the gallery check, s")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra server environment, e.g. DATABASE_URL=postgresql://...")
    parser.add_argument("--out", type=Path, help="JSON record (default WORK/burst.json)")
    return parser.parse_args()


def main():
    args = parse_args()
    samples = sorted((args.model_dir / "demo").glob("sample*.jpg"))
    images_dir = args.work / "images"
    photos = sorted(seed.make_photos(samples, args.photos, images_dir).glob("photo-*.jpg"))
    selfies_dir = seed.make_selfies(args.binary, args.model_dir, samples, images_dir)
    selfies = {p.name: p.read_bytes() for p in sorted(selfies_dir.glob("selfie-*.jpg"))}
    rng = random.Random(args.seed)
    plan = sorted((rng.uniform(0, args.window), rng.choice(sorted(selfies)))
                  for _ in range(args.attendees))
    batches = [photos[i:i + args.upload_batch] for i in range(0, len(photos), args.upload_batch)]

    data_dir = args.work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    server = Server(args.binary, data_dir, args.model_dir, args.work / "logs", "burst-server",
                    dict(kv.split("=", 1) for kv in args.env)).start()
    try:
        record = measure(args, server, batches, plan, selfies)
    finally:
        server.stop()
    record["failures"] = failures(record)
    record["verdict"] = verdict(record)
    out = args.out or args.work / "burst.json"
    out.write_text(json.dumps(record, indent=2))
    print_summary(record)
    for reason in record["failures"]:
        print("FAILED: " + reason)
    print(record["verdict"])
    print("burst: record in %s, server log in %s" % (out, args.work / "logs"))
    sys.exit(1 if record["failures"] else 0)


if __name__ == "__main__":
    main()
