"""The FastAPI app under /api. Its OpenAPI document is /api/openapi.json; no docs page, since
FastAPI's loads Swagger UI from a CDN."""

from __future__ import annotations

from fastapi import FastAPI

from . import dashboards, downloads
from .deps import register_errors


def build() -> FastAPI:
    app = FastAPI(
        title="dashboard_app API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=lambda route: f"{route.tags[0]}-{route.name}" if route.tags else route.name,
    )
    register_errors(app)
    app.include_router(downloads.router)
    app.include_router(dashboards.router)
    return app
