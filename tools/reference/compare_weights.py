#!/usr/bin/python3
"""Compares two TF.js weight manifests tensor by tensor, in units of the first one's quantisation
step: face-api's uint8 recognition weights against dlib's float original written by
dlib_float_weights.cpp. Every tensor within half a step means the second file is what the first
was quantised from (docs/accuracy.md, "dlib's float weights"). Needs Debian's python3-numpy.

    /usr/bin/python3 tools/reference/compare_weights.py QUANTISED_MANIFEST FLOAT_MANIFEST
"""
import json
import os
import sys

import numpy as np


def read(manifest_path):
    folder = os.path.dirname(manifest_path)
    tensors = {}
    for group in json.load(open(manifest_path)):
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"]))
            q = w.get("quantization")
            if q:
                raw = np.frombuffer(data, dtype=q["dtype"], count=count, offset=offset)
                values = raw.astype(np.float64) * q["scale"] + q["min"]
                offset += count * raw.itemsize
            else:
                values = np.frombuffer(data, dtype=np.float32, count=count, offset=offset)
                offset += count * 4
            tensors[w["name"]] = (values, q["scale"] if q else None)
    return tensors


def main():
    first, second = read(sys.argv[1]), read(sys.argv[2])
    if set(first) != set(second):
        sys.exit(f"different tensors: {sorted(set(first) ^ set(second))}")
    worst = 0.0
    for name, (values, step) in first.items():
        other = second[name][0]
        diff = float(np.abs(values - other).max())
        in_steps = diff / step if step else (0.0 if diff < 1e-6 else float("inf"))
        worst = max(worst, in_steps)
        if in_steps > 0.5 + 1e-3:
            print(f"{name}: differs by {diff:g} ({in_steps:.2f} steps)")
    print(f"{len(first)} tensors; largest difference {worst:.4f} quantisation steps")
    return 0 if worst <= 0.5 + 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
