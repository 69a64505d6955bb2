#!/usr/bin/python3
"""One project of the real-world evaluation (bench/realworld/run).

usage: evaluate.py --migreview BIN --squawk BIN --checkout DIR --ini REL
                   [--name SECTION] [--arg ARG]... --out DIR

1. The graph: the real Alembic's history (tests/diff/alembic_driver.py, the
   project's own modules importable from its checkout, missing dependencies
   stubbed: stubimport.py) against `migreview list --order history --json`,
   field by field (tests/diff/compare.py's rules).
2. The findings: each migration's upgrade() rendered by the real Alembic as
   offline PostgreSQL SQL (its own MigrationContext, as `alembic upgrade
   --sql` does, one migration at a time), linted by squawk; `migreview check
   --format json` on the project; per migration and squawk rule, whether the
   migreview rule that means the same was found on that migration.

Writes DIR/result.json (the figures and every difference) and DIR/sql/REV.sql.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "diff"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

# squawk's rule -> the migreview rules that flag the same risk.  A squawk
# finding is "found" when one of them is on the same migration; rules absent
# from this table are style or policy rules migreview does not have
# (prefer-bigint-over-int, prefer-text-field, require-statement-timeout ...).
SQUAWK_TO_MIGREVIEW = {
    "adding-required-field": ["add-not-null-without-default"],
    "adding-not-nullable-field": ["set-not-null-without-backfill", "set-not-null-scan"],
    "adding-field-with-default": ["volatile-server-default"],
    "adding-foreign-key-constraint": ["constraint-without-not-valid"],
    "constraint-missing-not-valid": ["constraint-without-not-valid"],
    "ban-drop-column": ["drop-column"],
    "ban-drop-table": ["drop-table"],
    "changing-column-type": ["column-type-change", "narrowing-type-change",
                             "enum-column-type-change"],
    "disallowed-unique-constraint": ["unique-constraint-on-existing-table"],
    "renaming-column": ["rename-column"],
    "renaming-table": ["rename-table"],
    "require-concurrent-index-creation": ["index-not-concurrent"],
    "require-concurrent-index-deletion": ["drop-index-not-concurrent"],
    "ban-concurrent-index-creation-in-transaction": ["concurrently-outside-autocommit-block"],
    "require-lock-timeout": ["missing-lock-timeout"],
    "ban-drop-not-null": ["drop-not-null"],
    "adding-serial-primary-key-field": ["lock-heavy-raw-sql", "column-type-change"],
}


def refine(rule, want, sql_path, line):
    """The migreview rules for a squawk finding, from the statement it is on.

    squawk asks for NOT VALID on every ADD CONSTRAINT, but PostgreSQL has no
    NOT VALID for UNIQUE and PRIMARY KEY: what they cost is the index build
    under the table's lock, migreview's unique-constraint-on-existing-table.
    """
    if rule not in ("constraint-missing-not-valid", "adding-serial-primary-key-field"):
        return want
    with open(sql_path) as f:
        text = f.read().split("\n")
    stmt = " ".join(text[line - 1:line + 3]).upper()
    if " UNIQUE" in stmt or "PRIMARY KEY" in stmt:
        return ["unique-constraint-on-existing-table"]
    return want


def alembic_graph(ini, name, checkout):
    """The real Alembic's graph, or {"error": ...}."""
    import stubimport
    import alembic_driver

    stubimport.install()
    for p in (checkout, os.path.join(checkout, "src")):
        if os.path.isdir(p):
            sys.path.insert(0, p)
    alembic_driver._install_emulation()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return alembic_driver.build(ini, name), alembic_driver.load_project(ini, name)
        except Exception as exc:   # the project's code failed to load
            return {"error": "%s: %s" % (type(exc).__name__, exc)}, None


def configured_copy(ini, name, sets, checkout, path):
    """ini, or a copy of it at path with what the project sets in code."""
    import configparser

    if not sets:
        return ini
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(ini)
    if not cp.has_section(name):
        cp.add_section(name)
    here = os.path.dirname(ini)
    for k in cp.options(name):
        cp.set(name, k, cp.get(name, k).replace("%(here)s", here))
    # an ini beside env.py that names no script directory is its own (Flask-Migrate):
    # the copy, elsewhere, names it
    if not cp.has_option(name, "script_location") and \
            os.path.exists(os.path.join(here, "env.py")):
        cp.set(name, "script_location", here)
    for kv in sets:
        section = name
        if kv.startswith("migreview:"):
            section, kv = "migreview", kv[len("migreview:"):]
            if not cp.has_section(section):
                cp.add_section(section)
        k, v = kv[len("both:"):].split("=", 1) if kv.startswith("both:") else kv.split("=", 1)
        cp.set(section, k, v.replace("$CHECKOUT", checkout))
    with open(path, "w") as f:
        cp.write(f)
    return path


