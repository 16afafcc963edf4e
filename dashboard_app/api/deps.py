"""What every route needs: the services, the caller, and one way to answer errors.

Errors are JSON `{"error": {"code", "message"}}`: a 4xx for whatever the caller got wrong,
never a stack trace or a secret.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..backend import Services, services
from ..identity import resolve_identity
from ..services.limits import RateLimited
from ..services.sql.engine import Identity

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success, with a status, a code and a message safe to show."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def get_services() -> Services:
    return services()


def get_caller(request: Request, svc: Annotated[Services, Depends(get_services)]) -> Identity:
    return resolve_identity(svc.settings, request.headers)


ServicesDep = Annotated[Services, Depends(get_services)]
Caller = Annotated[Identity, Depends(get_caller)]

STATUS_CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
          409: "CONFLICT", 413: "TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "BAD_REQUEST", 429: "RATE_LIMITED"}


def register_errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.message)

    @app.exception_handler(RateLimited)
    async def _rate_limited(_request: Request, err: RateLimited) -> JSONResponse:
        # Over a per-user limit (statements a minute, running at once, file writes, chat
        # messages): raised by the gate or the limiter inside any route.
        return error_response(429, "RATE_LIMITED", err.message, headers={"Retry-After": str(err.retry_after)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        msg = str(first.get("msg", "invalid request"))
        return error_response(400, "BAD_REQUEST", f"{where}: {msg}" if where else msg)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        return error_response(err.status_code, STATUS_CODES.get(err.status_code, "ERROR"), str(err.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error in an API route")  # the detail stays in the log
        return error_response(500, "INTERNAL", "Something went wrong on the server; it has been logged.")
