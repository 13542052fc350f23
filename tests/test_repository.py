"""The repository stands on its own: nothing in it points outside it, and the architecture
document names every background worker the code runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from country_api.workers import WORKERS

ROOT = Path(__file__).resolve().parents[1]
TEXT = {".py", ".md", ".tf", ".ts", ".tsx", ".yaml", ".toml", ".sh", ".json", ".cfg", ".hcl"}
OUTSIDE = re.compile(r"\.\./shared\b|\bDESIGN\.md\b|\bSTYLE\.md\b|\bSTACK\.md\b")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if Path(name).suffix in TEXT and not name.endswith(("package-lock.json", "uv.lock"))
    ]


def test_nothing_points_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in tracked_text_files()
        if path.is_file()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line) and path.name != "test_repository.py"
    ]
    assert offenders == []


def test_every_relative_markdown_link_resolves_inside_the_repository() -> None:
    broken = []
    for path in tracked_text_files():
        if path.suffix != ".md":
            continue
        for target in MARKDOWN_LINK.findall(path.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert broken == []


def test_the_architecture_document_lists_every_worker() -> None:
    document = (ROOT / "docs" / "architecture.md").read_text()
    assert [spec.name for spec in WORKERS if f"`{spec.name}`" not in document] == []
