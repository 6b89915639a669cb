#include "face/model/recognition_weights.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "face/model/test_files.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

std::filesystem::path manifest_path() {
  return testing::face_api_dir() / "model" / "face_recognition_model-weights_manifest.json";
}
std::filesystem::path bin_path() {
  return testing::face_api_dir() / "model" / "face_recognition_model.bin";
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Writes altered copies of the real package into a temporary folder laid out like it.
class RecognitionWeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("findme_weights_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "model");
    manifest_ = nlohmann::json::parse(read_bytes(manifest_path()));
    bin_ = read_bytes(bin_path());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  nlohmann::json& weights() { return manifest_[0]["weights"]; }

  // Byte offset and size of tensor `index` in the .bin (uint8-quantised: 1 byte per value).
  std::pair<std::size_t, std::size_t> byte_range(std::size_t index) {
    std::size_t offset = 0;
    for (std::size_t i = 0;; ++i) {
      std::size_t count = 1;
      for (int dim : weights()[i]["shape"]) {
        count *= static_cast<std::size_t>(dim);
      }
      const std::size_t bytes = count * (weights()[i].contains("quantization") ? 1 : 4);
      if (i == index) {
        return {offset, bytes};
      }
      offset += bytes;
    }
  }

  std::size_t index_of(const std::string& name) {
    for (std::size_t i = 0; i < weights().size(); ++i) {
      if (weights()[i]["name"] == name) {
        return i;
      }
    }
    ADD_FAILURE() << name << " not in the manifest";
    return 0;
  }

  // Writes the original manifest bytes and the (altered) .bin, so that only the .bin differs.
  void write_original_manifest_and_bin() {
    write_package();
    std::filesystem::copy_file(manifest_path(), dir_ / "model" / manifest_path().filename(),
                               std::filesystem::copy_options::overwrite_existing);
  }

  std::filesystem::path write_package() {
    std::ofstream(dir_ / "model" / manifest_path().filename()) << manifest_.dump();
    std::ofstream(dir_ / "model" / bin_path().filename(), std::ios::binary) << bin_;
    return dir_ / "model" / manifest_path().filename();
  }

  std::filesystem::path dir_;
  nlohmann::json manifest_;
  std::string bin_;
};

#define EXPECT_MESSAGE_HAS(result, text) \
  EXPECT_NE((result).error().message.find(text), std::string::npos) << (result).error().message

TEST_F(RecognitionWeightsTest, PinnedPackageMapsOntoDlibsResNet) {
  Result<RecognitionWeights> weights = RecognitionWeights::load(testing::face_api_dir());
  ASSERT_TRUE(weights) << weights.error().message;

  EXPECT_EQ(weights->blocks().size(), 14u);  // 1 + 14 * 2 = dlib's 29 con_ layers
  EXPECT_EQ(weights->fc().rows, 128);
  EXPECT_EQ(weights->fc().cols, 256);
  // FACE-NOTES measured 270.85 M multiply-adds per chip independently.
  EXPECT_NEAR(static_cast<double>(weights->multiply_adds_per_face()) / 1e6, 270.85, 0.005);

  // TF.js [h, w, in, out] -> [out, in, h, w], and fc [256, 128] -> [128, 256].
  Result<std::vector<WeightTensor>> raw = read_tfjs_weights(manifest_path());
  ASSERT_TRUE(raw) << raw.error().message;
  const WeightTensor& stem = raw->front();
  const std::size_t tf_index = ((1 * 7 + 2) * 3 + 0) * 32 + 5;  // y 1, x 2, in 0, out 5
  const std::array<int, 4> cv_index{5, 0, 1, 2};
  EXPECT_EQ(weights->stem().filters.at<float>(cv_index.data()), stem.values[tf_index]);
  const WeightTensor& fc = raw->back();
  EXPECT_EQ(weights->fc().at<float>(7, 3), fc.values[3 * 128 + 7]);
}

TEST_F(RecognitionWeightsTest, MissingPackageGivesOneLineNamingTheFetchCommand) {
  Result<RecognitionWeights> weights = RecognitionWeights::load(dir_);

  ASSERT_FALSE(weights);
  EXPECT_EQ(weights.error().code, Errc::internal);
  EXPECT_MESSAGE_HAS(weights, "is missing; run tools/fetch_models.sh");
  EXPECT_EQ(weights.error().message.find('\n'), std::string::npos);
}

TEST_F(RecognitionWeightsTest, CorruptBinGivesOneLineNamingTheFetchCommand) {
  bin_[1000] = static_cast<char>(bin_[1000] ^ 1);
  write_original_manifest_and_bin();

  Result<RecognitionWeights> weights = RecognitionWeights::load(dir_);

  ASSERT_FALSE(weights);
  EXPECT_MESSAGE_HAS(weights, "face_recognition_model.bin is corrupt");
  EXPECT_MESSAGE_HAS(weights, "run tools/fetch_models.sh");
}

TEST_F(RecognitionWeightsTest, RemovedTensorIsNamed) {
  const std::size_t index = index_of("conv128_1/conv2/scale/biases");
  const auto [offset, bytes] = byte_range(index);
  bin_.erase(offset, bytes);
  weights().erase(index);

  Result<RecognitionWeights> weights = RecognitionWeights::from_manifest(write_package());

  ASSERT_FALSE(weights);
  EXPECT_MESSAGE_HAS(weights, "tensor 'conv128_1/conv2/scale/biases' is missing");
}

TEST_F(RecognitionWeightsTest, WrongShapeIsNamed) {
  weights()[index_of("conv64_1/conv1/conv/filters")]["shape"] = {3, 3, 32, 128};

  Result<RecognitionWeights> weights = RecognitionWeights::from_manifest(write_package());

  ASSERT_FALSE(weights);
  EXPECT_MESSAGE_HAS(weights,
                     "tensor 'conv64_1/conv1/conv/filters' has shape [3, 3, 32, 128], "
                     "expected [3, 3, 64, 64]");
}

TEST_F(RecognitionWeightsTest, BinTruncatedByOneByteIsRefused) {
  bin_.pop_back();
  write_original_manifest_and_bin();

  Result<RecognitionWeights> unchecked =
      RecognitionWeights::from_manifest(dir_ / "model" / manifest_path().filename());
  ASSERT_FALSE(unchecked);
  EXPECT_MESSAGE_HAS(unchecked, "weights end before tensor 'fc'");

  Result<RecognitionWeights> checked = RecognitionWeights::load(dir_);
  ASSERT_FALSE(checked);
  EXPECT_MESSAGE_HAS(checked, "run tools/fetch_models.sh");
}

TEST_F(RecognitionWeightsTest, UnusedTensorIsNamed) {
  weights().push_back({{"name", "extra"}, {"shape", {1}}, {"dtype", "float32"}});
  bin_.append(4, '\0');

  Result<RecognitionWeights> weights = RecognitionWeights::from_manifest(write_package());

  ASSERT_FALSE(weights);
  EXPECT_MESSAGE_HAS(weights, "tensor 'extra' is not used by the network");
}

TEST_F(RecognitionWeightsTest, DuplicateTensorIsNamed) {
  const std::size_t index = index_of("fc");
  const auto [offset, bytes] = byte_range(index);
  bin_.append(bin_.substr(offset, bytes));
  weights().push_back(weights()[index]);

  Result<RecognitionWeights> weights = RecognitionWeights::from_manifest(write_package());

  ASSERT_FALSE(weights);
  EXPECT_MESSAGE_HAS(weights, "tensor 'fc' appears twice");
}

}  // namespace
}  // namespace findme::face::model
