#include "face/model/tfjs_graph.h"

#include <bit>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

namespace findme::face::model {
namespace {

static_assert(std::endian::native == std::endian::little, "TF.js weights are little-endian");

Error graph_error(const std::filesystem::path& file, const std::string& what) {
  return make_error(Errc::internal, "face model: " + file.string() + ": " + what);
}

Result<std::string> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return graph_error(file, "cannot open (missing?)");
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Attribute values are protobuf JSON: lists of integers come as strings, strings as base64.
std::string base64_decode(const std::string& text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) {
      continue;  // '=' padding
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

std::vector<int> int_list(const nlohmann::json& attr, const char* key) {
  std::vector<int> out;
  if (attr.contains(key) && attr.at(key).contains("list") &&
      attr.at(key).at("list").contains("i")) {
    for (const nlohmann::json& v : attr.at(key).at("list").at("i")) {
      out.push_back(std::stoi(v.get<std::string>()));
    }
  }
  return out;
}

std::string string_attr(const nlohmann::json& attr, const char* key) {
  return attr.contains(key) && attr.at(key).contains("s")
             ? base64_decode(attr.at(key).at("s").get<std::string>())
             : std::string();
}

GraphNode node_of(const nlohmann::json& j) {
  GraphNode node;
  node.name = j.at("name").get<std::string>();
  node.op = j.at("op").get<std::string>();
  if (j.contains("input")) {
    for (const nlohmann::json& in : j.at("input")) {
      std::string name = in.get<std::string>();
      name = name.substr(0, name.find(':'));
      node.inputs.push_back(name);
    }
  }
  const nlohmann::json attr = j.value("attr", nlohmann::json::object());
  node.strides = int_list(attr, "strides");
  node.ksize = int_list(attr, "ksize");
  node.padding = string_attr(attr, "padding");
  node.data_format = string_attr(attr, "data_format");
  if (attr.contains("fused_ops") && attr.at("fused_ops").at("list").contains("s")) {
    for (const nlohmann::json& s : attr.at("fused_ops").at("list").at("s")) {
      node.fused_ops.push_back(base64_decode(s.get<std::string>()));
    }
  }
  return node;
}

}  // namespace

Result<TfjsGraph> read_tfjs_graph(const std::filesystem::path& model_json) {
  Result<std::string> text = read_bytes(model_json);
  if (!text) {
    return text.error();
  }
  TfjsGraph graph;
  try {
    const nlohmann::json model = nlohmann::json::parse(*text);
    if (!model.is_object() || !model.contains("modelTopology") ||
        !model.contains("weightsManifest")) {
      return graph_error(model_json,
                         "not a TF.js graph model (no modelTopology or weightsManifest)");
    }
    for (const nlohmann::json& node : model.at("modelTopology").at("node")) {
      graph.nodes.push_back(node_of(node));
    }
    for (const nlohmann::json& group : model.at("weightsManifest")) {
      if (Result<void> read = read_tfjs_weight_group(group, model_json, graph.weights); !read) {
        return read.error();
      }
    }
  } catch (const std::exception& e) {  // nlohmann's and std::stoi's
    return graph_error(model_json, std::string("malformed graph model: ") + e.what());
  }
  return graph;
}

}  // namespace findme::face::model
