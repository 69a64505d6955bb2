#!/usr/bin/python3
"""Generate random but VALID Alembic projects for differential tests.

usage: gen_projects.py OUTDIR --seed N [--count K] [--min-revs A --max-revs B]
                       [--body-kb LO-HI] [--first I]

Writes OUTDIR/p000, p001, ... each with
  alembic.ini            [alembic] script_location = %(here)s/migrations, ...
  migrations/env.py      minimal, never run for `history`
  migrations/script.py.mako
  revision files         in one or more version locations
  FEATURES               one tag per line: what the project exercises
  DECOYS                 revision ids of files Alembic must NOT load
                         (editor droppings, __init__.py, __pycache__, files in
                         sub-directories without recursive_version_locations,
                         symlinked directories, unlisted versions/ ...)

Project i is generated from random.Random("<seed>:<i>") alone, so any single
project can be regenerated with --first i --count 1.

Graph rules (so that real Alembic accepts every project and its order does not
depend on Python's hash seed): at most one depends_on per revision, pointing
to a revision that already has a child (never a head) and is not an ancestor;
branch labels only on branch roots and unique; merges of 2 or 3 current heads.

--body-kb LO-HI pads upgrade()/downgrade() with realistic op.* calls until each
file is LO..HI KB (used by the benchmark for 1,000 / 10,000-revision projects).
"""

import argparse
import datetime
import os
import random
import re
import sys

# ---------------------------------------------------------------------------
# vocabulary

TABLES = [
    "users", "accounts", "orders", "order_items", "invoices", "payments",
    "products", "categories", "inventory", "warehouses", "shipments",
    "customers", "addresses", "sessions", "audit_log", "events", "tags",
    "comments", "posts", "subscriptions", "plans", "coupons", "refunds",
    "notifications", "api_keys", "roles", "permissions", "teams", "projects",
    "tasks", "attachments", "webhooks", "feature_flags", "reports",
]
COLUMNS = [
    "name", "email", "status", "created_at", "updated_at", "deleted_at",
    "amount", "currency", "quantity", "price", "description", "title",
    "slug", "external_id", "owner_id", "parent_id", "is_active", "priority",
    "notes", "metadata", "due_date", "score", "locale", "timezone", "phone",
    "country_code", "sku", "version", "checksum", "archived",
]
SA_TYPES = [
    "sa.Integer()", "sa.BigInteger()", "sa.String(length=255)",
    "sa.String(length=64)", "sa.Text()", "sa.Boolean()",
    "sa.DateTime(timezone=True)", "sa.Date()", "sa.Numeric(precision=12, scale=2)",
    "sa.JSON()", "sa.Float()", "sa.SmallInteger()",
]
VERBS = [
    "add", "create", "drop", "rename", "backfill", "index", "alter",
    "remove", "introduce", "split", "extend", "normalize",
]
MESSAGES_EXTRA = [
    "initial schema", "baseline", "add soft delete", "widen price precision",
    "añadir índice de búsqueda", "ünïcödé column names", "fix typo in FK name",
    "don't cascade deletes", 'add "status" enum', "partition events by month",
    "make email unique (case-insensitive)", "drop legacy tables",
]
LABEL_WORDS = [
    "core", "billing", "auth", "search", "reporting", "analytics", "shop",
    "inventory", "payments", "legacy", "tenant", "audit", "messaging", "geo",
]
LOC_WORDS = [
    "versions_core", "billing", "auth", "reporting", "Legacy", "zz_archive",
    "2024", "shared", "branches/tenant", "data",
]
SUBDIR_WORDS = [
    "2023", "2023/q4", "2024/Q1", "2024/q2", "archive", "Feature_X", "feature_y",
    "a/b/c", "_old", "Zeta", "alpha", "0_first",
]

# Version-location modes, rotated over the projects so every COUNT >= 13
# covers them all.
LOC_MODES = [
    "default", "legacy_space", "legacy_comma", "vps_os", "ps_newline",
    "vps_semicolon", "ps_space", "vps_colon", "ps_semicolon", "single",
    "ps_os", "vps_space", "ps_colon",
]
# modes whose split does not break on spaces (so dir names may hold spaces)
SPACE_SAFE = {
    "vps_os", "vps_semicolon", "vps_colon", "ps_newline", "ps_semicolon",
    "ps_os", "ps_colon", "single",
}


