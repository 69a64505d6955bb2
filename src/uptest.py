"""migreview's up/down runner: the only place migreview runs migration code.

migreview starts this program (embedded in the binary) with the Python that
runs the project's `alembic`, in the directory the user ran migreview from:

    python -c <this file> INI TOML SECTION SCRIPT_DIR SYS_PATH URL MODELS ROWS REV...

SCRIPT_DIR, when not empty, is the script directory migreview read (given
with -d, or found for an ini that sets none, or a package resource it
resolved), set as script_location the way Flask-Migrate sets it; SYS_PATH
holds the directories, one a line, to put first on sys.path, so that the
package resources of the configuration import the packages migreview read.

For every REV in turn it uses Alembic's own commands and the project's own
env.py to upgrade a scratch database to REV's parents, upgrade to REV,
downgrade exactly that one step (as `alembic downgrade` steps through it)
and upgrade to REV again.  It stops at the first failure.  When MODELS is
"models" and every REV passed, a last step compares the models with the
database at the heads (see the models section below); MODELS is "" else.
ROWS, when not empty, is a number N: before each REV's upgrade, the tables
there are then get N generated rows each (see Filler), said as evidence of
the step "upgrade" before its statements:

    {"kind": "fill", "rows": N, "ms": DURATION, "tables": [NAME...],
     "skipped": [{"table": NAME, "why": TEXT}], "more": N}

"tables" are the tables filled (at most 200), "skipped" the ones that could
not be, with why (at most 50; an empty NAME: the fill itself stopped),
"more" counts those left out.

The scratch database: URL names it.  On PostgreSQL a new database is created
on that server for the run and dropped after it; any other URL (the SQLite
file migreview made) must be empty, so nothing of value can be in it.  env.py
learns the URL from sqlalchemy.url, from `-x url=...` / `-x dbname=...` and
from $MIGREVIEW_DATABASE_URL / $DATABASE_URL; before anything runs, the URL
env.py actually connects to is compared with the scratch one, and the run
refuses to go on if env.py went elsewhere.

Alembic's output (logging, tracebacks) goes to stdout and stderr, one pipe
that migreview shows live.  Progress goes into the same pipe, so that it is
in order with the output, as lines that start with the ASCII record
separator and "migreview:", which migreview takes out:

    alembic VERSION | database NAME | step REV WHAT | pass REV
    fail REV WHAT ERROR | interrupted REV WHAT | error MESSAGE
    evidence REV WHAT JSON

An evidence line is what the run saw of the database at step WHAT of REV:
one compact JSON object (ASCII, on one line) whose "kind" says what it is;
migreview ignores kinds it does not know.  Kind "catalog" (see the catalog
section below) comes after the downgrade, compared with the catalog before
the upgrade, and after the re-upgrade, compared with the catalog after the
upgrade:

    {"kind": "catalog", "against": "upgrade-parents" | "upgrade",
     "objects": N, "differences": ["type order_status is still there", ...],
     "more": N, "upgrade_changes": N}

"differences" lists at most 20, in a stable order, "more" counts the rest;
"objects" is the size of the catalog after WHAT, and "upgrade_changes"
(downgrade only) how many differences the upgrade itself made.  When the
catalog could not be read: {"kind": "catalog", "against": ..., "error": TEXT}.
env.py prints into the same output, so migreview trusts no line of it.

Kind "models" comes once, after the last REV passed, at the step "models"
of that REV (announced as "step REV models"): env.py's target_metadata
compared with the database upgraded to the heads, as `alembic check` does:

    {"kind": "models", "heads": [REV...], "tables": N,
     "differences": ["model table invoices has no table in the database", ...],
     "more": N}

"tables" counts the model's tables, "differences" lists at most 20 in
Alembic's order, "more" counts the rest.  With no target_metadata:
{"kind": "models", "heads": [...], "skipped": TEXT}; when the comparison
could not be made (the upgrade to the heads or env.py failed):
{"kind": "models", "heads": [...], "error": TEXT}.

Evidence (WHAT: upgrade, downgrade or re-upgrade; the parents' upgrade is
not traced) is what the database did, one compact JSON object a line, seen
through SQLAlchemy's cursor events on every engine (env.py makes its own):

    {"kind": "statement", "sql": TEXT (at most 300 characters),
     "file": BASENAME, "line": N,       the migration script's line issuing it
     "ms": DURATION, "rows": ROWCOUNT,  -1 when the driver knows none
     "autocommit": BOOL,                run outside a transaction
     "rewrote": [{"relation": NAME, "relkind": "r"|"i"|...}],  PostgreSQL only
     "more": N,                         rewrites beyond the first 200, left out
     "failed": BOOL}                    the database refused it (only then)

With ROWS, a rewrite of a filled table also has "table_rows": N (its rows,
counted after the statement) and "rows_per_s": N / the statement's duration;
a statement of SLOW_MS or more that rewrote nothing and newly locked a
filled table names it, with the same two: "table": NAME, "table_rows",
"rows_per_s".

    {"kind": "transaction", "end": "commit"|"rollback"|"autocommit"|"open",
     "ms": DURATION, "locks": [{"relation": NAME, "relkind": K,
     "mode": "AccessExclusiveLock"|..., "held_ms": MS,
     "file": BASENAME, "line": N,       the statement that took it
     "created": BOOL,                   a relation this transaction made
     "dropped": BOOL}],                 ... or one gone when it ended
                                        (PostgreSQL only; [] elsewhere)
     "more": N}                         locks beyond the first 200, left out

    {"kind": "note", "text": TEXT}      the tracer failed and stopped

A statement counts when a frame of a migration script is on the stack when
it runs: Alembic's own alembic_version bookkeeping, the dialect's start-up
queries and env.py's own statements are left out, as are the tracer's
queries, which use the DBAPI cursor directly, and the locks on the version
table (a lock that a statement left out takes on another relation shows
with the next traced statement of its transaction).  After each statement, on the same DBAPI connection (inside the
migration's transaction, in a savepoint so that a failure of the tracer
cannot abort it), the tracer reads the relation locks pg_backend_pid()
holds from pg_locks, and compares the relfilenode of the user's relations
with the one read just before the statement: a new one is a rewrite.  A
lock is held from the start of the statement that first showed it until the
transaction ends (held_ms, an upper bound by the part of that statement
before the lock was taken); "open" is a transaction still open when the step
ended.  A statement in autocommit (autocommit_block) holds its locks only
while it runs, so a second connection watches pg_locks while it runs, with
a snapshot taken before it starts: a command that waits for older snapshots
(CREATE INDEX CONCURRENTLY) waits for the watcher, which sees its locks
then and lets it go; others are sampled, and a very short lock can be
missed.
"""
import argparse
import datetime
import inspect
import json
import os
import sys
import threading
import time
import traceback
import uuid


def say(*words):
    sys.stdout.flush()
    sys.stderr.flush()
    line = " ".join(words).replace("\r", " ").replace("\n", " ")
    os.write(1, ("\x1emigreview: " + line + "\n").encode("utf-8", "replace"))


def say_evidence(rev, what, value):
    """An evidence line: value as compact ASCII JSON, on one line."""
    say("evidence", rev, what, json.dumps(value, separators=(",", ":"), ensure_ascii=True))


