"""Watching the demo's services: a child that dies is reported and started again."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from gridcare.demo.services import Service, ServiceSpec, restart_delay, restart_service


def supervise(services: list[Service], console: Console) -> int:
    """Watch the children until a signal stops the demo; a child that dies is reported and
    started again after a growing delay, as ECS or systemd would."""
    relay = relay_to(console)
    while True:
        now = time.monotonic()
        for service in services:
            if service.alive:
                continue
            if not service.exit_reported:
                service.exit_reported = True
                delay = restart_delay(service.restarts)
                service.restart_at = now + delay
                console.print(
                    f"[red]✗ the {service.spec.title} ({service.spec.url}) stopped"
                    f" (exit code {service.process.returncode})[/]; restarting it in {delay:g} s"
                )
            elif service.restart_at is not None and now >= service.restart_at:
                restart_service(service, relay)
                console.print(
                    f"[yellow]↻ the {service.spec.title} restarted (restart {service.restarts})[/]"
                )
        time.sleep(0.5)


def report_failed_start(failed: list[Service], console: Console) -> None:
    for service in failed:
        state = (
            f"exited with code {service.process.returncode}"
            if not service.alive
            else "did not answer /health in time"
        )
        console.print(f"[red]✗ the {service.spec.title} {state}[/] (its output is above)")
    console.print("[red]Stopping the demo.[/]")


def relay_to(console: Console) -> Callable[[ServiceSpec, str], None]:
    def relay(spec: ServiceSpec, line: str) -> None:
        prefix = (f"{spec.name:>7} │ ", "dim")
        console.print(Text.assemble(prefix, line), highlight=False, soft_wrap=True)

    return relay
