"""Wheel build hook: ship the files that live beside the code into `gridcare/core/shipped/`.

`gridcare.core.paths` looks there first, so an installed wheel (the image, a bare venv) finds
the country files, reference data and built portal without a checkout. A static
`force-include` table cannot do this: hatchling fails on a missing source, and `frontend/dist`
exists only after `npx vite build` (a wheel built without it simply has no portal).
Editable installs get nothing: there `paths.py` falls back to the checkout itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = "gridcare/core/shipped"
# Checkout-relative directories, copied whole when present (and no other files besides).
DIRECTORIES = ("config/countries", "data", "frontend/dist")


class ShippedFilesHook(BuildHookInterface):
    PLUGIN_NAME = "shipped-files"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        for relative in DIRECTORIES:
            if (root / relative).is_dir():
                build_data["force_include"][str(root / relative)] = f"{SHIPPED}/{relative}"