def main(argv):
    ini, toml, section, script_dir, sys_path, url, models, rows = argv[:8]
    revs = argv[8:]

    try:
        import alembic
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.environment import EnvironmentContext
        from alembic.runtime.migration import MigrationStep
        from alembic.script import ScriptDirectory
        import sqlalchemy as sa
    except ImportError as e:
        say("error", "cannot import Alembic with %s: %s" % (sys.executable, e))
        return 2
    say("alembic", alembic.__version__)
    if sys_path:
        # after Alembic's own imports: a project's alembic/ must not shadow Alembic
        sys.path[:0] = sys_path.split("\n")
    files = {}
    if toml:
        # Alembic 1.16 reads [tool.alembic] of pyproject.toml; an older one
        # would silently run a different project from the one migreview shows
        if "toml_file" not in inspect.signature(Config.__init__).parameters:
            say("error", "this project keeps Alembic settings in [tool.alembic] of %s, which "
                "Alembic %s cannot read (1.16 or later can)" % (toml, alembic.__version__))
            return 2
        files["toml_file"] = toml

    base = sa.engine.make_url(url)
    try:
        scratch, drop = make_scratch(sa, base)
    except Exception as e:
        say("error", "cannot set up the scratch database: %s" % one_line(e))
        return 2
    say("database", scratch.get_backend_name())
    text = scratch.render_as_string(hide_password=False)
    try:
        cfg = Config(ini or None, ini_section=section, **files,
                     cmd_opts=argparse.Namespace(x=["url=" + text, "dbname=" + text]))
        cfg.set_main_option("sqlalchemy.url", text.replace("%", "%%"))
        if script_dir:
            cfg.set_main_option("script_location", script_dir.replace("%", "%%"))
        os.environ["MIGREVIEW_DATABASE_URL"] = text
        os.environ["DATABASE_URL"] = text
        tracer = Tracer(sa, scratch)
        filler = Filler(sa, scratch, int(rows)) if rows else None
        tracer.filled = filler.filled if filler else {}
        guard_configure(EnvironmentContext, sa, scratch, tracer)
        catalog = CatalogWatch(sa, scratch, EnvironmentContext)
        script = ScriptDirectory.from_config(cfg)
        if os.environ.get("MIGREVIEW_TRACE") != "off":
            tracer.listen(script)
        for rev in revs:
            if not run_one(cfg, script, rev, command, EnvironmentContext, MigrationStep,
                           catalog, tracer, filler):
                return 1
        if models and revs:
            run_models(cfg, script, revs[-1], command, EnvironmentContext)
        return 0
    except WrongDatabase as e:
        say("error", str(e))
        return 2
    except Exception as e:
        # before any step: Alembic cannot read the project (a file that does
        # not import, a broken graph) or env.py fails on its own
        traceback.print_exc()
        say("error", "Alembic could not run the project: %s" % summary(e))
        return 2
    finally:
        if drop:
            try:
                drop()
            except Exception as e:
                print("migreview: could not drop the scratch database: %s" % one_line(e),
                      file=sys.stderr)


def run_one(cfg, script, rev, command, EnvironmentContext, MigrationStep, catalog, tracer,
            filler):
    target = script.get_revision(rev)
    parents = [p for p in to_tuple(target.down_revision)]
    steps = [("upgrade-parents", lambda: [command.upgrade(cfg, p) for p in parents]),
             ("upgrade", lambda: command.upgrade(cfg, rev)),
             ("downgrade", lambda: downgrade_one(cfg, script, target, parents,
                                                EnvironmentContext, MigrationStep)),
             ("re-upgrade", lambda: command.upgrade(cfg, rev))]
    for what, step in steps:
        if what == "upgrade-parents" and not parents:
            catalog.step_done(rev, what)
            continue
        say("step", rev, what)
        banner("%s %s" % (what, rev if what != "upgrade-parents" else " ".join(parents)))
        if what == "upgrade" and filler:
            # the tracer is not started yet: the fill is not the migration's
            say_evidence(rev, what, filler.fill(tracer.version_table))
        tracer.start(rev, what)
        try:
            step()
        except WrongDatabase:
            raise
        except KeyboardInterrupt:
            print("migreview: interrupted", file=sys.stderr, flush=True)
            say("interrupted", rev, what)
            raise
        except Exception as e:
            traceback.print_exc()
            sys.stderr.flush()
            tracer.stop()
            say("fail", rev, what, summary(e))
            return False
        tracer.stop()
        catalog.step_done(rev, what)
    say("pass", rev)
    return True


def downgrade_one(cfg, script, target, parents, EnvironmentContext, MigrationStep):
    """Steps down through target alone, as `alembic downgrade` would."""

    def one_step(heads, context):
        if target.revision not in heads:
            raise RuntimeError("%s is not applied (database at %s)"
                               % (target.revision, ", ".join(heads) or "base"))
        return [MigrationStep.downgrade_from_script(script.revision_map, target)]

    with EnvironmentContext(cfg, script, fn=one_step, as_sql=False,
                            starting_rev=None,
                            destination_rev=" ".join(parents) or "base", tag=None):
        script.run_env()


class WrongDatabase(Exception):
    pass


def guard_configure(EnvironmentContext, sa, scratch, tracer):
    """Refuses to run migrations anywhere but the scratch database."""
    configure = EnvironmentContext.configure

    def checked(self, connection=None, url=None, dialect_name=None, *args, **kw):
        tracer.version_table = kw.get("version_table") or "alembic_version"
        if connection is not None:
            used = connection.engine.url
        elif url is not None:
            used = sa.engine.make_url(url)
        else:
            used = None
        if used is None or not same_database(used, scratch):
            shown = used.render_as_string(hide_password=True) if used is not None else \
                "no database (offline mode)"
            raise WrongDatabase(
                "env.py configured %s, not the scratch database %s; migreview hands env.py "
                "the URL as sqlalchemy.url, as -x url=... and -x dbname=..., and as "
                "$MIGREVIEW_DATABASE_URL and $DATABASE_URL: make env.py take it from one "
                "of them (see README, Testing migrations). Nothing was run."
                % (shown, scratch.render_as_string(hide_password=True)))
        return configure(self, connection=connection, url=url, dialect_name=dialect_name,
                         *args, **kw)

    EnvironmentContext.configure = checked


def same_database(a, b):
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        return os.path.realpath(a.database or "") == os.path.realpath(b.database or "")
    return (a.database, a.host or "", a.port) == (b.database, b.host or "", b.port) \
        and dict(a.query).get("host") == dict(b.query).get("host")


SQL_SHOWN = 300          # characters of a statement's text kept
LIST_MAX = 200           # locks or rewrites in one line: a progress line stays short
WATCH_EVERY = 0.002      # seconds between two looks at an autocommit statement's locks

# the user's relations: not the catalogs, not TOAST (a rewrite shows on its table)
USER_RELATIONS = ("n.nspname NOT IN ('pg_catalog', 'information_schema') "
                  "AND left(n.nspname, 8) <> 'pg_toast'")
# a relation no longer in pg_class was dropped: its name is in the snapshot before
LOCKS_SQL = ("SELECT l.relation, c.relname, c.relkind, l.mode, l.granted FROM pg_locks l "
             "LEFT JOIN pg_class c ON c.oid = l.relation "
             "LEFT JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE l.pid = %s AND (NOT l.granted OR (l.locktype = 'relation' AND "
             "(c.oid IS NULL OR " + USER_RELATIONS + ")))")
FILES_SQL = ("SELECT c.oid, c.relname, c.relkind, c.relfilenode FROM pg_class c "
             "JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE c.relfilenode <> 0 AND " + USER_RELATIONS)


