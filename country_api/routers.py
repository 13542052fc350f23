"""Every domain's router, in the order the OpenAPI document lists them."""

from fastapi import APIRouter

from country_api.sites.router import router as sites
from country_api.system.router import router as system

ROUTERS: list[APIRouter] = [system, sites]
