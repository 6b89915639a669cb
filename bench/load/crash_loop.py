#!/usr/bin/python3
"""Crash loop (issue #12): rounds of `kill -9` during mixed load, then `findme check` and the API
must show that nothing acknowledged was lost.

Starts a fresh `findme serve` on WORK/data (removed first), creates an organizer and an event,
then for each of --rounds rounds:
  1. starts the server on the same data (round 2 on: checks through the API what the rounds
     before acknowledged, see "verify" below);
  2. runs mixed load from --clients threads for a random time in [--min-load-s, --max-load-s]
     (seeded by --seed): photo uploads (1-5 photos per request, each of new content, each
     request with an Idempotency-Key), attendee sign-ups with a selfie, extra selfies,
     attendees deleting their account (DELETE /api/me), side events that get photos and are
     deleted (DELETE /api/events/{code}: the API has no DELETE for one photo), replays of
     acknowledged uploads with their key (the same answer must come back, across restarts too)
     and retries of requests whose answer never came (same key, same body);
  3. SIGKILLs the server while requests are in flight. A request without an answer is not
     acknowledged: it is kept and resent (same Idempotency-Key) in a later round;
  4. with the server dead: `findme check --hash`. A kill may leave the files of writes in
     flight behind (orphan_file, partial_file: docs/reliability.md); anything else
     (missing_file, wrong_size, wrong_content, stranded_photo) is a violation. Then
     `check --hash --repair --grace-minutes 0` (nothing is in flight: the server is dead)
     removes that residue and a third `check --hash` must be clean (exit 0), so every restart
     starts from a clean check.
verify (after each restart and at the end): the organizer's token still works; every
acknowledged photo is listed in its event once, under its file name (each file has distinct
content and name, so a name listed twice is a duplicate); every acknowledged event deletion
stays deleted; every acknowledged attendee's token still works (a few log in again) and every
acknowledged account deletion stays deleted; every acknowledged selfie's match job is known.

At the end: a last restart and verify, then every unanswered request is resent until it is
answered (a key claimed by a killed process is taken over after 2 minutes, until then the
server answers 429 busy), every photo is waited for until indexed or failed (queue_depth 0), a
final `findme check --hash` must be clean, every photo listed must be acknowledged, none failed,
none twice. Prints a line per round and a summary, writes --out (JSON), exits 1 on any
violation. What is wrong but not a crash loss (ids of deleted rows given again to new ones,
which SQLite does) is printed as a `finding` and does not fail the run.

  /usr/bin/python3 bench/load/crash_loop.py --rounds 20 --out /tmp/findme-crash-work/crash.json
  # PostgreSQL (an empty database; DATA_DIR stays WORK/data):
  tools/pg_test_cluster.sh start /tmp/pg-crash
  /usr/bin/python3 bench/load/crash_loop.py --work /tmp/findme-crash-pg \\
      --env DATABASE_URL=$(cat /tmp/pg-crash/url) --out /tmp/findme-crash-pg/crash.json
"""

import argparse
import collections
import errno
import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed  # noqa: E402
from burst import multipart, retry_after, send  # noqa: E402
from common import Server, jpeg_with_comment, loadavg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
IMAGE_CACHES = (Path("/tmp/findme-burst-work/images"), Path("/tmp/findme-load-work/images"))
PASSWORD = "crash loop password"
REQUEST_TIMEOUT_S = 60
RESEND_STATUSES = (429, 503)
# Problems `findme check` may report right after a kill: files of writes in flight (an upload's
# file before its row committed, a thumbnail before its index was saved, files of a deletion
# committed but not yet removed, a temporary file mid-write).
CRASH_RESIDUE = ("orphan_file", "partial_file")
WRITES = ("upload", "signup", "selfie", "delete_me", "side_event", "retry")
KILL_WAIT_S = 2.0
OPS = {"upload": 30, "signup": 14, "selfie": 18, "delete_me": 5, "side_event": 5, "replay": 8,
       "retry": 20}


# --- Images -----------------------------------------------------------------------------------

def images(args):
    """(base photos [bytes], selfies [(name, bytes)]) from WORK/images; copied from another
    benchmark's cache when there is one, else made with seed.py (vips and `findme faces`)."""
    images_dir = args.work / "images"
    if not any(images_dir.glob("photos-*/photo-*.jpg")) or \
            not any(images_dir.glob("selfies/selfie-*.jpg")):
        for cache in IMAGE_CACHES:
            # Complete sets only (photos-N holding N photos): another run may be making one.
            photo_dirs = sorted((d for d in cache.glob("photos-*") if complete(d)),
                                key=lambda d: int(d.name.split("-")[1]))
            if photo_dirs and any((cache / "selfies").glob("selfie-*.jpg")):
                shutil.rmtree(images_dir, ignore_errors=True)
                images_dir.mkdir(parents=True)
                shutil.copytree(photo_dirs[0], images_dir / photo_dirs[0].name)
                shutil.copytree(cache / "selfies", images_dir / "selfies")
                print("crash: images copied from %s" % cache, flush=True)
                break
        else:
            samples = sorted((args.model_dir / "demo").glob("sample*.jpg"))
            seed.make_photos(samples, 20, images_dir)
            seed.make_selfies(args.binary, args.model_dir, samples, images_dir)
    photos = sorted(images_dir.glob("photos-*/photo-*.jpg"))[:40]
    selfies = sorted(images_dir.glob("selfies/selfie-*.jpg"))
    return [p.read_bytes() for p in photos], [(p.name, p.read_bytes()) for p in selfies]


