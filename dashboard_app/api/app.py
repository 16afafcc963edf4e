"""The FastAPI app under /api. Its OpenAPI document is /api/openapi.json; no docs page, since
FastAPI's loads Swagger UI from a CDN."""

from __future__ import annotations

from fastapi import FastAPI

from . import chat, dashboards, downloads
from . import files, metadata, query
from .deps import register_errors
from .security import SecurityMiddleware, current_settings


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
    # Host, Origin, key and size checks and the security headers (api/security.py). Reflex
    # mounts its whole backend inside this app, so they also cover the page and its /_event
    # websocket; the settings are read per request (the same the routes use).
    app.add_middleware(SecurityMiddleware, settings=current_settings)
    app.include_router(downloads.router)
    app.include_router(dashboards.router)
    app.include_router(query.router)
    app.include_router(files.router)
    app.include_router(metadata.router)
    app.include_router(chat.router)
    return app
