"""`gridcare demo`: database, migrations, demo data, admin, then every service, supervised.

Ctrl-C (SIGINT) or SIGTERM at any point stops every child service, then the embedded
database, and the demo exits 0. A service that dies while the demo runs is reported, the others
keep serving (as separate deployments would), and it is started again after a growing delay.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from rich.console import Console

from gridcare.core.countries import CountryConfig, load_all_countries
from gridcare.demo.credentials import DemoCredentials, load_credentials
from gridcare.demo.databases import database_server, prepare_databases
from gridcare.demo.services import (
    PortTaken,
    ServiceSpec,
    check_ports_free,
    running_services,
    wait_until_healthy,
)
from gridcare.demo.steps import SeedStep, StepErrorHandler
from gridcare.demo.summary import print_summary
from gridcare.demo.supervise import relay_to, report_failed_start, supervise

GATEWAY = "gateway"
GATEWAY_PORT = 8000
ADMIN_USERNAME = "admin"


class DemoStopped(BaseException):
    """Raised once, by the first SIGINT or SIGTERM, to unwind and stop everything."""


@dataclass(frozen=True)
class DemoOptions:
    data_dir: Path
    reset: bool = False
    ports: dict[str, int] = field(default_factory=dict)
    """Port overrides by service name (`gateway`, `ls`, …); defaults 8000 and the files'."""
    database_prefix: str = "gridcare"
    startup_timeout: float = 180.0
    extra_steps: bool = True
    """Run `gridcare.demo.steps.SEED_STEPS` (payments, consumption…) after customers/meters."""


def run_demo(options: DemoOptions, console: Console | None = None) -> int:
    """Run until interrupted; the exit status (0 after Ctrl-C, 1 when it cannot run)."""
    console = console or Console()
    with _stop_on_signals() as stop:
        try:
            return _run(options, console, stop)
        except PortTaken as error:
            console.print(f"[red]Cannot start the demo:[/] {error}")
            return 1
        except BaseException:
            # A signal interrupts whatever runs, e.g. a query, whose clean-up may then fail
            # with its own error: once a stop was asked for, any way out is a clean stop.
            if stop.reason is None:
                raise
        console.print(f"[bold]{stop.reason}[/]: every service and the database are stopped.")
        return 0


def _run(options: DemoOptions, console: Console, stop: _StopRequest) -> int:
    countries = load_all_countries()
    specs = service_specs(countries, options.ports)
    check_ports_free(specs)
    data_dir = options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    credentials = load_credentials(data_dir)
    started = time.monotonic()
    with database_server(data_dir / "pgdata") as server:
        console.print(f"[green]✓[/] database: {server.describe()}")
        names = {slug: f"{options.database_prefix}_{slug}" for slug in [*countries, GATEWAY]}
        created = prepare_databases(server, list(names.values()), reset=options.reset)
        if created:
            console.print(f"[green]✓[/] created databases {', '.join(created)}")
        urls = {slug: server.url(name) for slug, name in names.items()}
        steps: list[SeedStep] | None = None if options.extra_steps else []
        customers = _prepare_data(
            countries, urls, credentials, console, steps, _step_error_reporter(console, stop)
        )
        specs = service_specs(countries, options.ports, urls=urls, credentials=credentials)
        console.print(f"[green]✓[/] ready to serve after {time.monotonic() - started:.1f} s")
        with running_services(specs, relay_to(console)) as services:
            failed = wait_until_healthy(services, options.startup_timeout)
            if failed:
                report_failed_start(failed, console)
                return 1
            print_summary(
                console,
                services=[service.spec for service in services],
                countries=countries,
                customers=customers,
                credentials=credentials,
                server=server,
                data_dir=data_dir,
            )
            return supervise(services, console)


