#include "aws/operations.h"

#include <array>
#include <utility>

namespace findme::aws {

Operation find_operation(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Operation>, 11> kOperations{{
      {"CreateCollection", &create_collection},
      {"DescribeCollection", &describe_collection},
      {"ListCollections", &list_collections},
      {"DeleteCollection", &delete_collection},
      {"IndexFaces", &index_faces},
      {"ListFaces", &list_faces},
      {"DeleteFaces", &delete_faces},
      {"SearchFaces", &search_faces},
      {"SearchFacesByImage", &search_faces_by_image},
      {"DetectFaces", &detect_faces},
      {"CompareFaces", &compare_faces},
  }};
  for (const auto& [n, op] : kOperations) {
    if (n == name) return op;
  }
  return nullptr;
}

bool changes_data(std::string_view name) {
  return name == "CreateCollection" || name == "DeleteCollection" || name == "IndexFaces" ||
         name == "DeleteFaces";
}

}  // namespace findme::aws
