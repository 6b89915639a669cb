// Include first in every http/ file that uses Asio coroutines.
#pragma once

// GCC 12 reports Boost 1.74's awaitable frame allocation (a custom operator new/delete pair on
// the frame base) as -Wmismatched-new-delete: a known false positive. A pragma in this header
// lasts for the rest of the including file, which is the intent: every coroutine body
// triggers it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>
