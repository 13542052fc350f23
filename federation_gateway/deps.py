"""The typed dependencies of the gateway's routes. The app keeps one `GatewayResources`
(resources.py); this module alone reads it. `SessionDep` is the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from federation_gateway.config import Settings
from federation_gateway.ratelimit import LoginLimiter
from federation_gateway.resources import GatewayResources
from federation_gateway.tokens import TokenIssuer
from gridcare.core.db import unit_of_work


def get_resources(request: Request) -> GatewayResources:
    resources: GatewayResources = request.app.state.resources
    return resources


ResourcesDep = Annotated[GatewayResources, Depends(get_resources)]


def get_settings(resources: ResourcesDep) -> Settings:
    return resources.settings


def get_engine(resources: ResourcesDep) -> Engine:
    return resources.engine


def get_issuer(resources: ResourcesDep) -> TokenIssuer:
    return resources.issuer


def get_login_limiter(resources: ResourcesDep) -> LoginLimiter:
    return resources.login_limiter


def get_http(resources: ResourcesDep) -> httpx.AsyncClient:
    if resources.http is None:
        raise RuntimeError("the gateway's HTTP client is opened by its lifespan")
    return resources.http


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
IssuerDep = Annotated[TokenIssuer, Depends(get_issuer)]
LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with unit_of_work(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
