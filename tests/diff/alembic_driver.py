#!/usr/bin/python3
"""Differential-test oracle: ask the REAL Alembic for a project's revision graph.

usage: alembic_driver.py INI [--name SECTION] [--json]

Loads the project with Debian's Alembic (1.8.1) exactly the way `alembic
history` does (ScriptDirectory.from_config + walk_revisions), with two
emulations so that the result is what Alembic >= 1.10 / 1.16 would produce:

  * discovery: every version location is listed with os.walk, file names
    sorted, sub-directories visited in sorted order when
    `recursive_version_locations = true`, roots ending in __pycache__
    skipped, symlinked directories not followed, each file loaded from its
    real path (duplicate real paths warned about and ignored);
  * `path_separator` (1.16) splits version_locations ('space', 'newline',
    'os', ':', ';'; pieces stripped, empty ones dropped); without it 1.8.1's
    own `version_path_separator` / legacy space-comma handling is used
    unchanged (except `version_path_separator = newline`, which 1.8.1
    rejects and 1.16 accepts: it is treated like path_separator).

With --json prints one JSON object (see tests/diff/README in the brief):
  {"history": [...], "heads": [...], "bases": [...], "revisions": {...},
   "warnings": [...]}
On any error prints {"error": "Class: message", "warnings": [...]} and exits 3.
Without --json prints a human-readable history (heads first) instead.
"""

import argparse
import json
import os
import sys
import warnings

# Loading migration modules must not litter the projects with __pycache__.
sys.dont_write_bytecode = True

EXIT_ERROR = 3

# Alembic 1.16 path_separator values.
_PATH_SEPARATORS = {
    "space": " ",
    "newline": "\n",
    "os": os.pathsep,
    ":": ":",
    ";": ";",
}


def _install_emulation():
    """Patch Alembic 1.8.1's discovery to behave like Alembic >= 1.10."""
    from alembic import util
    from alembic.script import base as script_base

    Script = script_base.Script
    ScriptDirectory = script_base.ScriptDirectory

    def _list_py_dir(cls, scriptdir, path):
        recursive = getattr(scriptdir, "_md_recursive_version_locations", False)
        paths = []
        for root, dirs, files in os.walk(path, topdown=True):
            if root.endswith("__pycache__"):
                continue
            for filename in sorted(files):
                paths.append(os.path.join(root, filename))
            if scriptdir.sourceless:
                py_cache_path = os.path.join(root, "__pycache__")
                if os.path.exists(py_cache_path):
                    names = {f.split(".")[0] for f in files}
                    paths.extend(
                        os.path.join(py_cache_path, pyc)
                        for pyc in os.listdir(py_cache_path)
                        if pyc.split(".")[0] not in names
                    )
            if not recursive:
                break
            dirs.sort()
        return paths

    def _load_revisions(self):
        if self.version_locations:
            paths = [
                vers for vers in self._version_locations if os.path.exists(vers)
            ]
        else:
            paths = [self.versions]
        dupes = set()
        for vers in paths:
            for file_path in Script._list_py_dir(self, vers):
                real_path = os.path.realpath(file_path)
                if real_path in dupes:
                    util.warn(
                        "File %s loaded twice! ignoring. Please ensure "
                        "version_locations is unique." % real_path
                    )
                    continue
                dupes.add(real_path)
                script = Script._from_filename(
                    self, os.path.dirname(real_path), os.path.basename(real_path)
                )
                if script is None:
                    continue
                yield script

    Script._list_py_dir = classmethod(_list_py_dir)
    ScriptDirectory._load_revisions = _load_revisions


def _split_path_separator(value, sep_name):
    """Alembic 1.16 Config.get_version_locations_list with path_separator."""
    try:
        split_char = _PATH_SEPARATORS[sep_name]
    except KeyError:
        raise ValueError(
            "'%s' is not a valid value for path_separator; "
            "expected 'space', 'newline', 'os', ':', ';'" % sep_name
        ) from None
    return [x.strip() for x in value.split(split_char) if x]


