#!/usr/bin/python3
"""The tables of bench/REALWORLD.md from evaluate.py's results.

usage: report.py CLASSIFIED_TSV OUT_DIR NAME...

Prints Markdown: the projects and their graphs; squawk's recall per rule,
with the misses classified in CLASSIFIED_TSV set apart; migreview's
error-level findings per rule; and every unclassified difference, to be
read and classified.
"""

import collections
import json
import os
import sys


def load_classified(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            project, rev, rule, cls, note = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            out[(project, rev, rule)] = (cls, note)
    return out


def main():
    classified = load_classified(sys.argv[1])
    out_dir = sys.argv[2]
    results = {n: json.load(open(os.path.join(out_dir, n, "result.json"))) for n in sys.argv[3:]}

    print("| project | migrations | dialect in its ini | opened as it is | Alembic loaded | "
          "graph (order, heads, labels) | heads | branch labels | SQL rendered |")
    print("|---|---:|---|---|---|---|---:|---|---:|")
    total = 0
    for n, r in results.items():
        total += r["migrations"]
        opened = "yes" if not r.get("migreview_list_error") else "**no**: " + \
            r["migreview_list_error"].replace("|", "\\|")[:90]
        loaded = "no: " + r["alembic_error"][:60] if r.get("alembic_error") else \
            ("yes" if not r.get("alembic_degraded_files") else
             "yes (%d files with stubbed imports)" % len(r["alembic_degraded_files"]))
        diffs = r.get("graph_diffs")
        graph = "n/a" if diffs is None else ("identical" if not diffs else
                                             "**%d differences**" % len(diffs))
        heads = len(r.get("heads", {}).get("alembic", [])) if r.get("heads") else "n/a"
        labels = ", ".join(r.get("labels") or []) or "-"
        rendered = r.get("rendered", {})
        ok = sum(1 for v in rendered.values() if v == "ok")
        print("| %s | %d | %s | %s | %s | %s | %s | %s | %d/%d |" % (
            n, r["migrations"], r.get("dialect_in_ini"), opened, loaded, graph, heads,
            labels[:60], ok, len(rendered)))
    print("| **all** | **%d** | | | | | | | |" % total)
    print()

    pairs = collections.Counter()
    found = collections.Counter()
    excused = collections.Counter()
    open_misses = []
    for n, r in results.items():
        for p in r.get("pairs", []):
            pairs[p["squawk"]] += 1
            if p["found"]:
                found[p["squawk"]] += 1
                continue
            c = classified.get((n, p["revision"], p["squawk"]))
            if c and c[0] == "squawk-mistake":
                excused[p["squawk"]] += 1
            else:
                open_misses.append((n, p, c))
    print("| squawk rule | on migrations | found by migreview's rule | squawk's mistakes | "
          "recall without them |")
    print("|---|---:|---:|---:|---:|")
    for rule in sorted(pairs):
        base = pairs[rule] - excused[rule]
        print("| %s | %d | %d | %d | %s |" % (rule, pairs[rule], found[rule], excused[rule],
                                             "%.1f%%" % (100.0 * found[rule] / base) if base else "-"))
    all_base = sum(pairs.values()) - sum(excused.values())
    print("| **all** | **%d** | **%d** | **%d** | **%.1f%%** |" % (
        sum(pairs.values()), sum(found.values()), sum(excused.values()),
        100.0 * sum(found.values()) / all_base if all_base else 0))
    print()

    errors = collections.Counter()
    warnings = collections.Counter()
    for n, r in results.items():
        for rev, fs in r.get("migreview_findings", {}).items():
            for rule, sev, line, msg in fs:
                (errors if sev == "error" else warnings if sev == "warning" else
                 collections.Counter())[rule] += 1
    print("| migreview error rule | findings |")
    print("|---|---:|")
    for rule, k in errors.most_common():
        print("| %s | %d |" % (rule, k))
    print()

    only = collections.Counter()
    unread = []
    for n, r in results.items():
        for f in r.get("only_migreview", []):
            only[f["rule"]] += 1
            if (n, f["revision"], f["rule"]) not in classified:
                unread.append((n, f["revision"], f["rule"]))
    print("| migreview rule, where squawk has nothing of the same kind on the migration | "
          "findings |")
    print("|---|---:|")
    for rule, k in only.most_common():
        print("| %s | %d |" % (rule, k))
    print()

    if unread:
        print("Not classified yet: %s" % ", ".join(" ".join(u) for u in unread))
        print()
    print("Misses not classified as squawk's mistakes (%d):" % len(open_misses))
    print()
    for n, p, c in open_misses:
        path = results[n].get("paths", {}).get(p["revision"], "")
        print("- %s %s `%s` (%s)%s" % (n, p["revision"], p["squawk"], os.path.basename(path),
                                      ": %s, %s" % c if c else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
