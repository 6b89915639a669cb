#include "config/settings.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>

namespace findme::config {
namespace {

template <class T>
Result<void> read_number(const Environment& env, const char* name, T& out) {
  std::optional<std::string> text = env(name);
  if (!text || text->empty()) return {};
  T value{};
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return make_error(Errc::invalid_request, std::string(name) + "=" + *text + " is not a number");
  }
  out = value;
  return {};
}

void read_text(const Environment& env, const char* name, std::string& out) {
  if (std::optional<std::string> text = env(name); text && !text->empty()) out = *text;
}

Result<void> check_range(const char* name, std::int64_t value, std::int64_t low,
                         std::int64_t high) {
  if (value < low || value > high) {
    return make_error(Errc::invalid_request, std::string(name) + " must be between " +
                                                 std::to_string(low) + " and " +
                                                 std::to_string(high));
  }
  return {};
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read once
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<Settings> settings_from_environment(const Environment& env) {
  Settings s;
  read_text(env, "HOST", s.host);
  read_text(env, "DATABASE_URL", s.database_url);
  read_text(env, "DATA_DIR", s.data_dir);
  read_text(env, "MODEL_DIR", s.model_dir);
  read_text(env, "LANDMARK_MODEL", s.landmark_model);
  read_text(env, "DETECTOR", s.detector);
  read_text(env, "LANDMARKS", s.landmarks);
  read_text(env, "WEB_DIR", s.web_dir);
  read_text(env, "LOG_LEVEL", s.log_level);
  for (const Result<void>& r : {
           read_number(env, "PORT", s.port),
           read_number(env, "HTTP_THREADS", s.http_threads),
           read_number(env, "MAX_CONNECTIONS", s.max_connections),
           read_number(env, "MAX_QUEUE_WAIT_S", s.max_queue_wait_s),
           read_number(env, "MATCHING_THREAD_POOL_SIZE", s.matching_threads),
           read_number(env, "DB_POOL_SIZE", s.db_pool_size),
           read_number(env, "DB_MAX_OVERFLOW", s.db_max_overflow),
           read_number(env, "MAX_UPLOAD_MB", s.max_upload_mb),
           read_number(env, "MAX_IMAGE_PIXELS", s.max_image_pixels),
           read_number(env, "MAX_QUEUED_JOBS", s.max_queued_jobs),
           read_number(env, "JOB_LEASE_SECONDS", s.job_lease_seconds),
           read_number(env, "FACE_QUEUE_LIMIT", s.face_queue_limit),
       }) {
    if (!r) return r.error();
  }
  float threshold = 0;
  if (Result<void> r = read_number(env, "MATCH_THRESHOLD", threshold); !r) return r.error();
  if (threshold > 0) s.match_threshold = threshold;
  return s;
}

void add_flags(CLI::App& command, Settings& settings) {
  command.add_option("--host", settings.host, "Listen address (HOST)");
  command.add_option("--port", settings.port, "Listen port, 0 for any free port (PORT)");
  command.add_option("--database-url", settings.database_url,
                     "sqlite:PATH or postgresql://... (DATABASE_URL)");
  command.add_option("--data-dir", settings.data_dir, "Photos, thumbnails, selfies (DATA_DIR)");
  command.add_option("--http-threads", settings.http_threads, "I/O threads (HTTP_THREADS)");
  command.add_option("--max-connections", settings.max_connections,
                     "Open connections at most; more get 503 (MAX_CONNECTIONS)");
  command.add_option("--max-queue-wait", settings.max_queue_wait_s,
                     "Seconds a write may wait for a handler; beyond, 503 (MAX_QUEUE_WAIT_S)");
  command.add_option("--matching-threads", settings.matching_threads,
                     "Face job workers (MATCHING_THREAD_POOL_SIZE)");
  command.add_option("--max-upload-mb", settings.max_upload_mb, "Per-file limit (MAX_UPLOAD_MB)");
  command.add_option("--max-image-pixels", settings.max_image_pixels,
                     "Decoded-image limit (MAX_IMAGE_PIXELS)");
  command.add_option("--match-threshold", settings.match_threshold,
                     "Face distance under which faces match (MATCH_THRESHOLD)");
  command.add_option("--model-dir", settings.model_dir, "Fetched model package (MODEL_DIR)");
  command.add_option("--detector", settings.detector, "Face detector: ssd or hog (DETECTOR)");
  command.add_option("--landmarks", settings.landmarks,
                     "Landmark model: net68, or dlib68 (non-commercial) (LANDMARKS)");
  command.add_option("--web-dir", settings.web_dir, "Web app files (WEB_DIR)");
  command.add_option("--log-level", settings.log_level, "trace|debug|info|warn|error (LOG_LEVEL)");
}

Result<Settings> finalize(Settings s) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (s.http_threads == 0) s.http_threads = cores;
  if (s.matching_threads == 0) s.matching_threads = cores;
  if (s.face_queue_limit == 0) s.face_queue_limit = 4 * s.matching_threads;
  // Every HTTP thread's blocking calls and every worker may hold a connection at once.
  if (s.db_pool_size == 0) s.db_pool_size = s.http_threads * 2 + s.matching_threads;
  if (s.db_max_overflow < 0) s.db_max_overflow = s.db_pool_size;
  for (const Result<void>& r : {
           check_range("PORT", s.port, 0, 65535),
           check_range("HTTP_THREADS", s.http_threads, 1, 256),
           check_range("MAX_CONNECTIONS", s.max_connections, 16, 1'000'000),
           check_range("MAX_QUEUE_WAIT_S", s.max_queue_wait_s, 0, 3600),
           check_range("MATCHING_THREAD_POOL_SIZE", s.matching_threads, 1, 256),
           check_range("DB_POOL_SIZE", s.db_pool_size, 1, 1024),
           check_range("DB_MAX_OVERFLOW", s.db_max_overflow, 0, 1024),
           check_range("MAX_UPLOAD_MB", s.max_upload_mb, 1, 1024),
           check_range("MAX_IMAGE_PIXELS", s.max_image_pixels, 1'000'000, 1'000'000'000),
           check_range("MAX_QUEUED_JOBS", s.max_queued_jobs, 1, 100'000'000),
           check_range("JOB_LEASE_SECONDS", s.job_lease_seconds, 1, 86400),
           check_range("FACE_QUEUE_LIMIT", s.face_queue_limit, 1, 100'000),
       }) {
    if (!r) return r.error();
  }
  if (s.match_threshold && (*s.match_threshold <= 0.0f || *s.match_threshold >= 2.0f)) {
    return make_error(Errc::invalid_request, "MATCH_THRESHOLD must be between 0 and 2");
  }
  if (s.detector != "ssd" && s.detector != "hog") {
    return make_error(Errc::invalid_request, "DETECTOR must be ssd or hog, got " + s.detector);
  }
  if (s.landmarks != "net68" && s.landmarks != "dlib68") {
    return make_error(Errc::invalid_request,
                      "LANDMARKS must be net68 or dlib68, got " + s.landmarks);
  }
  if (s.database_url.rfind("sqlite:", 0) != 0 && s.database_url.rfind("postgresql://", 0) != 0 &&
      s.database_url.rfind("postgres://", 0) != 0) {
    return make_error(Errc::invalid_request,
                      "DATABASE_URL must start with sqlite: or postgresql://");
  }
  return s;
}

}  // namespace findme::config
