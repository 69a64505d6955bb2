"""Shop service: a small FastAPI application backed by SQLAlchemy.

Kept free of imports so that ``migrations/env.py`` can import
``app.models`` without pulling in FastAPI.
"""
