"""The real findme binary on loopback for the Rekognition-compatibility tests.

Starts `findme serve` on port 0 with a temporary DATA_DIR (as tests/browser/server.js does for
the web app), signs up an organizer through findme's own API and creates an access key, so that
the tests hold what a findme user would paste into boto3: an endpoint URL, a key id and a secret.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.request

import boto3
import botocore.config

SOURCE_DIR = os.environ.get(
    "FINDME_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
)
BINARY = os.environ.get("FINDME_BINARY", os.path.join(SOURCE_DIR, "build", "release", "findme"))
MODEL_DIR = os.environ.get(
    "FINDME_MODEL_DIR", os.path.join(SOURCE_DIR, "models", "face-api-1.7.15")
)
SAMPLES = [os.path.join(MODEL_DIR, "demo", f"sample{i}.jpg") for i in range(1, 7)]
START_TIMEOUT_S = 120


class Server:
    """One findme process; stop() ends it and removes its data."""

    def __init__(self, **env):
        self.dir = tempfile.mkdtemp(prefix="findme-aws-")
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        full_env = dict(os.environ)
        full_env.update(
            HOST="127.0.0.1",
            PORT="0",
            DATA_DIR=data,
            DATABASE_URL="sqlite:" + os.path.join(data, "findme.db"),
            MODEL_DIR=MODEL_DIR,
            HTTP_THREADS="2",
            MATCHING_THREAD_POOL_SIZE="2",
            LOG_LEVEL="warn",
        )
        full_env.update({k: str(v) for k, v in env.items()})
        self.log_path = os.path.join(self.dir, "stderr.log")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [BINARY, "serve"], env=full_env, stdout=subprocess.PIPE, stderr=self._log
        )
        self.url = self._wait_for_url()
        self.endpoint = self.url + "/aws"

    def _wait_for_url(self):
        found = {}

        def read():
            for line in self.process.stdout:
                m = re.search(rb"findme is serving on (http://\S+)", line)
                if m:
                    found["url"] = m.group(1).decode()
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        if "url" not in found:
            self.stop()
            raise RuntimeError("findme did not start: " + self.log())
        return found["url"]

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- findme's own API ----------------------------------------------------------------

    def call(self, method, path, body=None, token=None):
        """Returns (status, parsed JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                text = res.read()
                return res.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None)

    def organizer(self, email):
        """Signs up an organizer; returns their bearer token."""
        status, body = self.call(
            "POST",
            "/api/organizers",
            {"email": email, "password": "correct horse battery staple", "name": "Organizer"},
        )
        assert status == 201, (status, body)
        return body["token"]

    def access_key(self, token, read_only=False):
        """Creates an access key; returns (key id, secret)."""
        status, body = self.call("POST", "/api/access-keys", {"read_only": read_only}, token)
        assert status == 201, (status, body)
        return body["access_key_id"], body["secret_access_key"]

    def client(self, key, region="eu-west-1", retries=0, service="rekognition"):
        """A boto3 client of findme's Rekognition API, retrying as asked (0: never)."""
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key[0],
            aws_secret_access_key=key[1],
            config=botocore.config.Config(
                retries={"total_max_attempts": retries + 1, "mode": "standard"},
                read_timeout=120,
            ),
        )


def read(path):
    with open(path, "rb") as f:
        return f.read()
