"""The AWS CLI (Debian's awscli, /usr/bin/aws) drives findme's Rekognition API unchanged."""
import json
import os
import subprocess
import unittest

import findme_server
from findme_server import SAMPLES

AWS = "/usr/bin/aws"


@unittest.skipUnless(os.path.exists(AWS), "Debian's awscli is not installed (tools/setup.sh)")
class AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = findme_server.Server()
        key = cls.server.access_key(cls.server.organizer("cli@example.org"))
        cls.env = dict(
            os.environ,
            AWS_ACCESS_KEY_ID=key[0],
            AWS_SECRET_ACCESS_KEY=key[1],
            AWS_DEFAULT_REGION="eu-west-3",
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_PAGER="",
        )

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def aws(self, *args, ok=True):
        run = subprocess.run(
            [AWS, "rekognition", *args, "--endpoint-url", self.server.endpoint, "--output", "json"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if ok:
            self.assertEqual(run.returncode, 0, run.stderr)
            return json.loads(run.stdout) if run.stdout.strip() else None
        self.assertNotEqual(run.returncode, 0, run.stdout)
        return run.stderr

    def test_collection_index_search_delete(self):
        created = self.aws("create-collection", "--collection-id", "cli-event")
        self.assertIn(":collection/cli-event", created["CollectionArn"])
        self.assertIn("eu-west-3", created["CollectionArn"])
        ids = []
        for path in SAMPLES[:3]:
            out = self.aws(
                "index-faces",
                "--collection-id",
                "cli-event",
                "--image-bytes",
                "fileb://" + path,
                "--external-image-id",
                os.path.basename(path),
            )
            ids += [r["Face"]["FaceId"] for r in out["FaceRecords"]]
        self.assertGreater(len(ids), 5)
        # The CLI pages by itself through NextToken.
        listed = self.aws(
            "list-faces", "--collection-id", "cli-event", "--page-size", "2"
        )["Faces"]
        self.assertEqual(sorted(f["FaceId"] for f in listed), sorted(ids))
        found = self.aws(
            "search-faces", "--collection-id", "cli-event", "--face-id", ids[0],
            "--face-match-threshold", "0", "--max-faces", "3",
        )
        self.assertEqual(len(found["FaceMatches"]), 3)
        searched = self.aws(
            "search-faces-by-image", "--collection-id", "cli-event",
            "--image-bytes", "fileb://" + SAMPLES[1],
        )
        self.assertTrue(searched["FaceMatches"])
        self.assertEqual(
            {m["Face"]["ExternalImageId"] for m in searched["FaceMatches"]}, {"sample2.jpg"}
        )
        deleted = self.aws("delete-faces", "--collection-id", "cli-event", "--face-ids", ids[0])
        self.assertEqual(deleted["DeletedFaces"], [ids[0]])
        described = self.aws("describe-collection", "--collection-id", "cli-event")
        self.assertEqual(described["FaceCount"], len(ids) - 1)
        detected = self.aws("detect-faces", "--image-bytes", "fileb://" + SAMPLES[3])
        self.assertEqual(len(detected["FaceDetails"]), 4)
        compared = self.aws(
            "compare-faces",
            "--source-image-bytes", "fileb://" + SAMPLES[3],
            "--target-image-bytes", "fileb://" + SAMPLES[3],
        )
        self.assertEqual(len(compared["FaceMatches"]), 1)  # the source's largest face
        self.assertGreater(compared["FaceMatches"][0]["Similarity"], 95)
        self.assertEqual(len(compared["UnmatchedFaces"]), 3)
        self.assertIn("cli-event", self.aws("list-collections")["CollectionIds"])
        self.aws("delete-collection", "--collection-id", "cli-event")
        stderr = self.aws("describe-collection", "--collection-id", "cli-event", ok=False)
        self.assertIn("ResourceNotFoundException", stderr)

    def test_a_wrong_secret_is_refused(self):
        env = dict(self.env, AWS_SECRET_ACCESS_KEY="wrong" * 8)
        run = subprocess.run(
            [AWS, "rekognition", "list-collections", "--endpoint-url", self.server.endpoint],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("InvalidSignatureException", run.stderr)


if __name__ == "__main__":
    unittest.main()
