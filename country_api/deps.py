"""The typed dependencies every route uses: settings, country, engine, session, parsers, clock.

The app keeps one `CountryResources` (resources.py); this module is the only place that reads
it from the app. `SessionDep` is the request's unit of work: it commits when the route returns
and rolls back when it raises, before the answer is sent (services only flush).

Domains' routers import this module, so it imports no domain: it sees the resources, and the
parser chain, through the protocols below (`resources.py`, which builds them from the
domains, sits in the composition layer; see `country_api/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Protocol

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.config import Settings
from country_api.jwks import JwksCache
from country_api.plugins.payments.protocol import PaymentParser
from gridcare.core.clock import Clock
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work


class ParserSource(Protocol):
    """The parsers to try on a message: stored templates, then plugins (`payments/parsers.py`)."""

    def parsers(self, session: Session) -> list[PaymentParser]: ...

    def templates_changed(self) -> None: ...


class Resources(Protocol):
    """What routes read of the app's `CountryResources`."""

    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def jwks(self) -> JwksCache | None: ...

    @property
    def parsers(self) -> ParserSource: ...

    @property
    def clock(self) -> Clock: ...


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


def get_settings(resources: ResourcesDep) -> Settings:
    return resources.settings


def get_country(resources: ResourcesDep) -> CountryConfig:
    return resources.settings.country


def get_engine(resources: ResourcesDep) -> Engine:
    return resources.engine


def get_parsers(resources: ResourcesDep) -> ParserSource:
    return resources.parsers


def get_clock(resources: ResourcesDep) -> Clock:
    return resources.clock


SettingsDep = Annotated[Settings, Depends(get_settings)]
CountryDep = Annotated[CountryConfig, Depends(get_country)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ParsersDep = Annotated[ParserSource, Depends(get_parsers)]
ClockDep = Annotated[Clock, Depends(get_clock)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with unit_of_work(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
