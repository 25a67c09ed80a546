"""Side-by-side reference (not a test): Drain3 from PyPI mining templates on the first N lines of
the same Loghub-derived log that `refract bench-cluster` measures. Run by
`cargo xtask bench --only cluster` in a venv it creates under ~/.cache/refract (skipped with a note
when pip cannot install drain3). Drain3's default configuration (no masking instructions, depth 4,
sim_th 0.4); the time counts `add_log_message` only, lines already in memory.

Usage: python drain3_bench.py LOG_FILE [N]   → one JSON object on stdout.
"""
import json
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    lines = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            lines.append(line.rstrip("\n"))
            if len(lines) >= n:
                break
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    t0 = time.perf_counter()
    for line in lines:
        miner.add_log_message(line)
    s = time.perf_counter() - t0
    print(json.dumps({
        "lines": len(lines),
        "seconds": s,
        "lines_per_s": len(lines) / s,
        "clusters": len(miner.drain.clusters),
    }))


if __name__ == "__main__":
    main()
