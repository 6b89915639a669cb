// `findme accuracy DIR`: scores a labelled folder (DIR/<person>/<photos>) as one event through the
// service's own pipeline and match policy, and optionally a pair list (TAR/FAR). The figures of
// docs/accuracy.md come from it.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/fmt/fmt.h>

#include "app/commands.h"
#include "config/settings.h"
#include "core/limits.h"
#include "domain/job_runner.h"
#include "domain/match_policy.h"
#include "eval/event_protocol.h"
#include "eval/labelled_set.h"
#include "eval/photo_analysis.h"
#include "face/local/face_models.h"
#include "face/model/opencv_face_embedder.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::app {
namespace {

struct AccuracyArgs {
  std::string folder;
  std::string pairs;
  std::string face = "central";
  std::string cache;
  std::string model_dir = config::kDefaultModelDir;
  std::string detector = "ssd";
  std::string landmarks = "net68";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int answer_rounds = 2;
  int selfies = 1;   // per attendee
  int held_out = 0;  // photos per attendee kept out of the event; 0: as many as selfies
};

std::string pct(double v) { return fmt::format("{:.1f} %", 100.0 * v); }

void print_event(const eval::EventSet& set, eval::EventLayout layout) {
  std::cout << fmt::format(
      "\nEvent: {} attendees (people with more than {} photos; the first {} as selfies; {} "
      "without a face in any selfie left out), {} event photos, {} of them without the labelled "
      "face found\n",
      set.attendees.size(), layout.held_out, layout.selfies, set.selfies_without_face,
      set.event_photos, set.event_photos_without_face);
  std::cout << "\n| policy | shown: precision | recall (per attendee) | strangers' photos per "
               "attendee | attendees shown a stranger | after \"Is this you?\": recall | crops "
               "asked per attendee (p95) | strangers' crops per attendee |\n"
               "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
}

void print_row(const std::string& label, const eval::EventScore& s) {
  std::cout << fmt::format(
      "| {} | {:.3f} | {:.3f} ({:.3f}) | {:.3f} | {} | {:.3f} | {:.1f} ({}) | {:.2f} |\n", label,
      s.precision, s.recall, s.mean_attendee_recall, s.strangers_per_attendee,
      pct(s.share_shown_a_stranger), s.recall_after_answers, s.crops_per_attendee, s.crops_p95,
      s.stranger_crops_per_attendee);
}

void score_event(const eval::EventSet& set, eval::EventLayout layout, int answer_rounds) {
  print_event(set, layout);
  // A raw threshold, as findme matched before the policy: no competition, normalisation,
  // expansion or band.
  for (const float t : {0.40f, 0.45f, 0.50f, 0.55f}) {
    const domain::MatchPolicy raw{
        .cohort_size = 0, .sure_distance = t, .maybe_distance = t, .expansion_rounds = 0};
    print_row(fmt::format("raw distance < {:.2f}", t),
              eval::score_event(set, raw, 0, /*competition=*/false));
  }
  const domain::MatchPolicy base = domain::default_match_policy();
  for (const float sure : {0.40f, 0.42f, 0.44f}) {
    domain::MatchPolicy p = base;
    p.cohort_size = 0;
    p.sure_distance = sure;
    print_row(
        fmt::format("competition, sure < {:.2f}, expansion < {:.2f}", sure, p.expansion_distance),
        eval::score_event(set, p, answer_rounds));
  }
  for (const float score : {-7.0f, -6.8f, -6.6f, -6.4f, -6.2f}) {
    for (const int rounds : {0, base.expansion_rounds}) {
      domain::MatchPolicy p = base;
      p.sure_score = score;
      p.expansion_rounds = rounds;
      const bool is_default = score == base.sure_score && rounds == base.expansion_rounds;
      print_row(
          fmt::format("{}competition, s-norm score < {:.1f}, {}{}", is_default ? "**" : "", score,
                      rounds == 0 ? std::string("no expansion")
                                  : fmt::format("expansion < {:.2f}", p.expansion_distance),
                      is_default ? " (default)**" : ""),
          eval::score_event(set, p, answer_rounds));
    }
  }
}

int score_pairs(const AccuracyArgs& args, const std::vector<eval::LabelledPhoto>& photos,
                const std::vector<eval::PhotoSample>& samples, eval::FacePick pick) {
  Result<std::vector<eval::LabelledPair>> pairs = eval::read_lfw_pairs(args.pairs, args.folder);
  if (!pairs) {
    std::cerr << "findme: " << pairs.error().message << "\n";
    return 1;
  }
  std::map<std::filesystem::path, const eval::FaceSample*> faces;
  for (std::size_t i = 0; i < photos.size(); ++i) {
    const std::optional<std::size_t> f = eval::pick_face(samples[i], pick);
    faces[photos[i].path] = f ? &samples[i].faces[*f] : nullptr;
  }
  std::vector<const eval::FaceSample*> a;
  std::vector<const eval::FaceSample*> b;
  for (const eval::LabelledPair& p : *pairs) {
    const auto face = [&faces](const std::filesystem::path& path) {
      auto it = faces.find(path);
      return it == faces.end() ? nullptr : it->second;
    };
    a.push_back(face(p.a));
    b.push_back(face(p.b));
  }
  std::cout << fmt::format(
      "\nPairs {}: a pair with a face not found counts as rejected "
      "(same) or is left out (different)\n\n| threshold | same accepted | "
      "different accepted |\n| --- | --- | --- |\n",
      args.pairs);
  for (const float t : {0.40f, 0.45f, 0.50f, 0.55f, 0.60f, 0.65f}) {
    const eval::PairScore s = eval::score_pairs(*pairs, a, b, t);
    std::cout << fmt::format(
        "| {:.2f} | {} ({}/{}, {} lost) | {} ({}/{}) |\n", t,
        pct(static_cast<double>(s.same_accepted) /
            static_cast<double>(std::max<std::size_t>(s.same, 1))),
        s.same_accepted, s.same, s.same_lost,
        pct(static_cast<double>(s.different_accepted) /
            static_cast<double>(std::max<std::size_t>(s.different - s.different_lost, 1))),
        s.different_accepted, s.different - s.different_lost);
  }
  return 0;
}

int run_accuracy(const AccuracyArgs& args) {
  Result<std::vector<eval::LabelledPhoto>> photos = eval::read_labelled_folder(args.folder);
  if (!photos) {
    std::cerr << "findme: " << photos.error().message << "\n";
    return 1;
  }
  const std::optional<face::local::Detector> detector = face::local::parse_detector(args.detector);
  const std::optional<face::local::Landmarks> landmarks =
      face::local::parse_landmarks(args.landmarks);
  if (!detector || !landmarks) {
    std::cerr << "findme: --detector must be ssd or hog, --landmarks net68 or dlib68\n";
    return 1;
  }
  Result<std::unique_ptr<image::vips::VipsImageDecoder>> decoder =
      image::vips::VipsImageDecoder::create();
  if (!decoder) {
    std::cerr << "findme: " << decoder.error().message << "\n";
    return 1;
  }
  face::model::use_single_threaded_opencv();  // one net per thread, one thread per core
  Result<face::local::FaceModels> models = face::local::FaceModels::load(
      {.package_dir = args.model_dir, .landmarks = *landmarks, .detector = *detector});
  if (!models) {
    std::cerr << "findme: " << models.error().message << "\n";
    return 1;
  }
  std::vector<std::filesystem::path> files;
  for (const eval::LabelledPhoto& p : *photos) {
    files.push_back(p.path);
  }
  const eval::AnalysisOptions options{
      .threads = args.threads,
      .decode = {.max_pixels = kDefaultMaxImagePixels, .max_long_side = 1920},
      .cache = args.cache,
      .pipeline = fmt::format("detector={} landmarks={}", args.detector, args.landmarks),
      .progress = [](std::size_t done, std::size_t total) {
        if (done % 100 == 0 || done == total) {
          std::cerr << fmt::format("\ranalysed {}/{}", done, total) << std::flush;
        }
      }};
  Result<std::vector<eval::PhotoSample>> samples = eval::analyse_photos(
      files, **decoder, [&models] { return models->make_engine(); }, options);
  std::cerr << "\n";
  if (!samples) {
    std::cerr << "findme: " << samples.error().message << "\n";
    return 1;
  }
  const eval::EventLayout layout{.selfies = args.selfies,
                                 .held_out = std::max(args.held_out, args.selfies)};
  Result<std::vector<eval::PhotoSample>> selfies = eval::analyse_selfies(
      *photos, **decoder, [&models] { return models->make_engine(); }, options,
      domain::JobRunnerOptions{}.selfie_long_side, layout);
  std::cerr << "\n";
  if (!selfies) {
    std::cerr << "findme: " << selfies.error().message << "\n";
    return 1;
  }
  const eval::FacePick pick =
      args.face == "largest" ? eval::FacePick::largest : eval::FacePick::central;
  std::size_t found = 0;
  for (const eval::PhotoSample& s : *samples) {
    found += eval::pick_face(s, pick) ? 1U : 0U;
  }
  std::cout << fmt::format(
      "# findme accuracy {} ({}, {} face)\n\nLabelled face found in {} of "
      "{} photos ({})\n",
      args.folder, options.pipeline, args.face, found, samples->size(),
      pct(static_cast<double>(found) / static_cast<double>(samples->size())));
  score_event(eval::make_event_set(*photos, *samples, pick, &*selfies, layout), layout,
              args.answer_rounds);
  if (!args.pairs.empty()) {
    return score_pairs(args, *photos, *samples, pick);
  }
  return 0;
}

}  // namespace

