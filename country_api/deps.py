"""The typed dependencies every route uses: settings, country, engine, session, parsers, clock.

The app keeps one `CountryResources` (resources.py); this module is the only place that reads
it from the app. `SessionDep` is the request's unit of work: it commits when the route returns
and rolls back when it raises, before the answer is sent (services only flush).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from country_api.config import Settings
from country_api.payments.parsers import ParserChain
from country_api.resources import CountryResources
from gridcare.core.clock import Clock
from gridcare.core.countries import CountryConfig
from gridcare.core.db import unit_of_work


def get_resources(request: Request) -> CountryResources:
    resources: CountryResources = request.app.state.resources
    return resources


ResourcesDep = Annotated[CountryResources, Depends(get_resources)]


def get_settings(resources: ResourcesDep) -> Settings:
    return resources.settings


def get_country(resources: ResourcesDep) -> CountryConfig:
    return resources.settings.country


def get_engine(resources: ResourcesDep) -> Engine:
    return resources.engine


def get_parsers(resources: ResourcesDep) -> ParserChain:
    return resources.parsers


def get_clock(resources: ResourcesDep) -> Clock:
    return resources.clock


SettingsDep = Annotated[Settings, Depends(get_settings)]
CountryDep = Annotated[CountryConfig, Depends(get_country)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ParsersDep = Annotated[ParserChain, Depends(get_parsers)]
ClockDep = Annotated[Clock, Depends(get_clock)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with unit_of_work(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