def complete(photos_dir):
    """True when photos_dir is photos-N with its N photos and nothing being made."""
    try:
        count = int(photos_dir.name.split("-")[1])
    except (IndexError, ValueError):
        return False
    entries = list(photos_dir.iterdir())
    return len(entries) == count and all(e.name.startswith("photo-") for e in entries)


def photo_file(ctx, filename):
    """The bytes of the photo sent as `filename` (made again from its base photo)."""
    return jpeg_with_comment(ctx.photo_bytes[ctx.state.base_of[filename]], filename)


def photos_body(ctx, names):
    """A multipart body with one `photos` part per file name: (bytes, content type)."""
    return multipart({}, [("photos", name, photo_file(ctx, name)) for name in names])


# --- State ------------------------------------------------------------------------------------

class State:
    """Everything the server acknowledged, and the requests whose answer never came. Shared by
    the client threads under `lock`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.organizer = {}            # email, password, token
        self.code = None               # the main event
        self.photos = {}               # id -> {filename, event, round}
        self.filenames = {}            # filename -> id (acknowledged)
        self.sent = {}                 # filename -> SHA-256 of every photo ever sent
        self.base_of = {}              # filename -> index of the base photo it copies
        self.uploads = []              # acknowledged uploads: {path, key, names, ids, round}
        self.attendees = {}            # email -> {token, round, state: live|deleted|unsure, busy}
        self.selfie_jobs = []          # (job id, email, round)
        self.side_events = {}          # code -> {photos: {id: SHA-256}, deleted_round, round}
        self.reused_ids = set()        # photo ids of deleted events now given to other photos
        self.pending = []              # unanswered requests, resent later with the same key
        self.violations = []           # (round, text)
        self.findings = []             # (round, text): wrong, but not what this test is about
        self.unexpected = []           # (round, kind, status, body excerpt)
        self.events_deleted_unsure = set()
        self.newly_deleted = []        # emails whose deletion was acknowledged since the verify

    def violation(self, round_no, text):
        with self.lock:
            self.violations.append((round_no, text))
        print("crash: VIOLATION (round %s): %s" % (round_no, text), flush=True)

    def finding(self, round_no, text):
        with self.lock:
            self.findings.append((round_no, text))
        print("crash: finding (round %s): %s" % (round_no, text), flush=True)

    def deleted_event(self, code):
        """True when `code` is a side event that is (or may be) deleted."""
        side = self.side_events.get(code)
        return bool(side) and (side["deleted_round"] is not None or
                               code in self.events_deleted_unsure)


class Round:
    """What one round did: counts by outcome, filled by the client threads."""

    def __init__(self, number):
        self.number = number
        self.lock = threading.Lock()
        self.acked = collections.Counter()       # kind -> acknowledged operations
        self.acked_photos = 0
        self.refused = collections.Counter()     # kind -> 429/503 answers (resent)
        self.errors_before_kill = collections.Counter()
        self.errors_at_kill = collections.Counter()  # no answer, after the kill
        self.unexpected = collections.Counter()
        self.killed_at = None                    # time.monotonic() of the SIGKILL
        self.in_flight_at_kill = 0

    def count(self, counter, kind, n=1):
        with self.lock:
            getattr(self, counter)[kind] += n


# --- Requests ---------------------------------------------------------------------------------

class Client:
    """One load thread: picks operations at random until `stop` is set."""

    def __init__(self, ctx, number, rng):
        self.ctx = ctx
        self.number = number
        self.rng = rng
        self.seq = 0
        self.in_flight = None

    # A request; (status, headers, body). Status 0: no answer (connection refused or reset by
    # the kill, or a timeout).
    def request(self, method, path, data=None, headers=None, timeout=REQUEST_TIMEOUT_S,
                kind=None):
        self.in_flight = kind or method
        try:
            return send(method, self.ctx.url + path, data, headers, timeout)
        finally:
            self.in_flight = None

    def no_answer(self, kind):
        rnd = self.ctx.round
        if rnd.killed_at is not None:
            rnd.count("errors_at_kill", kind)
        else:
            rnd.count("errors_before_kill", kind)

    def unexpected(self, kind, status, body):
        """An answer that is neither success, 429/503 nor no answer: a violation (the clients
        never send a request that should fail)."""
        self.ctx.round.count("unexpected", "%s %s" % (kind, status))
        text = body[:300].decode(errors="replace")
        with self.ctx.state.lock:
            self.ctx.state.unexpected.append((self.ctx.round.number, kind, status, text))
        self.ctx.state.violation(self.ctx.round.number, "%s answered %s: %s" % (kind, status,
                                                                                 text))

    def post_keyed(self, kind, path, data, headers, key, owner):
        """POSTs with the Idempotency-Key `key`; a 429 or 503 is resent after its Retry-After
        while the round runs. Returns (status, headers, body); on no answer the request is
        kept in state.pending and status is 0."""
        headers = dict(headers, **{"Idempotency-Key": key})
        while True:
            status, answer_headers, body = self.request("POST", path, data, headers, kind=kind)
            if status in RESEND_STATUSES:
                self.ctx.round.count("refused", kind)
                pause = retry_after(answer_headers)
                if not self.ctx.stop.wait(pause):
                    continue
            if status == 0 or status in RESEND_STATUSES:
                if status == 0:
                    self.no_answer(kind)
                with self.ctx.state.lock:
                    self.ctx.state.pending.append(
                        {"kind": kind, "path": path, "data": data, "headers": headers,
                         "owner": owner, "round": self.ctx.round.number, "tries": 1,
                         "not_before": 0.0})
                return 0, {}, b""
            return status, answer_headers, body

    def name(self, what):
        self.seq += 1
        return "r%02d-c%d-%s-%05d" % (self.ctx.round.number, self.number, what, self.seq)

    # --- Operations ---

    def upload(self, code=None, count=None):
        """POSTs 1-5 photos of new content; returns the acknowledged ids or None."""
        ctx, state = self.ctx, self.ctx.state
        code = code or state.code
        names = [self.name("photo") + ".jpg" for _ in range(count or self.rng.randint(1, 5))]
        with state.lock:
            for filename in names:
                state.base_of[filename] = self.rng.randrange(len(ctx.photo_bytes))
        data, ctype = photos_body(ctx, names)
        with state.lock:
            for filename in names:
                state.sent[filename] = hashlib.sha256(photo_file(ctx, filename)).hexdigest()
        path = "/api/events/%s/photos" % code
        key = str(uuid.uuid4())
        headers = {"Authorization": "Bearer " + state.organizer["token"], "Content-Type": ctype,
                   "Idempotency-Key": key}
        status, _, body = self.post_keyed("upload", path, data, headers, key, "organizer")
        if status == 0:
            return None
        if status != 202:
            self.unexpected("upload", status, body)
            return None
        return self.acknowledge_upload(path, headers, json.loads(body), len(names))

    def acknowledge_upload(self, path, headers, answer, sent, resent=False):
        ctx, state = self.ctx, self.ctx.state
        code = path.split("/")[3]
        items = answer.get("photos", [])
        if answer.get("rejected") or len(items) != sent:
            state.violation(ctx.round.number, "upload to %s: %d files sent, answer %s" %
                            (code, sent, json.dumps(answer)[:400]))
        ids, problems, reused = [], [], []
        with state.lock:
            for item in items:
                pid, filename = item["id"], item["filename"]
                ids.append(pid)
                if item.get("duplicate") and not resent:
                    problems.append("new content %s answered duplicate: %s" % (filename, item))
                known = state.filenames.get(filename)
                if known is not None and known != pid:
                    problems.append("%s acknowledged as photo %s, now as photo %s" %
                                    (filename, known, pid))
                before = state.photos.get(pid)
                if before and before["filename"] != filename:
                    if state.deleted_event(before["event"]):
                        reused.append("photo id %s of %s (event %s, deleted) is given to %s "
                                      "(event %s)" % (pid, before["filename"], before["event"],
                                                      filename, code))
                    else:
                        problems.append("photo id %s is %s in %s and %s in %s" %
                                        (pid, before["filename"], before["event"], filename,
                                         code))
                state.filenames[filename] = pid
                state.photos[pid] = {"filename": filename, "event": code,
                                     "round": ctx.round.number}
            state.uploads.append({"path": path, "key": headers["Idempotency-Key"], "ids": ids,
                                  "names": [item["filename"] for item in items],
                                  "round": ctx.round.number})
        for problem in problems:
            state.violation(ctx.round.number, problem)
        for text in reused:
            state.finding(ctx.round.number, text)
        ctx.round.count("acked", "upload")
        with ctx.round.lock:
            ctx.round.acked_photos += len(ids)
        return ids

    def signup(self):
        ctx, state = self.ctx, self.ctx.state
        tag = self.name("attendee")
        email = "%s@crash.test" % tag
        selfie_name, selfie = self.rng.choice(ctx.selfies)
        data, ctype = multipart({"event_code": state.code, "email": email, "password": PASSWORD,
                                 "name": tag}, [("selfie", selfie_name, selfie)])
        status, _, body = self.post_keyed("signup", "/api/register-with-event-code", data,
                                          {"Content-Type": ctype}, str(uuid.uuid4()), email)
        if status == 0:
            return
        if status not in (200, 201):
            self.unexpected("signup", status, body)
            return
        self.acknowledge_signup(email, json.loads(body))

    def acknowledge_signup(self, email, answer):
        ctx, state = self.ctx, self.ctx.state
        with state.lock:
            record = state.attendees.get(email)
            if record is None:
                record = state.attendees[email] = {"round": ctx.round.number, "state": "live",
                                                   "busy": False, "logins": 0}
            record["token"] = answer["token"]
            if answer.get("match_job"):
                state.selfie_jobs.append((answer["match_job"]["id"], email, ctx.round.number))
        ctx.round.count("acked", "signup")

    def pick_attendee(self):
        """A live attendee no other thread is using, marked busy; None if there is none."""
        state = self.ctx.state
        with state.lock:
            free = [e for e, a in state.attendees.items() if a["state"] == "live" and not a["busy"]]
            if not free:
                return None
            email = self.rng.choice(sorted(free))
            state.attendees[email]["busy"] = True
            return email

    def release(self, email):
        with self.ctx.state.lock:
            self.ctx.state.attendees[email]["busy"] = False

    def selfie(self):
        ctx, state = self.ctx, self.ctx.state
        email = self.pick_attendee()
        if email is None:
            return self.signup()
        try:
            selfie_name, selfie = self.rng.choice(ctx.selfies)
            data, ctype = multipart({"event_code": state.code}, [("selfie", selfie_name, selfie)])
            headers = {"Authorization": "Bearer " + state.attendees[email]["token"],
                       "Content-Type": ctype}
            status, _, body = self.post_keyed("selfie", "/api/upload-selfie", data, headers,
                                              str(uuid.uuid4()), email)
            if status == 0:
                return
            if status != 202:
                self.unexpected("selfie", status, body)
                return
            self.acknowledge_selfie(email, json.loads(body))
        finally:
            self.release(email)

    def acknowledge_selfie(self, email, answer):
        with self.ctx.state.lock:
            self.ctx.state.selfie_jobs.append((answer["job"]["id"], email,
                                               self.ctx.round.number))
        self.ctx.round.count("acked", "selfie")

    def delete_me(self):
        ctx, state = self.ctx, self.ctx.state
        email = self.pick_attendee()
        if email is None:
            return
        try:
            status, _, body = self.request(
                "DELETE", "/api/me",
                headers={"Authorization": "Bearer " + state.attendees[email]["token"]},
                kind="delete_me")
            with state.lock:
                record = state.attendees[email]
                if status == 204:
                    record["state"] = "deleted"
                    record["deleted_round"] = ctx.round.number
                    state.newly_deleted.append(email)
                elif status == 0:
                    record["state"] = "unsure"  # resolved by the next verify
            if status == 204:
                ctx.round.count("acked", "delete_me")
            elif status == 0:
                self.no_answer("delete_me")
            else:
                self.unexpected("delete_me", status, body)
        finally:
            self.release(email)

    def side_event(self):
        """Creates an event, uploads 1-3 photos to it, deletes it."""
        ctx, state = self.ctx, self.ctx.state
        auth = {"Authorization": "Bearer " + state.organizer["token"]}
        status, _, body = self.request(
            "POST", "/api/events", json.dumps({"name": self.name("side")}).encode(),
            dict(auth, **{"Content-Type": "application/json"}), kind="side_event")
        if status != 201:
            if status == 0:
                self.no_answer("side_event")
            elif status not in RESEND_STATUSES:
                self.unexpected("side_event", status, body)
            return
        code = json.loads(body)["event"]["code"]
        with state.lock:
            state.side_events[code] = {"photos": {}, "deleted_round": None,
                                       "round": ctx.round.number}
        ids = self.upload(code, self.rng.randint(1, 3))
        if ids is None or ctx.stop.is_set():
            return
        with state.lock:
            state.side_events[code]["photos"] = {
                pid: state.sent[state.photos[pid]["filename"]] for pid in ids}
        status, _, body = self.request("DELETE", "/api/events/" + code, headers=auth,
                                       kind="side_event")
        if status == 204:
            with state.lock:
                state.side_events[code]["deleted_round"] = ctx.round.number
            ctx.round.count("acked", "delete_event")
        elif status == 0:
            self.no_answer("delete_event")
            with state.lock:
                state.events_deleted_unsure.add(code)
        else:
            self.unexpected("delete_event", status, body)

    def replay(self):
        """Resends an acknowledged upload (this round's or an earlier one's) with its key: the
        first answer must come back, ids included, and nothing is stored again."""
        ctx, state = self.ctx, self.ctx.state
        with state.lock:
            candidates = [u for u in state.uploads
                          if not state.side_events.get(u["path"].split("/")[3])]
            if not candidates:
                return
            upload = self.rng.choice(candidates)
        # Framed anew (another multipart boundary): the key's fingerprint is the parts'.
        data, ctype = photos_body(ctx, upload["names"])
        headers = {"Authorization": "Bearer " + state.organizer["token"], "Content-Type": ctype,
                   "Idempotency-Key": upload["key"]}
        status, headers, body = self.request("POST", upload["path"], data, headers,
                                             kind="replay")
        if status == 0:
            return self.no_answer("replay")
        if status in RESEND_STATUSES:
            return ctx.round.count("refused", "replay")
        ids = [p["id"] for p in json.loads(body).get("photos", [])] if status == 202 else None
        if status != 202 or ids != upload["ids"] or headers.get("Idempotent-Replayed") != "true":
            state.violation(ctx.round.number, "replay of an upload acknowledged in round %d "
                            "(ids %s): %s %s, Idempotent-Replayed %s" %
                            (upload["round"], upload["ids"], status, body[:300],
                             headers.get("Idempotent-Replayed")))
        else:
            ctx.round.count("acked", "replay")

    def retry(self):
        """Resends one unanswered request with its key and body."""
        state = self.ctx.state
        now = time.monotonic()
        with state.lock:
            ready = [p for p in state.pending if p["not_before"] <= now and resendable(state, p)]
            if not ready:
                return False
            item = self.rng.choice(ready)
            state.pending.remove(item)
            if item["kind"] == "selfie":
                state.attendees[item["owner"]]["busy"] = True
        try:
            self.resend(item)
        finally:
            if item["kind"] == "selfie":
                self.release(item["owner"])
        return True

    def resend(self, item):
        ctx, state = self.ctx, self.ctx.state
        kind = item["kind"]
        headers = dict(item["headers"])
        if kind == "upload":
            headers["Authorization"] = "Bearer " + state.organizer["token"]
        elif kind == "selfie":
            headers["Authorization"] = "Bearer " + state.attendees[item["owner"]]["token"]
        item["tries"] += 1
        status, answer_headers, body = self.request("POST", item["path"], item["data"], headers,
                                                    kind="retry")
        if status == 0 or status in RESEND_STATUSES:
            if status == 0:
                self.no_answer("retry")
            else:
                ctx.round.count("refused", "retry")
            item["not_before"] = time.monotonic() + (retry_after(answer_headers) if status
                                                     else 0.5)
            with state.lock:
                state.pending.append(item)
            return
        ctx.round.count("acked", "retry")
        if kind == "upload" and status == 202:
            sent = item["data"].count(b'name="photos"; filename=')
            self.acknowledge_upload(item["path"], headers, json.loads(body), sent,
                                    resent=True)
        elif kind == "signup" and status in (200, 201):
            self.acknowledge_signup(item["owner"], json.loads(body))
        elif kind == "selfie" and status == 202:
            self.acknowledge_selfie(item["owner"], json.loads(body))
        else:
            self.unexpected("retry " + kind, status, body)

    def run(self):
        kinds = list(OPS)
        weights = [OPS[k] for k in kinds]
        while not self.ctx.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            try:
                if kind == "retry":
                    if not self.retry():
                        continue
                else:
                    getattr(self, kind)()
            except Exception as error:  # noqa: BLE001 - a client bug must not end the round
                self.ctx.state.violation(self.ctx.round.number, "client %d, %s: %r" %
                                         (self.number, kind, error))
            self.ctx.stop.wait(self.rng.uniform(0, 2 * self.ctx.think_s))


def resendable(state, item):
    """An unanswered request can be resent unless it is a selfie of an attendee who is gone (or
    whom another thread is using)."""
    if item["kind"] != "selfie":
        return True
    attendee = state.attendees.get(item["owner"], {})
    return attendee.get("state") == "live" and not attendee.get("busy")


class Context:
    """What the client threads of one round share."""

    def __init__(self, state, url, rnd, photo_bytes, selfies, think_s):
        self.state = state
        self.url = url
        self.round = rnd
        self.photo_bytes = photo_bytes
        self.selfies = selfies
        self.think_s = think_s
        self.stop = threading.Event()


# --- Server, check ----------------------------------------------------------------------------

def start_server(args, name):
    """Starts `findme serve` on WORK/data; retries while the binary is being relinked."""
    for attempt in range(10):
        server = Server(args.binary, args.work / "data", args.model_dir, args.work / "logs", name,
                        dict(kv.split("=", 1) for kv in args.env))
        try:
            return server.start()
        except OSError as error:
            if attempt == 9 or error.errno not in (errno.EACCES, errno.ETXTBSY):
                raise
            print("crash: cannot start %s (%s); retrying in 60 s" % (args.binary, error),
                  flush=True)
            time.sleep(60)
    raise RuntimeError("unreachable")


def run_check(args, *options):
    """`findme check OPTIONS` with the server's settings: {rc, problems: {kind: n}, lines}."""
    env = Server(args.binary, args.work / "data", args.model_dir, args.work / "logs", "check",
                 dict(kv.split("=", 1) for kv in args.env)).env()
    done = subprocess.run([args.binary, "check", *options], env=env, capture_output=True,
                          text=True, timeout=600)
    lines = done.stdout.splitlines()
    problems = collections.Counter(line.split()[0] for line in lines if line.strip())
    return {"options": " ".join(options), "rc": done.returncode, "problems": dict(problems),
            "lines": lines[:50], "summary": done.stderr.strip().splitlines()[-1:]}


