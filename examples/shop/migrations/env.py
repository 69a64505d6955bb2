"""Alembic environment for the shop service.

The database URL is taken, in this order, from:

1. ``alembic -x url=postgresql://...``
2. the ``MIGREVIEW_DATABASE_URL`` environment variable
3. ``sqlalchemy.url`` in alembic.ini (a local SQLite file)
"""
import os
import sys
import uuid
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, event, pool

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# The project root (the directory holding alembic.ini and app/) must be
# importable whatever the current directory is.
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

# app.models only needs SQLAlchemy (not FastAPI), so importing it here is safe.
from app.models import Base  # noqa: E402

target_metadata = Base.metadata


def database_url() -> str:
    x_args = context.get_x_argument(as_dictionary=True)
    url = x_args.get("url") or os.environ.get("MIGREVIEW_DATABASE_URL")
    if not url:
        url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "no database URL: pass -x url=..., set MIGREVIEW_DATABASE_URL "
            "or set sqlalchemy.url in alembic.ini"
        )
    return url


def is_sqlite(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] == "sqlite"


def add_sqlite_functions(dbapi_connection, connection_record) -> None:
    """Give local SQLite databases the PostgreSQL functions our defaults use."""
    dbapi_connection.create_function("gen_random_uuid", 0, lambda: str(uuid.uuid4()))


def run_migrations_offline() -> None:
    """Emit the migration SQL to stdout (``alembic upgrade head --sql``)."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=is_sqlite(url),
        transaction_per_migration=True,
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against a live database connection."""
    section = config.get_section(config.config_ini_section) or {}
    section["sqlalchemy.url"] = database_url()
    connectable = engine_from_config(
        section,
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    if connectable.dialect.name == "sqlite":
        event.listen(connectable, "connect", add_sqlite_functions)

    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            transaction_per_migration=True,
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
