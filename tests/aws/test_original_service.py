"""The original service's Rekognition code (original_service.py) runs on findme unchanged."""
import os
import unittest

import findme_server
from findme_server import SAMPLES, read
from original_service import FaceIndex
from test_rekognition import area, crop_selfie


class OriginalServiceTest(unittest.TestCase):
    def test_event_flow_with_only_endpoint_url_changed(self):
        server = findme_server.Server()
        try:
            key_id, secret = server.access_key(server.organizer("legacy@example.org"))
            faces = FaceIndex("us-east-1", key_id, secret, endpoint_url=server.endpoint)
            faces.create_event("SUMMER24")
            faces.create_event("SUMMER24")  # idempotent, as the service expected
            for path in SAMPLES:
                self.assertGreater(faces.index_photo("SUMMER24", os.path.basename(path), read(path)), 0)

            # Each attendee's selfie (the largest face of a photo, cut out) finds their photo.
            detect = server.client((key_id, secret))
            for path in SAMPLES:
                details = detect.detect_faces(Image={"Bytes": read(path)})["FaceDetails"]
                largest = max(details, key=lambda d: area(d["BoundingBox"]))
                selfie = crop_selfie(read(path), largest["BoundingBox"])
                self.assertEqual(faces.find_photos("SUMMER24", selfie), [os.path.basename(path)])
            blank = crop_selfie(read(SAMPLES[0]), {"Left": 0, "Top": 0.9, "Width": 0.05, "Height": 0.05}, 0)
            self.assertEqual(faces.find_photos("SUMMER24", blank), [])
            faces.delete_event("SUMMER24")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
