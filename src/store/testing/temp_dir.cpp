#include "store/testing/temp_dir.h"

#include <string>
#include <system_error>

#include <stdlib.h>

namespace findme::store::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "findme-XXXXXX").string();
  // mkdtemp makes a fresh, private directory without a race on the name.
  if (mkdtemp(pattern.data()) == nullptr) throw std::system_error(errno, std::generic_category());
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace findme::store::testing
