// Maps the tensors of a TF.js weights file onto a network's layers: each tensor is handed out once,
// by name and expected shape, and a tensor the network never took is an error, so that a renamed
// or extra tensor in a package cannot go unnoticed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {

// One per load; not thread-safe. Holds the tensors it was given.
class TensorTaker {
 public:
  // Errors: Errc::internal when a name appears twice.
  static Result<TensorTaker> make(std::vector<WeightTensor> tensors);

  // The tensor `name` of shape `shape`, marked used. The pointer lives as long as this taker.
  // Errors: Errc::internal when it is missing or has another shape (the message names both).
  Result<const WeightTensor*> take(const std::string& name, const std::vector<int>& shape);

  // Errors: Errc::internal naming the first tensor that take() never handed out.
  Result<void> check_all_used() const;

 private:
  std::vector<WeightTensor> tensors_;
  std::map<std::string, std::size_t> index_;
  std::vector<bool> used_;
};

// "[3, 3, 32, 1]", for messages.
std::string shape_string(const std::vector<int>& shape);

// The tensor's values as a 1 x N CV_32F row (a copy).
cv::Mat row_of(const WeightTensor& tensor);

// TF.js conv filters are [h, w, in, out]; OpenCV wants [out, in, h, w] (a copy).
// REQUIRES: tensor.shape has 4 dimensions.
cv::Mat filters_of(const WeightTensor& tensor);

}  // namespace findme::face::model
