// For the harnesses of TF.js model readers, which read files: the input is a JSON file, then a
// line "--shard--", then the bytes of the one shard every path in the JSON resolves to
// ("shard.bin"); both are written to a private temporary folder (removed when the process exits).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <stdlib.h>

namespace findme::fuzz {

// `prefix` names the folder, e.g. "findme-fuzz-tfjs".
inline const std::filesystem::path& temp_folder(const char* prefix) {
  struct Folder {
    explicit Folder(const char* name) {
      std::string pattern =
          (std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
      if (mkdtemp(pattern.data()) == nullptr) std::abort();
      path = pattern;
    }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
    std::filesystem::path path;
  };
  static const Folder folder(prefix);
  return folder.path;
}

inline void write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Writes `input` as `json_name` and shard.bin in temp_folder(prefix); returns the JSON's path.
inline std::filesystem::path write_model_files(std::string_view input, const char* prefix,
                                               const char* json_name) {
  constexpr std::string_view kSeparator = "\n--shard--\n";
  const std::size_t cut = input.find(kSeparator);
  const std::filesystem::path& dir = temp_folder(prefix);
  write_file(dir / json_name, input.substr(0, cut));
  write_file(dir / "shard.bin", cut == std::string_view::npos
                                    ? std::string_view()
                                    : input.substr(cut + kSeparator.size()));
  return dir / json_name;
}

}  // namespace findme::fuzz
