"""migreview's up/down runner: the only place migreview runs migration code.

migreview starts this program (embedded in the binary) with the Python that
runs the project's `alembic`, in the directory the user ran migreview from:

    python -c <this file> INI TOML SECTION SCRIPT_DIR SYS_PATH URL REV...

SCRIPT_DIR, when not empty, is the script directory migreview read (given
with -d, or found for an ini that sets none, or a package resource it
resolved), set as script_location the way Flask-Migrate sets it; SYS_PATH
holds the directories, one a line, to put first on sys.path, so that the
package resources of the configuration import the packages migreview read.

For every REV in turn it uses Alembic's own commands and the project's own
env.py to upgrade a scratch database to REV's parents, upgrade to REV,
downgrade exactly that one step (as `alembic downgrade` steps through it)
and upgrade to REV again.  It stops at the first failure.

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
"""
import argparse
import inspect
import os
import sys
import traceback
import uuid


def say(*words):
    sys.stdout.flush()
    sys.stderr.flush()
    line = " ".join(words).replace("\r", " ").replace("\n", " ")
    os.write(1, ("\x1emigreview: " + line + "\n").encode("utf-8", "replace"))


def main(argv):
    ini, toml, section, script_dir, sys_path, url = argv[:6]
    revs = argv[6:]

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
        guard_configure(EnvironmentContext, sa, scratch)
        script = ScriptDirectory.from_config(cfg)
        for rev in revs:
            if not run_one(cfg, script, rev, command, EnvironmentContext, MigrationStep):
                return 1
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


def run_one(cfg, script, rev, command, EnvironmentContext, MigrationStep):
    target = script.get_revision(rev)
    parents = [p for p in to_tuple(target.down_revision)]
    steps = [("upgrade-parents", lambda: [command.upgrade(cfg, p) for p in parents]),
             ("upgrade", lambda: command.upgrade(cfg, rev)),
             ("downgrade", lambda: downgrade_one(cfg, script, target, parents,
                                                EnvironmentContext, MigrationStep)),
             ("re-upgrade", lambda: command.upgrade(cfg, rev))]
    for what, step in steps:
        if what == "upgrade-parents" and not parents:
            continue
        say("step", rev, what)
        banner("%s %s" % (what, rev if what != "upgrade-parents" else " ".join(parents)))
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
            say("fail", rev, what, summary(e))
            return False
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


def guard_configure(EnvironmentContext, sa, scratch):
    """Refuses to run migrations anywhere but the scratch database."""
    configure = EnvironmentContext.configure

    def checked(self, connection=None, url=None, dialect_name=None, *args, **kw):
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


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
