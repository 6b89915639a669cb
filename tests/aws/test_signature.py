"""Every request to findme's Rekognition API is signed, and a key acts for its owner only."""
import datetime
import json
import unittest
import urllib.error
import urllib.request
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials

import findme_server


def raw_call(url, body, headers):
    """POSTs as given; returns (status, parsed body)."""
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def signed(url, key, body, at=None, region="eu-west-1", target="ListCollections"):
    """Headers of a request signed by botocore's SigV4Auth, at time `at` (default: now)."""
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "RekognitionService." + target,
        },
    )
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(key[0], key[1]), "rekognition", region
    )
    if at is None:
        signer.add_auth(request)
    else:

        class Pinned(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return at

        with mock.patch.object(botocore.auth.datetime, "datetime", Pinned):
            signer.add_auth(request)
    return dict(request.headers.items())


class SignatureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = findme_server.Server()
        cls.token = cls.server.organizer("owner@example.org")
        cls.key = cls.server.access_key(cls.token)
        cls.rek = cls.server.client(cls.key)
        cls.rek.create_collection(CollectionId="private")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def expect(self, status, error, response):
        self.assertEqual(response[0], status, response)
        self.assertEqual(response[1]["__type"], error, response)
        return response[1]["message"]

    def test_a_correct_signature_is_accepted(self):
        body = b"{}"
        response = raw_call(self.server.endpoint, body, signed(self.server.endpoint, self.key, body))
        self.assertEqual(response[0], 200, response)
        self.assertIn("private", response[1]["CollectionIds"])

    def test_a_tampered_signature_is_refused(self):
        body = b"{}"
        headers = signed(self.server.endpoint, self.key, body)
        auth = headers["Authorization"]
        last = auth[-1]
        headers["Authorization"] = auth[:-1] + ("0" if last != "0" else "1")
        self.expect(403, "InvalidSignatureException", raw_call(self.server.endpoint, body, headers))

    def test_a_tampered_body_is_refused(self):
        headers = signed(self.server.endpoint, self.key, b"{}")
        tampered = b'{"MaxResults": 1}'
        self.expect(
            403, "InvalidSignatureException", raw_call(self.server.endpoint, tampered, headers)
        )

    def test_an_expired_date_is_refused(self):
        body = b"{}"
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        message = self.expect(
            403,
            "InvalidSignatureException",
            raw_call(self.server.endpoint, body, signed(self.server.endpoint, self.key, body, old)),
        )
        self.assertIn("Signature expired", message)
        soon = datetime.datetime.utcnow() + datetime.timedelta(minutes=5)
        response = raw_call(
            self.server.endpoint, body, signed(self.server.endpoint, self.key, body, soon)
        )
        self.assertEqual(response[0], 200, response)  # within AWS's 15 minutes

    def test_a_missing_signature_is_refused(self):
        self.expect(
            403,
            "MissingAuthenticationTokenException",
            raw_call(
                self.server.endpoint,
                b"{}",
                {
                    "Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "RekognitionService.ListCollections",
                },
            ),
        )

    def test_an_unknown_or_revoked_key_is_refused(self):
        rek = self.server.client(("AKFMAAAAAAAAAAAAAAAA", "x" * 40))
        with self.assertRaises(rek.exceptions.ClientError) as raised:
            rek.list_collections()
        self.assertEqual(raised.exception.response["Error"]["Code"], "UnrecognizedClientException")

        key = self.server.access_key(self.token)
        rek = self.server.client(key)
        rek.list_collections()
        status, _ = self.server.call("DELETE", "/api/access-keys/" + key[0], token=self.token)
        self.assertEqual(status, 204)
        with self.assertRaises(rek.exceptions.ClientError) as raised:
            rek.list_collections()
        self.assertEqual(raised.exception.response["Error"]["Code"], "UnrecognizedClientException")

    def test_another_owners_key_sees_none_of_the_collections(self):
        other = self.server.client(self.server.access_key(self.server.organizer("other@example.org")))
        self.assertNotIn("private", other.list_collections()["CollectionIds"])
        for call, args in [
            (other.describe_collection, {"CollectionId": "private"}),
            (other.list_faces, {"CollectionId": "private"}),
            (other.delete_collection, {"CollectionId": "private"}),
        ]:
            with self.assertRaises(other.exceptions.ClientError) as raised:
                call(**args)
            self.assertEqual(
                raised.exception.response["Error"]["Code"], "ResourceNotFoundException"
            )
        # Their own collection of the same name is theirs alone.
        other.create_collection(CollectionId="private")
        self.assertEqual(self.rek.describe_collection(CollectionId="private")["FaceCount"], 0)

    def test_a_read_only_key_may_only_read(self):
        reader = self.server.client(self.server.access_key(self.token, read_only=True))
        self.assertIn("private", reader.list_collections()["CollectionIds"])
        self.assertEqual(reader.describe_collection(CollectionId="private")["FaceCount"], 0)
        self.assertEqual(reader.list_faces(CollectionId="private")["Faces"], [])
        photo = findme_server.read(findme_server.SAMPLES[0])
        for call, args in [
            (reader.create_collection, {"CollectionId": "mine"}),
            (reader.delete_collection, {"CollectionId": "private"}),
            (reader.index_faces, {"CollectionId": "private", "Image": {"Bytes": photo}}),
            (
                reader.delete_faces,
                {"CollectionId": "private", "FaceIds": ["00000000-0000-4000-8000-000000000000"]},
            ),
        ]:
            with self.assertRaises(reader.exceptions.ClientError) as raised:
                call(**args)
            self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn("private", self.rek.list_collections()["CollectionIds"])
        status, _ = self.server.call("POST", "/api/access-keys", {"read_only": "yes"}, self.token)
        self.assertEqual(status, 400)

    def test_keys_are_managed_through_findmes_api(self):
        status, body = self.server.call("GET", "/api/access-keys", token=self.token)
        self.assertEqual(status, 200)
        ids = [k["access_key_id"] for k in body["access_keys"]]
        self.assertIn(self.key[0], ids)
        self.assertTrue(all("secret_access_key" not in k for k in body["access_keys"]))
        used = [k for k in body["access_keys"] if k["access_key_id"] == self.key[0]][0]
        self.assertIsNotNone(used["last_used_at"])
        # Attendees have no keys; nobody revokes another's key.
        status, _ = self.server.call("DELETE", "/api/access-keys/" + self.key[0],
                                     token=self.server.organizer("thief@example.org"))
        self.assertEqual(status, 404)
        status, _ = self.server.call("POST", "/api/access-keys", {})
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
