#include "eval/labelled_set.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

namespace findme::eval {
namespace {

bool is_image(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".webp" || ext == ".heic";
}

// LFW names photo i of a person "<name>_<i as 4 digits>.jpg".
std::filesystem::path lfw_photo(const std::filesystem::path& dir, const std::string& name,
                                int index) {
  std::string number = std::to_string(index);
  number.insert(0, number.size() < 4 ? 4 - number.size() : 0, '0');
  return dir / name / (name + "_" + number + ".jpg");
}

bool parse_index(const std::string& word, int& out) {
  if (word.empty() || word.size() > 6 ||
      !std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  out = std::stoi(word);
  return out > 0;
}

}  // namespace

Result<std::vector<LabelledPhoto>> read_labelled_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return make_error(Errc::not_found, dir.string() + " is not a readable folder");
  }
  std::vector<LabelledPhoto> photos;
  for (const auto& person : std::filesystem::directory_iterator(dir, ec)) {
    if (!person.is_directory()) {
      continue;
    }
    for (const auto& file : std::filesystem::directory_iterator(person.path(), ec)) {
      if (file.is_regular_file() && is_image(file.path())) {
        photos.push_back({person.path().filename().string(), file.path()});
      }
    }
  }
  if (ec) {
    return make_error(Errc::not_found, "cannot list " + dir.string() + ": " + ec.message());
  }
  if (photos.empty()) {
    return make_error(Errc::invalid_request,
                      dir.string() + " holds no labelled photo (expected DIR/<person>/<image>)");
  }
  std::sort(photos.begin(), photos.end(), [](const LabelledPhoto& a, const LabelledPhoto& b) {
    return a.person != b.person ? a.person < b.person : a.path.filename() < b.path.filename();
  });
  return photos;
}

Result<std::vector<LabelledPair>> read_lfw_pairs(const std::filesystem::path& pairs_file,
                                                 const std::filesystem::path& dir) {
  std::ifstream in(pairs_file);
  if (!in) {
    return make_error(Errc::not_found, "cannot read " + pairs_file.string());
  }
  std::vector<LabelledPair> pairs;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) {
      w.push_back(word);
    }
    if (w.empty() || w[0][0] == '#') {
      continue;
    }
    int i = 0;
    int j = 0;
    if (w.size() == 3 && parse_index(w[1], i) && parse_index(w[2], j)) {
      pairs.push_back({lfw_photo(dir, w[0], i), lfw_photo(dir, w[0], j), true});
    } else if (w.size() == 4 && parse_index(w[1], i) && parse_index(w[3], j)) {
      pairs.push_back({lfw_photo(dir, w[0], i), lfw_photo(dir, w[2], j), false});
    } else if (number == 1 && w.size() <= 2 && parse_index(w[0], i)) {
      continue;  // LFW's header line: fold and pair counts
    } else {
      return make_error(Errc::invalid_request, pairs_file.string() + ":" + std::to_string(number) +
                                                   ": expected `name i j` or `name1 i name2 j`");
    }
  }
  return pairs;
}

}  // namespace findme::eval
