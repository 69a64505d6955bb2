"""Database engine and session factory for the shop service."""
import os
import uuid

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

DEFAULT_URL = "sqlite:///" + os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "shop.db"
)

DATABASE_URL = os.environ.get("MIGREVIEW_DATABASE_URL", DEFAULT_URL)

engine = create_engine(DATABASE_URL, future=True, pool_pre_ping=True)
if engine.dialect.name == "sqlite":

    @event.listens_for(engine, "connect")
    def _add_sqlite_functions(dbapi_connection, connection_record):
        # orders.public_id defaults to gen_random_uuid(), a PostgreSQL function
        dbapi_connection.create_function(
            "gen_random_uuid", 0, lambda: str(uuid.uuid4())
        )


SessionLocal = sessionmaker(bind=engine, autoflush=False, future=True)


def get_session():
    """FastAPI dependency: one session per request."""
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
