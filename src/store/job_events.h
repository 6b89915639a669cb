// Job events across processes: a store announces jobs queued (and, where it can, jobs ended) by
// any process sharing its database, so that idle workers claim another process's job at once and
// long polls wake when another process finished theirs. Missed events only delay: workers poll.
#pragma once

#include <functional>

#include "core/entities.h"

namespace findme::store {

struct JobEventCallbacks {
  std::function<void(JobId)> queued;  // called on the store's listener thread; thread-safe
  std::function<void(JobId)> ended;
};

}  // namespace findme::store
