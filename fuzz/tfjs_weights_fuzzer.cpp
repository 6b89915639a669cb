// libFuzzer harness: TF.js weights manifests and their shards (face/model/tfjs_weights.h). The
// input is a weights_manifest.json, then a line "--shard--", then the bytes of the one shard
// file every path in the manifest resolves to ("shard.bin"). Both are written to a private
// temporary folder and read back as the service reads its model package.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "face/model/tfjs_weights.h"

namespace {

// A private temporary folder for the process, removed when it exits.
const std::filesystem::path& folder() {
  struct Folder {
    Folder() {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "findme-fuzz-tfjs-XXXXXX").string();
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
  const std::string_view manifest = input.substr(0, cut);
  const std::string_view shard =
      cut == std::string_view::npos ? std::string_view() : input.substr(cut + kSeparator.size());
  write(folder() / "weights_manifest.json", manifest);
  write(folder() / "shard.bin", shard);
  findme::Result<std::vector<findme::face::model::WeightTensor>> tensors =
      findme::face::model::read_tfjs_weights(folder() / "weights_manifest.json");
  if (tensors) {
    for (const findme::face::model::WeightTensor& t : *tensors) {
      std::size_t count = 1;
      for (const int d : t.shape) {
        count *= static_cast<std::size_t>(d);
      }
      if (count != t.values.size()) {
        std::abort();  // every tensor holds exactly the values its shape says
      }
    }
  }
  return 0;
}
