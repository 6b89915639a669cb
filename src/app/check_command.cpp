// `findme check [--hash] [--repair]`: the database against DATA_DIR (domain/storage_check.h).
// Exit 0 when nothing is wrong (or everything wrong was repaired), 2 when problems remain, 1 on
// an error.
#include <cstdio>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/settings_binding.h"
#include "app/store_factory.h"
#include "config/settings.h"
#include "domain/file_store.h"
#include "domain/storage_check.h"

namespace findme::app {
namespace {

struct CheckArgs {
  config::Settings settings;
  bool hash = false;
  bool repair = false;
  int grace_minutes = 15;
};

int run_check(const CheckArgs& args) {
  Result<config::Settings> settings = config::finalize(args.settings);  // pool sizes, defaults
  if (!settings) {
    std::fprintf(stderr, "findme: %s\n", settings.error().message.c_str());
    return 1;
  }
  SystemClock clock;
  Result<std::unique_ptr<store::Store>> store = open_store(*settings, clock);
  if (!store) {
    std::fprintf(stderr, "findme: %s\n", store.error().message.c_str());
    return 1;
  }
  const domain::FileStore files(settings->data_dir);
  Result<domain::StorageReport> report =
      domain::check_storage(**store, files,
                            {.hash = args.hash,
                             .repair = args.repair,
                             .orphan_grace = std::chrono::minutes(args.grace_minutes)});
  if (!report) {
    std::fprintf(stderr, "findme: %s\n", report.error().message.c_str());
    return 1;
  }
  std::map<std::string_view, std::pair<int, int>> by_kind;  // kind -> (found, repaired)
  int remaining = 0;
  for (const domain::StorageProblem& p : report->problems) {
    std::printf("%s %s%s%s\n", std::string(to_string(p.kind)).c_str(),
                p.key.empty() ? "" : p.key.c_str(),
                p.row_id != 0 ? (" row " + std::to_string(p.row_id)).c_str() : "",
                p.repaired ? " (repaired)" : "");
    auto& [found, repaired] = by_kind[to_string(p.kind)];
    ++found;
    repaired += p.repaired ? 1 : 0;
    remaining += p.repaired ? 0 : 1;
  }
  std::fprintf(stderr, "checked %zu file references and %zu files%s: ", report->rows_checked,
               report->files_checked, args.hash ? " (with content hashes)" : "");
  if (report->clean()) {
    std::fprintf(stderr, "no problem\n");
    return 0;
  }
  for (const auto& [kind, counts] : by_kind) {
    std::fprintf(stderr, "%s %d%s; ", std::string(kind).c_str(), counts.first,
                 args.repair ? (" (" + std::to_string(counts.second) + " repaired)").c_str() : "");
  }
  std::fprintf(stderr, "%s\n",
               remaining == 0 ? "all repaired"
               : args.repair  ? "the rest needs an operator (see docs/reliability.md)"
                              : "run with --repair to fix what can be fixed");
  return remaining == 0 ? 0 : 2;
}

}  // namespace

void add_check_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand(
      "check", "Check the database against DATA_DIR: missing, damaged and orphaned files");
  bind_settings(*cmd, args->settings, exit_code);
  cmd->add_flag("--hash", args->hash, "Also compare each photo's bytes with its SHA-256 (slow)");
  cmd->add_flag("--repair", args->repair,
                "Remove orphaned files, re-queue stranded photos, mark photos whose file is "
                "gone as failed");
  cmd->add_option("--grace-minutes", args->grace_minutes,
                  "Leave files without a row younger than this (an upload in flight)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &exit_code] {
    if (exit_code == 0) exit_code = run_check(*args);
  });
}

}  // namespace findme::app
