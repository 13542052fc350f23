"""Meter platforms: where credits are pushed and readings fetched (see `protocol.py`)."""

from country_api.plugins.meters.factory import platform_for_site

__all__ = ["platform_for_site"]
