#include "metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace findme::metrics {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string label_set(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view n, std::string_view v) {
    if (!first) out += ',';
    first = false;
    out.append(n).append("=\"").append(escape_label_value(v)).append("\"");
  };
  for (const auto& [n, v] : labels) add(n, v);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
  return std::string(buf, end);
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v: le
  auto i = static_cast<std::size_t>(it - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Histogram::bucket_count(std::size_t i) const {
  return buckets_[i].load(std::memory_order_relaxed);
}

std::vector<double> default_latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

Registry::Series& Registry::series(std::string_view name, std::string_view help, Type type,
                                   const Labels& labels, const std::function<void(Series&)>& init) {
  std::string key = label_set(labels);
  {
    ReaderLock lock(mu_);
    auto f = families_.find(name);
    if (f != families_.end() && f->second.type == type) {
      auto s = f->second.series.find(key);
      if (s != f->second.series.end()) return s->second;
    }
  }
  if (!valid_name(name)) throw std::logic_error("invalid metric name: " + std::string(name));
  for (const auto& [n, v] : labels) {
    if (!valid_name(n) || n.find(':') != std::string::npos) {
      throw std::logic_error("invalid label name: " + n);
    }
  }
  WriterLock lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) {
    f = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (f->second.type != type) {
    throw std::logic_error("metric registered with another type: " + std::string(name));
  }
  auto [s, inserted] = f->second.series.try_emplace(key);
  if (inserted) {
    s->second.labels = labels;
    init(s->second);
  }
  return s->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return *series(name, help, Type::counter, labels, [](Series& s) {
            s.counter = std::make_unique<Counter>();
          }).counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  Series& s = series(name, help, Type::gauge, labels,
                     [](Series& fresh) { fresh.gauge = std::make_unique<Gauge>(); });
  if (!s.gauge) throw std::logic_error("metric is a callback gauge: " + std::string(name));
  return *s.gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, const Labels& labels) {
  return *series(name, help, Type::histogram, labels, [&](Series& s) {
            s.histogram = std::make_unique<Histogram>(std::move(bounds));
          }).histogram;
}

void Registry::callback_gauge(std::string_view name, std::string_view help, const Labels& labels,
                              std::function<double()> read) {
  Series& s = series(name, help, Type::gauge, labels, [](Series&) {});
  WriterLock lock(mu_);
  s.gauge.reset();
  s.read = std::move(read);
}

void Registry::render_family(std::string& out, const std::string& name,
                             const Family& family) const {
  static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name + " " + escape_help(family.help) + "\n";
  out += "# TYPE " + name + " " + kTypeNames[static_cast<int>(family.type)] + "\n";
  for (const auto& [key, s] : family.series) {
    if (s.counter) {
      out += name + key + " " + format_value(s.counter->value()) + "\n";
    } else if (s.gauge) {
      out += name + key + " " + format_value(s.gauge->value()) + "\n";
    } else if (s.read) {
      out += name + key + " " + format_value(s.read()) + "\n";
    } else if (s.histogram) {
      const Histogram& h = *s.histogram;
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
        cumulative += h.bucket_count(i);
        std::string le = i < h.bounds().size() ? format_value(h.bounds()[i]) : "+Inf";
        out.append(name).append("_bucket").append(label_set(s.labels, "le", le)).append(" ");
        out.append(std::to_string(cumulative)).append("\n");
      }
      out.append(name).append("_sum").append(key).append(" ");
      out.append(format_value(h.sum())).append("\n");
      out.append(name).append("_count").append(key).append(" ");
      out.append(std::to_string(h.count())).append("\n");
    }
  }
}

std::string Registry::render() const {
  ReaderLock lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) render_family(out, name, family);
  return out;
}

}  // namespace findme::metrics