class Tracer:
    """What the database did for each statement of a migration (see the top)."""

    def __init__(self, sa, scratch):
        self.sa = sa
        self.scratch = scratch
        self.postgres = scratch.get_backend_name() == "postgresql"
        self.watching = None        # the watchers' engine: not env.py's, whose pool may be full
        self.version_table = "alembic_version"
        self.where = None           # (rev, step) while a traced step runs
        self.scripts = {}           # a code file -> its basename if a migration script
        self.paths = set()
        self.pending = {}           # id(cursor) -> Statement running
        self.transactions = {}      # id(DBAPI connection) -> Transaction open
        self.pids = {}
        self.broken = False
        self.filled = {}            # with --rows: the tables filled (Filler.filled)

    def listen(self, script):
        self.paths = {os.path.realpath(sc.path) for sc in script.walk_revisions()}
        engine = self.sa.engine.Engine
        self.sa.event.listen(engine, "before_cursor_execute", self.guarded(self.before))
        self.sa.event.listen(engine, "after_cursor_execute", self.guarded(self.after))
        self.sa.event.listen(engine, "handle_error", self.guarded(self.failed))
        self.sa.event.listen(engine, "commit", self.guarded(lambda c: self.end(c, "commit")))
        self.sa.event.listen(engine, "rollback", self.guarded(lambda c: self.end(c, "rollback")))

    def start(self, rev, step):
        # the parents' upgrade runs other migrations: their evidence is theirs
        self.where = (rev, step) if step != "upgrade-parents" else None

    def stop(self):
        """Ends the step: what is still open is said as it is."""
        for st in self.pending.values():
            if st.watcher:
                st.watcher.finish()
        self.pending.clear()
        if self.where is not None and not self.broken:
            for t in self.transactions.values():
                self.say_transaction(t, "open")
        self.transactions.clear()
        self.pids.clear()
        self.where = None
        if self.watching is not None:
            self.watching.dispose()
            self.watching = None

    def guarded(self, fn):
        """A tracer that fails says so once and stops; the migration goes on."""
        def call(*args):
            if self.where is None or self.broken:
                return
            try:
                fn(*args)
            except Exception as e:
                self.broken = True
                self.say({"kind": "note", "text": "the tracer stopped: %s" % one_line(e)})
        return call

    def say(self, obj):
        say_evidence(self.where[0], self.where[1], obj)

    def origin(self):
        """(file, line) of the innermost migration script on the stack, or None."""
        f = sys._getframe(2)
        while f is not None:
            name = f.f_code.co_filename
            if name not in self.scripts:
                self.scripts[name] = os.path.basename(name) \
                    if os.path.realpath(name) in self.paths else None
            if self.scripts[name]:
                return self.scripts[name], f.f_lineno
            f = f.f_back
        return None

    def before(self, conn, cursor, statement, parameters, context, executemany):
        where = self.origin()
        if where is None:
            return
        dbapi = cursor.connection
        st = Statement(where, self.postgres and getattr(dbapi, "autocommit", False) is True)
        if self.postgres:
            st.files = self.files(dbapi)
            if st.autocommit:
                if self.watching is None:
                    self.watching = self.sa.create_engine(self.scratch,
                                                          poolclass=self.sa.pool.NullPool)
                st.watcher = Watcher(self.watching, self.pid(dbapi))
        self.pending[id(cursor)] = st
        st.start = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        st = self.pending.pop(id(cursor), None)
        if st is None:
            return
        now = time.perf_counter()
        dbapi = cursor.connection
        rows = cursor.rowcount if isinstance(cursor.rowcount, int) else -1
        locks, rewrote, created, after = [], [], set(), None
        if self.postgres:
            held = st.watcher.seen_or_raise() if st.watcher else \
                query(dbapi, LOCKS_SQL % "pg_backend_pid()", True)
            locks = self.ours(held, st.files)
            after = self.files(dbapi)
            rewrote = [{"relation": name, "relkind": kind}
                       for oid, (name, kind, node) in sorted(after.items(), key=lambda i: i[1])
                       if oid in st.files and st.files[oid][2] != node]
            created = {name for oid, (name, _, _) in after.items() if oid not in st.files}
        said = {"kind": "statement", "sql": " ".join(statement.split())[:SQL_SHOWN],
                "file": st.where[0], "line": st.where[1], "ms": ms(now - st.start),
                "rows": rows, "autocommit": st.autocommit, "rewrote": rewrote[:LIST_MAX],
                "more": max(0, len(rewrote) - LIST_MAX)}
        if self.filled:
            self.throughput(dbapi, said, locks, self.transactions.get(id(dbapi)), now - st.start)
        self.say(said)
        if st.autocommit:
            t = Transaction(st.start)
            t.add(locks, st, created, st.files, after)
            self.say_transaction(t, "autocommit", now)
        else:
            self.transactions.setdefault(id(dbapi), Transaction(st.start)).add(
                locks, st, created, st.files, after)

    def throughput(self, dbapi, said, locks, t, seconds):
        """
        With --rows: the rows of each filled table the statement rewrote, and
        of the first filled table a slow one newly locked, counted after it
        (after its duration was taken), with rows per second.
        """
        def rated(obj, table):
            n = query(dbapi, "SELECT count(*) FROM %s" % quoted(table), True)[0][0]
            obj.update(table_rows=n, rows_per_s=round(n / seconds) if seconds > 0 else 0)

        for r in said["rewrote"]:
            if r["relkind"] == "r" and r["relation"] in self.filled:
                rated(r, r["relation"])
        if said["rewrote"] or said["ms"] < SLOW_MS:
            return
        held = t.locks if t else {}
        for lock in locks:
            if lock["relation"] in self.filled and (lock["relation"], lock["mode"]) not in held:
                said["table"] = lock["relation"]
                rated(said, lock["relation"])
                return

    def failed(self, context):
        # the cursor is the execution context's (ExceptionContext.cursor is often None)
        cursor = getattr(context.execution_context, "cursor", context.cursor)
        st = self.pending.pop(id(cursor), None)
        if st is None:
            return
        if st.watcher:
            st.watcher.finish()
        self.say({"kind": "statement", "sql": " ".join(str(context.statement).split())[:SQL_SHOWN],
                  "file": st.where[0], "line": st.where[1],
                  "ms": ms(time.perf_counter() - st.start), "rows": -1,
                  "autocommit": st.autocommit, "rewrote": [], "more": 0, "failed": True})

    def end(self, conn, how):
        fairy = conn.connection
        dbapi = getattr(fairy, "dbapi_connection", None) or fairy.connection
        t = self.transactions.pop(id(dbapi), None)
        if t is not None:
            self.say_transaction(t, how)

    def say_transaction(self, t, how, now=None):
        now = now or time.perf_counter()
        locks = list(t.locks.values())
        self.say({"kind": "transaction", "end": how, "ms": ms(now - t.start),
                  "locks": [t.said(lock, now - since) for lock, since in locks[:LIST_MAX]],
                  "more": max(0, len(locks) - LIST_MAX)})

    def pid(self, dbapi):
        if id(dbapi) not in self.pids:
            self.pids[id(dbapi)] = query(dbapi, "SELECT pg_backend_pid()")[0][0]
        return self.pids[id(dbapi)]

    def ours(self, rows, before):
        """The granted relation locks of rows, without the version table's."""
        skip = (self.version_table, self.version_table + "_pkc")
        out = {}
        for oid, name, kind, mode, granted in rows:
            if name is None and oid in before:
                name, kind, _ = before[oid]
            if granted and name is not None and name not in skip:
                out[(name, mode)] = {"relation": name, "relkind": kind, "mode": mode, "oid": oid}
        return list(out.values())

    def files(self, dbapi):
        """oid -> (name, relkind, relfilenode) of the user's relations."""
        return {oid: (name, kind, node)
                for oid, name, kind, node in query(dbapi, FILES_SQL, True)}


class Statement:
    def __init__(self, where, autocommit):
        self.where = where          # (file, line) of the migration script
        self.autocommit = autocommit
        self.files = {}
        self.watcher = None
        self.start = 0.0


