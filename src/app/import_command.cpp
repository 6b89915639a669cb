// `findme import --event CODE DIR`: bulk-imports a folder of photos into an event, straight into
// the database and DATA_DIR (also while a server runs on the same data: its workers index them).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/import_session.h"
#include "app/settings_binding.h"
#include "config/settings.h"
#include "core/stopwatch.h"

namespace findme::app {
namespace {

namespace fs = std::filesystem;

struct ImportArgs {
  config::Settings settings;
  std::string event_code;
  std::string folder;
  bool wait = false;
};

std::vector<fs::path> photo_files(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void draw_progress(std::size_t done, std::size_t total, std::size_t rejected, double seconds) {
  constexpr int kWidth = 30;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu photos  %zu rejected  %.1f/s ",
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), done, total,
               rejected, seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
  std::fflush(stderr);
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read the file");
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

int run_import(const ImportArgs& args) {
  Result<config::Settings> settings = config::finalize(args.settings);
  if (!settings) {
    std::cerr << "findme: " << settings.error().message << "\n";
    return 1;
  }
  Result<std::unique_ptr<ImportSession>> session = ImportSession::open(*settings);
  if (!session) {
    std::cerr << "findme: " << session.error().message << "\n";
    return 1;
  }
  const std::vector<fs::path> files = photo_files(args.folder);
  if (files.empty()) {
    std::cerr << "findme: no files in " << args.folder << "\n";
    return 1;
  }
  Result<Event> event = (*session)->event(args.event_code);
  if (!event) {
    std::cerr << "findme: " << event.error().message << "\n";
    return 1;
  }
  std::fprintf(stderr, "importing %zu files into \"%s\" (%s)\n", files.size(), event->name.c_str(),
               event->code.c_str());
  Stopwatch watch;
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::size_t rejected_count = 0;
  std::map<std::string, std::vector<std::string>> rejected;  // reason -> files
  for (std::size_t i = 0; i < files.size(); ++i) {
    Result<std::string> bytes = read_file(files[i]);
    Result<bool> stored = bytes ? (*session)->add(*event, files[i].filename().string(), *bytes)
                                : Result<bool>(bytes.error());
    if (stored) {
      ++(*stored ? accepted : duplicates);
    } else if (stored.error().code == Errc::unavailable || stored.error().code == Errc::busy) {
      std::fprintf(stderr, "\nfindme: stopped at %s: %s\n", files[i].c_str(),
                   stored.error().message.c_str());
      return 1;
    } else {
      rejected[stored.error().message].push_back(files[i].string());
      ++rejected_count;
    }
    draw_progress(i + 1, files.size(), rejected_count, watch.elapsed_ms() / 1000.0);
  }
  std::fprintf(stderr, "\nimported %zu of %zu photos in %.1f s\n", accepted, files.size(),
               watch.elapsed_ms() / 1000.0);
  if (duplicates > 0) {
    std::fprintf(stderr, "skipped %zu already in the event (same bytes)\n", duplicates);
  }
  for (const auto& [reason, names] : rejected) {
    std::fprintf(stderr, "rejected %zu: %s\n", names.size(), reason.c_str());
    for (std::size_t i = 0; i < std::min<std::size_t>(names.size(), 5); ++i) {
      std::fprintf(stderr, "  %s\n", names[i].c_str());
    }
    if (names.size() > 5) std::fprintf(stderr, "  ... and %zu more\n", names.size() - 5);
  }
  if (args.wait && !(*session)->wait_for_indexing(*event)) return 1;
  if (!args.wait) std::fprintf(stderr, "a running `findme serve` on this data indexes them\n");
  return rejected.empty() ? 0 : 2;
}

}  // namespace

void add_import_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand(
      "import", "Bulk-import a folder of photos into an event (also while a server runs)");
  bind_settings(*cmd, args->settings, exit_code);
  cmd->add_option("--event", args->event_code, "The event's code")->required();
  cmd->add_option("folder", args->folder, "Folder of photos (searched recursively)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--wait", args->wait,
                "Show indexing progress until a running server has indexed every photo");
  cmd->callback([args, &exit_code] {
    if (exit_code == 0) exit_code = run_import(*args);
  });
}

}  // namespace findme::app
