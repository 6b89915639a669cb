// FINDME_VECTORISED on a hot loop's definition compiles it twice, for x86-64-v3 (AVX2 and FMA:
// Intel since 2013, AMD since 2015) and for baseline x86-64, and the loader picks the one this
// CPU runs (GCC and Clang function multiversioning). The release build targets baseline x86-64,
// whose SSE2 does 4 floats per instruction and no fused multiply-add; the neural networks' own
// loops (depthwise convolutions, ReLU6, image shrinking) run 2-3x faster with AVX2. Elsewhere it
// does nothing. Results differ from the baseline's in the last bits (FMA rounds once), well
// inside what the face tests allow.
//
// Not under ThreadSanitizer: the loader runs the clones' resolver before TSan's runtime is up,
// and the process crashes at start.
#pragma once

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FINDME_NO_CLONES 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FINDME_NO_CLONES 1
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(FINDME_NO_CLONES)
#define FINDME_VECTORISED __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FINDME_VECTORISED
#endif

// FINDME_PLAIN_LOOPS lets GCC vectorise a function's plain loops as -O3 would (its dynamic cost
// model). At -O2 GCC accepts only loops its "very cheap" model likes: fixed trip counts, or it
// pairs up floats (a byte-to-float row sum ran ~4x under AVX2's speed). Clang vectorises these
// loops at -O2 already and has no such attribute.
#if defined(__GNUC__) && !defined(__clang__)
#define FINDME_PLAIN_LOOPS __attribute__((optimize("vect-cost-model=dynamic")))
#else
#define FINDME_PLAIN_LOOPS
#endif