class Transaction:
    def __init__(self, start):
        self.start = start
        self.locks = {}             # (relation, mode) -> (lock, since)
        self.created = set()        # relations it made: their locks keep nobody waiting
        self.known = set()          # the oids of the relations with a file it saw
        self.present = set()        # ... of those there after its last statement

    def add(self, locks, st, created, before, after):
        self.created |= created
        if after is not None:
            self.known |= set(before) | set(after)
            self.present = set(after)
        for lock in locks:
            key = (lock["relation"], lock["mode"])
            if key not in self.locks:
                self.locks[key] = (dict(lock, file=st.where[0], line=st.where[1],
                                        created=lock["relation"] in self.created), st.start)

    def said(self, lock, held):
        """
        A lock as the evidence says it, with whether the relation was gone
        when the transaction ended: a relation it dropped, whose lock keeps
        nobody waiting who could still use it (its readers and writers fail
        once it is gone, lock or not).  Only a relation seen with a file
        counts: a partitioned table or a view has none, and is never taken
        for dropped.
        """
        said = {k: v for k, v in lock.items() if k != "oid"}
        said.update(held_ms=ms(held),
                    dropped=lock["oid"] in self.known and lock["oid"] not in self.present)
        return said


class Watcher:
    """
    Watches the locks of a statement that runs outside a transaction, from a
    connection of its own.  Its snapshot, taken before the statement starts,
    is one that CREATE INDEX CONCURRENTLY (and any command that waits for
    older snapshots) must wait for: the watcher sees the locks then, and
    ends its transaction to let the command go on.
    """

    def __init__(self, engine, pid):
        self.pid = pid
        self.seen = set()           # the rows of LOCKS_SQL seen, each once
        self.done = threading.Event()
        self.error = None
        self.conn = engine.raw_connection()
        cur = self.conn.cursor()
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cur.execute("SELECT 1")
        cur.fetchall()
        self.holding = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while not self.done.is_set():
                self.look()
                time.sleep(WATCH_EVERY)
            self.look()
        except Exception as e:
            self.error = e
        finally:
            try:
                self.conn.rollback()
                self.conn.close()
            except Exception:
                pass

    def look(self):
        cur = self.conn.cursor()
        cur.execute(LOCKS_SQL % int(self.pid))
        rows = cur.fetchall()
        self.seen.update(tuple(row) for row in rows)
        if not self.holding:
            self.conn.rollback()
        elif any(not granted for _, _, _, _, granted in rows):
            # the statement waits, maybe for this snapshot: let it go
            self.conn.rollback()
            self.holding = False

    def finish(self):
        self.done.set()
        self.thread.join()

    def seen_or_raise(self):
        self.finish()
        if self.error is not None:
            raise self.error
        return list(self.seen)


SLOW_MS = 50             # a statement this slow on a filled table gets its rows per second
FILL_SKIPPED_MAX = 50    # skipped tables named in the fill's evidence
EPOCH = datetime.datetime(2000, 1, 1)


