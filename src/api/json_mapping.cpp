#include "api/json_mapping.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace findme::api {
namespace {

using nlohmann::json;

json optional_time(const std::optional<Timestamp>& t) {
  return t ? json(format_time(*t)) : json(nullptr);
}

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return ec == std::errc() && ptr == text.data() + pos + len;
}

}  // namespace

std::string format_time(Timestamp t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()),
                static_cast<long>(hms.subseconds().count()));
  return out;
}

std::optional<Timestamp> parse_time(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':' || !read_int(s, 0, 4, y) || !read_int(s, 5, 2, mo) ||
      !read_int(s, 8, 2, d) || !read_int(s, 11, 2, h) || !read_int(s, 14, 2, mi) ||
      !read_int(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (s[pos] == '.') {
    int digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    // UTC
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!read_int(s, pos + 1, 2, oh) || !read_int(s, pos + 4, 2, om)) return std::nullopt;
    offset = hours(oh) + minutes(om);
    if (s[pos] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return Timestamp{sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(sec) +
                   milliseconds(millis) - offset};
}

std::optional<std::int64_t> parse_wire_id(std::string_view text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

json user_json(const User& user) {
  return {{"id", wire_id(user.id)},
          {"email", user.email},
          {"name", user.name},
          {"role", to_string(user.role)}};
}

json event_json(const Event& event) {
  return {{"id", wire_id(event.id)},
          {"code", event.code},
          {"name", event.name},
          {"starts_at", optional_time(event.starts_at)},
          {"created_at", format_time(event.created_at)},
          {"photo_count", event.photo_count}};
}

json public_event_json(const Event& event) {
  return {{"code", event.code},
          {"name", event.name},
          {"starts_at", optional_time(event.starts_at)},
          {"photo_count", event.photo_count}};
}

json photo_json(const Photo& photo) {
  return {{"id", wire_id(photo.id)},
          {"filename", photo.filename},
          {"status", to_string(photo.status)},
          {"face_count", photo.face_count},
          {"width", photo.width},
          {"height", photo.height},
          {"error", photo.error.empty() ? json(nullptr) : json(photo.error)}};
}

json job_summary_json(const Job& job) {
  return {{"id", wire_id(job.id)}, {"status", to_string(job.status)}};
}

json job_json(const Job& job) {
  json error = nullptr;
  if (job.status == JobStatus::failed) {
    error = {{"code", job.error_code}, {"message", job.error_message}};
  }
  json result = nullptr;
  if (!job.result.empty()) result = json::parse(job.result, nullptr, false);
  if (result.is_discarded()) result = nullptr;
  return {{"id", wire_id(job.id)},
          {"kind", to_string(job.kind)},
          {"status", to_string(job.status)},
          {"created_at", format_time(job.created_at)},
          {"finished_at", optional_time(job.finished_at)},
          {"error", error},
          {"result", result}};
}

json stats_json(const EventStats& s) {
  return {{"photos",
           {{"total", s.photos_total},
            {"queued", s.photos_queued},
            {"indexed", s.photos_indexed},
            {"failed", s.photos_failed}}},
          {"faces", s.faces},
          {"attendees", s.attendees},
          {"matched_attendees", s.matched_attendees},
          {"matches", s.matches},
          {"candidates", s.candidates},
          {"queue_depth", s.queue_depth}};
}

}  // namespace findme::api
