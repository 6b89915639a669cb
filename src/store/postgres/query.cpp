#include "store/postgres/query.h"

#include <array>
#include <bit>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

namespace findme::store::postgres {
namespace {

static_assert(std::endian::native == std::endian::little,
              "embeddings are stored as little-endian float bytea");
constexpr std::size_t kEmbeddingBytes = sizeof(FaceVector);

// Statement names are process-wide ("findme_1", ...) and keyed by the SQL's address, so every
// connection prepares a given query under the same name.
const std::string& statement_name(const char* sql) {
  static std::mutex mu;
  static std::unordered_map<const char*, std::string> names;
  std::lock_guard lock(mu);
  auto [it, inserted] = names.try_emplace(sql);
  if (inserted) it->second = "findme_" + std::to_string(names.size());
  return it->second;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void Params::add(float v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  values_.emplace_back(std::string(buf.data(), ec == std::errc() ? end : buf.data()));
}

void Params::add(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  values_.emplace_back(std::string(buf.data(), ec == std::errc() ? end : buf.data()));
}

void Params::add(const FaceVector& embedding) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::array<unsigned char, kEmbeddingBytes> bytes{};
  std::memcpy(bytes.data(), embedding.data(), kEmbeddingBytes);
  std::string hex = "\\x";
  hex.reserve(2 + 2 * kEmbeddingBytes);
  for (unsigned char b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xf]);
  }
  values_.emplace_back(std::move(hex));
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const std::optional<std::string>& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

pqxx::result Session::run_params(const char* sql, const Params& params) {
  const std::string& name = statement_name(sql);
  if (conn_.prepared.insert(sql).second) conn_.conn.prepare(name, sql);
  std::vector<const char*> pointers = params.pointers();
  return tx_.exec_prepared(name, pqxx::prepare::make_dynamic_params(pointers));
}

std::int64_t int64(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }
int int32(const pqxx::field& f) { return f.is_null() ? 0 : f.as<int>(); }
double real(const pqxx::field& f) { return f.is_null() ? 0.0 : f.as<double>(); }
bool boolean(const pqxx::field& f) { return !f.is_null() && f.as<bool>(); }
std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

std::optional<Timestamp> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time(f);
}

bool embedding(const pqxx::field& f, FaceVector& out) {
  // bytea arrives in the hex output format: \x followed by two digits per byte.
  if (f.is_null()) return false;
  const char* s = f.c_str();
  const std::size_t n = f.size();
  if (n != 2 + 2 * kEmbeddingBytes || s[0] != '\\' || s[1] != 'x') return false;
  std::array<unsigned char, kEmbeddingBytes> bytes{};
  for (std::size_t i = 0; i < kEmbeddingBytes; ++i) {
    const int hi = hex_value(s[2 + 2 * i]);
    const int lo = hex_value(s[3 + 2 * i]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  std::memcpy(out.data(), bytes.data(), kEmbeddingBytes);
  return true;
}

}  // namespace findme::store::postgres