def after_kill_checks(args, state, number):
    """check --hash on the dead server's data; residue of writes in flight is removed with
    --repair --grace-minutes 0; a last check --hash must be clean."""
    first = run_check(args, "--hash")
    hard = {k: n for k, n in first["problems"].items() if k not in CRASH_RESIDUE}
    if first["rc"] not in (0, 2) or hard:
        state.violation(number, "check --hash after the kill: rc %d, %s; %s" %
                        (first["rc"], first["problems"], first["lines"][:10]))
    checks = {"after_kill": first}
    if first["rc"] == 2 and not hard:
        checks["repair"] = run_check(args, "--hash", "--repair", "--grace-minutes", "0")
    checks["clean"] = run_check(args, "--hash") if first["rc"] != 0 else first
    if checks["clean"]["rc"] != 0:
        state.violation(number, "check --hash is not clean before the restart: %s; %s" %
                        (checks["clean"]["problems"], checks["clean"]["lines"][:10]))
    return checks


# --- Verification through the API ------------------------------------------------------------

def api(url, method, path, token=None, body=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, _, raw = send(method, url + path, data, headers)
    try:
        return status, json.loads(raw) if raw and status else None
    except ValueError:
        return status, None


def verify(state, url, number, rng, logins=2):
    """Checks what the server acknowledged so far; returns counts for the round's line."""
    found = collections.Counter()
    org = state.organizer
    status, _ = api(url, "GET", "/api/me", org["token"])
    if status != 200:
        state.violation(number, "the organizer's token is refused after the restart: %s" % status)
        status, body = api(url, "POST", "/api/login", body={"email": org["email"],
                                                            "password": org["password"]})
        if status != 200:
            raise RuntimeError("the organizer cannot log in: %s %s" % (status, body))
        org["token"] = body["token"]
    # Events deleted without an answer: settled now, either way.
    for code in sorted(state.events_deleted_unsure):
        status, _ = api(url, "GET", "/api/events/" + code)
        if status == 404:
            state.side_events[code]["deleted_round"] = "unacknowledged"
    state.events_deleted_unsure.clear()
    # Photos, event by event.
    by_event = collections.defaultdict(list)
    for pid, photo in state.photos.items():
        by_event[photo["event"]].append(pid)
    for code in [state.code] + sorted(state.side_events):
        side = state.side_events.get(code)
        if side and side["deleted_round"] is not None:
            status, _ = api(url, "GET", "/api/events/" + code)
            if status != 404:
                state.violation(number, "event %s, deleted in round %s, answers %s" %
                                (code, side["deleted_round"], status))
            for pid, sha in side["photos"].items():
                status, _, raw = send("GET", "%s/api/photos/%s/original" % (url, pid),
                                      headers={"Authorization": "Bearer " + org["token"]})
                if status == 200 and hashlib.sha256(raw).hexdigest() != sha:
                    found["deleted_photo_ids_reused"] += 1  # the deleted photo is not served
                    if pid not in state.reused_ids:
                        state.reused_ids.add(pid)
                        state.finding(number, "GET /api/photos/%s/original (a photo of event "
                                      "%s, deleted) serves another photo: the id was reused" %
                                      (pid, code))
                elif status != 404:
                    state.violation(number, "photo %s of event %s, deleted in round %s, "
                                    "answers %s" % (pid, code, side["deleted_round"], status))
            found["events_deleted"] += 1
            continue
        status, body = api(url, "GET", "/api/events/%s/photos" % code, org["token"])
        if status != 200:
            state.violation(number, "GET /api/events/%s/photos: %s %s" % (code, status, body))
            continue
        listed = collections.Counter(p["filename"] for p in body["photos"])
        ids = {p["id"]: p for p in body["photos"]}
        for name, n in listed.items():
            if n > 1:
                state.violation(number, "%s is listed %d times in %s" % (name, n, code))
        for pid in by_event.get(code, []):
            photo = state.photos[pid]
            if pid not in ids:
                state.violation(number, "photo %s (%s, acknowledged in round %s) is not listed "
                                "in %s" % (pid, photo["filename"], photo["round"], code))
            elif ids[pid]["filename"] != photo["filename"]:
                state.violation(number, "photo %s is listed as %s, acknowledged as %s" %
                                (pid, ids[pid]["filename"], photo["filename"]))
            else:
                found["photos"] += 1
        unknown = [p for p in body["photos"] if p["id"] not in state.photos]
        for p in unknown:
            if p["filename"] not in state.sent:
                state.violation(number, "%s lists a photo nobody sent: %s" % (code, p))
        found["photos_unacknowledged"] += len(unknown)
        if code == state.code:
            found["listed"] = len(body["photos"])
            found["failed"] = sum(p["status"] == "failed" for p in body["photos"])
    # Attendees.
    for email, a in sorted(state.attendees.items()):
        status, _ = api(url, "GET", "/api/me", a["token"])
        if a["state"] == "unsure":
            a["state"] = "live" if status == 200 else "deleted"
            a["deleted_round"] = "unacknowledged"
            continue
        if a["state"] == "live":
            if status != 200:
                state.violation(number, "attendee %s (signed up in round %s): token refused, %s"
                                % (email, a["round"], status))
            else:
                found["attendees"] += 1
        elif status != 401:
            state.violation(number, "attendee %s, deleted in round %s: GET /api/me %s" %
                            (email, a["deleted_round"], status))
        else:
            found["attendees_deleted"] += 1
    live = sorted(e for e, a in state.attendees.items() if a["state"] == "live")
    for email in rng.sample(live, min(logins, len(live))):
        status, _ = api(url, "POST", "/api/login", body={"email": email, "password": PASSWORD})
        if status != 200:
            state.violation(number, "attendee %s cannot log in: %s" % (email, status))
        found["logins"] += 1
    for email in state.newly_deleted:  # once each: failed log-ins count towards the throttle
        status, _ = api(url, "POST", "/api/login", body={"email": email, "password": PASSWORD})
        if status not in (401, 429):
            state.violation(number, "attendee %s, deleted, logs in: %s" % (email, status))
    state.newly_deleted.clear()
    # Selfie match jobs of live attendees.
    for job, email, when in state.selfie_jobs:
        a = state.attendees[email]
        if a["state"] != "live":
            continue
        status, _ = api(url, "GET", "/api/jobs/" + job, a["token"])
        if status != 200:
            state.violation(number, "match job %s of %s (round %s): %s" % (job, email, when,
                                                                           status))
        else:
            found["jobs"] += 1
    return dict(found)


# --- Rounds -----------------------------------------------------------------------------------

def setup(args, state):
    server = start_server(args, "server-setup")
    try:
        suffix = uuid.uuid4().hex[:8]
        state.organizer = {"email": "organizer-%s@crash.test" % suffix, "password": PASSWORD}
        status, body = api(server.url, "POST", "/api/organizers",
                           body=dict(state.organizer, name="Crash loop"))
        if status != 201:
            raise RuntimeError("POST /api/organizers: %s %s" % (status, body))
        state.organizer["token"] = body["token"]
        status, body = api(server.url, "POST", "/api/events", state.organizer["token"],
                           {"name": "Crash loop"})
        if status != 201:
            raise RuntimeError("POST /api/events: %s %s" % (status, body))
        state.code = body["event"]["code"]
    finally:
        server.stop()


def run_round(args, state, number, rng, photo_bytes, selfies):
    server = start_server(args, "server-r%02d" % number)
    record = {"round": number, "pid": server.pid}
    try:
        started = time.monotonic()
        record["verify"] = verify(state, server.url, number, rng)
        record["verify_s"] = round(time.monotonic() - started, 1)
        rnd = Round(number)
        ctx = Context(state, server.url, rnd, photo_bytes, selfies, args.think_s)
        clients = [Client(ctx, n, random.Random("%d-%d-%d" % (args.seed, number, n)))
                   for n in range(args.clients)]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        load_s = rng.uniform(args.min_load_s, args.max_load_s)
        for thread in threads:
            thread.start()
        time.sleep(load_s)
        # Kill while a write is in flight (waiting at most KILL_WAIT_S for one to start).
        until = time.monotonic() + KILL_WAIT_S
        while time.monotonic() < until and not any(c.in_flight in WRITES for c in clients):
            time.sleep(0.002)
        ctx.stop.set()  # no new request; those in flight stay in flight
        in_flight = collections.Counter(c.in_flight for c in clients if c.in_flight)
        rnd.killed_at = time.monotonic()
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT_S + 30)
        record.update(load_s=round(load_s, 1), in_flight_at_kill=dict(in_flight),
                      exit_status=server.proc.returncode, acked=dict(rnd.acked),
                      acked_photos=rnd.acked_photos, refused=dict(rnd.refused),
                      errors_at_kill=dict(rnd.errors_at_kill),
                      errors_before_kill=dict(rnd.errors_before_kill),
                      unexpected=dict(rnd.unexpected), pending=len(state.pending))
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
    time.sleep(args.settle_s)  # PostgreSQL: the killed process's sessions end
    record["checks"] = after_kill_checks(args, state, number)
    record["violations"] = [v for r, v in state.violations if r == number]
    return record


