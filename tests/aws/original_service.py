"""How the Python service findme replaces used Amazon Rekognition, kept as that code was shaped.

An organizer's upload indexes each event photo into the event's collection with the photo's id as
ExternalImageId; an attendee's selfie is searched with Rekognition's default threshold of 80 and
the matching ExternalImageIds are the attendee's photos. Pointing it at findme changes one
argument: `endpoint_url`. tests/aws/test_original_service.py runs it against findme.
"""
import boto3
from botocore.exceptions import ClientError

FACE_MATCH_THRESHOLD = 80


class FaceIndex:
    def __init__(self, region, access_key_id, secret_access_key, endpoint_url=None):
        self.client = boto3.client(
            "rekognition",
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            endpoint_url=endpoint_url,  # the one line that moves the service to findme
        )

    @staticmethod
    def collection_id(event_code):
        return f"event-{event_code}"

    def create_event(self, event_code):
        try:
            self.client.create_collection(CollectionId=self.collection_id(event_code))
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceAlreadyExistsException":
                raise

    def index_photo(self, event_code, photo_id, image_bytes):
        """Returns the number of faces indexed."""
        response = self.client.index_faces(
            CollectionId=self.collection_id(event_code),
            Image={"Bytes": image_bytes},
            ExternalImageId=photo_id,
            DetectionAttributes=["DEFAULT"],
        )
        return len(response["FaceRecords"])

    def find_photos(self, event_code, selfie_bytes):
        """The ids of the event's photos the selfie's person appears in, best first."""
        try:
            response = self.client.search_faces_by_image(
                CollectionId=self.collection_id(event_code),
                Image={"Bytes": selfie_bytes},
                FaceMatchThreshold=FACE_MATCH_THRESHOLD,
                MaxFaces=100,
            )
        except ClientError as e:
            if e.response["Error"]["Code"] == "InvalidParameterException":
                return []  # no face in the selfie
            raise
        photo_ids = []
        for match in response["FaceMatches"]:
            photo_id = match["Face"]["ExternalImageId"]
            if photo_id not in photo_ids:
                photo_ids.append(photo_id)
        return photo_ids

    def delete_event(self, event_code):
        self.client.delete_collection(CollectionId=self.collection_id(event_code))
