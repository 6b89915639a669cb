// libFuzzer harness: TF.js graph models (face/model/tfjs_graph.h: model.json with its topology
// and weights manifest). The input is a model.json, then a line "--shard--", then the bytes of
// the one shard file every path resolves to ("shard.bin"), written to a private temporary
// folder and read back as the service reads BlazeFace.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "face/model/tfjs_graph.h"

namespace {

// A private temporary folder for the process, removed when it exits.
const std::filesystem::path& folder() {
  struct Folder {
    Folder() {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "findme-fuzz-graph-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        std::abort();
      }
      path = pattern;
    }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
    std::filesystem::path path;
  };
  static const Folder dir;
  return dir.path;
}

void write(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kSeparator = "\n--shard--\n";
  const std::size_t cut = input.find(kSeparator);
  write(folder() / "model.json", input.substr(0, cut));
  write(folder() / "shard.bin",
        cut == std::string_view::npos ? std::string_view() : input.substr(cut + kSeparator.size()));
  (void)findme::face::model::read_tfjs_graph(folder() / "model.json");
  return 0;
}