class Filler:
    """
    --rows N: before the upgrade of each revision, N generated rows in every
    table there is then that has none filled yet (Alembic's version table
    aside), so that rewrites and scans take a time worth measuring.  Values
    follow the column's type and row number g: g itself for integers, its
    text for strings, a day or a second after 2000-01-01 ..., so that the
    same g gives the same value in every table: row g of a child refers to
    row g of its parent, and a key is distinct as long as its type can hold
    N values.  g runs from base + 1 to base + N, base the largest integer
    primary key of the tables of this fill (rows a migration put in come
    before the generated ones); a table keeps its base for its children.  Parents come first; a foreign key to a table not filled (a
    self-reference, a cycle, a table skipped) is NULL when it may be, else
    the table is skipped.  What the database refuses (a CHECK, a unique
    column that cannot hold N distinct values) skips the table with its
    error: the fill never fails the test.  The fill runs before the tracer
    starts and from no migration's frame, so none of it is evidence.
    """

    def __init__(self, sa, scratch, rows):
        self.sa = sa
        self.scratch = scratch
        self.rows = rows
        self.postgres = scratch.get_backend_name() == "postgresql"
        self.filled = {}            # table -> the base of the rows put in, over the whole run
        self.tried = set()          # tables filled or skipped already
        self.columns_of = {}        # table -> its columns, as the fill read them

    def fill(self, version_table):
        start = time.perf_counter()
        engine = self.sa.create_engine(self.scratch, poolclass=self.sa.pool.NullPool)
        filled, skipped = [], []
        try:
            insp = self.sa.inspect(engine)
            tables = {t: self.columns(insp, t) for t in insp.get_table_names()
                      if t != version_table and t not in self.tried}
            self.columns_of.update(tables)
            with engine.connect() as conn:
                base = max([self.largest_key(conn, insp, t) for t in tables] + [0])
                for t in fill_order(tables):
                    self.tried.add(t)
                    why = self.fill_one(conn, t, tables[t], base)
                    if why:
                        skipped.append({"table": t, "why": why[:SQL_SHOWN]})
                    else:
                        filled.append(t)
        except Exception as e:
            skipped.append({"table": "", "why": one_line(e)[:SQL_SHOWN]})
        finally:
            engine.dispose()
        return {"kind": "fill", "rows": self.rows, "ms": ms(time.perf_counter() - start),
                "tables": filled[:LIST_MAX], "skipped": skipped[:FILL_SKIPPED_MAX],
                "more": max(0, len(filled) - LIST_MAX) + max(0, len(skipped) - FILL_SKIPPED_MAX)}

    def columns(self, insp, table):
        cols = {c["name"]: c for c in insp.get_columns(table)}
        for fk in insp.get_foreign_keys(table):
            for mine, theirs in zip(fk["constrained_columns"], fk["referred_columns"]):
                if mine in cols:
                    cols[mine]["refers"] = (fk["referred_table"], theirs)
        return cols

    def largest_key(self, conn, insp, table):
        """The largest value of table's primary key if it is one integer column, else 0."""
        key = insp.get_pk_constraint(table).get("constrained_columns") or []
        cols = self.columns_of[table]
        if len(key) != 1 or key[0] not in cols or not isinstance(cols[key[0]]["type"], self.sa.Integer):
            return 0
        q = conn.dialect.identifier_preparer.quote
        with conn.begin():
            return conn.exec_driver_sql("SELECT max(%s) FROM %s" % (q(key[0]), q(table))).scalar() or 0

    def fill_one(self, conn, table, cols, base):
        names, values = [], []
        for name, c in cols.items():
            if c.get("computed"):
                continue
            ctype, offset = c["type"], base
            if "refers" in c:
                parent, pcol = c["refers"]
                if parent == table or parent not in self.filled:
                    if not c["nullable"]:
                        return "NOT NULL column %s refers to %s, %s" % (
                            name, parent, "itself" if parent == table else "which is not filled")
                    continue
                ctype, offset = self.columns_of[parent].get(pcol, c)["type"], self.filled[parent]
            value = self.value(ctype)
            if value is None:
                if not c["nullable"] and c.get("default") is None and not c.get("identity"):
                    return "no value of type %s for NOT NULL column %s" % (ctype, name)
                continue
            names.append(name)
            values.append((value, offset))
        if not names:
            return "no column to fill"
        try:
            with conn.begin():
                self.insert(conn, table, names, values)
                if self.postgres:
                    self.catch_up_sequences(conn, table, names)
        except Exception as e:
            # the driver's error, without SQLAlchemy's copy of the statement
            return "the database refused the rows: %s" % one_line(getattr(e, "orig", None) or e)
        self.filled[table] = base
        return None

    def value(self, t):
        """Row g's value of type t: SQL with {g} for g on PostgreSQL, a function of g elsewhere."""
        sa = self.sa
        if isinstance(t, sa.ARRAY):
            item = self.value(t.item_type)
            if item is None:
                return None
            return ("ARRAY[%s]" % item) if self.postgres else (lambda g: [item(g)])
        if isinstance(t, sa.Enum):
            if not t.enums:
                return None
            if self.postgres:
                return "(ARRAY[%s])[mod({g}, %d) + 1]" % (
                    ", ".join(braced(sql_literal(v)) for v in t.enums), len(t.enums))
            return lambda g: t.enums[g % len(t.enums)]
        if isinstance(t, sa.Boolean):
            return "mod({g}, 2) = 0" if self.postgres else (lambda g: g % 2 == 0)
        if isinstance(t, sa.SmallInteger):
            return "mod({g}, 32767)" if self.postgres else (lambda g: g % 32767)
        if isinstance(t, sa.Integer):
            return "{g}" if self.postgres else (lambda g: g)
        if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
            room = 10 ** ((t.precision or 30) - (t.scale or 0))
            if room < 2:
                return "0" if self.postgres else (lambda g: 0)
            return ("mod({g}, %d)" % room) if self.postgres else (lambda g: g % room)
        if isinstance(t, sa.Float):
            return "{g}" if self.postgres else (lambda g: float(g))
        if isinstance(t, sa.DateTime):
            return "TIMESTAMP '2000-01-01' + {g} * INTERVAL '1 second'" if self.postgres else \
                (lambda g: str(EPOCH + datetime.timedelta(seconds=g)))
        if isinstance(t, sa.Date):
            return "DATE '2000-01-01' + mod({g}, 2000000)::int" if self.postgres else \
                (lambda g: str(EPOCH.date() + datetime.timedelta(days=g % 2000000)))
        if isinstance(t, sa.Time):
            return "TIME '00:00' + mod({g}, 86400) * INTERVAL '1 second'" if self.postgres else \
                (lambda g: str((EPOCH + datetime.timedelta(seconds=g % 86400)).time()))
        if type(t).__name__.upper() == "UUID" or (hasattr(sa, "Uuid") and isinstance(t, sa.Uuid)):
            return "md5({g}::text)::uuid" if self.postgres else \
                (lambda g: uuid.UUID(int=g).hex)
        if isinstance(t, sa.JSON) or type(t).__name__ in ("JSON", "JSONB"):
            if self.postgres:
                return "%s_build_object('n', {g})" % ("jsonb" if type(t).__name__ == "JSONB" else "json")
            return lambda g: '{"n": %d}' % g
        if isinstance(t, sa.String):
            length = getattr(t, "length", None)
            if self.postgres:
                return "left({g}::text, %d)" % length if length else "{g}::text"
            return lambda g: str(g)[:length] if length else str(g)
        return None

    def insert(self, conn, table, names, values):
        sa = self.sa
        q = conn.dialect.identifier_preparer.quote
        cols = ", ".join(q(n) for n in names)
        if self.postgres:
            types = dict(conn.exec_driver_sql(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0" % sql_literal(q(table))).fetchall())
            exprs = ", ".join("(%s)::%s" % (v.format(g="(i + %d)" % off if off else "i"), types[n])
                              for n, (v, off) in zip(names, values))
            # every value given, an identity column's too
            sql = "INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM generate_series(1, %d) i" \
                % (q(table), cols, exprs, self.rows)
            # psycopg2's paramstyle: a % of the SQL (in an enum's value) is doubled
            if conn.dialect.paramstyle in ("format", "pyformat"):
                sql = sql.replace("%", "%%")
            conn.exec_driver_sql(sql)
            return
        params = ", ".join(":c%d" % i for i in range(len(names)))
        conn.execute(sa.text("INSERT INTO %s (%s) VALUES (%s)" % (q(table), cols, params)),
                     [{"c%d" % k: v(i + off) for k, (v, off) in enumerate(values)}
                      for i in range(1, self.rows + 1)])

    def catch_up_sequences(self, conn, table, names):
        """A serial or identity column's sequence moves past the rows given, for the next insert."""
        q = conn.dialect.identifier_preparer.quote
        for n in names:
            seq = conn.exec_driver_sql("SELECT pg_get_serial_sequence(%s, %s)" % (
                sql_literal(q(table)), sql_literal(n))).scalar()
            if seq:
                conn.exec_driver_sql("SELECT setval(%s, (SELECT max(%s) FROM %s))" % (
                    sql_literal(seq), q(n), q(table)))


def fill_order(tables):
    """Tables with the ones they refer to first; the rest of a cycle in name order."""
    order, done = [], set()
    pending = sorted(tables)
    while pending:
        ready = [t for t in pending
                 if all(c["refers"][0] in done or c["refers"][0] == t or c["refers"][0] not in tables
                        for c in tables[t].values() if "refers" in c)]
        # a cycle: one of it goes first, its references to the others NULL or skipped
        ready = ready or pending[:1]
        for t in ready:
            order.append(t)
            done.add(t)
        pending = [t for t in pending if t not in done]
    return order


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def braced(sql):
    """sql kept as it is through str.format."""
    return sql.replace("{", "{{").replace("}", "}}")


def sql_literal(s):
    return "'" + str(s).replace("'", "''") + "'"


def query(dbapi, sql, savepoint=False):
    """Rows of sql on the migration's own connection, in a savepoint when in a transaction."""
    cur = dbapi.cursor()
    try:
        if savepoint and not getattr(dbapi, "autocommit", False):
            cur.execute("SAVEPOINT migreview_trace")
            try:
                cur.execute(sql)
                rows = cur.fetchall()
            except Exception:
                cur.execute("ROLLBACK TO SAVEPOINT migreview_trace")
                raise
            finally:
                cur.execute("RELEASE SAVEPOINT migreview_trace")
            return rows
        cur.execute(sql)
        return cur.fetchall()
    finally:
        cur.close()


def ms(seconds):
    return round(seconds * 1000, 3)


def make_scratch(sa, base):
    """The database to run in, and how to drop it afterwards (or None)."""
    if base.get_backend_name() == "postgresql":
        name = "migreview_test_" + uuid.uuid4().hex[:12]
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as c:
            c.execute(sa.text('CREATE DATABASE "%s"' % name))

        def drop():
            with admin.connect() as c:
                c.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))
            admin.dispose()

        return base.set(database=name), drop
    engine = sa.create_engine(base, poolclass=sa.pool.NullPool)
    try:
        tables = sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise RuntimeError("%s is not empty (tables: %s); give a database that migreview "
                           "may fill and leave, or a PostgreSQL server"
                           % (base.render_as_string(hide_password=True),
                              ", ".join(sorted(tables)[:5])))
    return base, None


def banner(text):
    sys.stderr.flush()
    print("── migreview: %s" % text, flush=True)


def to_tuple(x):
    if x is None:
        return ()
    if isinstance(x, str):
        return (x,)
    return tuple(x)


def summary(e):
    """The error in one line: the database's own message and the statement, if any."""
    orig = getattr(e, "orig", None)
    text = "%s: %s" % (type(orig or e).__name__, one_line(orig or e))
    statement = getattr(e, "statement", None)
    if statement:
        text += " [SQL: %s]" % " ".join(str(statement).split())
    return text[:400]


def one_line(e):
    return " ".join(str(e).split()) or type(e).__name__


# ---- the catalog: does the downgrade undo the upgrade? ----
#
# After each step has committed, a connection of its own reads the scratch
# database's catalog: the downgrade must give back what was there before the
# upgrade, and the second upgrade what the first gave.  An object is a key in
# words ("index ix_orders_customer_id on orders") with the key of the object
# it belongs to and its properties; Alembic's version table is left out
# whole (its row is Alembic's business, and the table stays after a
# downgrade to base).  A failure to read the catalog is evidence too, never
# a failure of the test.

