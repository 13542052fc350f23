"""Report answers. Money is a decimal string in major units of `currency`; energy a kWh string."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ArpuFigures(BaseModel):
    revenue: str = Field(description="Payments in the period, reversed ones excluded (major units)")
    customers: int = Field(
        description="Distinct accounts that have ever paid, up to the end of the period"
    )
    arpu: str = Field(description="revenue / customers, rounded to the currency's digits")


class ArpuEntry(ArpuFigures):
    period: str = Field(description="`2025 Q1` (quarterly) or `2025-01` (monthly)")
    currency: str
    per_site: dict[str, ArpuFigures]


class ArpuReport(BaseModel):
    currency: str
    arpu: list[ArpuEntry]


class SalesEntry(BaseModel):
    period: str
    revenue: str = Field(description="Payments in the period, reversed ones excluded (major units)")
    fees: str = Field(description="The part of the revenue that paid configured fees")
    payments: int
    kwh_vended: str = Field(description="Energy sold (credited) by those payments, kWh")
    customers_cumulative: int = Field(
        description="Distinct accounts that have ever paid, up to the end of the period"
    )


class SalesReport(BaseModel):
    currency: str
    series: list[SalesEntry]
    per_site: dict[str, list[SalesEntry]]


class ConsumptionEntry(BaseModel):
    period: str
    kwh: str = Field(description="Energy measured by primary meters in the period")
    customers: int = Field(description="Accounts whose primary meter measured energy")
    average_kwh_per_customer: str


class ConsumptionReport(BaseModel):
    unit: Literal["kWh"] = "kWh"
    series: list[ConsumptionEntry]
    per_site: dict[str, list[ConsumptionEntry]]


class CustomerEntry(BaseModel):
    period: str
    total: int = Field(description="Customers connected by the end of the period")
    active: int = Field(description="Of those, not terminated by the end of the period")
    new: int = Field(description="Connected during the period")
    terminated: int = Field(description="Terminated during the period")
    paying: int = Field(description="Connected customers that have paid at least once")
    activation_rate: str | None = Field(
        description="paying / total as a fraction (`0.8125`); null without customers"
    )
    growth: int = Field(description="Change of `active` during the period (new - terminated)")
    growth_rate: str | None = Field(
        description="growth / active customers at the start; null when there were none"
    )


class CustomerReport(BaseModel):
    series: list[CustomerEntry]
    per_site: dict[str, list[CustomerEntry]]


class HourPoint(BaseModel):
    hour: int = Field(ge=0, le=23, description="Hour of day, the country's local time")
    kwh: str = Field(description="Average energy per customer in that hour of a day, kWh")
    samples: int = Field(description="Customer-hours averaged")


class LoadProfileReport(BaseModel):
    unit: Literal["kWh"] = "kWh"
    period_from: str
    period_to: str
    group_by: Literal["all", "site", "customer_type"]
    curves: dict[str, list[HourPoint]]
