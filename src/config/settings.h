// findme's configuration: API.md's environment variables, overridden by command-line flags,
// parsed and validated once. The app maps Settings onto each module's own Options struct.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/limits.h"
#include "core/result.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}

namespace findme::config {

// The face-api package folder that tools/fetch_models.sh fills (pinned version: the one home of
// this name in C++; tools/fetch_models.sh and the top CMakeLists.txt name it for scripts and
// tests).
inline constexpr const char* kDefaultModelDir = "./models/face-api-1.7.15";

struct Settings {
  std::string host = "127.0.0.1";  // least privilege: loopback unless told otherwise
  int port = 8080;
  std::string database_url = "sqlite:./data/findme.db";
  std::string data_dir = "./data";
  int http_threads = 0;  // 0: number of cores
  // Open connections at most; more are answered 503 with Retry-After and closed at once.
  int max_connections = 2048;
  // A sign-up, selfie, upload (any write) that would wait longer than this for a handler thread
  // is answered 503 with Retry-After at once instead of queuing; 0: never refused.
  int max_queue_wait_s = 10;
  int matching_threads = 0;  // 0: number of cores
  int db_pool_size = 0;      // 0: sized from the threads
  int db_max_overflow = -1;  // -1: sized from the threads
  int max_upload_mb = kDefaultMaxUploadMb;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;
  std::optional<float> match_threshold;  // unset: the model's calibrated value
  std::string model_dir = kDefaultModelDir;
  std::string landmark_model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  std::string detector = "ssd";  // face detector: "ssd" (SSD MobileNet v1) or "hog" (dlib)
  // 68-point landmarks: "net68" (face-api's net, MIT) or "dlib68" (dlib's predictor from
  // libdlib-data, LANDMARK_MODEL: its training data is licensed for non-commercial use only).
  std::string landmarks = "net68";
  std::string web_dir = "./web";
  std::string log_level = "info";
  int max_queued_jobs = 100'000;  // the durable queue's limit: beyond it uploads get 429 busy
  // How long a worker holds a job before another may take it over (its process died).
  int job_lease_seconds = 120;
  // Requests of the Rekognition-compatible API (docs/rekognition.md) that may wait for a face
  // worker; beyond, ProvisionedThroughputExceededException. 0: 4 per worker.
  int face_queue_limit = 0;
};

// Looks up an environment variable; std::getenv in production, a map in tests.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// Applies the environment over the defaults. Errc::invalid_request names the variable and the
// value it expected when a value does not parse.
Result<Settings> settings_from_environment(const Environment& env);

// Registers `--host`, `--port`, ... on `command`; CLI11 writes parsed flags into `settings`,
// which must outlive the parse.
void add_flags(CLI::App& command, Settings& settings);

// Fills the "number of cores" defaults and checks ranges. Errc::invalid_request says which
// setting is out of range.
Result<Settings> finalize(Settings settings);

}  // namespace findme::config
