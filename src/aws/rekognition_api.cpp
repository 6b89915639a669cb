#include "aws/rekognition_api.h"

#include <spdlog/spdlog.h>

#include "aws/operations.h"
#include "aws/sigv4/sigv4.h"

namespace findme::aws {
namespace {

constexpr std::string_view kTargetPrefix = "RekognitionService.";

api::Response json_answer(const nlohmann::json& body, std::string_view request_id) {
  api::Response r;
  r.status = 200;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.set_header("Content-Type", "application/x-amz-json-1.1");
  r.set_header("x-amzn-RequestId", std::string(request_id));
  return r;
}

// The operation named by X-Amz-Target, or empty.
std::string_view target_operation(const api::Request& request) {
  std::optional<std::string_view> target = request.header("X-Amz-Target");
  if (!target || !target->starts_with(kTargetPrefix)) return {};
  return target->substr(kTargetPrefix.size());
}

// The metrics and access-log route: one per operation findme serves, so labels stay bounded.
std::string route_of(std::string_view operation) {
  return find_operation(operation) != nullptr ? "/aws " + std::string(operation) : "/aws";
}

sigv4::SignedRequest signed_request(const api::Request& request) {
  const std::string_view target = request.target;
  const std::size_t q = target.find('?');
  return sigv4::SignedRequest{
      .method = request.method,
      .raw_path = target.substr(0, q),
      .raw_query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1),
      .headers = request.headers,
      .body = request.body};
}

std::string pending_key(const api::Request& request) { return "aws:" + request.request_id; }

}  // namespace

RekognitionApi::RekognitionApi(RekognitionContext context) : context_(context) {}

api::Response RekognitionApi::handle(const api::Request& request) {
  const std::string_view operation = target_operation(request);
  api::Response response =
      request.wait_deadline ? resume(request, operation) : start(request, operation);
  return response.with_route(route_of(operation));
}

AwsResult<Caller> RekognitionApi::authenticate(const api::Request& request) {
  const sigv4::SignedRequest signed_req = signed_request(request);
  AwsResult<sigv4::ParsedRequest> parsed = sigv4::parse_request(signed_req);
  if (!parsed) return parsed.error();
  Result<std::optional<domain::AccessKeys::Signer>> signer =
      context_.keys.find_signer(parsed->access_key_id());
  if (!signer) return from_error(signer.error());
  if (!*signer) return sigv4::unrecognized_client();
  AwsResult<void> verified =
      sigv4::verify(signed_req, *parsed, (*signer)->key.secret, context_.clock.now());
  if (!verified) {
    spdlog::info("rid={} aws signature refused: {} ({})", request.request_id,
                 verified.error().message, verified.error().detail);
    return verified.error();
  }
  return Caller{.owner = std::move((*signer)->owner),
                .region = parsed->region(),
                .read_only = (*signer)->key.read_only};
}

api::Response RekognitionApi::start(const api::Request& request, std::string_view operation) {
  const std::string& rid = request.request_id;
  if (request.method != "POST") {
    return error_response(
        aws_error(kUnknownOperation, "The Rekognition API takes POST requests only."), rid);
  }
  AwsResult<Caller> caller = authenticate(request);
  if (!caller) return error_response(caller.error(), rid);
  if (caller->owner.role != Role::organizer) {
    return error_response(aws_error(kAccessDenied,
                                    "Only organizers' access keys may call the "
                                    "Rekognition API."),
                          rid);
  }
  const Operation op = find_operation(operation);
  if (op != nullptr && caller->read_only && changes_data(operation)) {
    return error_response(
        aws_error(kAccessDenied,
                  "This access key is read-only: it may not call " + std::string(operation) + "."),
        rid);
  }
  if (op == nullptr) {
    return error_response(
        aws_error(kUnknownOperation, "findme does not serve the operation '" +
                                         sigv4::printable(operation) +
                                         "' (docs/rekognition.md lists those it does)."),
        rid);
  }
  nlohmann::json body = request.body.empty() ? nlohmann::json::object()
                                             : nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return error_response(aws_error(kSerialization, "The request body is not a JSON object."), rid);
  }
  AwsResult<Prepared> prepared = op(context_.collections, *caller, Input(body));
  if (!prepared) return error_response(prepared.error(), rid);
  if (prepared->answer) return json_answer(*prepared->answer, rid);

  // Face work: queued for a face worker; the request waits for its notification.
  auto pending = std::make_shared<Pending>();
  const std::string key = pending_key(request);
  {
    MutexLock lock(mu_);
    pending_[key] = pending;
  }
  Result<void> posted =
      context_.work.post([pending, key, task = std::move(prepared->face_work),
                          &notifier = context_.notifier](face::FaceEngine& engine) {
        AwsResult<nlohmann::json> result = task(engine);
        {
          MutexLock lock(pending->mu);
          pending->result.emplace(std::move(result));
        }
        notifier.notify(key);
      });
  if (!posted) {
    MutexLock lock(mu_);
    pending_.erase(key);
    return error_response(from_error(posted.error()), rid);
  }
  return api::Response::wait_for(key, std::chrono::steady_clock::now() + context_.face_deadline);
}

api::Response RekognitionApi::resume(const api::Request& request, std::string_view /*operation*/) {
  const std::string& rid = request.request_id;
  const std::string key = pending_key(request);
  std::shared_ptr<Pending> pending;
  {
    MutexLock lock(mu_);
    auto it = pending_.find(key);
    if (it != pending_.end()) pending = it->second;
  }
  if (!pending) {
    return error_response(aws_error(kInternalServerError, "The request's work was lost."), rid);
  }
  std::optional<AwsResult<nlohmann::json>> result;
  {
    MutexLock lock(pending->mu);
    if (pending->result) result = std::move(pending->result);
  }
  if (!result && !request.wait_expired) {
    return api::Response::wait_for(key, *request.wait_deadline);
  }
  {
    MutexLock lock(mu_);
    pending_.erase(key);
  }
  if (!result) {
    // The deadline passed (or the server is stopping) before a worker finished: the work may
    // still run, and its result is dropped.
    return error_response(
        aws_error(kThroughputExceeded,
                  "The face workers did not reach this request in time: try again later."),
        rid);
  }
  if (!*result) return error_response(result->error(), rid);
  return json_answer(**result, rid);
}

}  // namespace findme::aws
