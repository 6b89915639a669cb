#include "face/model/tensor_taker.h"

#include <array>
#include <utility>

namespace findme::face::model {
namespace {

Error tensor_error(const std::string& what) {
  return make_error(Errc::internal, "face model: " + what);
}

}  // namespace

Result<TensorTaker> TensorTaker::make(std::vector<WeightTensor> tensors) {
  TensorTaker taker;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!taker.index_.emplace(tensors[i].name, i).second) {
      return tensor_error("tensor '" + tensors[i].name + "' appears twice in the manifest");
    }
  }
  taker.used_.assign(tensors.size(), false);
  taker.tensors_ = std::move(tensors);
  return taker;
}

Result<const WeightTensor*> TensorTaker::take(const std::string& name,
                                              const std::vector<int>& shape) {
  const auto found = index_.find(name);
  if (found == index_.end()) {
    return tensor_error("tensor '" + name + "' is missing from the manifest");
  }
  const WeightTensor& tensor = tensors_[found->second];
  if (tensor.shape != shape) {
    return tensor_error("tensor '" + name + "' has shape " + shape_string(tensor.shape) +
                        ", expected " + shape_string(shape));
  }
  used_[found->second] = true;
  return &tensor;
}

Result<void> TensorTaker::check_all_used() const {
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    if (!used_[i]) {
      return tensor_error("tensor '" + tensors_[i].name + "' is not used by the network");
    }
  }
  return {};
}

std::string shape_string(const std::vector<int>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + "]";
}

cv::Mat row_of(const WeightTensor& tensor) {
  return cv::Mat(1, static_cast<int>(tensor.values.size()), CV_32F,
                 const_cast<float*>(tensor.values.data()))
      .clone();
}

cv::Mat filters_of(const WeightTensor& tensor) {
  const std::array<int, 4> dims{tensor.shape[3], tensor.shape[2], tensor.shape[0], tensor.shape[1]};
  const auto h = static_cast<std::size_t>(tensor.shape[0]);
  const auto w = static_cast<std::size_t>(tensor.shape[1]);
  const auto in = static_cast<std::size_t>(tensor.shape[2]);
  const auto out = static_cast<std::size_t>(tensor.shape[3]);
  cv::Mat filters(4, dims.data(), CV_32F);
  float* dst = filters.ptr<float>();
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) {
      for (std::size_t y = 0; y < h; ++y) {
        for (std::size_t x = 0; x < w; ++x) {
          *dst++ = tensor.values[((y * w + x) * in + i) * out + o];
        }
      }
    }
  }
  return filters;
}

}  // namespace findme::face::model
