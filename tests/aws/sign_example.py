#!/usr/bin/python3
"""Prints requests signed by the real botocore, for src/aws/sigv4/sigv4_test.cpp.

The constants in that test were pasted from this script's output, run with Debian 12's
python3-botocore 1.29.27 and python3-boto3 1.26.27:

    /usr/bin/python3 tests/aws/sign_example.py

Each case goes through a real boto3 Rekognition client (JSON 1.1 protocol, endpoint_url as a
findme user would give it), so the signed bytes are exactly what botocore sends: the endpoint
joining, the serializer's headers and the signer. A `before-send` hook captures the prepared
request instead of sending it, and the signer's clock is pinned so the output never changes.
The last cases sign requests of AWS's published test suite (aws-sig-v4-test-suite: "get-vanilla",
"post-vanilla", ...; secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z) with
botocore's SigV4Auth, to cross-check the published signatures the C++ test also uses.
"""
import datetime
import json
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials

FIXED = datetime.datetime(2026, 12, 6, 12, 0, 0)
KEY_ID = "AKIDFINDMEEXAMPLE"
SECRET = "findme/K7MDENG+bPxRfiCYEXAMPLESECRET"


# Unsigned headers whose values change from run to run or machine to machine: botocore never signs
# User-Agent (SIGNED_HEADERS_BLACKLIST in botocore/auth.py) and adds the amz-sdk-* ones after
# signing, so they are left out of the output.
_VARYING = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request"}


class _PinnedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FIXED


def _capture(endpoint_url, operation, params, token=None, region="us-east-1"):
    """Runs one client call and returns the request botocore would have sent."""
    client = boto3.client(
        "rekognition",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
    )
    sent = {}

    def before_send(request, **_):
        sent["request"] = request
        body = json.dumps({}).encode()
        raw = botocore.awsrequest.AWSResponse(request.url, 200, {}, None)
        raw._content = body  # an empty JSON answer is enough for the caller to return
        return raw

    client.meta.events.register("before-send.rekognition", before_send)
    with mock.patch.object(botocore.auth.datetime, "datetime", _PinnedDatetime):
        try:
            getattr(client, operation)(**params)
        except Exception:  # the canned answer may not satisfy every output shape
            pass
    return sent["request"]


def _print(title, request):
    print(f"== {title}")
    print(f"{request.method} {request.url}")
    for name, value in request.headers.items():
        if name.lower() in _VARYING:
            continue
        if isinstance(value, bytes):
            value = value.decode()
        print(f"{name}: {value}")
    body = request.body
    if isinstance(body, bytes):
        body = body.decode()
    print(f"body: {body!r}")
    print()


def _sign_test_suite(method, target, title):
    credentials = botocore.credentials.Credentials(
        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    request = botocore.awsrequest.AWSRequest(
        method=method,
        url="https://example.amazonaws.com" + target,
        headers={"Host": "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z"},
    )
    request.context["timestamp"] = "20150830T123600Z"
    signer = botocore.auth.SigV4Auth(credentials, "service", "us-east-1")
    # add_auth reads the clock; sign with the suite's timestamp instead.
    signer._modify_request_before_signing = lambda r: None
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    print(f"== {title}: signature {signature}")


def main():
    _print(
        "ListCollections, endpoint http://127.0.0.1:8080/aws",
        _capture("http://127.0.0.1:8080/aws", "list_collections", {"MaxResults": 10}),
    )
    _print(
        "ListCollections, endpoint http://127.0.0.1:8080/aws/ (trailing slash)",
        _capture("http://127.0.0.1:8080/aws/", "list_collections", {}),
    )
    _print(
        "DeleteCollection with a session token, region eu-west-1",
        _capture(
            "http://localhost:8080/aws",
            "delete_collection",
            {"CollectionId": "harbour run"},
            token="findme-session-token",
            region="eu-west-1",
        ),
    )
    _sign_test_suite("GET", "/", "aws-sig-v4-test-suite get-vanilla")
    _sign_test_suite("POST", "/", "aws-sig-v4-test-suite post-vanilla")
    _sign_test_suite(
        "GET", "/?Param2=value2&Param1=value1", "aws-sig-v4-test-suite get-vanilla-query-order-key-case"
    )
    _sign_test_suite("GET", "/example space/", "aws-sig-v4-test-suite get-space")


if __name__ == "__main__":
    main()
