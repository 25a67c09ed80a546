#!/usr/bin/env python3
"""Break down a candidate call graph's errors against one oracle algorithm (pair level).

Usage: callgraph_breakdown.py CORPUS_DIR CANDIDATE.tsv [--algo vta] [--top 25]

Prints false positives and false negatives grouped by the candidate edge kind, by callee
(name from the oracle's cha/vta tables), by caller package and by call site, so that the
biggest buckets of the resolver's errors can be attacked first. Scoping follows compare.py
(candidate edges whose caller file is not compiled are dropped).
"""
import argparse, collections, csv, gzip, os


def read_tsv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus_dir")
    ap.add_argument("candidate")
    ap.add_argument("--algo", default="vta")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    compiled = {r["file"] for r in read_tsv(os.path.join(a.corpus_dir, "files.tsv")) if r["status"] == "compiled"}
    names = {}
    for algo in ("cha", a.algo):
        for r in read_tsv(os.path.join(a.corpus_dir, f"edges.{algo}.tsv.gz")):
            names[(r["caller_file"], int(r["caller_line"]))] = r["caller_name"]
            names[(r["callee_file"], int(r["callee_line"]))] = r["callee_name"]
    orc = {}
    for r in read_tsv(os.path.join(a.corpus_dir, f"edges.{a.algo}.tsv.gz")):
        k = ((r["caller_file"], int(r["caller_line"])), (r["callee_file"], int(r["callee_line"])))
        orc.setdefault(k, []).append(r)
    cand = {}
    for r in read_tsv(a.candidate):
        if r["caller_file"] not in compiled:
            continue
        k = ((r["caller_file"], int(r["caller_line"])), (r["callee_file"], int(r["callee_line"])))
        cand.setdefault(k, []).append(r)
    tp = set(cand) & set(orc)
    fp = set(cand) - set(orc)
    fn = set(orc) - set(cand)
    print(f"oracle {len(orc)} candidate {len(cand)} tp {len(tp)} precision {len(tp)/max(1,len(cand)):.3f} recall {len(tp)/max(1,len(orc)):.3f}")

    def nm(fl):
        return names.get(fl, f"{fl[0]}:{fl[1]}")

    def pkg(fl):
        return fl[0].rsplit("/", 1)[0] if "/" in fl[0] else "."

    def kinds(rows):
        return "static" if any(r["kind"] == "static" for r in rows) else "dynamic"

    def show(title, counter):
        print(f"\n== {title} (total {sum(counter.values())})")
        for k, v in counter.most_common(a.top):
            print(f"{v:7d}  {k}")

    show("FP by candidate kind", collections.Counter(kinds(cand[k]) for k in fp))
    show("FN by oracle kind", collections.Counter(kinds(orc[k]) for k in fn))
    show("FP dynamic by callee", collections.Counter(nm(k[1]) for k in fp if kinds(cand[k]) == "dynamic"))
    # callee method name only: `(*pkg.T).Write` -> Write
    show("FP dynamic by method name", collections.Counter(nm(k[1]).rsplit(".", 1)[-1] for k in fp if kinds(cand[k]) == "dynamic"))
    show("FP dynamic by caller package", collections.Counter(pkg(k[0]) for k in fp if kinds(cand[k]) == "dynamic"))
    show("FP dynamic by call site", collections.Counter(f"{r['call_site_file']}:{r['call_site_line']}" for k in fp for r in cand[k][:1] if kinds(cand[k]) == "dynamic"))
    show("FP static by callee", collections.Counter(nm(k[1]) for k in fp if kinds(cand[k]) == "static"))
    show("FN dynamic by callee", collections.Counter(nm(k[1]) for k in fn if kinds(orc[k]) == "dynamic"))
    show("FN dynamic by caller", collections.Counter(nm(k[0]) for k in fn if kinds(orc[k]) == "dynamic"))
    show("FN dynamic by call site", collections.Counter(f"{r['call_site_file']}:{r['call_site_line']}" for k in fn for r in orc[k][:1] if kinds(orc[k]) == "dynamic"))
    show("FN static by callee", collections.Counter(nm(k[1]) for k in fn if kinds(orc[k]) == "static"))


if __name__ == "__main__":
    main()