def _prepare_data(
    countries: dict[str, CountryConfig],
    urls: dict[str, str],
    credentials: DemoCredentials,
    console: Console,
    steps: list[SeedStep] | None,
    on_step_error: StepErrorHandler,
) -> dict[str, int]:
    """Migrate every database, seed the countries, make the admin; customers per country."""
    from country_api.migrate import upgrade as upgrade_country
    from federation_gateway.migrate import upgrade as upgrade_gateway
    from gridcare.core.db import make_engine
    from gridcare.demo.admin import ensure_admin
    from gridcare.demo.seed import count_customers, seed_country

    customers = {}
    for slug, country in sorted(countries.items(), key=lambda item: item[1].api.port):
        started = time.monotonic()
        with console.status(f"{country.name}: migrating and loading demo data…"):
            with _environment(GRIDCARE_COUNTRY=slug):
                upgrade_country(urls[slug])
            engine = make_engine(urls[slug], pool_size=2)
            try:
                report = seed_country(
                    engine=engine, country=country, steps=steps, on_step_error=on_step_error
                )
                customers[slug] = count_customers(engine)
            finally:
                engine.dispose()
        loaded = f"loaded {report.customers_added:,} customers, {report.meters_added:,} meters"
        kept = f"{customers[slug]:,} customers kept" if customers[slug] else "no demo customers"
        console.print(
            f"[green]✓[/] {country.name}: migrated; {loaded if report.customers_added else kept}"
            f" ({time.monotonic() - started:.1f} s)"
        )
    upgrade_gateway(urls[GATEWAY])
    ensure_admin(
        database_url=urls[GATEWAY],
        username=ADMIN_USERNAME,
        password=credentials.admin_password,
        countries=[country.code for country in countries.values()],
    )
    console.print(f"[green]✓[/] gateway: migrated; employee {ADMIN_USERNAME!r} is superadmin")
    return customers


def service_specs(
    countries: dict[str, CountryConfig],
    ports: dict[str, int],
    *,
    urls: dict[str, str] | None = None,
    credentials: DemoCredentials | None = None,
) -> list[ServiceSpec]:
    """The gateway and one API per country, with their ports and (once known) environment."""
    unknown = sorted(set(ports) - {GATEWAY, *countries})
    if unknown:
        raise ValueError(f"--ports names no service {', '.join(unknown)}")
    gateway_port = ports.get(GATEWAY, GATEWAY_PORT)
    country_ports = {slug: ports.get(slug, c.api.port) for slug, c in countries.items()}
    env: dict[str, dict[str, str]] = {name: {} for name in [GATEWAY, *countries]}
    if urls is not None and credentials is not None:
        env[GATEWAY] = {
            "GRIDCARE_GATEWAY_DATABASE_URL": urls[GATEWAY],
            "GRIDCARE_GATEWAY_SIGNING_KEY": credentials.signing_key_json,
            "GRIDCARE_DEMO": "true",
            "GRIDCARE_COUNTRY_API_URLS": ",".join(
                f"{slug}=http://127.0.0.1:{port}" for slug, port in country_ports.items()
            ),
        }
        for slug in countries:
            env[slug] = {
                "GRIDCARE_COUNTRY": slug,
                "GRIDCARE_DATABASE_URL": urls[slug],
                "GRIDCARE_JWKS_URL": f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
                "GRIDCARE_SMS_GATEWAY_KEYS": credentials.sms_gateway_keys,
                "GRIDCARE_IOT_KEY": credentials.iot_key,
                "GRIDCARE_DEMO": "true",
            }
    gateway = ServiceSpec(
        name=GATEWAY,
        title="gateway",
        port=gateway_port,
        args=["serve", "gateway", "--port", str(gateway_port)],
        env=env[GATEWAY],
    )
    countries_by_port = sorted(countries.items(), key=lambda item: country_ports[item[0]])
    return [gateway] + [
        ServiceSpec(
            name=slug,
            title=f"{country.name} API",
            port=country_ports[slug],
            args=[
                "serve",
                "country",
                "--country",
                slug,
                "--port",
                str(country_ports[slug]),
                "--with-workers",
            ],
            env=env[slug],
        )
        for slug, country in countries_by_port
    ]


def _step_error_reporter(console: Console, stop: _StopRequest) -> StepErrorHandler:
    def report(step: SeedStep, error: Exception) -> None:
        if stop.reason is not None:  # the error is the interrupted query: stop, do not go on
            raise error
        name = f"{getattr(step, '__module__', '')}.{getattr(step, '__name__', step)}"
        console.print(
            f"[yellow]! demo data step {name} failed and was skipped:[/] "
            f"{type(error).__name__}: {error}"
        )

    return report


class _StopRequest:
    reason: str | None = None


@contextmanager
def _stop_on_signals() -> Iterator[_StopRequest]:
    request = _StopRequest()

    def stop(signum: int, frame: FrameType | None) -> None:
        if request.reason is None:  # later signals must not interrupt the clean-up
            request.reason = f"{signal.Signals(signum).name} received"
            # a query cut short makes the pool log its failed reset: expected, not news
            for noisy in ("sqlalchemy.pool", "psycopg"):
                logging.getLogger(noisy).setLevel(logging.CRITICAL + 1)
            raise DemoStopped(request.reason)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
