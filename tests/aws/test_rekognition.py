"""boto3 drives findme's Rekognition-compatible API as it drives Amazon Rekognition.

Real botocore signing, serialisation and parsing against the real binary, on the face-api
package's six group photos (22 faces). Run by CTest (findme_aws_tests); by hand:
    /usr/bin/python3 -m unittest discover -s tests/aws -v
"""
import io
import os
import threading
import unittest

from PIL import Image

import findme_server
from findme_server import SAMPLES, read

UUID_CHARS = set("0123456789abcdef-")


def crop_selfie(photo_bytes, box, margin=0.4):
    """A head crop of `box` (Rekognition ratios) from the photo, as a JPEG: a selfie stand-in."""
    image = Image.open(io.BytesIO(photo_bytes)).convert("RGB")
    w, h = image.size
    left = (box["Left"] - margin * box["Width"]) * w
    top = (box["Top"] - margin * box["Height"]) * h
    right = (box["Left"] + (1 + margin) * box["Width"]) * w
    bottom = (box["Top"] + (1 + margin) * box["Height"]) * h
    crop = image.crop((max(0, left), max(0, top), min(w, right), min(h, bottom)))
    out = io.BytesIO()
    crop.save(out, format="JPEG", quality=92)
    return out.getvalue()


def area(box):
    return box["Width"] * box["Height"]


def error_code(error):
    return error.response["Error"]["Code"]


class RekognitionFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = findme_server.Server()
        cls.token = cls.server.organizer("flow@example.org")
        cls.key = cls.server.access_key(cls.token)
        cls.rek = cls.server.client(cls.key)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assert_error(self, code, call, *args, **kwargs):
        with self.assertRaises(self.rek.exceptions.ClientError) as raised:
            call(*args, **kwargs)
        self.assertEqual(error_code(raised.exception), code, raised.exception.response)
        return raised.exception

    def assert_box(self, box):
        for name in ("Left", "Top", "Width", "Height"):
            self.assertGreaterEqual(box[name], -0.01, box)
            self.assertLessEqual(box[name], 1.01, box)
        self.assertGreater(box["Width"], 0)

    def test_collection_lifecycle(self):
        created = self.rek.create_collection(CollectionId="lifecycle")
        self.assertEqual(created["StatusCode"], 200)
        self.assertRegex(
            created["CollectionArn"], r"^arn:aws:rekognition:eu-west-1:\d{12}:collection/lifecycle$"
        )
        self.assertTrue(created["FaceModelVersion"])
        described = self.rek.describe_collection(CollectionId="lifecycle")
        self.assertEqual(described["FaceCount"], 0)
        self.assertEqual(described["CollectionARN"], created["CollectionArn"])
        self.assertIn("CreationTimestamp", described)
        self.assertIn("lifecycle", self.rek.list_collections()["CollectionIds"])
        self.assert_error(
            "ResourceAlreadyExistsException", self.rek.create_collection, CollectionId="lifecycle"
        )
        self.assertEqual(self.rek.delete_collection(CollectionId="lifecycle")["StatusCode"], 200)
        self.assert_error(
            "ResourceNotFoundException", self.rek.describe_collection, CollectionId="lifecycle"
        )
        self.assert_error(
            "ResourceNotFoundException", self.rek.delete_collection, CollectionId="lifecycle"
        )

    def test_list_collections_paginates(self):
        names = [f"page-{i:02d}" for i in range(7)]
        for name in names:
            self.rek.create_collection(CollectionId=name)
        seen, token, pages = [], None, 0
        while True:
            args = {"MaxResults": 3}
            if token:
                args["NextToken"] = token
            page = self.rek.list_collections(**args)
            pages += 1
            self.assertLessEqual(len(page["CollectionIds"]), 3)
            self.assertEqual(len(page["CollectionIds"]), len(page["FaceModelVersions"]))
            seen += page["CollectionIds"]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual([n for n in seen if n.startswith("page-")], names)
        self.assertGreaterEqual(pages, 3)
        # boto3's own paginator (paginators-1.json) reads the same tokens.
        paginated = [
            n
            for p in self.rek.get_paginator("list_collections").paginate(
                PaginationConfig={"PageSize": 2}
            )
            for n in p["CollectionIds"]
        ]
        self.assertEqual([n for n in paginated if n.startswith("page-")], names)
        self.assert_error(
            "InvalidPaginationTokenException", self.rek.list_collections, NextToken="not a token!"
        )
        for name in names:
            self.rek.delete_collection(CollectionId=name)

    def test_event_photos_indexed_and_searched_by_selfie(self):
        rek = self.rek
        rek.create_collection(CollectionId="event")
        records = {}
        for path in SAMPLES:
            name = os.path.basename(path)
            out = rek.index_faces(
                CollectionId="event",
                Image={"Bytes": read(path)},
                ExternalImageId=name,
                DetectionAttributes=["ALL"],
            )
            self.assertGreater(len(out["FaceRecords"]), 0, name)
            for r in out["FaceRecords"]:
                face = r["Face"]
                self.assertEqual(face["ExternalImageId"], name)
                self.assertTrue(set(face["FaceId"]) <= UUID_CHARS and len(face["FaceId"]) == 36)
                self.assert_box(face["BoundingBox"])
                detail = r["FaceDetail"]
                self.assertEqual(len(detail["Landmarks"]), 30)
                self.assertEqual(
                    {"Roll", "Yaw", "Pitch"}, set(detail["Pose"]), detail["Pose"]
                )
                self.assertEqual({"Brightness", "Sharpness"}, set(detail["Quality"]))
            records[name] = out["FaceRecords"]
        total = sum(len(r) for r in records.values())
        self.assertGreaterEqual(total, 18)
        self.assertEqual(rek.describe_collection(CollectionId="event")["FaceCount"], total)

        # The same image with the same ExternalImageId stores no duplicates.
        again = rek.index_faces(
            CollectionId="event", Image={"Bytes": read(SAMPLES[0])}, ExternalImageId="sample1.jpg"
        )
        self.assertEqual(
            [r["Face"]["FaceId"] for r in again["FaceRecords"]],
            [r["Face"]["FaceId"] for r in records["sample1.jpg"]],
        )
        self.assertEqual(rek.describe_collection(CollectionId="event")["FaceCount"], total)

        # A selfie cut from each photo's largest face finds that photo, and only it.
        for path in SAMPLES:
            name = os.path.basename(path)
            largest = max(records[name], key=lambda r: area(r["Face"]["BoundingBox"]))
            selfie = crop_selfie(read(path), largest["Face"]["BoundingBox"])
            found = rek.search_faces_by_image(CollectionId="event", Image={"Bytes": selfie})
            self.assertGreater(found["SearchedFaceConfidence"], 50)
            self.assert_box(found["SearchedFaceBoundingBox"])
            matches = found["FaceMatches"]
            self.assertEqual({m["Face"]["ExternalImageId"] for m in matches}, {name}, matches)
            self.assertEqual(matches[0]["Face"]["FaceId"], largest["Face"]["FaceId"])
            self.assertGreaterEqual(matches[0]["Similarity"], 80)
            # MaxFaces and a lower threshold widen or narrow the answer as asked.
            wide = rek.search_faces_by_image(
                CollectionId="event", Image={"Bytes": selfie}, FaceMatchThreshold=0, MaxFaces=5
            )
            self.assertEqual(len(wide["FaceMatches"]), 5)
            sims = [m["Similarity"] for m in wide["FaceMatches"]]
            self.assertEqual(sims, sorted(sims, reverse=True))

        # SearchFaces by a stored face: itself excluded, its own photo's faces under 80.
        first = records["sample2.jpg"][0]["Face"]["FaceId"]
        by_face = rek.search_faces(CollectionId="event", FaceId=first, FaceMatchThreshold=0)
        self.assertEqual(by_face["SearchedFaceId"], first)
        self.assertNotIn(first, [m["Face"]["FaceId"] for m in by_face["FaceMatches"]])
        self.assertEqual(len(by_face["FaceMatches"]), total - 1)

        # ListFaces pages through every face once.
        listed, token = [], None
        while True:
            args = {"CollectionId": "event", "MaxResults": 4}
            if token:
                args["NextToken"] = token
            page = rek.list_faces(**args)
            self.assertLessEqual(len(page["Faces"]), 4)
            listed += [f["FaceId"] for f in page["Faces"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(len(listed), total)
        self.assertEqual(len(set(listed)), total)

        # DeleteFaces removes what exists and skips the rest; the photo is then not found.
        gone = [r["Face"]["FaceId"] for r in records["sample3.jpg"]]
        unknown = "00000000-0000-4000-8000-000000000000"
        deleted = rek.delete_faces(CollectionId="event", FaceIds=gone + [unknown])
        self.assertEqual(deleted["DeletedFaces"], gone)
        self.assertEqual(
            rek.describe_collection(CollectionId="event")["FaceCount"], total - len(gone)
        )
        largest = max(records["sample3.jpg"], key=lambda r: area(r["Face"]["BoundingBox"]))
        selfie = crop_selfie(read(SAMPLES[2]), largest["Face"]["BoundingBox"])
        found = rek.search_faces_by_image(CollectionId="event", Image={"Bytes": selfie})
        self.assertEqual(found["FaceMatches"], [])
        self.assert_error(
            "ResourceNotFoundException", rek.search_faces, CollectionId="event", FaceId=gone[0]
        )
        rek.delete_collection(CollectionId="event")
        self.assert_error(
            "ResourceNotFoundException", rek.list_faces, CollectionId="event"
        )

    def test_index_faces_options(self):
        rek = self.rek
        rek.create_collection(CollectionId="options")
        photo = read(SAMPLES[4])  # five faces
        out = rek.index_faces(CollectionId="options", Image={"Bytes": photo}, MaxFaces=2)
        self.assertEqual(len(out["FaceRecords"]), 2)
        self.assertTrue(out["UnindexedFaces"])
        self.assertTrue(
            all("EXCEEDS_MAX_FACES" in u["Reasons"] for u in out["UnindexedFaces"]), out
        )
        areas = [area(r["Face"]["BoundingBox"]) for r in out["FaceRecords"]]
        for u in out["UnindexedFaces"]:
            self.assertLessEqual(area(u["FaceDetail"]["BoundingBox"]), min(areas) + 1e-6)
            self.assertEqual(len(u["FaceDetail"]["Landmarks"]), 5)  # DEFAULT attributes
        self.assertNotIn("ExternalImageId", out["FaceRecords"][0]["Face"])
        # A tiny copy of the photo: its faces are too small to match, so AUTO keeps none and
        # NONE keeps them all.
        small = Image.open(io.BytesIO(photo)).convert("RGB")
        small = small.resize((small.width // 6, small.height // 6))
        buf = io.BytesIO()
        small.save(buf, format="JPEG")
        auto = rek.index_faces(CollectionId="options", Image={"Bytes": buf.getvalue()})
        reasons = {r for u in auto["UnindexedFaces"] for r in u["Reasons"]}
        self.assertEqual(auto["FaceRecords"], [])
        self.assertIn("SMALL_BOUNDING_BOX", reasons)
        kept = rek.index_faces(
            CollectionId="options", Image={"Bytes": buf.getvalue()}, QualityFilter="NONE"
        )
        self.assertEqual(len(kept["FaceRecords"]), len(auto["UnindexedFaces"]))
        rek.delete_collection(CollectionId="options")

    def test_detect_and_compare_faces(self):
        rek = self.rek
        detected = rek.detect_faces(Image={"Bytes": read(SAMPLES[3])})
        self.assertEqual(len(detected["FaceDetails"]), 4)
        for d in detected["FaceDetails"]:
            self.assert_box(d["BoundingBox"])
            self.assertEqual(
                [l["Type"] for l in d["Landmarks"]],
                ["eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose"],
            )
            eyes = {l["Type"]: l for l in d["Landmarks"]}
            self.assertLess(eyes["eyeLeft"]["X"], eyes["eyeRight"]["X"])
            self.assertGreater(d["Confidence"], 50)
        areas = [area(d["BoundingBox"]) for d in detected["FaceDetails"]]
        self.assertEqual(areas, sorted(areas, reverse=True))

        photo = read(SAMPLES[3])
        selfie = crop_selfie(photo, detected["FaceDetails"][0]["BoundingBox"])
        compared = rek.compare_faces(SourceImage={"Bytes": selfie}, TargetImage={"Bytes": photo})
        self.assertEqual(len(compared["FaceMatches"]), 1)
        self.assertEqual(len(compared["UnmatchedFaces"]), 3)
        self.assertGreaterEqual(compared["FaceMatches"][0]["Similarity"], 80)
        match_box = compared["FaceMatches"][0]["Face"]["BoundingBox"]
        self.assertAlmostEqual(
            match_box["Left"], detected["FaceDetails"][0]["BoundingBox"]["Left"], delta=0.02
        )
        self.assertIn("BoundingBox", compared["SourceImageFace"])
        everyone = rek.compare_faces(
            SourceImage={"Bytes": selfie}, TargetImage={"Bytes": photo}, SimilarityThreshold=0
        )
        self.assertEqual(len(everyone["FaceMatches"]), 4)

    def test_every_error_name(self):
        rek = self.rek
        rek.create_collection(CollectionId="errors")
        photo = read(SAMPLES[0])
        self.assert_error(
            "InvalidParameterException",
            rek.index_faces,
            CollectionId="errors",
            Image={"S3Object": {"Bucket": "event-photos", "Name": "n.jpg"}},
        )
        self.assert_error(
            "InvalidParameterException",
            rek.search_faces_by_image,
            CollectionId="errors",
            Image={"Bytes": photo},
            MaxFaces=5000,  # botocore checks minimums only; Rekognition's maximum is 4096
        )
        blank = io.BytesIO()
        Image.new("RGB", (300, 300), (200, 200, 200)).save(blank, format="JPEG")
        error = self.assert_error(
            "InvalidParameterException",
            rek.search_faces_by_image,
            CollectionId="errors",
            Image={"Bytes": blank.getvalue()},
        )
        self.assertIn("no faces", str(error))
        self.assert_error(
            "ResourceNotFoundException",
            rek.index_faces,
            CollectionId="no-such-collection",
            Image={"Bytes": photo},
        )
        self.assert_error(
            "ResourceAlreadyExistsException", rek.create_collection, CollectionId="errors"
        )
        self.assert_error(
            "InvalidImageFormatException",
            rek.detect_faces,
            Image={"Bytes": b"this is not an image, only text"},
        )
        self.assert_error(
            "InvalidImageFormatException", rek.detect_faces, Image={"Bytes": photo[: len(photo) // 3]}
        )
        self.assert_error(
            "ImageTooLargeException",
            rek.detect_faces,
            Image={"Bytes": photo + b"\0" * (5 * 1024 * 1024)},
        )
        self.assert_error(
            "InvalidParameterException",
            rek.delete_faces,
            CollectionId="errors",
            FaceIds=["not-a-face-id"],
        )
        rek.delete_collection(CollectionId="errors")


class ThroughputTest(unittest.TestCase):
    """Beyond the face queue, requests are refused at once, as AWS refuses over a quota."""

    def test_full_queue_is_provisioned_throughput_exceeded(self):
        server = findme_server.Server(MATCHING_THREAD_POOL_SIZE=1, FACE_QUEUE_LIMIT=1)
        try:
            key = server.access_key(server.organizer("busy@example.org"))
            photo = read(SAMPLES[4])
            outcomes = []
            lock = threading.Lock()

            def call():
                rek = server.client(key)  # no retries: see every refusal
                try:
                    rek.detect_faces(Image={"Bytes": photo})
                    result = "ok"
                except rek.exceptions.ClientError as e:
                    result = error_code(e)
                with lock:
                    outcomes.append(result)

            threads = [threading.Thread(target=call) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertIn("ProvisionedThroughputExceededException", outcomes, outcomes)
            self.assertIn("ok", outcomes)
            self.assertEqual(
                set(outcomes), {"ok", "ProvisionedThroughputExceededException"}, outcomes
            )
            # boto3 retries throughput refusals by itself: with its default retries every call
            # ends well once the burst is over.
            rek = server.client(key, retries=4)
            self.assertTrue(rek.detect_faces(Image={"Bytes": photo})["FaceDetails"])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