def _message(module):
    doc = module.__doc__
    if not doc or not isinstance(doc, str):
        return ""
    doc = doc.strip()
    if not doc:
        return ""
    return doc.split("\n", 1)[0].strip()


def _tuple(value):
    from alembic import util

    return list(util.to_tuple(value, default=()))


def load_project(ini, section):
    """Return (ScriptDirectory, ini_dir) for the ini file and section."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config(ini, ini_section=section)
    fc = cfg.file_config
    # get_main_option() would silently return None for a missing section;
    # the alembic CLI fails later with "No 'script_location' key", same here.
    has = fc.has_section(section)

    path_sep = None
    if has and fc.has_option(section, "path_separator"):
        path_sep = cfg.get_main_option("path_separator")
    elif cfg.get_main_option("version_path_separator") == "newline":
        # 1.16 accepts 'newline' here too; 1.8.1 would reject it
        path_sep = "newline"

    locations = None
    if path_sep is not None:
        vl = cfg.get_main_option("version_locations")
        if vl:
            locations = _split_path_separator(vl, path_sep)
        # keep 1.8.1 from parsing version_locations (or choking on a
        # version_path_separator that 1.16 would ignore)
        if fc.has_option(section, "version_locations"):
            cfg.remove_main_option("version_locations")

    script = ScriptDirectory.from_config(cfg)
    if path_sep is not None:
        script.version_locations = locations or None
    script._md_recursive_version_locations = (
        cfg.get_main_option("recursive_version_locations") == "true"
    )
    return script


def build(ini, section):
    script = load_project(ini, section)
    ini_dir = os.path.realpath(os.path.dirname(os.path.abspath(ini)))

    history = [sc.revision for sc in script.walk_revisions()]
    heads = list(script.get_heads())
    bases = list(script.get_bases())

    revisions = {}
    rmap = script.revision_map
    for rev_id in history:
        sc = rmap.get_revision(rev_id)
        revisions[rev_id] = {
            "down_revisions": list(sc._versioned_down_revisions),
            "branch_labels": sorted(sc._orig_branch_labels or ()),
            "depends_on": _tuple(sc.dependencies),
            "is_head": bool(sc.is_head),
            "is_base": bool(sc.is_base),
            "is_branch_point": bool(sc.is_branch_point),
            "is_merge_point": bool(sc.is_merge_point),
            "path": os.path.relpath(os.path.realpath(sc.path), ini_dir),
            "message": _message(sc.module),
        }
    return {
        "history": history,
        "heads": heads,
        "bases": bases,
        "revisions": revisions,
    }


def _format_text(result):
    lines = []
    for rev in result["history"]:
        r = result["revisions"][rev]
        down = ", ".join(r["down_revisions"]) or "<base>"
        flags = "".join(
            s
            for s, on in (
                (" (head)", r["is_head"]),
                (" (branchpoint)", r["is_branch_point"]),
                (" (mergepoint)", r["is_merge_point"]),
            )
            if on
        )
        lines.append("%s -> %s%s, %s" % (down, rev, flags, r["message"]))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Print the revision graph of an Alembic project, "
        "as computed by the real Alembic."
    )
    ap.add_argument("ini", metavar="INI")
    ap.add_argument("-n", "--name", default="alembic", metavar="SECTION")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    _install_emulation()

    caught = []
    error = None
    result = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = build(args.ini, args.name)
        except Exception as exc:  # any Alembic (or import/syntax) failure
            error = "%s: %s" % (type(exc).__name__, exc)
    warning_texts = [str(w.message) for w in caught]

    if error is not None:
        if args.json:
            print(json.dumps({"error": error, "warnings": warning_texts}))
        else:
            print("error: %s" % error, file=sys.stderr)
        return EXIT_ERROR

    result["warnings"] = warning_texts
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(_format_text(result))
        for w in warning_texts:
            print("warning: %s" % w, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
