"""Domain errors and the one JSON shape every error answer has, in every GridCare service.

`{"error": {"code": "customer_not_found", "message": "...", "fields": [{"field", "message"}]}}`
Services raise `AppError` subclasses; routers never build error responses themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
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
        codes = {400: "invalid_body", 404: "not_found", 405: "method_not_allowed"}
        code = codes.get(error.status_code, "http_error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldProblem]


class ErrorAnswer(BaseModel):
    """The one shape of every error answer."""

    error: ErrorDetail


ERROR_SCHEMA_REF = "#/components/schemas/ErrorAnswer"
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

GuardResponses = Callable[[str, str, dict[str, Any]], Mapping[int, str]]
"""(path, method, operation) → the extra error answers a middleware may give it."""


def document_errors(app: FastAPI, extra: GuardResponses | None = None) -> None:
    """Make the app's OpenAPI document say what its errors look like: every 4xx/5xx answer
    has the one error shape (FastAPI would document its own `{"detail": …}` 422, which the
    handlers above never send), plus the answers `extra` says a middleware may give."""
    generate = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()
        if not documented or documented[0] is not document:
            _document_errors(document, extra)
            documented[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _generic(response: dict[str, Any]) -> bool:
    """A response without its own body schema, or with FastAPI's unused validation error."""
    content = response.get("content")
    return not content or "HTTPValidationError" in str(content)


def _document_errors(document: dict[str, Any], extra: GuardResponses | None) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    answer = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(answer.pop("$defs", {}))
    schemas["ErrorAnswer"] = answer
    error_content = {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in (extra(path, method, operation) if extra else {}).items():
                responses.setdefault(str(status), {"description": description})
            for status, response in responses.items():
                if status[:1] in ("4", "5") and _generic(response):
                    response["content"] = error_content
    if "HTTPValidationError" in schemas and "HTTPValidationError" not in str(document["paths"]):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
