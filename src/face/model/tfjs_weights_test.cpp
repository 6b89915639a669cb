#include "face/model/tfjs_weights.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace findme::face::model {
namespace {

class TfjsWeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("findme_tfjs_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  // A two-tensor manifest: "q" uint8-quantised [2, 2] (4 bytes), "f" float32 [2] (8 bytes).
  void write_manifest() {
    write("m.json", R"([{"paths": ["w.bin"], "weights": [
        {"name": "q", "shape": [2, 2], "dtype": "float32",
         "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
        {"name": "f", "shape": [2], "dtype": "float32"}]}])");
  }
  static std::string bin_bytes() {
    std::string bytes{'\x00', '\x01', '\x02', '\xff'};
    const float floats[2] = {1.25f, -3.5f};
    bytes.append(reinterpret_cast<const char*>(floats), sizeof floats);
    return bytes;
  }

  std::filesystem::path dir_;
};

TEST_F(TfjsWeightsTest, DequantisesUint8AndReadsFloat32InManifestOrder) {
  write_manifest();
  write("w.bin", bin_bytes());

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_TRUE(tensors) << tensors.error().message;
  ASSERT_EQ(tensors->size(), 2u);
  EXPECT_EQ((*tensors)[0].name, "q");
  EXPECT_EQ((*tensors)[0].shape, (std::vector<int>{2, 2}));
  EXPECT_EQ((*tensors)[0].values, (std::vector<float>{-1.0f, -0.5f, 0.0f, 126.5f}));
  EXPECT_EQ((*tensors)[1].name, "f");
  EXPECT_EQ((*tensors)[1].values, (std::vector<float>{1.25f, -3.5f}));
}

TEST_F(TfjsWeightsTest, BinOneByteShortIsRefused) {
  write_manifest();
  std::string bytes = bin_bytes();
  bytes.pop_back();
  write("w.bin", bytes);

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_FALSE(tensors);
  EXPECT_EQ(tensors.error().code, Errc::internal);
  EXPECT_NE(tensors.error().message.find("tensor 'f'"), std::string::npos)
      << tensors.error().message;
}

TEST_F(TfjsWeightsTest, BinOneByteLongIsRefused) {
  write_manifest();
  write("w.bin", bin_bytes() + "x");

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_FALSE(tensors);
  EXPECT_NE(tensors.error().message.find("holds 13 bytes but the manifest describes 12"),
            std::string::npos)
      << tensors.error().message;
}

TEST_F(TfjsWeightsTest, MalformedJsonIsRefused) {
  write("m.json", R"([{"paths": ["w.bin"], "weights": [)");

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_FALSE(tensors);
  EXPECT_NE(tensors.error().message.find("malformed manifest"), std::string::npos)
      << tensors.error().message;
}

TEST_F(TfjsWeightsTest, MissingManifestAndMissingBinAreRefused) {
  Result<std::vector<WeightTensor>> no_manifest = read_tfjs_weights(dir_ / "m.json");
  ASSERT_FALSE(no_manifest);
  EXPECT_NE(no_manifest.error().message.find("m.json: cannot open"), std::string::npos)
      << no_manifest.error().message;

  write_manifest();
  Result<std::vector<WeightTensor>> no_bin = read_tfjs_weights(dir_ / "m.json");
  ASSERT_FALSE(no_bin);
  EXPECT_NE(no_bin.error().message.find("w.bin: cannot open"), std::string::npos)
      << no_bin.error().message;
}

TEST_F(TfjsWeightsTest, Int32TensorsAreReadPlainAndQuantisedRoundingLikeJavaScript) {
  write("m.json", R"([{"paths": ["w.bin"], "weights": [
      {"name": "q", "shape": [3], "dtype": "int32",
       "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
      {"name": "i", "shape": [2], "dtype": "int32"}]}])");
  std::string bytes{'\x00', '\x01', '\x07'};  // -1, -0.5 (Math.round: -0), 2.5 (3)
  const std::int32_t ints[2] = {512, -3};
  bytes.append(reinterpret_cast<const char*>(ints), sizeof ints);
  write("w.bin", bytes);

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_TRUE(tensors) << tensors.error().message;
  ASSERT_EQ(tensors->size(), 2u);
  EXPECT_EQ((*tensors)[0].values, (std::vector<float>{-1.0f, 0.0f, 3.0f}));
  EXPECT_EQ((*tensors)[1].values, (std::vector<float>{512.0f, -3.0f}));
}

