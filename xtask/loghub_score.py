#!/usr/bin/env python3
"""Score `refract cluster` on the labelled Loghub-2k sets (HDFS, Zookeeper, OpenSSH, Linux).

For each dataset and both label variants (original `<D>/<D>_2k.log_structured.csv` and the
Loghub-2.0 corrected `<D>/loghub-2.0_2k/<D>_2k.log_structured_corrected.csv`):
extract the Content column with a real CSV reader into a temp file (one message per line),
run `refract cluster --logs TMP --format loghub`, score with the shared `score.py --json`,
print a table, and exit 1 if a target is missed:
GA >= published Drain GA on every set and mean GA >= 0.93 (checked on the corrected labels
and on the original labels).

Usage: python3 xtask/loghub_score.py [--shared /work/shared] [--bin target/release/refract]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

DATASETS = ["HDFS", "Zookeeper", "OpenSSH", "Linux"]
DRAIN_GA = {"HDFS": 0.998, "Zookeeper": 0.967, "OpenSSH": 0.788, "Linux": 0.690}
MEAN_TARGET = 0.93
ENC = dict(encoding="utf-8", errors="surrogateescape", newline="")


def extract_content(gt_csv, out_path):
    """Writes the Content column, one message per line, in LineId order. Returns line count."""
    with open(gt_csv, **ENC) as f, open(out_path, "w", **ENC) as out:
        n = 0
        for n, row in enumerate(csv.DictReader(f), start=1):
            if row["LineId"].strip() != str(n):
                raise SystemExit("%s: LineId %r at row %d" % (gt_csv, row["LineId"], n))
            content = row["Content"]
            if "\n" in content or "\r" in content:
                raise SystemExit("%s: multi-line Content at LineId %d" % (gt_csv, n))
            out.write(content + "\n")
    return n


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.environ.get("REFRACT_SHARED", "/work/shared"))
    ap.add_argument("--bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target")), "release", "refract"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    root = os.path.join(a.shared, "data", "loghub")
    scorer = os.path.join(root, "score.py")

    results = []
    with tempfile.TemporaryDirectory(prefix="loghub-score-") as tmp:
        for d in DATASETS:
            for variant, gt in (
                ("corrected", os.path.join(root, d, "loghub-2.0_2k", d + "_2k.log_structured_corrected.csv")),
                ("original", os.path.join(root, d, d + "_2k.log_structured.csv")),
            ):
                content = os.path.join(tmp, "%s_%s.txt" % (d, variant))
                pred = os.path.join(tmp, "%s_%s.pred.csv" % (d, variant))
                extract_content(gt, content)
                with open(pred, "wb") as out:
                    subprocess.run([a.bin, "cluster", "--logs", content, "--format", "loghub"],
                                   stdout=out, check=True)
                r = subprocess.run([sys.executable, scorer, pred, gt, "--json"],
                                   capture_output=True, text=True, check=True)
                res = json.loads(r.stdout)
                res.update(dataset=d, variant=variant)
                results.append(res)

    if a.json:
        print(json.dumps(results, indent=2))
    f = lambda v: "  n/a " if v is None else "%.4f" % v
    print("%-10s %-9s %6s %6s %6s %6s %6s %8s %6s" %
          ("dataset", "labels", "GA", "FGA", "PA", "pairF1", "Drain", "clusters", "groups"))
    ok = True
    for variant in ("corrected", "original"):
        rows = [r for r in results if r["variant"] == variant]
        for r in rows:
            miss = r["GA"] < DRAIN_GA[r["dataset"]]
            ok &= not miss
            print("%-10s %-9s %s %s %s %s %s %8d %6d%s" % (
                r["dataset"], variant, f(r["GA"]), f(r["FGA"]), f(r["PA"]), f(r["pair_F1"]),
                f(DRAIN_GA[r["dataset"]]), r["pred_clusters"], r["gt_groups"], "  <-- below Drain" if miss else ""))
        mean = lambda k: sum(r[k] for r in rows) / len(rows)
        miss = mean("GA") < MEAN_TARGET
        ok &= not miss
        print("%-10s %-9s %s %s %s %s %s%s" % ("mean", variant, f(mean("GA")), f(mean("FGA")), f(mean("PA")),
                                           f(mean("pair_F1")), f(MEAN_TARGET), "  <-- below target" if miss else ""))
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
