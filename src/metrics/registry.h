// Process metrics (counters, gauges, histograms) rendered in the Prometheus text format for
// GET /metrics. Updates are lock-free atomics; looking up a labelled series takes a shared lock,
// so hot code looks a series up once and keeps the reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/mutex.h"

namespace findme::metrics {

// Label names and values, in the order given. Values are escaped when rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Thread-safe; monotonically increasing.
class Counter {
 public:
  void inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Thread-safe; goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Thread-safe. Fixed upper bounds (le), ascending; +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == bounds().size() is the +Inf bucket).
  std::uint64_t bucket_count(std::size_t i) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, from 1 ms to 60 s.
std::vector<double> default_latency_buckets();

// Thread-safe. Returned references stay valid for the registry's lifetime. Asking again for the
// same name and labels returns the same series; the help text and buckets of the first call win.
// Names must match [a-zA-Z_:][a-zA-Z0-9_:]*; one name has one type (a mismatch throws
// std::logic_error: a programming error).
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const Labels& labels = {});
  // `read` is called at every render(), from the scraping thread; it must be thread-safe and
  // must outlive the registry (or be a value that owns what it reads). Re-registering replaces.
  void callback_gauge(std::string_view name, std::string_view help, const Labels& labels,
                      std::function<double()> read);

  // Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // key: rendered label set
  };

  Series& series(std::string_view name, std::string_view help, Type type, const Labels& labels,
                 const std::function<void(Series&)>& init);
  void render_family(std::string& out, const std::string& name, const Family& family) const;

  mutable SharedMutex mu_;
  std::map<std::string, Family, std::less<>> families_ FINDME_GUARDED_BY(mu_);
};

// Prometheus label-value escaping: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace findme::metrics
