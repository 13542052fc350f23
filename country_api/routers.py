"""Every domain's router, in the order the OpenAPI document lists them."""

from fastapi import APIRouter

from country_api.analytics.router import router as analytics
from country_api.audit.router import router as audit
from country_api.customers.router import router as customers
from country_api.exports.router import router as exports
from country_api.messages.router import router as messages
from country_api.metering.router import router as metering
from country_api.meters.router import router as meters
from country_api.onboarding.router import router as onboarding
from country_api.payments.router import router as payments
from country_api.payments.sms_router import router as sms_gateway
from country_api.sites.router import router as sites
from country_api.sms.router import router as sms
from country_api.system.router import router as system
from country_api.tariffs.router import router as tariffs

ROUTERS: list[APIRouter] = [
    system,
    sites,
    customers,
    meters,
    onboarding,
    metering,
    audit,
    payments,
    sms_gateway,
    sms,
    messages,
    tariffs,
    analytics,
    exports,
]
