// Labelled face photos on disk (one folder per person, as LFW and shared/testdata ship them) and
// LFW-style pair lists: the inputs of the accuracy report.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace findme::eval {

struct LabelledPhoto {
  std::string person;          // the folder name is the label
  std::filesystem::path path;  // absolute or relative to the caller's working folder
};

// Every image file (.jpg .jpeg .png .webp .heic, any case) of DIR/<person>/, sorted by person and
// then file name, so the first photo of each person is stable across runs and machines.
// Errors: Errc::not_found when DIR is not a readable folder; Errc::invalid_request when it holds
// no labelled photo.
Result<std::vector<LabelledPhoto>> read_labelled_folder(const std::filesystem::path& dir);

struct LabelledPair {
  std::filesystem::path a;
  std::filesystem::path b;
  bool same = false;
};

// LFW's pairs format, relative to `dir`: "name i j" (same person, photos name_000i.jpg and
// name_000j.jpg) or "name1 i name2 j" (different people); blank lines, lines starting with '#',
// and a first line holding only counts are skipped. Errors: Errc::not_found for an unreadable
// file; Errc::invalid_request naming the first malformed line.
Result<std::vector<LabelledPair>> read_lfw_pairs(const std::filesystem::path& pairs_file,
                                                 const std::filesystem::path& dir);

}  // namespace findme::eval