class Rev:
    __slots__ = (
        "idx", "id", "parents", "dep", "labels", "nchildren", "lane",
        "msg", "loc", "subdir", "fname", "date", "style",
    )

    def __init__(self, idx):
        self.idx = idx
        self.id = None
        self.parents = []
        self.dep = None          # (kind, target_string) or None
        self.labels = None       # (kind, [labels]) or None
        self.nchildren = 0
        self.lane = 0
        self.msg = ""
        self.loc = 0
        self.subdir = ""
        self.fname = ""
        self.date = None
        self.style = None


# ---------------------------------------------------------------------------
# graph


def make_ids(rng, n, style):
    ids = []
    seen = set()
    for i in range(n):
        while True:
            if style == "seq":
                rid = "%04d" % (i + 1)
            elif style == "varhex":
                rid = "%x" % rng.getrandbits(rng.randint(40, 64))
            else:
                rid = "%012x" % rng.getrandbits(48)
            if rid not in seen:
                break
        seen.add(rid)
        ids.append(rid)
    return ids


def gen_graph(rng, n, feats):
    """Return a list of Rev in creation order (parents before children)."""
    shape = "linear" if rng.random() < 0.12 else "mixed"
    if n < 4:
        shape = "linear"
    nbases = 1
    if shape == "mixed":
        r = rng.random()
        if r < 0.30:
            nbases = 2
        elif r < 0.42:
            nbases = rng.randint(3, 4)
        nbases = max(1, min(nbases, n // 3))
    p_branch = rng.choice([0.05, 0.10, 0.18]) if shape == "mixed" else 0.0
    p_merge = rng.choice([0.06, 0.12]) if shape == "mixed" else 0.0
    p_dep = rng.choice([0.0, 0.06, 0.15]) if shape == "mixed" else 0.0
    final_merge = shape == "mixed" and rng.random() < 0.45
    max_tips = rng.randint(3, 6)
    use_anc = p_dep > 0 and n <= 20000

    base_at = set([0])
    if nbases > 1:
        base_at.update(rng.sample(range(1, max(2, n - 1)), nbases - 1))

    id_style = rng.choices(["hex12", "seq", "varhex"], [70, 12, 18])[0]
    ids = make_ids(rng, n, id_style)
    feats.add("ids_" + id_style)

    revs = []
    tips = []
    anc = []
    lanes = 0
    used_labels = set()

    def new_label():
        while True:
            w = rng.choice(LABEL_WORDS)
            if rng.random() < 0.5 or w in used_labels:
                w = "%s_%d" % (w, rng.randint(1, 999))
            if w not in used_labels:
                used_labels.add(w)
                return w

    def maybe_label(rev, prob):
        if rng.random() >= prob:
            return
        k = rng.random()
        if k < 0.5:
            rev.labels = ("str", [new_label()])
            feats.add("branch_labels_str")
        elif k < 0.85:
            rev.labels = ("tuple", [new_label() for _ in range(rng.randint(1, 2))])
            feats.add("branch_labels_tuple")
        else:
            rev.labels = ("list", [new_label()])
            feats.add("branch_labels_list")

    for i in range(n):
        rev = Rev(i)
        rev.id = ids[i]
        remaining = n - i
        if i in base_at or not tips:
            action = "base"
        elif shape == "linear":
            action = "extend"
        elif final_merge and len(tips) >= 2 and remaining <= len(tips) - 1:
            action = "merge"
        elif len(tips) > max_tips:
            action = "merge"
        else:
            r = rng.random()
            if r < p_branch:
                action = "branch"
            elif r < p_branch + p_merge and len(tips) >= 2:
                action = "merge"
            else:
                action = "extend"

        if action == "branch":
            parent = None
            lo = max(0, i - 40)
            for _ in range(12):
                cand = revs[rng.randrange(lo, i)]
                if 1 <= cand.nchildren <= 2:
                    parent = cand
                    break
            if parent is None:
                action = "extend"
            else:
                rev.parents = [parent.idx]
                lanes += 1
                rev.lane = lanes
                tips.append(i)
                feats.add("branches")
                if parent.nchildren == 2:
                    feats.add("branch_3_children")
                maybe_label(rev, 0.3)
        if action == "extend":
            t = rng.randrange(len(tips))
            p = tips[t]
            rev.parents = [p]
            rev.lane = revs[p].lane
            tips[t] = i
        elif action == "merge":
            k = 3 if len(tips) >= 3 and rng.random() < 0.35 else 2
            chosen = rng.sample(tips, k)
            rev.parents = chosen
            for c in chosen:
                tips.remove(c)
            tips.append(i)
            rev.lane = revs[chosen[0]].lane
            feats.add("merges%d" % k)
        elif action == "base":
            lanes += 1
            rev.lane = lanes
            tips.append(i)
            if i > 0:
                feats.add("multi_base")
            maybe_label(rev, 0.6 if nbases > 1 else 0.15)

        for p in rev.parents:
            revs[p].nchildren += 1

        if use_anc:
            a = 1 << i
            for p in rev.parents:
                a |= anc[p]
            anc.append(a)

        # at most one dependency: a non-head revision that is not an ancestor
        if p_dep and i > 2 and rng.random() < p_dep:
            mine = anc[i] if use_anc else 0
            for _ in range(15):
                x = revs[rng.randrange(0, i)]
                if x.nchildren < 1:
                    continue
                if use_anc and (mine >> x.idx) & 1:
                    continue
                if not use_anc and x.lane == rev.lane:
                    continue
                target = x.id
                if x.labels and rng.random() < 0.5:
                    target = rng.choice(x.labels[1])
                    feats.add("depends_on_label")
                k = rng.random()
                if k < 0.5:
                    rev.dep = ("str", target)
                    feats.add("depends_on_str")
                elif k < 0.85:
                    rev.dep = ("tuple", target)
                    feats.add("depends_on_tuple")
                else:
                    rev.dep = ("list", target)
                    feats.add("depends_on_list")
                break
        revs.append(rev)

    if shape == "linear":
        feats.add("linear")
    if len(tips) > 1:
        feats.add("multiple_heads")
    return revs


# ---------------------------------------------------------------------------
# rendering


def q(s, quote):
    if quote == "'":
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fmt_value(kind, items, quote, rng):
    """Render None / a string / a tuple / a list of strings as Python."""
    if kind is None:
        return "None"
    if kind == "str":
        return q(items[0], quote)
    inner = [q(x, quote) for x in items]
    if kind == "tuple":
        if len(inner) == 1:
            return "(%s,)" % inner[0]
        if rng.random() < 0.2:
            return "(\n" + "".join("    %s,\n" % x for x in inner) + ")"
        return "(%s)" % ", ".join(inner)
    if rng.random() < 0.15:
        return "[\n" + "".join("    %s,\n" % x for x in inner) + "]"
    return "[%s]" % ", ".join(inner)


def slugify(msg):
    s = "_".join(re.findall(r"\w+", msg)).lower()
    s = s.encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"_+", "_", s).strip("_")
    return (s[:40].rstrip("_")) or "rev"


class Body:
    """Realistic op.* statements, built fast from a few templates."""

    def __init__(self, rng):
        self.rng = rng

    def _col(self):
        r = self.rng
        extra = ""
        x = r.random()
        if x < 0.2:
            extra = ", server_default=sa.text(%s)" % q(r.choice(["'0'", "now()", "false", "''"]), '"')
        elif x < 0.3:
            extra = ", comment=%s" % q("%s of the row" % r.choice(COLUMNS), '"')
        return 'sa.Column("%s", %s, nullable=%s%s)' % (
            r.choice(COLUMNS), r.choice(SA_TYPES), r.choice(["True", "False"]), extra)

    def up_stmt(self):
        r = self.rng
        t = r.choice(TABLES) + ("_%d" % r.randint(1, 99) if r.random() < 0.5 else "")
        c = r.choice(COLUMNS)
        k = r.random()
        if k < 0.25:
            cols = ",\n".join("        " + self._col() for _ in range(r.randint(3, 8)))
            return (
                '    op.create_table(\n        "%s",\n'
                '        sa.Column("id", sa.Integer(), nullable=False),\n'
                "%s,\n"
                '        sa.PrimaryKeyConstraint("id"),\n    )\n' % (t, cols))
        if k < 0.45:
            return '    op.add_column("%s", %s)\n' % (t, self._col())
        if k < 0.60:
            return ('    op.create_index(op.f("ix_%s_%s"), "%s", ["%s"], unique=%s)\n'
                    % (t, c, t, c, r.choice(["False", "True"])))
        if k < 0.75:
            return ('    op.execute(\n        "UPDATE %s SET %s = %s WHERE %s IS NULL"\n    )\n'
                    % (t, c, r.choice(["0", "''", "now()", "false"]), c))
        if k < 0.83:
            p = r.choice(TABLES)
            return ('    op.create_foreign_key(\n        "fk_%s_%s_%s", "%s", "%s", ["%s_id"], ["id"]\n    )\n'
                    % (t, p, c, t, p, p.rstrip("s")))
        if k < 0.91:
            return ('    op.alter_column(\n        "%s",\n        "%s",\n'
                    "        existing_type=%s,\n        nullable=%s,\n    )\n"
                    % (t, c, r.choice(SA_TYPES), r.choice(["True", "False"])))
        return ('    op.execute(\n        sa.text(\n            "INSERT INTO %s (%s) "\n'
                '            "SELECT %s FROM %s WHERE id > :n"\n        ).bindparams(n=%d)\n    )\n'
                % (t, c, c, r.choice(TABLES), r.randint(1, 10000)))

    def down_stmt(self):
        r = self.rng
        t = r.choice(TABLES)
        c = r.choice(COLUMNS)
        k = r.random()
        if k < 0.3:
            return '    op.drop_index(op.f("ix_%s_%s"), table_name="%s")\n' % (t, c, t)
        if k < 0.6:
            return '    op.drop_column("%s", "%s")\n' % (t, c)
        if k < 0.75:
            return '    op.drop_constraint("fk_%s_%s", "%s", type_="foreignkey")\n' % (t, c, t)
        if k < 0.85:
            return '    op.execute("DELETE FROM %s WHERE %s IS NULL")\n' % (t, c)
        return '    op.drop_table("%s")\n' % t

    def small(self):
        return self.up_stmt(), self.down_stmt()

    def padded(self, target_bytes):
        """About half of target_bytes of upgrade, the rest downgrade; never
        more than target_bytes + one downgrade statement (< 100 bytes)."""
        room = target_bytes - 120
        up = [self.up_stmt()]
        n = len(up[0])
        while n < target_bytes // 2:
            for _ in range(8):
                s = self.up_stmt()
                if n + len(s) <= room:
                    break
            else:
                break
            up.append(s)
            n += len(s)
        down = [self.down_stmt()]
        n += len(down[0])
        while n < target_bytes:
            s = self.down_stmt()
            down.append(s)
            n += len(s)
        return "".join(up), "".join(down)


AUTOGEN_OPEN = "    # ### commands auto generated by Alembic - please adjust! ###\n"
AUTOGEN_CLOSE = "    # ### end Alembic commands ###\n"


def render_rev(rev, revs, style, rng, body, body_bytes, feats):
    quote = style["quote"]
    annotated = style["annotated"]
    parents = [revs[p].id for p in rev.parents]
    date = rev.date.strftime("%Y-%m-%d %H:%M:%S.%f")

    # docstring
    revises = ", ".join(parents)
    doc_kind = rng.choices(
        ["std", "leading_nl", "one_line", "none", "single_quote"], [84, 5, 5, 3, 3])[0]
    if doc_kind == "std":
        doc = '"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n"""\n' % (
            rev.msg, rev.id, revises, date)
    elif doc_kind == "leading_nl":
        doc = '"""\n%s\n\nRevision ID: %s\nRevises: %s\n"""\n' % (rev.msg, rev.id, revises)
        feats.add("docstring_leading_newline")
    elif doc_kind == "one_line":
        doc = '"""%s"""\n' % rev.msg
        feats.add("docstring_one_line")
    elif doc_kind == "single_quote":
        doc = "'''%s\n\nRevision ID: %s\nRevises: %s\n'''\n" % (rev.msg, rev.id, revises)
        feats.add("docstring_single_quotes")
    else:
        doc = "# %s\n#\n# Revision ID: %s\n" % (rev.msg, rev.id)
        feats.add("no_docstring")

    out = [doc]
    if annotated:
        out.append("from typing import Sequence, Union\n\n")
    out.append("from alembic import op\nimport sqlalchemy as sa\n\n\n")
    out.append("# revision identifiers, used by Alembic.\n")

    if len(parents) == 0:
        down_kind = None
    elif len(parents) == 1:
        down_kind = "str"
    else:
        down_kind = rng.choice(["tuple", "list"])
        feats.add("merge_" + down_kind)
    down_src = fmt_value(down_kind, parents, quote, rng)
    labels_src = fmt_value(rev.labels[0], rev.labels[1], quote, rng) if rev.labels else "None"
    deps_src = fmt_value(rev.dep[0], [rev.dep[1]], quote, rng) if rev.dep else "None"
    trail = "  # noqa: E501" if rng.random() < 0.04 else ""

    if annotated:
        down_ann = ("Union[str, Sequence[str], None]"
                    if (len(parents) > 1 or style["seq_ann"]) else "Union[str, None]")
        out.append("revision: str = %s\n" % q(rev.id, quote))
        out.append("down_revision: %s = %s%s\n" % (down_ann, down_src, trail))
        out.append("branch_labels: Union[str, Sequence[str], None] = %s\n" % labels_src)
        out.append("depends_on: Union[str, Sequence[str], None] = %s\n" % deps_src)
        ret = " -> None"
    else:
        out.append("revision = %s\n" % q(rev.id, quote))
        out.append("down_revision = %s%s\n" % (down_src, trail))
        if rev.labels or rev.dep or not style["old_template"]:
            out.append("branch_labels = %s\n" % labels_src)
            out.append("depends_on = %s\n" % deps_src)
        else:
            feats.add("old_template_no_labels")
        ret = " -> None" if style["ret_ann"] else ""

    if len(parents) > 1 and body_bytes == 0:
        up, down = "    pass\n", "    pass\n"
    elif body_bytes:
        # whole file in [lo, hi]: the padding stops at the first statement
        # that reaches the target (downgrade statements are < 100 bytes)
        lo, hi = body_bytes
        total = rng.randint(lo, max(lo, hi - 128))
        framing = len(ret) * 2 + 40 + 2 * (len(AUTOGEN_OPEN) + len(AUTOGEN_CLOSE))
        head = len("".join(out).encode("utf-8"))
        up, down = body.padded(max(1, total - head - framing))
        up = AUTOGEN_OPEN + up + AUTOGEN_CLOSE
        down = AUTOGEN_OPEN + down + AUTOGEN_CLOSE
    else:
        up, down = body.small()
        up = AUTOGEN_OPEN + up + AUTOGEN_CLOSE
        down = AUTOGEN_OPEN + down + AUTOGEN_CLOSE
    out.append("\n\ndef upgrade()%s:\n%s\n\ndef downgrade()%s:\n%s" % (ret, up, ret, down))
    return "".join(out)


def decoy_source(decoy_id, down_id, quote):
    return ('"""decoy: Alembic must never load this file\n\nRevision ID: %s\n"""\n'
            "revision = %s\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
            % (decoy_id, q(decoy_id, quote), q(down_id, quote)))


ENV_PY = '''"""Minimal env.py: never executed by `alembic history` or by migreview."""
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
target_metadata = None


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

INI_TAIL = """
# Logging configuration
[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
datefmt = %%H:%%M:%%S
"""


# ---------------------------------------------------------------------------
# one project


def ini_escape(s):
    return s.replace("%", "%%")


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def gen_project(pdir, seed, index, min_revs, max_revs, body_kb):
    rng = random.Random("%s:%d" % (seed, index))
    feats = set()
    decoys = []
    n = rng.randint(min_revs, max_revs)
    revs = gen_graph(rng, n, feats)

    mig = os.path.join(pdir, "migrations")
    os.makedirs(mig)
    write(os.path.join(mig, "env.py"), ENV_PY)
    write(os.path.join(mig, "script.py.mako"), MAKO)

    # ---- version locations -------------------------------------------------
    mode = LOC_MODES[(index + int(seed) if str(seed).isdigit() else index) % len(LOC_MODES)]
    if rng.random() < 0.15:
        mode = rng.choice(LOC_MODES)
    recursive = rng.random() < 0.35
    allow_space = mode in SPACE_SAFE
    feats.add("locations_" + mode)

    if mode == "default":
        locs = ["versions"]
    elif mode == "single":
        locs = [rng.choice(["versions", "versions_core", "data"])]
    else:
        nlocs = rng.randint(2, 4)
        pool = list(LOC_WORDS)
        rng.shuffle(pool)
        locs = pool[:nlocs]
        if rng.random() < 0.5:
            locs[0] = "versions"
        if allow_space and rng.random() < 0.4:
            locs[-1] = "my versions"
            feats.add("location_with_space")
    if rng.random() < 0.12 and mode != "default":
        locs = [l if i else l + "%pct" for i, l in enumerate(locs)]
        feats.add("location_percent_escape")
    locs = list(dict.fromkeys(locs))
    nloc = len(locs)

    # lanes (bases / branches) prefer one location each, with some scatter
    lane_loc = {}
    for rev in revs:
        if rev.lane not in lane_loc:
            lane_loc[rev.lane] = rng.randrange(nloc)
        rev.loc = lane_loc[rev.lane] if rng.random() < 0.8 else rng.randrange(nloc)

    # subdirectories when recursive
    loc_subdirs = []
    for li in range(nloc):
        subs = [""]
        if recursive:
            k = rng.randint(0, 3)
            cands = SUBDIR_WORDS + ["sub dir"]
            subs += rng.sample(cands, k)
        loc_subdirs.append(subs)
    if recursive:
        for rev in revs:
            rev.subdir = rng.choice(loc_subdirs[rev.loc])
        if any(rev.subdir for rev in revs):
            feats.add("recursive_nested")

    # ---- file names ----------------------------------------------------------
    fstyle = rng.choices(
        ["rev_slug", "date_rev_slug", "randhex_slug", "seq_slug", "mixed_case"],
        [35, 25, 25, 10, 5])[0]
    feats.add("files_" + fstyle)
    date = datetime.datetime(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28),
                             rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                             rng.randint(0, 999999))
    seq_numbers = list(range(1, n + 1))
    if rng.random() < 0.5:
        rng.shuffle(seq_numbers)
    msg_pool = MESSAGES_EXTRA
    unicode_names = rng.random() < 0.05
    if unicode_names:
        feats.add("unicode_filenames")
    taken = set()
    for rev in revs:
        date += datetime.timedelta(minutes=rng.randint(-600, 4000))
        rev.date = date
        if len(rev.parents) > 1:
            rev.msg = rng.choice(["merge heads", "merge branches",
                                  "merge %s and %s" % (revs[rev.parents[0]].id, revs[rev.parents[1]].id)])
        elif rng.random() < 0.08:
            rev.msg = rng.choice(msg_pool)
        else:
            rev.msg = "%s %s %s" % (rng.choice(VERBS), rng.choice(COLUMNS),
                                     rng.choice(["to", "on", "in", "for"]) + " " + rng.choice(TABLES))
        slug = slugify(rev.msg)
        if fstyle == "rev_slug":
            name = "%s_%s" % (rev.id, slug)
        elif fstyle == "date_rev_slug":
            name = "%s-%s_%s" % (date.strftime("%Y_%m_%d_%H%M"), rev.id, slug)
        elif fstyle == "randhex_slug":
            name = "%0*x_%s" % (rng.choice([4, 6, 8]), rng.getrandbits(32) & 0xffff, slug)
        elif fstyle == "seq_slug":
            name = "%04d_%s" % (seq_numbers[rev.idx], slug)
        else:
            name = rng.choice(["V%d__%s" % (seq_numbers[rev.idx], slug.title()),
                               "%s_%s" % (rev.id.upper()[:6] + rev.id[6:], slug),
                               "_%s_%s" % (rev.id, slug)])
        if unicode_names and rng.random() < 0.2:
            name += rng.choice(["_é", "_ß", "_ñandú"])
        key = (rev.loc, rev.subdir, name)
        k = 2
        while key in taken:
            key = (rev.loc, rev.subdir, "%s_%d" % (name, k))
            k += 1
        taken.add(key)
        rev.fname = key[2] + ".py"

    # ---- template styles -----------------------------------------------------
    annotated_share = rng.choice([0.0, 0.3, 0.7, 1.0])
    quote_pref = rng.choice(["'", '"'])
    old_template = rng.random() < 0.2
    body = Body(rng)
    body_bytes = (body_kb[0] * 1024, body_kb[1] * 1024) if body_kb else 0

    loc_abs = [os.path.join(mig, l) for l in locs]
    for li, la in enumerate(loc_abs):
        for sd in loc_subdirs[li]:
            os.makedirs(os.path.join(la, sd), exist_ok=True)

    symlink_file = rng.random() < 0.05
    dotfile = rng.random() < 0.05
    crlf = rng.random() < 0.05
    bom = rng.random() < 0.03
    for rev in revs:
        style = {
            "annotated": rng.random() < annotated_share,
            "quote": quote_pref if rng.random() < 0.85 else ("'" if quote_pref == '"' else '"'),
            "old_template": old_template,
            "seq_ann": rng.random() < 0.5,
            "ret_ann": rng.random() < 0.5,
        }
        feats.add("annotated_template" if style["annotated"] else "plain_template")
        src = render_rev(rev, revs, style, rng, body, body_bytes, feats)
        if crlf and rng.random() < 0.3:
            src = src.replace("\n", "\r\n")
            feats.add("crlf_files")
        if bom and rng.random() < 0.3:
            src = "\ufeff" + src
            feats.add("utf8_bom")
        d = os.path.join(loc_abs[rev.loc], rev.subdir)
        fname = rev.fname
        if dotfile and rev.idx == n // 2:
            fname = "." + fname
            feats.add("dotfile_revision")
        if symlink_file and rev.idx == n - 1:
            shared = os.path.join(mig, "shared_src")
            os.makedirs(shared, exist_ok=True)
            write(os.path.join(shared, fname), src)
            os.symlink(os.path.relpath(os.path.join(shared, fname), d), os.path.join(d, fname))
            feats.add("symlink_file")
            continue
        write(os.path.join(d, fname), src)

    # ---- decoys / droppings ------------------------------------------------------
    def new_decoy(d, fname):
        did = "dec%09x" % rng.getrandbits(36)
        target = rng.choice(revs).id
        write(os.path.join(d, fname), decoy_source(did, target, quote_pref))
        decoys.append(did)

    if rng.random() < 0.5:
        feats.add("droppings")
        for li, la in enumerate(loc_abs):
            if rng.random() < 0.6:
                write(os.path.join(la, "__init__.py"), "")
            some = rng.choice(revs).fname
            x = rng.random()
            if x < 0.3:
                new_decoy(la, ".#" + some)
            elif x < 0.5:
                new_decoy(la, "__init__.py")
            elif x < 0.6:
                new_decoy(la, "__init__old.py")
            if rng.random() < 0.3:
                write(os.path.join(la, some + "~"), "garbage (\n")
            if rng.random() < 0.2:
                with open(os.path.join(la, some[:-3] + ".pyc"), "wb") as f:
                    f.write(b"\x00\x01junk")
            if rng.random() < 0.2:
                write(os.path.join(la, "README.txt"), "version scripts\n")
            if rng.random() < 0.2:
                os.makedirs(os.path.join(la, "__pycache__"), exist_ok=True)
                new_decoy(os.path.join(la, "__pycache__"), "stale_" + some)
    if not recursive and rng.random() < 0.25:
        la = rng.choice(loc_abs)
        os.makedirs(os.path.join(la, "archive"), exist_ok=True)
        new_decoy(os.path.join(la, "archive"), "old_%x.py" % rng.getrandbits(16))
        feats.add("subdir_not_recursive")
    if recursive and rng.random() < 0.25:
        tgt = os.path.join(mig, "_linked_target")
        os.makedirs(tgt, exist_ok=True)
        new_decoy(tgt, "linked_%x.py" % rng.getrandbits(16))
        la = rng.choice(loc_abs)
        os.symlink(os.path.relpath(tgt, la), os.path.join(la, "linked_dir"))
        feats.add("symlinked_dir_not_followed")
    if mode != "default" and "versions" not in locs and rng.random() < 0.4:
        vd = os.path.join(mig, "versions")
        os.makedirs(vd, exist_ok=True)
        new_decoy(vd, "%012x_unlisted.py" % rng.getrandbits(48))
        feats.add("unlisted_versions_dir")

    # ---- alembic.ini ----------------------------------------------------------
    ini_locs = ["%(here)s/migrations/" + ini_escape(l) for l in locs]
    if mode not in ("default",) and rng.random() < 0.1:
        ini_locs.insert(rng.randrange(len(ini_locs) + 1), "%(here)s/migrations/does_not_exist")
        feats.add("missing_location")
    if recursive and mode not in ("default", "single") and rng.random() < 0.15:
        # a location nested in another one: files seen twice, warned, ignored
        sub = [s for s in loc_subdirs[0] if s]
        if sub:
            ini_locs.insert(rng.randrange(len(ini_locs) + 1),
                            "%(here)s/migrations/" + ini_escape(locs[0] + "/" + sub[0]))
            feats.add("overlapping_locations")
    if mode not in ("default", "single") and rng.random() < 0.06:
        ini_locs.append(ini_locs[0])
        feats.add("duplicate_location")
    if rng.random() < 0.5:
        rng.shuffle(ini_locs)

    lines = ["# A generic, single database configuration.", "", "[alembic]",
             "# path to migration scripts",
             "script_location = %(here)s/migrations", ""]
    if fstyle == "date_rev_slug":
        lines.append("file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s")
    lines.append("prepend_sys_path = .")
    sep_line = None
    if mode == "default":
        vl = None
    elif mode == "single":
        vl = ini_locs[0] if len(ini_locs) == 1 else " ".join(ini_locs)
        if rng.random() < 0.5:
            sep_line = "path_separator = os"
            vl = ":".join(ini_locs)
    elif mode == "legacy_space":
        vl = rng.choice([" ", "  "]).join(ini_locs)
    elif mode == "legacy_comma":
        vl = rng.choice([",", ", "]).join(ini_locs)
    elif mode.startswith("vps_"):
        sep = {"vps_os": (":", "os"), "vps_semicolon": (";", ";"), "vps_colon": (":", ":"),
               "vps_space": (" ", "space")}[mode]
        vl = sep[0].join(ini_locs)
        sep_line = "version_path_separator = " + sep[1]
    else:
        sep = {"ps_newline": ("\n    ", "newline"), "ps_space": (" ", "space"),
               "ps_semicolon": (rng.choice([";", "; "]), ";"), "ps_os": (":", "os"),
               "ps_colon": (":", ":")}[mode]
        vl = sep[0].join(ini_locs)
        if mode == "ps_newline":
            vl = "\n    " + vl
        sep_line = "path_separator = " + sep[1]
        if rng.random() < 0.2:
            # 1.16 ignores version_path_separator when path_separator is set
            lines.append("version_path_separator = os")
    if vl is not None:
        lines.append("version_locations = " + vl)
    if sep_line:
        lines.append(sep_line)
    if recursive:
        lines.append("recursive_version_locations = true")
        feats.add("recursive")
    elif rng.random() < 0.3:
        lines.append("recursive_version_locations = false")
    lines.append("output_encoding = utf-8")
    lines.append("")
    lines.append("sqlalchemy.url = sqlite://")
    lines.append("")
    lines.append("[post_write_hooks]")
    if rng.random() < 0.3:
        lines += ["", "[other_db]", "script_location = %(here)s/nowhere",
                  "version_locations = %(here)s/nowhere/versions"]
        feats.add("extra_ini_section")
    write(os.path.join(pdir, "alembic.ini"), "\n".join(lines) + "\n" + INI_TAIL)

    # ---- manifest -------------------------------------------------------------------
    feats.add("revisions_%d" % n)
    if body_kb:
        feats.add("body_kb_%d-%d" % body_kb)
    write(os.path.join(pdir, "FEATURES"), "".join(f + "\n" for f in sorted(feats)))
    write(os.path.join(pdir, "DECOYS"), "".join(d + "\n" for d in decoys))
    return n


def parse_range(s):
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", s)
    if not m:
        raise argparse.ArgumentTypeError("expected LO-HI, e.g. 2-4")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    if hi < lo:
        raise argparse.ArgumentTypeError("HI < LO")
    return (lo, hi)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate random valid Alembic projects.")
    ap.add_argument("outdir")
    ap.add_argument("--seed", required=True)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--first", type=int, default=0,
                    help="index of the first project (to regenerate one project)")
    ap.add_argument("--min-revs", type=int, default=2)
    ap.add_argument("--max-revs", type=int, default=40)
    ap.add_argument("--body-kb", type=parse_range, default=None, metavar="LO-HI")
    args = ap.parse_args(argv)
    if args.min_revs < 1 or args.max_revs < args.min_revs:
        ap.error("need 1 <= --min-revs <= --max-revs")

    os.makedirs(args.outdir, exist_ok=True)
    width = max(3, len(str(args.first + args.count - 1)))
    for i in range(args.first, args.first + args.count):
        pdir = os.path.join(args.outdir, "p%0*d" % (width, i))
        if os.path.exists(pdir):
            sys.exit("gen_projects: %s already exists" % pdir)
        os.makedirs(pdir)
        gen_project(pdir, args.seed, i, args.min_revs, args.max_revs, args.body_kb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
