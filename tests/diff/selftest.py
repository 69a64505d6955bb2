#!/usr/bin/python3
"""Self-test of the differential tooling (needs no migreview binary).

usage: selftest.py [--seeds 1,2,3] [--count 60] [--jobs N] [--keep DIR]
                   [--min-revs A] [--max-revs B]

For every generated project: the driver must succeed, must not load a decoy,
must warn only where the project asks for it (overlapping / duplicate
locations); compare.py must accept the driver's own output converted with
driver_to_list.py and must reject a reordered copy, a copy with one field
changed, and one with a revision dropped.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import compare  # noqa: E402
import driver_to_list  # noqa: E402


def check_project(pdir):
    name = os.path.basename(pdir)
    feats = open(os.path.join(pdir, "FEATURES")).read().split()
    decoys = open(os.path.join(pdir, "DECOYS")).read().split()
    t0 = time.time()
    p = subprocess.run([PY, os.path.join(HERE, "alembic_driver.py"), "alembic.ini", "--json"],
                       cwd=pdir, capture_output=True, text=True)
    dt = time.time() - t0
    if p.returncode != 0:
        return name, ["driver failed rc=%d: %s %s" % (p.returncode, p.stdout.strip()[:300],
                                                      p.stderr.strip()[-300:])], dt
    drv = json.loads(p.stdout)
    errs = []
    nrevs = int([f for f in feats if f.startswith("revisions_")][0].split("_")[1])
    if len(drv["history"]) != nrevs:
        errs.append("history has %d revisions, generated %d" % (len(drv["history"]), nrevs))
    may_warn = "overlapping_locations" in feats or "duplicate_location" in feats
    if drv["warnings"] and not may_warn:
        errs.append("unexpected warnings: %s" % drv["warnings"][:3])
    lst = driver_to_list.to_list(drv)
    probs = compare.compare(drv, lst, decoys)
    if probs:
        errs.append("compare rejects the driver's own output: %s" % probs[:3])
    rng = random.Random(name)
    if len(lst) >= 2:
        bad = list(lst)
        i = rng.randrange(len(bad) - 1)
        bad[i], bad[i + 1] = bad[i + 1], bad[i]
        if not compare.compare(drv, bad, decoys):
            errs.append("compare accepted a reordered list")
    bad = json.loads(json.dumps(lst))
    victim = rng.choice(bad)
    field = rng.choice(compare.FIELDS)
    v = victim[field]
    victim[field] = (not v) if isinstance(v, bool) else (v + ["x"] if isinstance(v, list) else v + "x")
    if not compare.compare(drv, bad, decoys):
        errs.append("compare accepted a changed %s" % field)
    bad = list(lst)
    del bad[rng.randrange(len(bad))]
    if not compare.compare(drv, bad, decoys):
        errs.append("compare accepted a missing revision")
    if decoys:
        bad = json.loads(json.dumps(lst))
        fake = dict(bad[0])
        fake["revision"] = decoys[0]
        bad.append(fake)
        if not compare.compare(drv, bad, decoys):
            errs.append("compare accepted a decoy")
    return name, errs, dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--min-revs", default="2")
    ap.add_argument("--max-revs", default="40")
    args = ap.parse_args()
    base = args.keep or tempfile.mkdtemp(prefix="migreview-selftest.")
    failed = 0
    total = 0
    feats_seen = {}
    times = []
    try:
        for seed in args.seeds.split(","):
            out = os.path.join(base, "seed%s" % seed)
            subprocess.run([PY, os.path.join(HERE, "gen_projects.py"), out, "--seed", seed,
                            "--count", str(args.count),
                            "--min-revs", args.min_revs, "--max-revs", args.max_revs], check=True)
            pdirs = sorted(os.path.join(out, d) for d in os.listdir(out))
            for pdir in pdirs:
                for f in open(os.path.join(pdir, "FEATURES")).read().split():
                    key = f if not f.startswith("revisions_") else "revisions_N"
                    feats_seen[key] = feats_seen.get(key, 0) + 1
            with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
                for name, errs, dt in ex.map(check_project, pdirs):
                    total += 1
                    times.append(dt)
                    if errs:
                        failed += 1
                        print("FAIL seed %s %s: %s" % (seed, name, "; ".join(errs)))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("features over all projects:")
    for k in sorted(feats_seen):
        print("  %-34s %d" % (k, feats_seen[k]))
    print("driver time per project: mean %.2fs max %.2fs" % (sum(times) / len(times), max(times)))
    print("selftest: %d projects, %d failed" % (total, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
