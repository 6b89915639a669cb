"""Attendee load on findme (run headless by measure.py; Debian's python3-locust).

Each simulated user plays a stream of attendees. One attendee's visit:
  GET /api/events/{code} -> POST /api/register-with-event-code with a selfie -> waits for the
  match job (GET /api/jobs/{id}?wait=30) -> browses my-photos and a page of thumbnails a few
  times (1-3 s between pages, sometimes opening an original) -> with probability 0.3 uploads
  another selfie and waits for that job too -> browses again. Then the next attendee arrives.

Requests are named by route so the statistics are per route. "selfie -> match job done" is a
separate entry (type JOB): the time from sending the selfie (registration or upload) until
GET /api/jobs/{id}?wait=30 reports the job done.

Sign-ups and selfies carry an Idempotency-Key. An answer of 429 or 503 with Retry-After (the
server refusing work it cannot take on in time) is recorded as a failure whose message starts
with "refused", and the request is sent again with the same key after the pause the server
asked for (at most REFUSED_RETRIES times), as the web app does. Any other failure is real.

Environment: FINDME_EVENT_CODE (required), FINDME_SELFIE_DIR (folder of selfie JPEGs).
"""

import itertools
import os
import random
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

EVENT_CODE = os.environ.get("FINDME_EVENT_CODE", "")
SELFIES = [p.read_bytes() for p in sorted(Path(os.environ.get("FINDME_SELFIE_DIR", ".")).glob(
    "selfie-*.jpg"))]
TIMEOUT_S = 60  # any request slower than this counts as a failure (a timeout)
JOB_WAIT_S = 30
JOB_DONE = "selfie → match job done"
REFUSED_RETRIES = 10
_counter = itertools.count()
# Several findme processes (measure.py --processes): each user sticks to one, round-robin, as
# behind a load balancer.
HOSTS = [h for h in os.environ.get("FINDME_HOSTS", "").split(",") if h]
_host_counter = itertools.count()


class JobFailed(Exception):
    pass


class Attendee(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        if not EVENT_CODE or not SELFIES:
            raise RuntimeError("set FINDME_EVENT_CODE and FINDME_SELFIE_DIR")
        self.token = None
        if HOSTS:
            self.client.base_url = HOSTS[next(_host_counter) % len(HOSTS)]

    def auth(self):
        return {"Authorization": "Bearer " + self.token}

    @task
    def visit(self):
        self.token = None
        if not self.get_event() or not self.register():
            return
        for _ in range(random.randint(2, 4)):
            self.browse()
            time.sleep(random.uniform(1, 3))
        if random.random() < 0.3:
            self.upload_selfie()
            self.browse()

    def get_event(self):
        with self.client.get("/api/events/%s" % EVENT_CODE, name="/api/events/{code}",
                             timeout=TIMEOUT_S, catch_response=True) as response:
            if response.status_code != 200:
                response.failure("status %s" % response.status_code)
                return False
        return True

    def register(self):
        n = next(_counter)
        form = {"event_code": EVENT_CODE, "email": "a%d-%s@load.test" % (n, uuid.uuid4().hex[:8]),
                "password": "attendee password %d" % n, "name": "Attendee %d" % n}
        started = time.monotonic()
        response = self.post_until_taken(
            "/api/register-with-event-code", 201, data=form,
            files={"selfie": ("selfie.jpg", random.choice(SELFIES), "image/jpeg")})
        if response is None:
            return False
        body = response.json()
        self.token = body["token"]
        job = body.get("match_job")
        if not job:
            self.fire_job(started, JobFailed("no match_job in the registration"))
            return True
        self.wait_job(job["id"], started)
        return True

    def upload_selfie(self):
        started = time.monotonic()
        response = self.post_until_taken(
            "/api/upload-selfie", 202, data={"event_code": EVENT_CODE},
            files={"selfie": ("selfie.jpg", random.choice(SELFIES), "image/jpeg")},
            headers=self.auth())
        if response is None:
            return
        job_id = response.json()["job"]["id"]
        self.wait_job(job_id, started)

    def post_until_taken(self, path, expected, headers=None, **kwargs):
        """POSTs with an Idempotency-Key until the answer is not a refusal (429/503 with
        Retry-After), pausing as asked between attempts. Returns the response when its status is
        `expected`, else None (recorded as a failure)."""
        headers = dict(headers or {}, **{"Idempotency-Key": str(uuid.uuid4())})
        for _ in range(REFUSED_RETRIES + 1):
            with self.client.post(path, headers=headers, name=path, timeout=TIMEOUT_S,
                                  catch_response=True, **kwargs) as response:
                after = response.headers.get("Retry-After")
                refused = response.status_code in (429, 503) and after
                if refused:
                    response.failure("refused %d, Retry-After %s" % (response.status_code, after))
                elif response.status_code != expected:
                    response.failure("status %s: %s" % (response.status_code,
                                                        response.text[:200]))
                    return None
                else:
                    return response
            time.sleep(min(float(after), 60))
        return None

    def wait_job(self, job_id, started):
        """Polls GET /api/jobs/{id}?wait=30 until the job ends; fires the JOB_DONE event."""
        deadline = started + 120
        while time.monotonic() < deadline:
            with self.client.get("/api/jobs/%s?wait=%d" % (job_id, JOB_WAIT_S),
                                 headers=self.auth(), name="/api/jobs/{id}?wait",
                                 timeout=JOB_WAIT_S + TIMEOUT_S, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure("status %s" % response.status_code)
                    self.fire_job(started, JobFailed("job poll %s" % response.status_code))
                    return
                job = response.json()["job"]
            if job["status"] == "done":
                self.fire_job(started, None)
                return
            if job["status"] == "failed":
                self.fire_job(started, JobFailed("job failed: %s" % job.get("error")))
                return
        self.fire_job(started, JobFailed("job not done in 120 s"))

    def fire_job(self, started, exception):
        events.request.fire(request_type="JOB", name=JOB_DONE,
                            response_time=(time.monotonic() - started) * 1000,
                            response_length=0, exception=exception, context={})

    def browse(self):
        with self.client.get("/api/my-photos?event_code=%s" % EVENT_CODE, headers=self.auth(),
                             name="/api/my-photos", timeout=TIMEOUT_S,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure("status %s" % response.status_code)
                return
            photos = response.json()["photos"]
        # A gallery page shows the best matches first: up to 12 thumbnails.
        for photo in photos[:12]:
            self.client.get(photo["thumbnail_url"], headers=self.auth(),
                            name="/api/photos/{id}/thumbnail", timeout=TIMEOUT_S)
        if photos and random.random() < 0.2:
            self.client.get(random.choice(photos)["original_url"], headers=self.auth(),
                            name="/api/photos/{id}/original", timeout=TIMEOUT_S)
