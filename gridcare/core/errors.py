"""Domain errors and the one JSON shape every error answer has, in every GridCare service.

`{"error": {"code": "customer_not_found", "message": "...", "fields": [{"field", "message"}]}}`
Services raise `AppError` subclasses; routers never build error responses themselves.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []
        self.headers: dict[str, str] = {}
        """Extra response headers (`Retry-After`, `WWW-Authenticate`)."""

    def body(self) -> dict[str, Any]:
        """The answer's JSON; a protocol with its own error shape (SMS gateway) overrides it."""
        return error_body(self.code, self.message, self.fields)


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class InvalidInput(AppError):
    status_code = 422
    code = "validation_error"

    @classmethod
    def for_field(cls, field: str, message: str) -> InvalidInput:
        return cls(f"{field}: {message}", fields=[{"field": field, "message": message}])


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str, *, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message, fields=fields)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Unavailable(AppError):
    status_code = 503
    code = "unavailable"


def error_body(
    code: str, message: str, fields: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


def _validation_fields(error: RequestValidationError) -> list[dict[str, str]]:
    fields = []
    for problem in error.errors():
        location = [str(part) for part in problem.get("loc", ()) if part != "body"]
        fields.append({"field": ".".join(location) or "body", "message": problem.get("msg", "")})
    return fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, error: AppError) -> JSONResponse:
        return JSONResponse(
            error.body(),
            status_code=error.status_code,
            headers=error.headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = _validation_fields(error)
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse(error_body("validation_error", message, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)
