// Include first (before any other header) in every http/ file that uses Asio or Beast.
#pragma once

// GCC 12 false positives on Boost 1.74 Asio, for the rest of the including file:
// - awaitable frames allocate through a custom operator new/delete pair on the frame base,
//   which GCC reports as -Wmismatched-new-delete;
// - under -fsanitize=thread, Asio's std::atomic_thread_fence triggers -Wtsan (TSan does not
//   model fences; Asio's fences pair with atomics TSan does see).
// They must precede the system headers because GCC attributes them to those headers' lines.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#endif

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>