def ini_url_scheme(ini, name):
    import configparser

    cp = configparser.ConfigParser(interpolation=None)
    cp.read(ini)
    url = cp.get(name, "sqlalchemy.url", fallback="") if cp.has_section(name) else ""
    return url.split(":", 1)[0].split("+", 1)[0] if ":" in url else "(none)"


def compare_graph(theirs, mine):
    """Differences between Alembic's graph and migreview's list, as lines."""
    import compare

    diffs = []
    order = [r["revision"] for r in mine]
    if order != theirs["history"]:
        diffs.append("order differs: first at position %d" %
                     next((i for i, (a, b) in enumerate(zip(order, theirs["history"])) if a != b),
                          min(len(order), len(theirs["history"]))))
    by_rev = {r["revision"]: r for r in mine}
    for rev in theirs["history"]:
        m = by_rev.get(rev)
        if m is None:
            diffs.append("%s: not listed by migreview" % rev)
            continue
        t = theirs["revisions"][rev]
        for f in compare.FIELDS:
            if f == "path":
                continue    # relative to different directories; the revision ids match
            a, b = t[f], m.get(f)
            if f == "branch_labels":
                a, b = sorted(a or []), sorted(b or [])
            if a != b:
                diffs.append("%s: %s alembic=%r migreview=%r" % (rev, f, a, b))
    return diffs


def render_sql(script, ini, name, outdir):
    """Each migration's upgrade() as offline PostgreSQL SQL: {rev: path or error}."""
    from alembic.config import Config
    from alembic.operations import Operations
    from alembic.runtime.environment import EnvironmentContext

    os.makedirs(outdir, exist_ok=True)
    cfg = Config(ini, ini_section=name)
    done = {}
    for sc in script.walk_revisions():
        buf = io.StringIO()
        try:
            # as env.py would in offline mode: migrations may ask `context` too
            with warnings.catch_warnings(), EnvironmentContext(cfg, script) as env:
                warnings.simplefilter("ignore")
                env.configure(dialect_name="postgresql", as_sql=True, output_buffer=buf,
                              literal_binds=True, transactional_ddl=True)
                # BEGIN ... COMMIT around it, as `alembic upgrade --sql` writes on PostgreSQL
                with env.begin_transaction(), Operations.context(env.get_context()):
                    sc.module.upgrade()
        except Exception as exc:
            done[sc.revision] = {"error": "%s: %s" % (type(exc).__name__, str(exc)[:200])}
            continue
        path = os.path.join(outdir, sc.revision + ".sql")
        with open(path, "w") as f:
            f.write(buf.getvalue())
        done[sc.revision] = {"sql": path}
    return done


def squawk_findings(squawk, files):
    """{rev: [(rule, line, message)]} of squawk on the rendered files."""
    out = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        r = subprocess.run([squawk, "--reporter", "json", "--pg-version", "15"] + chunk,
                           capture_output=True, text=True)
        try:
            items = json.loads(r.stdout or "[]")
        except json.JSONDecodeError:
            items = []
        for it in items:
            rev = os.path.basename(it["file"])[:-len(".sql")]
            out.setdefault(rev, []).append((it["rule_name"], it["line"] + 1, it["message"]))
    return out


