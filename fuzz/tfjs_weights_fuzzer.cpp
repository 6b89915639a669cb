// libFuzzer harness: TF.js weights manifests and their shards (face/model/tfjs_weights.h), read
// from files as the service reads its model package. Input layout: temp_files.h.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "face/model/tfjs_weights.h"
#include "temp_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  findme::Result<std::vector<findme::face::model::WeightTensor>> tensors =
      findme::face::model::read_tfjs_weights(
          findme::fuzz::write_model_files(input, "findme-fuzz-tfjs", "weights_manifest.json"));
  if (tensors) {
    for (const findme::face::model::WeightTensor& t : *tensors) {
      std::size_t count = 1;  // computed here, not by the reader's tensor_value_count
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
