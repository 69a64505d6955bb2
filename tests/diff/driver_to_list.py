#!/usr/bin/python3
"""Convert alembic_driver.py --json output to the `migreview list --order
history --json` format (an array of revision objects in history order).

usage: driver_to_list.py DRIVER_JSON [--order history|review]

Handy for debugging (diff it against migreview's output with jq / diff -u)
and for testing compare.py.
"""

import argparse
import json
import sys

FIELDS = (
    "down_revisions", "branch_labels", "depends_on", "path", "message",
    "is_head", "is_base", "is_branch_point", "is_merge_point",
)


def to_list(driver, order="history"):
    if "error" in driver:
        raise ValueError("driver output is an error: %s" % driver["error"])
    ids = list(driver["history"])
    if order == "review":
        ids.reverse()
    out = []
    for rev in ids:
        info = driver["revisions"][rev]
        obj = {"revision": rev}
        for f in FIELDS:
            obj[f] = info[f]
        out.append(obj)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("driver_json")
    ap.add_argument("--order", choices=("history", "review"), default="history")
    args = ap.parse_args(argv)
    with open(args.driver_json, encoding="utf-8") as f:
        driver = json.load(f)
    try:
        out = to_list(driver, args.order)
    except ValueError as exc:
        print("driver_to_list: %s" % exc, file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
