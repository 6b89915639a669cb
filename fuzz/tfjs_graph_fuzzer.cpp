// libFuzzer harness: TF.js graph models (face/model/tfjs_graph.h: model.json with its topology
// and weights manifest), read from files as the service reads BlazeFace. Input layout:
// temp_files.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "face/model/tfjs_graph.h"
#include "temp_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)findme::face::model::read_tfjs_graph(
      findme::fuzz::write_model_files(input, "findme-fuzz-graph", "model.json"));
  return 0;
}