def round_line(r):
    checks = r["checks"]
    after = checks["after_kill"]
    if after["rc"] == 0:
        check = "clean"
    else:
        check = "rc %d %s" % (after["rc"], fmt(after["problems"]))
        if "repair" in checks:
            check += " -> repair -> " + ("clean" if checks["clean"]["rc"] == 0 else
                                         "NOT CLEAN %s" % fmt(checks["clean"]["problems"]))
    return ("round %2d: load %4.1f s, acked %s (%d photos), refused %s, no answer at the kill "
            "%s (in flight %s), before %s, unexpected %s | check after the kill: %s"
            " | verified after the restart: %s | pending %d, violations %d" %
            (r["round"], r["load_s"], fmt(r["acked"]), r["acked_photos"], fmt(r["refused"]),
             fmt(r["errors_at_kill"]), fmt(r["in_flight_at_kill"]), fmt(r["errors_before_kill"]),
             fmt(r["unexpected"]), check, fmt(r["verify"]), r["pending"], len(r["violations"])))


def fmt(counts):
    return ",".join("%s=%s" % kv for kv in sorted(counts.items())) or "-"


# --- The end ----------------------------------------------------------------------------------

def finish(args, state, rng, photo_bytes, selfies):
    """The last restart: resend what is unanswered, wait for indexing, final check."""
    server = start_server(args, "server-final")
    record = {}
    try:
        record["verify_after_restart"] = verify(state, server.url, "final", rng)
        rnd = Round("final")
        client = Client(Context(state, server.url, rnd, photo_bytes, selfies, 0), 0, rng)
        deadline = time.monotonic() + args.final_timeout_s
        gone = [p for p in state.pending if p["kind"] == "selfie" and
                state.attendees[p["owner"]]["state"] != "live"]
        state.pending = [p for p in state.pending if p not in gone]
        record["dropped_with_their_account"] = len(gone)
        while state.pending and time.monotonic() < deadline:
            if not client.retry():
                time.sleep(1)
        record["unanswered"] = [{k: p[k] for k in ("kind", "path", "owner", "round", "tries")}
                                for p in state.pending]
        for p in state.pending:
            state.violation("final", "a %s of round %s is still unanswered after %d tries" %
                            (p["kind"], p["round"], p["tries"]))
        record["resent"] = {"acked": dict(rnd.acked), "refused": dict(rnd.refused),
                            "unexpected": dict(rnd.unexpected)}
        stats = None
        while time.monotonic() < deadline:
            status, stats = api(server.url, "GET", "/api/events/%s/stats" % state.code,
                                state.organizer["token"])
            if status == 200 and stats["photos"]["queued"] == 0 and stats["queue_depth"] == 0:
                break
            time.sleep(2)
        else:
            state.violation("final", "indexing did not end in %d s: %s" %
                            (args.final_timeout_s, stats))
        record["stats"] = stats
        record["verify"] = verify(state, server.url, "final", rng, logins=3)
        status, body = api(server.url, "GET", "/api/events/%s/photos" % state.code,
                           state.organizer["token"])
        listed = body["photos"] if status == 200 else []
        acked = [pid for pid, p in state.photos.items() if p["event"] == state.code]
        record["photos"] = {"acknowledged": len(acked), "listed": len(listed),
                            "distinct_files": len({p["filename"] for p in listed}),
                            "failed": [p for p in listed if p["status"] == "failed"],
                            "stats_total": stats["photos"]["total"] if stats else None}
        if len(listed) != len(acked) or len({p["filename"] for p in listed}) != len(listed):
            state.violation("final", "%d photos acknowledged, %d listed (%d distinct files)" %
                            (len(acked), len(listed), record["photos"]["distinct_files"]))
        if stats and stats["photos"]["total"] != len(listed):
            state.violation("final", "stats count %d photos, the list %d" %
                            (stats["photos"]["total"], len(listed)))
        if record["photos"]["failed"]:
            state.violation("final", "%d photos failed: %s" % (len(record["photos"]["failed"]),
                                                               record["photos"]["failed"][:5]))
        record["check"] = run_check(args, "--hash")
        if record["check"]["rc"] != 0:
            state.violation("final", "the final check --hash is not clean: %s; %s" %
                            (record["check"]["problems"], record["check"]["lines"][:10]))
    finally:
        server.stop()
        record["final_exit_status"] = server.proc.returncode
    if record["final_exit_status"] != 0:
        state.violation("final", "the server exited %s on SIGTERM" % record["final_exit_status"])
    return record


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=ROOT / "build/release/findme", type=Path)
    parser.add_argument("--model-dir", default=ROOT / "models/face-api-1.7.15", type=Path)
    parser.add_argument("--work", default=Path("/tmp/findme-crash-work"), type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--min-load-s", type=float, default=3)
    parser.add_argument("--max-load-s", type=float, default=12)
    parser.add_argument("--clients", type=int, default=3, help="load threads")
    parser.add_argument("--think-s", type=float, default=1.0,
                        help="mean pause of a client between requests, s")
    parser.add_argument("--settle-s", type=float, default=1.0,
                        help="pause between the kill and the check, s")
    parser.add_argument("--final-timeout-s", type=float, default=900,
                        help="bound on resending and on indexing at the end, s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-going", action="store_true",
                        help="run every round even after a violation (default: stop after the "
                        "round, keeping WORK/data as evidence)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra server environment, e.g. DATABASE_URL=postgresql://...")
    parser.add_argument("--out", type=Path, help="JSON record (default WORK/crash.json)")
    return parser.parse_args()


def main():
    args = parse_args()
    args.binary = args.binary.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    photo_bytes, selfies = images(args)
    shutil.rmtree(args.work / "data", ignore_errors=True)
    shutil.rmtree(args.work / "logs", ignore_errors=True)
    (args.work / "data").mkdir(parents=True)
    state = State()
    rng = random.Random(args.seed)
    database = dict(kv.split("=", 1) for kv in args.env).get("DATABASE_URL", "sqlite (WORK/data)")
    empty = run_check(args)
    if empty["rc"] != 0:
        sys.exit("crash: `findme check` on the fresh data is not clean (a PostgreSQL database "
                 "must be empty): %s" % empty)
    setup(args, state)
    print("crash: event %s, %d rounds on %s, %d clients, load %g-%g s per round; %d base "
          "photos, %d selfies; load average %s" %
          (state.code, args.rounds, database.split("@")[-1], args.clients, args.min_load_s,
           args.max_load_s, len(photo_bytes), len(selfies), " ".join(loadavg())), flush=True)
    started = time.monotonic()
    record = {"config": {k: str(v) for k, v in vars(args).items()}, "event_code": state.code,
              "loadavg_before": loadavg(), "rounds": []}
    try:
        for number in range(1, args.rounds + 1):
            r = run_round(args, state, number, rng, photo_bytes, selfies)
            record["rounds"].append(r)
            print("crash: " + round_line(r), flush=True)
            if r["violations"] and not args.keep_going:
                print("crash: stopping after round %d (violations); evidence in %s" %
                      (number, args.work), flush=True)
                break
        else:
            record["final"] = finish(args, state, rng, photo_bytes, selfies)
    except RuntimeError as error:  # the server did not start (again), or lost the organizer
        state.violation(len(record["rounds"]) + 1, "%s; server logs in %s" %
                        (error, args.work / "logs"))
    record["seconds"] = round(time.monotonic() - started, 1)
    record["loadavg_after"] = loadavg()
    record["violations"] = [{"round": r, "text": t} for r, t in state.violations]
    record["findings"] = [{"round": r, "text": t} for r, t in state.findings]
    record["unexpected"] = state.unexpected
    totals = collections.Counter()
    for r in record["rounds"]:
        totals.update({"ack " + k: n for k, n in r["acked"].items()})
        totals.update({"no answer at the kill": sum(r["errors_at_kill"].values()),
                       "photos acknowledged": r["acked_photos"],
                       "checks with crash residue": int(r["checks"]["after_kill"]["rc"] != 0)})
        totals.update({"residue " + k: n for k, n in
                       r["checks"]["after_kill"]["problems"].items()})
    record["totals"] = dict(totals)
    out = args.out or args.work / "crash.json"
    out.write_text(json.dumps(record, indent=2, default=str))
    final = record.get("final", {})
    print("crash: %d rounds in %.0f s on %s: %s" % (len(record["rounds"]), record["seconds"],
                                                    database.split("@")[-1], fmt(totals)))
    if final:
        print("crash: final: %s; photos %s; stats %s; check %s; verify %s" %
              (fmt(final.get("resent", {}).get("acked", {})),
               {k: v for k, v in final.get("photos", {}).items() if k != "failed"},
               final.get("stats"), "clean" if final.get("check", {}).get("rc") == 0 else
               final.get("check"), fmt(final.get("verify", {}))))
    for f in record["findings"]:
        print("finding (round %s): %s" % (f["round"], f["text"]))
    for v in record["violations"]:
        print("VIOLATION (round %s): %s" % (v["round"], v["text"]))
    ok = not record["violations"] and final.get("check", {}).get("rc") == 0
    print("crash: %s; record in %s, server logs in %s" %
          ("PASS" if ok else "FAIL", out, args.work / "logs"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