CATALOG_SHOWN = 20      # differences listed in one evidence line; the rest are counted
CATALOG_VALUE = 80      # characters of a property's value shown
CATALOG_PLURAL = {"values", "checks", "inherits", "columns"}


class CatalogWatch:
    """Snapshots the catalog after each step of a revision, compares them, says so."""

    def __init__(self, sa, url, EnvironmentContext):
        self.sa = sa
        self.engine = None
        self.url = url
        self.version_tables = {(None, "alembic_version")}
        self.shots = {}
        watch_version_table(EnvironmentContext, self.version_tables)

    def step_done(self, rev, what):
        if what == "upgrade-parents":
            self.shots = {}
        try:
            if self.engine is None:
                # one connection, idle between steps (it holds no lock there): a new
                # one each time would load the server's catalog caches each time;
                # pinged, in case a migration ended it
                self.engine = self.sa.create_engine(self.url, poolclass=self.sa.pool.StaticPool,
                                                    pool_pre_ping=True)
            with self.engine.connect() as conn:
                self.shots[what] = catalog_snapshot(self.sa, conn, self.version_tables)
        except Exception as e:
            self.shots[what] = "%s: %s" % (type(e).__name__, one_line(e))
        if what == "downgrade":
            self.compare(rev, what, "upgrade-parents", "upgrade")
        elif what == "re-upgrade":
            self.compare(rev, what, "upgrade", None)

    def compare(self, rev, what, against, upgraded):
        before, after = self.shots.get(against), self.shots.get(what)
        evidence = {"kind": "catalog", "against": against}
        for shot in (before, after, self.shots.get(upgraded or what)):
            if not isinstance(shot, Catalog):
                evidence["error"] = shot or "no catalog was read"
                say_evidence(rev, what, evidence)
                banner("the catalog after the %s could not be compared: %s" % (what, shot))
                return
        found = catalog_diff(before, after, self.shots.get(upgraded))
        evidence.update(objects=len(after), differences=found[:CATALOG_SHOWN],
                        more=max(0, len(found) - CATALOG_SHOWN))
        if what == "downgrade":
            # how much there was to undo: none says the check proved little
            changed = len(catalog_diff(before, self.shots[upgraded]))
            evidence["upgrade_changes"] = changed
            verdict = "downgrade left a trace" if found else \
                "downgrade restored the catalog exactly (%d objects; the upgrade changed %d)" \
                % (len(after), changed)
        else:
            verdict = "re-upgrade differs from upgrade"
        say_evidence(rev, what, evidence)
        if found or what == "downgrade":
            banner(verdict + "".join("\n   " + line for line in found))


def watch_version_table(EnvironmentContext, tables):
    """Notes the version table each configure() names (env.py may rename it)."""
    configure = EnvironmentContext.configure

    def noted(self, *args, **kw):
        tables.add((kw.get("version_table_schema"), kw.get("version_table") or "alembic_version"))
        return configure(self, *args, **kw)

    EnvironmentContext.configure = noted


class Catalog(dict):
    """{key in words: (rank, key of its owner or None, {property: value})}"""

    def add(self, rank, key, owner, **props):
        # two objects the words cannot tell apart (SQLite's unnamed keys) both count
        n, unique = 1, key
        while unique in self:
            n += 1
            unique = "%s #%d" % (key, n)
        self[unique] = (rank, owner, props)
        return unique


def catalog_snapshot(sa, conn, version_tables):
    """The catalog of the database conn is connected to, as a Catalog."""
    cat = Catalog()
    if conn.dialect.name == "postgresql":
        pg_catalog(sa, conn, cat, version_tables)
    elif conn.dialect.name == "sqlite":
        sqlite_catalog(sa, conn, cat, version_tables)
    else:
        raise RuntimeError("migreview reads the catalog of PostgreSQL and SQLite only, not %s"
                           % conn.dialect.name)
    return cat


def catalog_diff(before, after, upgraded=None):
    """What differs in after from before, in words, ordered by kind and name.

    An object that appeared is "still there" when upgraded (the snapshot after
    the upgrade) had it, else "new"; the parts of an object that appeared or
    went are not listed again."""
    gone = [k for k in before if k not in after]
    came = [k for k in after if k not in before]
    found = []
    for key in gone:
        if not owner_listed(before, key, set(gone)):
            found.append((before[key][0], key, "%s is missing" % key))
    for key in came:
        if not owner_listed(after, key, set(came)):
            how = "is still there" if upgraded is not None and key in upgraded else "is new"
            found.append((after[key][0], key, "%s %s" % (key, how)))
    for key in before:
        if key in after:
            found.extend((before[key][0], key, line)
                         for line in property_changes(key, before[key][2], after[key][2]))
    return [line for _, _, line in sorted(found)]


def owner_listed(objects, key, listed):
    owner = objects[key][1]
    seen = set()
    while owner is not None and owner not in seen:
        if owner in listed:
            return True
        seen.add(owner)
        owner = objects[owner][1] if owner in objects else None
    return False


def property_changes(key, was, now):
    for prop in sorted(set(was) | set(now)):
        a, b = was.get(prop), now.get(prop)
        if a != b:
            a, b = shown_values(prop, a, b)
            was_, is_ = ("were", "are") if prop in CATALOG_PLURAL else ("was", "is")
            yield "%s: %s %s %s, %s now %s" % (key, prop, was_, a, is_, b)


def shown_values(prop, a, b):
    def show(v):
        if v is None:
            return "NULL" if prop == "default" else "none"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return "(%s)" % ", ".join(str(x) for x in v)
        return " ".join(str(v).split())

    a, b = show(a), show(b)
    if max(len(a), len(b)) <= CATALOG_VALUE:
        return a, b
    # long definitions: where they start to differ
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    start = max(0, same - 20)

    def cut(v):
        piece = v[start:start + CATALOG_VALUE]
        return ("…" if start else "") + piece + ("…" if start + CATALOG_VALUE < len(v) else "")

    return cut(a), cut(b)


# which schemas are the database's own, and objects an extension brought
PG_OWN = ("n.nspname NOT IN ('pg_catalog', 'information_schema') "
          "AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'")
PG_NOT_EXTENSION = ("NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '%s'::regclass "
                    "AND e.objid = %s AND e.deptype = 'e')")


def pg_rows(sa, conn, sql):
    return conn.execute(sa.text(sql)).fetchall()


def pg_name(schema, name):
    return name if schema == "public" else "%s.%s" % (schema, name)


def pg_catalog(sa, conn, cat, version_tables):
    schemas = {}
    for (nsp,) in pg_rows(sa, conn, "SELECT n.nspname FROM pg_namespace n WHERE " + PG_OWN):
        schemas[nsp] = cat.add(0, "schema %s" % nsp, None)
    for name, version, nsp in pg_rows(sa, conn, """
            SELECT e.extname, e.extversion, n.nspname
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"""):
        cat.add(1, "extension %s" % name, None, version=version, schema=nsp)
    pg_types(sa, conn, cat, schemas)
    relations = pg_relations(sa, conn, cat, schemas, version_tables)
    pg_parts(sa, conn, cat, relations)
    pg_functions(sa, conn, cat, schemas)


def pg_types(sa, conn, cat, schemas):
    for nsp, name, kind, values, base, notnull, default, checks in pg_rows(sa, conn, """
            SELECT n.nspname, t.typname, t.typtype,
                   array_to_json(ARRAY(SELECT l.enumlabel::text FROM pg_enum l
                                       WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder))::text,
                   format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                   array_to_json(ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
                                       WHERE k.contypid = t.oid ORDER BY 1))::text
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype IN ('e', 'd') AND %s AND %s"""
            % (PG_OWN, PG_NOT_EXTENSION % ("pg_type", "t.oid"))):
        if kind == "e":
            cat.add(2, "type %s" % pg_name(nsp, name), schemas.get(nsp),
                    values=json.loads(values))
        else:
            cat.add(2, "domain %s" % pg_name(nsp, name), schemas.get(nsp), type=base,
                    nullable=not notnull, default=default, checks=json.loads(checks))


