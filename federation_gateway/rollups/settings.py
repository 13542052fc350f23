"""Rollup, cache and FX settings from the environment (`GRIDCARE_…`).

Kept beside the rollups so the gateway's `Settings` stays the one owner of country addresses;
`GRIDCARE_REDIS_URL` is read from there.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from federation_gateway.cache import DEFAULT_PREFIX


class RollupSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDCARE_", extra="ignore", frozen=True)

    rollup_cache_seconds: Annotated[float, Field(gt=0)] = 30.0
    """How long country answers, rollups and rate look-ups stay cached."""
    cache_prefix: str = DEFAULT_PREFIX
    """Redis key prefix (tests and side-by-side deployments use their own)."""
    fx_seed_shipped_file: bool = True
    """Load the shipped rates file (`federation_gateway/data/`) into the rates table once."""
    fx_url: str | None = None
    """The rates service of `federation_gateway.fx.http_provider` (`gridcare fx update`)."""
