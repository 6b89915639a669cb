// `findme serve`: the HTTP service on the settings from the environment and flags.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/service.h"
#include "app/settings_binding.h"
#include "config/settings.h"
#include "core/stopwatch.h"
#include "logging/batched_sink.h"

namespace findme::app {
namespace {

// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so that only the
// sigwait() below receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Each open connection holds a socket, and one with a large upload a spool file too: the process
// must be allowed that many descriptors, so that a crowd of clients meets the connection cap (an
// explicit 503) before the descriptor limit (accepts failing). Raises the soft open-file limit,
// up to the hard one, and warns when even that is short.
void fit_descriptor_limit(int max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(max_connections) * 2 + 256;
  if (limit.rlim_cur >= wanted) return;
  const rlim_t raised = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (raised > limit.rlim_cur) {
    rlimit updated = limit;
    updated.rlim_cur = raised;
    if (setrlimit(RLIMIT_NOFILE, &updated) == 0) limit = updated;
  }
  if (limit.rlim_cur < wanted) {
    spdlog::warn(
        "the open-file limit is {}, under the {} that MAX_CONNECTIONS={} needs: beyond ~{} "
        "connections accepts fail instead of answering 503; raise the hard limit (ulimit -Hn, "
        "LimitNOFILE=) or lower MAX_CONNECTIONS",
        limit.rlim_cur, wanted, max_connections, (limit.rlim_cur - 256) / 2);
  }
}

int run_serve(config::Settings settings) {
  Result<config::Settings> final_settings = config::finalize(std::move(settings));
  if (!final_settings) {
    std::cerr << "findme: " << final_settings.error().message << "\n";
    return 1;
  }
  // Logs go to stderr; stdout carries only the one "serving on" line that scripts wait for. A
  // terminal gets every line at once, in colour; a file or pipe gets them in batches, flushed
  // every second and at every warning (logging/batched_sink.h).
  if (::isatty(STDERR_FILENO) != 0) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("findme"));
  } else {
    auto sink = std::make_shared<logging::BatchedFdSink>(STDERR_FILENO);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("findme", std::move(sink)));
    spdlog::flush_every(std::chrono::seconds(1));
  }
  spdlog::set_level(spdlog::level::from_str(final_settings->log_level));
  fit_descriptor_limit(final_settings->max_connections);
  const sigset_t stop_signals = block_stop_signals();
  Stopwatch startup;
  Result<std::unique_ptr<Service>> service = Service::start(*final_settings);
  if (!service) {
    std::cerr << "findme: " << service.error().message << "\n";
    return 1;
  }
  const std::string host = final_settings->host.find(':') != std::string::npos
                               ? "[" + final_settings->host + "]"
                               : final_settings->host;
  spdlog::info("findme {} ready in {:.0f} ms: {} matching workers, {} HTTP threads, data in {}",
               FINDME_VERSION, startup.elapsed_ms(), final_settings->matching_threads,
               final_settings->http_threads, final_settings->data_dir);
  std::printf("findme is serving on http://%s:%u\n", host.c_str(), (*service)->port());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}; shutting down", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  (*service)->stop();
  spdlog::shutdown();  // the last batch of lines
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, int& exit_code) {
  auto settings = std::make_shared<config::Settings>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand("serve", "Run the HTTP service (API.md) and its workers");
  bind_settings(*cmd, *settings, exit_code);
  cmd->callback([settings, &exit_code] {
    if (exit_code == 0) exit_code = run_serve(*settings);
  });
}

}  // namespace findme::app