PG_RELATION_KINDS = {"r": "table", "p": "table", "f": "foreign table", "v": "view",
                     "m": "materialized view"}


def pg_relations(sa, conn, cat, schemas, version_tables):
    """Tables, views and sequences; {oid: (key, name in words)} of those kept."""
    relations = {}
    rows = pg_rows(sa, conn, """
            SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
                   pg_get_expr(c.relpartbound, c.oid),
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END,
                   array_to_json(ARRAY(SELECT i.inhparent::regclass::text FROM pg_inherits i
                                       WHERE i.inhrelid = c.oid ORDER BY i.inhseqno))::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND %s AND %s"""
                   % (PG_OWN, PG_NOT_EXTENSION % ("pg_class", "c.oid")))
    for oid, nsp, name, kind, persistence, rls, bound, partkey, view, parents in rows:
        if any(t == name and s in (None, nsp) for s, t in version_tables):
            continue
        words = pg_name(nsp, name)
        props = {"unlogged": persistence == "u"}
        if kind in "rpf":
            props.update({"row security": rls, "partition bound": bound,
                          "partitioned by": partkey, "inherits": json.loads(parents)})
        else:
            props["definition"] = view
        key = "%s %s" % (PG_RELATION_KINDS[kind], words)
        relations[oid] = (cat.add(4 if kind in "rpf" else 8, key, schemas.get(nsp), **props),
                          words)
    pg_sequences(sa, conn, cat, schemas, relations)
    return relations


def pg_sequences(sa, conn, cat, schemas, relations):
    for nsp, name, kind, start, step, low, high, cache, cycle, table, column in pg_rows(
            sa, conn, """
            SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart,
                   s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                   d.refobjid, a.attname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_sequence s ON s.seqrelid = c.oid
            LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                 AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE %s AND %s""" % (PG_OWN, PG_NOT_EXTENSION % ("pg_class", "c.oid"))):
        owner = relations.get(table)
        if table is not None and owner is None:
            continue    # the version table's, or an extension's
        cat.add(3, "sequence %s" % pg_name(nsp, name), owner[0] if owner else schemas.get(nsp),
                type=kind, start=start, increment=step, minimum=low, maximum=high, cache=cache,
                cycles=cycle, **{"owned by": "%s.%s" % (owner[1], column) if owner else None})


def pg_parts(sa, conn, cat, relations):
    """Columns, constraints, indexes and triggers of the relations kept."""
    pg_columns(sa, conn, cat, relations)
    pg_keys(sa, conn, cat, relations)
    pg_triggers(sa, conn, cat, relations)


def pg_columns(sa, conn, cat, relations):
    for rel, name, kind, notnull, default, identity, generated, collation in pg_rows(sa, conn, """
            SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
                   CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND %s"""
            % PG_OWN):
        if rel not in relations:
            continue
        table, words = relations[rel]
        cat.add(5, "column %s.%s" % (words, name), table, type=kind, nullable=not notnull,
                default=default if generated != "s" else None,
                identity={"a": "always", "d": "by default"}.get(identity),
                generated=default if generated == "s" else None, collation=collation)


def pg_keys(sa, conn, cat, relations):
    """Constraints and indexes."""
    for rel, name, definition in pg_rows(sa, conn, """
            SELECT k.conrelid, k.conname, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %s""" % PG_OWN):
        if rel in relations:
            cat.add(6, "constraint %s on %s" % (name, relations[rel][1]), relations[rel][0],
                    definition=definition)
    for rel, nsp, name, definition, valid, backs in pg_rows(sa, conn, """
            SELECT x.indrelid, n.nspname, c.relname, pg_get_indexdef(x.indexrelid), x.indisvalid,
                   (SELECT k.conname FROM pg_constraint k WHERE k.conindid = x.indexrelid
                    AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
            FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %s""" % PG_OWN):
        if rel in relations:
            table, words = relations[rel]
            # the index of a primary key or unique constraint comes and goes with it
            owner = "constraint %s on %s" % (backs, words) if backs else table
            cat.add(7, "index %s on %s" % (pg_name(nsp, name), words), owner,
                    definition=definition, valid=valid)


def pg_triggers(sa, conn, cat, relations):
    for rel, name, definition, enabled in pg_rows(sa, conn, """
            SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled::text
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND %s"""
            % PG_OWN):
        if rel in relations:
            cat.add(9, "trigger %s on %s" % (name, relations[rel][1]), relations[rel][0],
                    definition=definition, enabled={"O": "yes", "D": "no", "R": "replica only",
                                                    "A": "always"}.get(enabled))


def pg_functions(sa, conn, cat, schemas):
    for nsp, name, args, kind, definition in pg_rows(sa, conn, """
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                   p.prokind::text, pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.prokind IN ('f', 'p') AND %s AND %s"""
            % (PG_OWN, PG_NOT_EXTENSION % ("pg_proc", "p.oid"))):
        key = "%s %s(%s)" % ("function" if kind == "f" else "procedure", pg_name(nsp, name), args)
        cat.add(10, key, schemas.get(nsp), definition=definition)



# SQLite keeps each object's CREATE statement as written; Alembic's batch
# mode writes a table's again in its own words, so tables are read through
# the pragmas, which say what the database does, not how it was spelt.
# CHECK constraints and constraint names are only in that text: not compared.

