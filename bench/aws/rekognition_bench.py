#!/usr/bin/python3
"""Figures of findme's Rekognition-compatible API, measured through boto3 (docs/benchmarks.md).

    /usr/bin/python3 bench/aws/rekognition_bench.py [--lfw ../shared/testdata/lfw-dev]
        [--skip index,search,concurrent]

Starts the release binary (build/release/findme, or FINDME_BINARY) on loopback with its own
temporary data, and measures, client side (so the figures include base64, HTTP and SigV4):
  index       IndexFaces of a 1920 px photo with 4 faces (the package's sample4.jpg), one face
              worker (MATCHING_THREAD_POOL_SIZE=1): p50 / p95 over --index-runs calls.
  search      SearchFacesByImage against a collection of --faces faces (every lfw-dev photo
              indexed, then mirrored copies until the count is reached), one call at a time, with
              selfies that are other photos of people in the collection: p50 / p95, and how often
              the best match is the same person.
  concurrent  --clients boto3 clients calling SearchFacesByImage (one in ten IndexFaces) for
              --seconds against the same collection: calls, errors by name, p50 / p95.
The load generator runs on the same machine: on 2 cores it takes CPU from the server, so the
figures are upper bounds.
"""
import argparse
import concurrent.futures
import io
import os
import random
import statistics
import sys
import threading
import time

from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "aws"))
import findme_server  # noqa: E402
from findme_server import SAMPLES, read  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def summary(ms):
    return f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms (n={len(ms)})"


def lfw_photos(root):
    """[(person, path)] for every photo of the labelled set."""
    photos = []
    for person in sorted(os.listdir(root)):
        folder = os.path.join(root, person)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith((".jpg", ".jpeg", ".png")):
                photos.append((person, os.path.join(folder, name)))
    return photos


def mirrored(path):
    image = ImageOps.mirror(Image.open(path).convert("RGB"))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def bench_index(runs):
    server = findme_server.Server(MATCHING_THREAD_POOL_SIZE=1)
    try:
        rek = server.client(server.access_key(server.organizer("bench@example.org")))
        rek.create_collection(CollectionId="index")
        photo = read(SAMPLES[3])  # 1920 x 1448, 4 faces
        rek.index_faces(CollectionId="index", Image={"Bytes": photo}, ExternalImageId="warm-up")
        times, faces = [], 0
        for i in range(runs):
            start = time.perf_counter()
            out = rek.index_faces(
                CollectionId="index", Image={"Bytes": photo}, ExternalImageId=f"photo-{i}"
            )
            times.append((time.perf_counter() - start) * 1000)
            faces = len(out["FaceRecords"])
        print(f"IndexFaces, 1920 px photo with {faces} faces, one face worker: {summary(times)}")
    finally:
        server.stop()


def build_collection(rek, photos, target, workers=3):
    """Indexes every photo, then mirrored copies, until the collection holds `target` faces."""
    lock = threading.Lock()
    count = [0]
    started = time.perf_counter()

    def index(item):
        i, (person, path, mirror) = item
        body = mirrored(path) if mirror else read(path)
        out = rek.index_faces(
            CollectionId="search",
            Image={"Bytes": body},
            ExternalImageId=f"{person}.{i}{'.m' if mirror else ''}",
            MaxFaces=1,
        )
        with lock:
            count[0] += len(out["FaceRecords"])

    work = [(p, path, False) for p, path in photos]
    work += [(p, path, True) for p, path in photos]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(work), 200):
            if count[0] >= target:
                break
            list(pool.map(index, enumerate(work[start : start + 200], start)))
    print(
        f"  collection built: {count[0]} faces in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return count[0]


def bench_search(server, rek, photos, searches):
    by_person = {}
    for person, path in photos:
        by_person.setdefault(person, []).append(path)
    several = [p for p, paths in by_person.items() if len(paths) >= 2]
    rng = random.Random(7)
    times, same = [], 0
    for _ in range(searches):
        person = rng.choice(several)
        selfie = read(rng.choice(by_person[person]))
        start = time.perf_counter()
        out = rek.search_faces_by_image(CollectionId="search", Image={"Bytes": selfie}, MaxFaces=10)
        times.append((time.perf_counter() - start) * 1000)
        matches = out["FaceMatches"]
        if matches and matches[0]["Face"]["ExternalImageId"].split(".")[0] == person:
            same += 1
    return times, same


def bench_concurrent(server, key, photos, clients, seconds):
    rng = random.Random(11)
    paths = [path for _, path in photos]
    deadline = time.time() + seconds
    lock = threading.Lock()
    times, errors, calls = [], {}, [0]

    def client_loop(n):
        rek = server.client(key, retries=2)  # boto3's standard mode: 3 attempts in all
        local = random.Random(n)
        i = 0
        while time.time() < deadline:
            i += 1
            start = time.perf_counter()
            try:
                if i % 10 == 0:
                    rek.index_faces(
                        CollectionId="search",
                        Image={"Bytes": read(local.choice(SAMPLES))},
                        ExternalImageId=f"load-{n}-{i}",
                    )
                else:
                    rek.search_faces_by_image(
                        CollectionId="search", Image={"Bytes": read(local.choice(paths))}
                    )
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(elapsed)
                    calls[0] += 1
            except rek.exceptions.ClientError as e:
                code = e.response["Error"]["Code"]
                with lock:
                    errors[code] = errors.get(code, 0) + 1
                    calls[0] += 1
            except Exception as e:  # a timeout or a dropped connection counts too
                with lock:
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                    calls[0] += 1

    rng.shuffle(paths)
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(
        f"{clients} concurrent boto3 clients for {seconds} s: {calls[0]} calls "
        f"({calls[0] / seconds:.1f}/s), answered {summary(times)}, errors {errors or 'none'}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lfw", default=os.path.join(HERE, "..", "..", "..", "shared", "testdata", "lfw-dev"))
    parser.add_argument("--faces", type=int, default=10000)
    parser.add_argument("--index-runs", type=int, default=40)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    if "index" not in skip:
        bench_index(args.index_runs)
    if skip >= {"search", "concurrent"}:
        return
    photos = lfw_photos(args.lfw)
    server = findme_server.Server()
    try:
        key = server.access_key(server.organizer("bench@example.org"))
        rek = server.client(key, retries=2)
        rek.create_collection(CollectionId="search")
        faces = build_collection(rek, photos, args.faces)
        if "search" not in skip:
            times, same = bench_search(server, rek, photos, args.searches)
            print(
                f"SearchFacesByImage, {faces}-face collection, one call at a time: "
                f"{summary(times)}; best match the same person in {same}/{len(times)}"
            )
        if "concurrent" not in skip:
            bench_concurrent(server, key, photos, args.clients, args.seconds)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