def migreview_json(binary, args, cwd):
    r = subprocess.run([binary] + args, capture_output=True, text=True, cwd=cwd)
    try:
        return json.loads(r.stdout), r.stderr
    except json.JSONDecodeError:
        return None, r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migreview", required=True)
    ap.add_argument("--squawk", required=True)
    ap.add_argument("--checkout", required=True)
    ap.add_argument("--ini", required=True)
    ap.add_argument("--name", default="alembic")
    ap.add_argument("--arg", action="append", default=[])
    ap.add_argument("--cwd", default=".", help="where both tools run, relative to the checkout")
    ap.add_argument("--alembic-set", action="append", default=[], metavar="KEY=VALUE",
                    help="what the project sets in code (script_location, version_locations): "
                         "given to Alembic only, through a copy of the ini in --out")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    checkout = os.path.abspath(a.checkout)
    ini = os.path.join(checkout, a.ini)
    a.out = os.path.abspath(a.out)
    os.makedirs(a.out, exist_ok=True)
    cwd = os.path.join(checkout, a.cwd)
    os.chdir(cwd)
    # KEY=VALUE: for Alembic only; both:KEY=VALUE for both; migreview:KEY=VALUE a
    # [migreview] setting, such as the project's policy on downgrades
    alembic_ini = configured_copy(ini, a.name,
                                  [kv for kv in a.alembic_set if not kv.startswith("migreview:")],
                                  checkout,
                                  os.path.join(a.out, "alembic-as-configured-in-code.ini"))
    both = [kv[len("both:"):] if kv.startswith("both:") else kv
            for kv in a.alembic_set if kv.startswith(("both:", "migreview:"))]
    if both:
        ini = configured_copy(ini, a.name, both, checkout,
                              os.path.join(a.out, "migreview-as-configured-in-code.ini"))
    base = ["-c", ini, "-n", a.name] + a.arg
    res = {"ini": a.ini, "section": a.name}

    mine, err = migreview_json(a.migreview, base + ["list", "--order", "history", "--json"],
                               cwd)
    res["migreview_list_error"] = None if mine is not None else err.strip()[:300]
    theirs, script = alembic_graph(alembic_ini, a.name, checkout)
    res["alembic_error"] = theirs.get("error")
    import stubimport
    res["alembic_degraded_files"] = sorted(set(os.path.relpath(p, checkout)
                                               for p in stubimport.DEGRADED))
    res["migrations"] = len(theirs["history"]) if "history" in theirs else len(mine or [])
    if mine is not None and "history" in theirs:
        res["graph_diffs"] = compare_graph(theirs, mine)
        res["heads"] = {"alembic": sorted(theirs["heads"]),
                        "migreview": sorted(r["revision"] for r in mine if r["is_head"])}
        res["labels"] = sorted({l for r in mine for l in r.get("branch_labels") or []})

    # squawk knows PostgreSQL only: to compare like with like, check runs with
    # dialect = postgresql (in a copy of the ini); the project's own is reported
    res["dialect_in_ini"] = ini_url_scheme(ini, a.name)
    pg_ini = configured_copy(ini, a.name, both + ["migreview:dialect=postgresql"], checkout,
                             os.path.join(a.out, "migreview-postgresql.ini"))
    report, err = migreview_json(a.migreview, ["-c", pg_ini, "-n", a.name] + a.arg +
                                 ["check", "--format", "json"], cwd)
    res["migreview_check_error"] = None if report is not None else err.strip()[:300]
    found = {}      # rev -> [(rule, severity, line, message)]
    if report:
        for m in report["migrations"]:
            for item in m["items"]:
                for f in item["findings"]:
                    found.setdefault(m["revision"], []).append(
                        (f["rule"], f["severity"], f["line"], f["message"]))
            res.setdefault("paths", {})[m["revision"]] = m["path"]
    res["migreview_findings"] = found

    if script is None:
        res["rendered"] = {}
        json.dump(res, open(os.path.join(a.out, "result.json"), "w"), indent=1)
        return 0
    rendered = render_sql(script, alembic_ini, a.name, os.path.join(a.out, "sql"))
    res["rendered"] = {k: ("ok" if "sql" in v else v["error"]) for k, v in rendered.items()}
    sq = squawk_findings(a.squawk, [v["sql"] for v in rendered.values() if "sql" in v])
    res["squawk_findings"] = sq

    # recall: each (migration, squawk rule) pair with a migreview counterpart
    pairs = []
    for rev, items in sq.items():
        mine_rules = {f[0] for f in found.get(rev, [])}
        for rule in sorted({i[0] for i in items}):
            want = SQUAWK_TO_MIGREVIEW.get(rule)
            if want is None:
                continue
            line, msg = next((i[1], i[2]) for i in items if i[0] == rule)
            want = refine(rule, want, rendered[rev]["sql"], line)
            pairs.append({"revision": rev, "squawk": rule, "expected": want,
                          "found": bool(mine_rules & set(want)),
                          "sql_line": line, "message": msg})
    res["pairs"] = pairs
    # what migreview finds that squawk, on the same rendered migration, does not
    reverse = {}
    for sq_rule, mr_rules in SQUAWK_TO_MIGREVIEW.items():
        for r in mr_rules:
            reverse.setdefault(r, set()).add(sq_rule)
    # what refine() maps on UNIQUE and PRIMARY KEY constraints
    reverse["unique-constraint-on-existing-table"] |= {"constraint-missing-not-valid",
                                                       "adding-serial-primary-key-field"}
    only_mine = []
    for rev, fs in found.items():
        if res["rendered"].get(rev) != "ok":
            continue
        sq_rules = {i[0] for i in sq.get(rev, [])}
        for rule, sev, line, msg in fs:
            if rule in reverse and not (reverse[rule] & sq_rules):
                only_mine.append({"revision": rev, "rule": rule, "severity": sev,
                                  "line": line, "message": msg})
    res["only_migreview"] = only_mine
    json.dump(res, open(os.path.join(a.out, "result.json"), "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