def sqlite_catalog(sa, conn, cat, version_tables):
    rows = conn.execute(sa.text(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name")).fetchall()
    skipped = {t for _, t in version_tables}
    tables = {name: cat.add(4, "table %s" % name, None)
              for kind, name, _, _ in rows if kind == "table" and name not in skipped}
    for table, key in tables.items():
        sqlite_columns(sa, conn, cat, table, key)
        sqlite_keys(sa, conn, cat, table, key, rows)
    for kind, name, table, sql in rows:
        if kind == "view":
            cat.add(8, "view %s" % name, None, definition=" ".join((sql or "").split()))
        elif kind == "trigger" and table not in skipped:
            cat.add(9, "trigger %s on %s" % (name, table), tables.get(table),
                    definition=" ".join((sql or "").split()))


def sqlite_pragma(sa, conn, pragma, name):
    return conn.execute(sa.text("SELECT * FROM pragma_%s(:name)" % pragma),
                        {"name": name}).fetchall()


def sqlite_columns(sa, conn, cat, table, key):
    for _, name, kind, notnull, default, pk, hidden in sqlite_pragma(sa, conn, "table_xinfo",
                                                                     table):
        if hidden == 1:
            continue    # a virtual table's own
        cat.add(5, "column %s.%s" % (table, name), key, type=kind, nullable=not notnull,
                default=default, **{"primary key": pk or None,
                                    "generated": {2: "virtual", 3: "stored"}.get(hidden)})


def sqlite_keys(sa, conn, cat, table, key, rows):
    """Indexes, unique constraints and foreign keys of a table."""
    sql = {name: sql for kind, name, _, sql in rows if kind == "index"}
    for _, name, unique, origin, partial in sqlite_pragma(sa, conn, "index_list", table):
        cols = ["%s%s" % (c if c is not None else "(expression)", " DESC" if desc else "")
                for _, _, c, desc, _, is_key in sqlite_pragma(sa, conn, "index_xinfo", name)
                if is_key]
        if origin == "c":
            # the words matter only where the pragmas cannot say it all
            written = partial or any(c.startswith("(") for c in cols)
            cat.add(7, "index %s on %s" % (name, table), key, unique=bool(unique), columns=cols,
                    definition=" ".join((sql.get(name) or "").split()) if written else None)
        elif origin == "u":
            cat.add(6, "unique (%s) on %s" % (", ".join(cols), table), key)
    fks = {}
    for fk, _, parent, here, there, on_update, on_delete, _ in sqlite_pragma(
            sa, conn, "foreign_key_list", table):
        fks.setdefault(fk, ([], [], parent, on_update, on_delete))
        fks[fk][0].append(here)
        fks[fk][1].append(there or "(its primary key)")
    for here, there, parent, on_update, on_delete in fks.values():
        cat.add(6, "foreign key (%s) on %s" % (", ".join(here), table), key,
                references="%s (%s)" % (parent, ", ".join(there)),
                **{"on update": on_update, "on delete": on_delete})


# ---- the models: does env.py's target_metadata match the database? ----
#
# As `alembic check` does (Alembic 1.9 and later; compare_metadata is older):
# env.py runs in an EnvironmentContext whose fn receives the MigrationContext
# env.py configured, with its options (compare_type, compare_server_default,
# include_object, include_name, include_schemas ...), and compares the
# target_metadata it gave with the database there, on env.py's own
# connection; it runs no migration.  process_revision_directives, which
# only shapes a generated script, is not applied.

MODELS_SHOWN = 20       # differences listed in one evidence line; the rest are counted
MODELS_TEXT = 300       # characters of one difference


def run_models(cfg, script, rev, command, EnvironmentContext):
    """Upgrades to the heads (after a run that ends there: nothing to do) and compares."""
    say("step", rev, "models")
    banner("models: upgrade to the heads, compare env.py's target_metadata with the database")
    evidence = {"kind": "models", "heads": sorted(script.get_heads())}
    try:
        command.upgrade(cfg, "heads")
        evidence.update(compare_models(cfg, script, EnvironmentContext))
    except WrongDatabase:
        raise
    except KeyboardInterrupt:
        print("migreview: interrupted", file=sys.stderr, flush=True)
        say("interrupted", rev, "models")
        raise
    except Exception as e:
        traceback.print_exc()
        sys.stderr.flush()
        evidence["error"] = summary(e)
    say_evidence(rev, "models", evidence)
    found = evidence.get("differences", [])
    if found:
        banner("models drifted" + "".join("\n   " + line for line in found))
    elif "tables" in evidence:
        banner("models match the database")
    else:
        banner("models not compared: %s" % evidence.get("skipped", evidence.get("error")))


def compare_models(cfg, script, EnvironmentContext):
    from alembic.autogenerate import compare_metadata

    found, tables, calls = [], [0], []

    # an env.py of several databases runs migrations once for each, with its metadata
    def compare(heads, context):
        metadata = context.opts.get("target_metadata")
        calls.append(metadata is not None)
        if metadata is not None:
            found.extend(diff_words(d, context.dialect)
                         for d in flat_diffs(compare_metadata(context, metadata)))
            tables[0] += sum(len(m.tables) for m in to_tuple_any(metadata))
        return []

    with EnvironmentContext(cfg, script, fn=compare, as_sql=False):
        script.run_env()
    if not calls:
        raise RuntimeError("env.py never called context.run_migrations(): nothing was compared")
    if not any(calls):
        return {"skipped": "env.py gives no target_metadata (it is None)"}
    return {"tables": tables[0], "differences": found[:MODELS_SHOWN],
            "more": max(0, len(found) - MODELS_SHOWN)}


def to_tuple_any(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def flat_diffs(diffs):
    """compare_metadata's diffs, a column's several changes one by one."""
    for d in diffs:
        if isinstance(d, list):
            yield from d
        else:
            yield d


def diff_words(d, dialect):
    """One difference of compare_metadata in words: the model first, then the database."""
    try:
        words = DIFF_WORDS.get(d[0])
        text = words(d, dialect) if words else "%s: %s" % (d[0], d[1:])
    except Exception:
        text = repr(d)
    return " ".join(text.split())[:MODELS_TEXT]


def table_name(schema, name):
    return "%s.%s" % (schema, name) if schema else name


def model_type(t):
    """A model's type as written in Python: Text, String(length=200)."""
    shown = repr(t)
    return shown[:-2] if shown.endswith("()") else shown


def database_type(t, dialect):
    """A reflected type as the database names it: VARCHAR(200)."""
    try:
        return str(t.compile(dialect=dialect))
    except Exception:
        return model_type(t)


def default_text(d):
    if d is None:
        return "none"
    d = getattr(d, "arg", d)
    return str(getattr(d, "text", d))


def index_words(ix):
    cols = ", ".join(getattr(c, "name", None) or str(c) for c in ix.expressions)
    return "%sindex %s on %s (%s)" % ("unique " if ix.unique else "", ix.name,
                                      table_name(ix.table.schema, ix.table.name), cols)


def constraint_words(c):
    table = table_name(c.table.schema, c.table.name)
    cols = ", ".join(col.name for col in c.columns)
    if c.__visit_name__ == "foreign_key_constraint":
        there = c.elements[0].column.table if c.elements else None
        return "foreign key %s(%s) on %s -> %s (%s)" % (
            c.name + " " if c.name else "", cols, table,
            table_name(there.schema, there.name) if there is not None else "?",
            ", ".join(e.column.name for e in c.elements))
    kind = {"unique_constraint": "unique constraint",
            "check_constraint": "check constraint"}.get(c.__visit_name__, "constraint")
    return "%s %s(%s) on %s" % (kind, c.name + " " if c.name else "", cols, table)


def column_change(what):
    def words(d, dialect):
        _, schema, table, column, _, database, model = d
        where = "column %s.%s: " % (table_name(schema, table), column)
        if what == "type":
            return where + "the model says %s, the database %s" % (
                model_type(model), database_type(database, dialect))
        if what == "nullable":
            return where + "the model %s, the database %s" % tuple(
                "allows NULL" if v else "says NOT NULL" for v in (model, database))
        if what == "server default":
            model, database = default_text(model), default_text(database)
        return where + "the model's %s is %s, the database's %s" % (what, model, database)
    return words


DIFF_WORDS = {
    "add_table": lambda d, _: "model table %s has no table in the database"
    % table_name(d[1].schema, d[1].name),
    "remove_table": lambda d, _: "table %s in the database has no model"
    % table_name(d[1].schema, d[1].name),
    "add_column": lambda d, _: "model column %s.%s has no column in the database"
    % (table_name(d[1], d[2]), d[3].name),
    "remove_column": lambda d, _: "column %s.%s in the database has no model column"
    % (table_name(d[1], d[2]), d[3].name),
    "add_index": lambda d, _: "model %s is not in the database" % index_words(d[1]),
    "remove_index": lambda d, _: "%s in the database is not in the models" % index_words(d[1]),
    "add_constraint": lambda d, _: "model %s is not in the database" % constraint_words(d[1]),
    "remove_constraint": lambda d, _: "%s in the database is not in the models"
    % constraint_words(d[1]),
    "add_fk": lambda d, _: "model %s is not in the database" % constraint_words(d[1]),
    "remove_fk": lambda d, _: "%s in the database is not in the models" % constraint_words(d[1]),
    "add_table_comment": lambda d, _: "table %s: the model's comment is %r, the database's %r"
    % (table_name(d[1].schema, d[1].name), d[1].comment, d[2]),
    "remove_table_comment": lambda d, _:
    "table %s: the model has no comment, the database has one" % table_name(d[1].schema, d[1].name),
    "modify_type": column_change("type"),
    "modify_nullable": column_change("nullable"),
    "modify_default": column_change("server default"),
    "modify_comment": column_change("comment"),
}


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
