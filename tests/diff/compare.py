#!/usr/bin/python3
"""Compare Alembic's view of a project with migreview's.

usage: compare.py DRIVER_JSON MIGREVIEW_JSON [--decoys FILE] [--max N]

DRIVER_JSON    output of alembic_driver.py --json
MIGREVIEW_JSON output of `migreview list --order history --json`: an array,
               in order, of objects with revision, down_revisions,
               branch_labels, depends_on, path, message, is_head, is_base,
               is_branch_point, is_merge_point
--decoys FILE  revision ids (one a line) that must appear in neither output

The order of revisions must equal the driver's "history" exactly, and every
field of every revision must match (branch_labels compared as sorted lists,
everything else exactly, booleans must be JSON booleans).

Exit 0 and print nothing on a match; print a short diff of the first
mismatches and exit 1 otherwise; exit 2 when an input is unusable.
"""

import argparse
import json
import sys

LIST_FIELDS = ("down_revisions", "branch_labels", "depends_on")
STR_FIELDS = ("path", "message")
BOOL_FIELDS = ("is_head", "is_base", "is_branch_point", "is_merge_point")
FIELDS = LIST_FIELDS + STR_FIELDS + BOOL_FIELDS


class Unusable(Exception):
    pass


def load(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise Unusable("%s: cannot read %s: %s" % (what, path, exc.strerror))
    except ValueError as exc:
        raise Unusable("%s: %s is not JSON: %s" % (what, path, exc))


def short(value, limit=70):
    s = json.dumps(value, ensure_ascii=False)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def pair(a, b, limit=70):
    """Show two differing values; long strings are cut around the first
    difference so that it stays visible."""
    if isinstance(a, str) and isinstance(b, str):
        i = 0
        while i < min(len(a), len(b)) and a[i] == b[i]:
            i += 1
        start = max(0, i - 25)
        if start > 0:
            a, b = "..." + a[start:], "..." + b[start:]
    return short(a, limit), short(b, limit)


def norm(field, value):
    if field == "branch_labels" and isinstance(value, list):
        try:
            return sorted(value)
        except TypeError:
            return value
    return value


def same(field, a, b):
    if field in BOOL_FIELDS:
        return isinstance(b, bool) and a is b
    if field in LIST_FIELDS:
        return isinstance(b, list) and norm(field, a) == norm(field, b)
    return isinstance(b, str) and a == b


def compare(driver, mig, decoys=(), max_report=8):
    """Return a list of problem lines (empty when everything matches)."""
    problems = []

    if not isinstance(driver, dict) or "history" not in driver:
        if isinstance(driver, dict) and "error" in driver:
            raise Unusable("alembic failed: %s" % driver["error"])
        raise Unusable("driver JSON has no 'history'")
    if not isinstance(mig, list):
        return ["migreview output is not a JSON array (got %s)" % type(mig).__name__]

    expected = list(driver["history"])
    infos = driver["revisions"]

    got = []
    by_rev = {}
    for i, obj in enumerate(mig):
        if not isinstance(obj, dict) or not isinstance(obj.get("revision"), str):
            problems.append("migreview entry %d has no string 'revision': %s" % (i, short(obj)))
            continue
        rev = obj["revision"]
        if rev in by_rev:
            problems.append("migreview lists revision %s twice (entries %d and %d)"
                            % (rev, by_rev[rev][0], i))
            continue
        by_rev[rev] = (i, obj)
        got.append(rev)

    for d in decoys:
        if d in infos or d in expected:
            problems.append("DRIVER BUG: alembic_driver loaded decoy file revision %s" % d)
        if d in by_rev:
            problems.append("migreview loaded decoy revision %s (a file Alembic ignores): path %s"
                            % (d, short(by_rev[d][1].get("path"))))

    # ---- membership -----------------------------------------------------------
    exp_set = set(expected)
    missing = [r for r in expected if r not in by_rev]
    extra = [r for r in got if r not in exp_set]
    if missing:
        problems.append("missing in migreview (%d): %s%s" % (
            len(missing), " ".join(missing[:10]), " ..." if len(missing) > 10 else ""))
    if extra:
        problems.append("extra in migreview (%d): %s%s" % (
            len(extra), " ".join(extra[:10]), " ..." if len(extra) > 10 else ""))

    # ---- order ------------------------------------------------------------------
    if got != expected:
        common_exp = [r for r in expected if r in by_rev]
        common_got = [r for r in got if r in exp_set]
        first = None
        for i, (a, b) in enumerate(zip(expected, got)):
            if a != b:
                first = i
                break
        if first is None:
            first = min(len(expected), len(got))
        lo = max(0, first - 2)
        hi = first + 4
        problems.append("order differs at position %d (of %d alembic / %d migreview):"
                        % (first, len(expected), len(got)))
        rows = []
        for i in range(lo, hi):
            a = expected[i] if i < len(expected) else "-"
            b = got[i] if i < len(got) else "-"
            rows.append((" " if a == b else "*", i, a, b))
        w = max([len("alembic")] + [len(r[2]) for r in rows])
        problems.append("     pos  %-*s  migreview" % (w, "alembic"))
        for mark, i, a, b in rows:
            problems.append("  %s %4d  %-*s  %s" % (mark, i, w, a, b))
        if common_exp and common_exp == common_got and (missing or extra):
            problems.append("    (the revisions both list are in the same order)")

    # ---- fields -----------------------------------------------------------------
    field_problems = []
    for rev in expected:
        if rev not in by_rev:
            continue
        obj = by_rev[rev][1]
        info = infos[rev]
        for f in FIELDS:
            if f not in obj:
                field_problems.append("%s: field %s missing in migreview" % (rev, f))
                continue
            if not same(f, info[f], obj[f]):
                field_problems.append("%s: %s: alembic %s, migreview %s"
                                      % ((rev, f) + pair(info[f], obj[f])))
    if field_problems:
        problems.append("field mismatches: %d" % len(field_problems))
        problems.extend("  " + p for p in field_problems[:max_report])
        if len(field_problems) > max_report:
            problems.append("  ... and %d more" % (len(field_problems) - max_report))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare alembic_driver.py and migreview list output.")
    ap.add_argument("driver_json")
    ap.add_argument("migreview_json")
    ap.add_argument("--decoys", metavar="FILE")
    ap.add_argument("--max", type=int, default=8, help="field mismatches to show")
    args = ap.parse_args(argv)
    try:
        driver = load(args.driver_json, "driver")
        mig = load(args.migreview_json, "migreview")
        decoys = []
        if args.decoys:
            with open(args.decoys, encoding="utf-8") as f:
                decoys = [l.strip() for l in f if l.strip()]
        problems = compare(driver, mig, decoys, args.max)
    except Unusable as exc:
        print(str(exc))
        return 2
    if problems:
        print("\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