void add_accuracy_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<AccuracyArgs>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand(
      "accuracy", "Score a labelled folder (DIR/<person>/<photos>) as one event, and pair lists");
  cmd->add_option("folder", args->folder, "Labelled folder")->required();
  cmd->add_option("--pairs", args->pairs, "LFW-format pair list (names relative to the folder)");
  cmd->add_option("--face", args->face, "Which face carries the label: central or largest")
      ->check(CLI::IsMember({"central", "largest"}));
  cmd->add_option("--cache", args->cache, "Keep the analysed faces in this file across runs");
  cmd->add_option("--threads", args->threads, "Analysis threads (one engine each)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--answer-rounds", args->answer_rounds,
                  "Rounds of \"Is this you?\" answers simulated")
      ->check(CLI::Range(0, 10));
  cmd->add_option("--selfies", args->selfies,
                  "Selfies per attendee: each attendee's first photos (people with fewer photos "
                  "than selfies + 1 are strangers)")
      ->check(CLI::Range(1, 5));
  cmd->add_option("--held-out", args->held_out,
                  "Photos of each attendee kept out of the event (at least --selfies): the same "
                  "event for runs with different --selfies")
      ->check(CLI::Range(0, 5));
  cmd->add_option("--model-dir", args->model_dir, "Fetched model package (MODEL_DIR)")
      ->envname("MODEL_DIR");
  cmd->add_option("--detector", args->detector, "Face detector (DETECTOR)")->envname("DETECTOR");
  cmd->add_option("--landmarks", args->landmarks, "net68 or dlib68 (LANDMARKS)")
      ->envname("LANDMARKS");
  cmd->callback([args, &exit_code] { exit_code = run_accuracy(*args); });
}

}  // namespace findme::app
