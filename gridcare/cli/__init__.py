"""`gridcare`: the one command line that runs, migrates, seeds and administers the platform."""

from __future__ import annotations

import typer

from gridcare.cli import (
    analytics,
    country,
    db,
    demo,
    employee,
    fx,
    imports,
    payments,
    serve,
    worker,
)

app = typer.Typer(no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
app.add_typer(serve.app, name="serve")
app.add_typer(db.app, name="db")
app.add_typer(employee.app, name="employee")
app.add_typer(country.app, name="country")
app.add_typer(payments.app, name="payments")
app.add_typer(imports.app, name="import")
app.add_typer(fx.app, name="fx")
app.add_typer(analytics.app, name="analytics")
app.command("demo")(demo.run)
app.command("worker")(worker.worker)
