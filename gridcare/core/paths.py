"""Where the files shipped beside the code live: country files, reference data, the built portal.

In a checkout they sit at the repository root (`config/countries/`, `data/`, `frontend/dist/`).
An installed wheel carries copies inside this package (`gridcare/core/shipped/`, see the wheel
build settings in `pyproject.toml`), so an image or a virtual environment without the checkout
finds them too. The environment can point elsewhere (`GRIDCARE_CONFIG_DIR`,
`GRIDCARE_FRONTEND_DIR`).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "shipped"
CHECKOUT = PACKAGE.parents[1]


def shipped(relative: str) -> Path:
    """`relative` (e.g. `config/countries`) from the wheel's copy, else from the checkout."""
    packaged = SHIPPED / relative
    return packaged if packaged.exists() else CHECKOUT / relative


CONFIG_DIR = shipped("config/countries")
DATA_DIR = shipped("data")
FRONTEND_DIST = shipped("frontend/dist")
