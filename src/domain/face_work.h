// Face work for a request that waits for its answer (the Rekognition-compatible API). The face
// engines live on the job workers, one per core, so such work queues there, in front of the
// durable jobs, instead of competing with them from request threads; the queue is bounded so
// that overload is refused at once rather than answered late.
#pragma once

#include <functional>

#include "core/result.h"
#include "face/face_engine.h"

namespace findme::domain {

// Which analysis an image gets: a selfie's largest face is close, so the detector may take its
// cheaper path.
enum class Shot { event_photo, selfie };

// Thread-safe.
class FaceWork {
 public:
  using Task = std::function<void(face::FaceEngine& engine)>;

  virtual ~FaceWork() = default;

  // Queues `task` to run once on a face worker with that worker's engine; returns at once.
  // Errors: Errc::busy when the queue is full (nothing is queued: the caller refuses the
  // request), Errc::unavailable once the workers are stopping. A queued task that the workers
  // do not reach before they stop is dropped (its waiter's deadline answers for it).
  virtual Result<void> post(Task task) = 0;
};

}  // namespace findme::domain
