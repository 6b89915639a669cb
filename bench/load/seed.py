#!/usr/bin/python3
"""Seeds a load-test event: makes >= 500 distinct photos and a pool of selfies from the six
sample photos of the model package (with the `vips` CLI), starts a fresh `findme serve` on a new
DATA_DIR, creates an organizer and an event, bulk-imports the photos with `findme import --wait`
and records how long indexing took. Writes WORK/seed.json for measure.py.

Usage: /usr/bin/python3 bench/load/seed.py --binary BIN --model-dir DIR --work DIR [--photos N]
Generated images are cached under WORK/images (kept between runs); WORK/data is made anew.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, http_json, loadavg  # noqa: E402

ORGANIZER = {"email": "organizer@load.test", "password": "load test organizer", "name": "Load"}


def vips(*args):
    subprocess.run(["vips", *map(str, args)], check=True, stdout=subprocess.DEVNULL)


def sample_sizes(samples):
    sizes = {}
    for sample in samples:
        out = subprocess.run(["vipsheader", "-f", "width", str(sample)], check=True,
                             capture_output=True, text=True).stdout
        height = subprocess.run(["vipsheader", "-f", "height", str(sample)], check=True,
                                capture_output=True, text=True).stdout
        sizes[sample] = (int(out), int(height))
    return sizes


def make_photo(index, raw, size, out_dir):
    """One variant of a sample: a random crop (60-100 % of each side), rescaled to 900-1600 px
    wide, mirrored half of the time, saved as JPEG at quality 72-92. Seeded by index."""
    rng = random.Random(index)
    width, height = size
    crop_w = int(width * rng.uniform(0.6, 1.0))
    crop_h = int(height * rng.uniform(0.6, 1.0))
    left, top = rng.randint(0, width - crop_w), rng.randint(0, height - crop_h)
    scale = rng.randint(900, 1600) / crop_w
    flip = rng.random() < 0.5
    out = out_dir / ("photo-%04d.jpg" % index)
    tmp = out_dir / (".tmp-%04d" % index)
    tmp.mkdir(exist_ok=True)
    vips("extract_area", raw, tmp / "a.v", left, top, crop_w, crop_h)
    vips("resize", tmp / "a.v", tmp / "b.v", "%.4f" % scale)
    target = "%s[Q=%d,strip]" % (out, rng.randint(72, 92))
    if flip:
        vips("flip", tmp / "b.v", target, "horizontal")
    else:
        vips("copy", tmp / "b.v", target)
    shutil.rmtree(tmp)


def make_photos(samples, count, images_dir):
    out_dir = images_dir / ("photos-%d" % count)
    if out_dir.is_dir() and len(list(out_dir.glob("photo-*.jpg"))) == count:
        print("seed: %d photos already made in %s" % (count, out_dir), flush=True)
        return out_dir
    shutil.rmtree(out_dir, ignore_errors=True)
    raw_dir = images_dir / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True)
    sizes = sample_sizes(samples)
    raws = []
    for sample in samples:
        raw = raw_dir / (sample.stem + ".v")
        vips("copy", sample, raw)
        raws.append((raw, sizes[sample]))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(make_photo, i, *raws[i % len(raws)], out_dir) for i in range(count)]
        for job in jobs:
            job.result()
    print("seed: made %d photos in %.0f s" % (count, time.monotonic() - started), flush=True)
    return out_dir


def face_boxes(binary, model_dir, samples):
    out = subprocess.run([binary, "faces", "--model-dir", str(model_dir), *map(str, samples)],
                         check=True, capture_output=True, text=True).stdout
    boxes = []
    for line in out.splitlines():
        record = json.loads(line)
        for face in record["faces"]:
            if face["quality"]["usable"]:
                boxes.append((Path(record["file"]), record["width"], record["height"], face["box"]))
    return boxes


def make_selfies(binary, model_dir, samples, images_dir):
    """Selfies: each usable face of the samples, cropped with its surroundings (a square 2.4x
    the face box), rescaled to 480 px, plain and mirrored, at JPEG quality 90 and 60."""
    out_dir = images_dir / "selfies"
    if out_dir.is_dir() and any(out_dir.glob("selfie-*.jpg")):
        print("seed: selfies already made in %s" % out_dir, flush=True)
        return out_dir
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    for n, (image, width, height, box) in enumerate(face_boxes(binary, model_dir, samples)):
        side = int(min(2.4 * max(box["width"], box["height"]), width, height))
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        left = int(min(max(cx - side / 2, 0), width - side))
        top = int(min(max(cy - side / 2, 0), height - side))
        crop = out_dir / (".crop-%02d.v" % n)
        vips("extract_area", image, crop, left, top, side, side)
        small = out_dir / (".small-%02d.v" % n)
        vips("resize", crop, small, "%.4f" % (480 / side))
        for quality in (90, 60):
            vips("copy", small, "%s[Q=%d,strip]" % (out_dir / ("selfie-%02d-q%d.jpg" %
                                                                 (n, quality)), quality))
            vips("flip", small, "%s[Q=%d,strip]" % (out_dir / ("selfie-%02d-q%d-mirror.jpg" %
                                                                 (n, quality)), quality),
                 "horizontal")
        crop.unlink()
        small.unlink()
    drop_unusable(binary, model_dir, out_dir)
    print("seed: made %d selfies" % len(list(out_dir.glob("selfie-*.jpg"))), flush=True)
    return out_dir


def drop_unusable(binary, model_dir, selfies_dir):
    """Removes the selfies in which the engine finds no usable face (the server would end their
    match job with no_face_found, which is not what this benchmark measures)."""
    out = subprocess.run([binary, "faces", "--model-dir", str(model_dir),
                          *map(str, sorted(selfies_dir.glob("selfie-*.jpg")))],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        record = json.loads(line)
        if not any(face["quality"]["usable"] for face in record["faces"]):
            Path(record["file"]).unlink()


def create_event(url):
    status, body = http_json("POST", url + "/api/organizers", ORGANIZER)
    if status != 201:
        raise RuntimeError("POST /api/organizers: %s %s" % (status, body))
    token = body["token"]
    status, body = http_json("POST", url + "/api/events", {"name": "Load test"}, token=token)
    if status != 201:
        raise RuntimeError("POST /api/events: %s %s" % (status, body))
    return token, body["event"]["code"]


def import_photos(args, server, code, photos_dir):
    env = server.env()
    started = time.monotonic()
    with open(server.log_dir / "import.log", "wb") as log:
        subprocess.run([args.binary, "import", "--event", code, str(photos_dir), "--wait"],
                       env=env, stdout=log, stderr=log, check=True, timeout=args.timeout)
    seconds = time.monotonic() - started
    imported = None
    for line in (server.log_dir / "import.log").read_text(errors="replace").splitlines():
        if line.startswith("imported "):
            imported = line.strip()
    return seconds, imported


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--model-dir", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--photos", type=int, default=504)
    parser.add_argument("--min-photos", type=int, default=500, help="fail with fewer indexed")
    parser.add_argument("--timeout", type=int, default=1800, help="bound on the import, s")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra server environment, e.g. DATABASE_URL=postgresql://...")
    args = parser.parse_args()

    samples = sorted((args.model_dir / "demo").glob("sample*.jpg"))
    images_dir = args.work / "images"
    photos_dir = make_photos(samples, args.photos, images_dir)
    selfies_dir = make_selfies(args.binary, args.model_dir, samples, images_dir)

    data_dir = args.work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    server = Server(args.binary, data_dir, args.model_dir, args.work / "logs", "seed-server",
                    dict(kv.split("=", 1) for kv in args.env))
    server.start()
    try:
        token, code = create_event(server.url)
        print("seed: event %s on %s; importing %d photos" % (code, server.url, args.photos),
              flush=True)
        load_before = loadavg()
        seconds, imported = import_photos(args, server, code, photos_dir)
        status, stats = http_json("GET", "%s/api/events/%s/stats" % (server.url, code),
                                  token=token)
        if status != 200:
            raise RuntimeError("stats: %s %s" % (status, stats))
        seed = {
            "event_code": code, "organizer": ORGANIZER, "data_dir": str(data_dir),
            "photos_dir": str(photos_dir), "selfies_dir": str(selfies_dir),
            "selfies": "%d face crops (%d faces, plain and mirrored, JPEG quality 90 and 60)" % (
                len(list(selfies_dir.glob("selfie-*.jpg"))),
                len({p.name[:9] for p in selfies_dir.glob("selfie-*.jpg")})),
            "stats": stats, "import_line": imported, "index_seconds": round(seconds, 1),
            "photos_per_s": round(stats["photos"]["indexed"] / seconds, 2),
            "matching_threads": server.env().get("MATCHING_THREAD_POOL_SIZE",
                                                 "%d (one per core, the default)" %
                                                 os.cpu_count()),
            "loadavg_before": load_before, "loadavg_after": loadavg(),
            "server_peak_rss_kb": server.status_kb("VmHWM"),
        }
    finally:
        server.stop()
    (args.work / "seed.json").write_text(json.dumps(seed, indent=2))
    print("seed: %d indexed, %d failed, %d faces in %.1f s (%.2f photos/s)" %
          (stats["photos"]["indexed"], stats["photos"]["failed"], stats["faces"],
           seconds, seed["photos_per_s"]), flush=True)
    if stats["photos"]["indexed"] < args.min_photos:
        sys.exit("seed: fewer than %d photos indexed" % args.min_photos)


if __name__ == "__main__":
    main()
