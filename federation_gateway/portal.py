"""The portal (frontend/dist, built by Vite) served at `/`, so browser and API share one origin.

A single-page app: any GET that is not an API route or a file falls back to `index.html`, so
a reload on `/customers/0045MAK` works. API prefixes never fall back: an unknown API path stays
a 404 in the common error shape.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

log = logging.getLogger(__name__)
NEVER_FALLBACK = ("api/", "auth/", ".well-known/", "health")


class SinglePageApp(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            wants_page = scope["method"] in ("GET", "HEAD") and "." not in path.rsplit("/", 1)[-1]
            if error.status_code != 404 or not wants_page or path.startswith(NEVER_FALLBACK):
                raise
            return await super().get_response("index.html", scope)


def mount_portal(app: FastAPI, directory: Path) -> bool:
    """Serve the built portal at `/` when `directory` holds one; says whether it did."""
    if not (directory / "index.html").is_file():
        log.info("no built portal in %s (run `make frontend`): serving the API only", directory)
        return False
    app.mount("/", SinglePageApp(directory=directory, html=True), name="portal")
    return True