TEST_F(TfjsWeightsTest, UnsupportedDtypeIsRefused) {
  write("m.json", R"([{"paths": ["w.bin"], "weights": [
      {"name": "b", "shape": [4], "dtype": "bool"}]}])");
  write("w.bin", "abcd");

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_FALSE(tensors);
  EXPECT_NE(tensors.error().message.find("tensor 'b' has unsupported dtype bool"),
            std::string::npos)
      << tensors.error().message;
}

// Found with fuzz/tfjs_weights_fuzzer (a crafted seed, fuzz/corpus/tfjs_weights/shape_overflow):
// a shape whose product overflows size_t asked for zero bytes of the shard, then for 2^62 values.
TEST_F(TfjsWeightsTest, ShapesOverTheValueLimitAreRefusedWithoutOverflow) {
  write("m.json", R"([{"paths": ["w.bin"], "weights": [
      {"name": "big", "shape": [65536, 65536, 65536, 16384], "dtype": "float32"}]}])");
  write("w.bin", "");

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_FALSE(tensors);
  EXPECT_NE(tensors.error().message.find("more than 2^28 values"), std::string::npos)
      << tensors.error().message;
  EXPECT_EQ(tensor_value_count({1 << 14, 1 << 14}), std::size_t{1} << 28);
  EXPECT_FALSE(tensor_value_count({1 << 14, (1 << 14) + 1}));
  EXPECT_FALSE(tensor_value_count({4, -1}));
  EXPECT_EQ(tensor_value_count({}), 1u);  // a scalar
  EXPECT_EQ(tensor_value_count({0, 1 << 30}), 0u);
}

// Found by CI's fuzz run: a dimension of 1e300 was cast to int inside json's own conversion,
// which is undefined behaviour (UBSan stopped the harness).
TEST_F(TfjsWeightsTest, ShapesThatAreNotIntsAreRefused) {
  for (const char* shape : {"[1e300]", "[-1e300]", "[2.5]", "[4294967296]", "[-2147483649]",
                            "[\"3\"]", "3", "[18446744073709551615]"}) {
    write("m.json", std::string(R"([{"paths": ["w.bin"], "weights": [{"name": "s", "shape": )") +
                        shape + R"(, "dtype": "float32"}]}])");
    write("w.bin", "");

    Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

    ASSERT_FALSE(tensors) << shape;
    EXPECT_NE(tensors.error().message.find("tensor 's' has a shape that is not a list of integers"),
              std::string::npos)
        << shape << ": " << tensors.error().message;
  }
}

TEST_F(TfjsWeightsTest, EmptyTensorsReadAsEmpty) {
  write("m.json", R"([{"paths": ["w.bin"], "weights": [
      {"name": "none", "shape": [0, 3], "dtype": "float32"}]}])");
  write("w.bin", "");

  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");

  ASSERT_TRUE(tensors) << tensors.error().message;
  ASSERT_EQ(tensors->size(), 1u);
  EXPECT_TRUE((*tensors)[0].values.empty());
}

TEST_F(TfjsWeightsTest, ShardPathsMustStayBesideTheManifest) {
  for (const char* path : {"../w.bin", "/dev/zero", "sub/w.bin", "..", ""}) {
    write("m.json", std::string(R"([{"paths": [")") + path + R"("], "weights": []}])");
    Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(dir_ / "m.json");
    ASSERT_FALSE(tensors) << path;
    EXPECT_NE(tensors.error().message.find("is not a file name"), std::string::npos)
        << tensors.error().message;
  }
  EXPECT_TRUE(is_shard_file_name("face_recognition_model.bin"));
}

TEST_F(TfjsWeightsTest, Sha256MatchesKnownDigestAndMismatchNamesTheFetchCommand) {
  write("abc", "abc");
  Result<std::string> digest = sha256_file_hex(dir_ / "abc");
  ASSERT_TRUE(digest) << digest.error().message;
  // FIPS 180-2 test vector for "abc".
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(*digest, abc);
  EXPECT_TRUE(verify_sha256(dir_ / "abc", abc, "run tools/fetch_models.sh"));

  Result<void> corrupt = verify_sha256(dir_ / "abc", std::string(64, '0'), "run x.sh");
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().message.find("is corrupt (sha256 mismatch); run x.sh"),
            std::string::npos)
      << corrupt.error().message;
  Result<void> missing = verify_sha256(dir_ / "nope", abc, "run x.sh");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("is missing; run x.sh"), std::string::npos)
      << missing.error().message;
}

}  // namespace
}  // namespace findme::face::model
