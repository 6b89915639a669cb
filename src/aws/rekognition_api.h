// Amazon Rekognition's face-collection API on findme's engine: `POST /aws/` with
// `X-Amz-Target: RekognitionService.<Operation>` and an awsJson1_1 body, so that boto3 and the
// AWS CLI pointed at findme (`endpoint_url=http://HOST:PORT/aws`) work as they do against AWS.
// Every request is signed (AWS Signature Version 4) with an access key an organizer created;
// it acts on that organizer's collections only. docs/rekognition.md is the user's guide.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "api/handler.h"
#include "aws/errors.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "core/notifier.h"
#include "domain/access_keys.h"
#include "domain/face_collections.h"
#include "domain/face_work.h"

namespace findme::aws {

// Everything the API calls; all must outlive it.
struct RekognitionContext {
  domain::AccessKeys& keys;
  domain::FaceCollections& collections;
  domain::FaceWork& work;
  Notifier& notifier;
  const Clock& clock;
  // How long a request may wait for its face work (queue and run) before it is answered with
  // an error; the queue's bound keeps real waits far below it.
  std::chrono::seconds face_deadline{30};
};

// Thread-safe. Face work runs on the face workers (FaceWork::post); meanwhile the request waits
// without holding a thread (api::Response::wait_for) and is answered when the work notifies.
class RekognitionApi final : public api::Handler {
 public:
  explicit RekognitionApi(RekognitionContext context);
  api::Response handle(const api::Request& request) override;

 private:
  struct Pending {
    Mutex mu;
    std::optional<AwsResult<nlohmann::json>> result FINDME_GUARDED_BY(mu);
  };

  api::Response start(const api::Request& request, std::string_view operation);
  api::Response resume(const api::Request& request, std::string_view operation);
  // The signer of the request, or the error to answer.
  AwsResult<struct Caller> authenticate(const api::Request& request);

  RekognitionContext context_;
  Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Pending>> pending_ FINDME_GUARDED_BY(mu_);
};

}  // namespace findme::aws
