"""The shared SMS samples (`data/sms/`), one test case per message."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gridcare.core.data import SMS_SAMPLES_DIR

SMS_DIR = SMS_SAMPLES_DIR


@dataclass(frozen=True)
class Sample:
    country: str
    name: str
    sender: str
    content: str
    expect: Any
    """The sample's `expect`; for a list of contents, the item for this content."""
    raw: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.country}:{self.name}:{self.content[:30]}"


def load_samples(filename: str) -> list[Sample]:
    data = json.loads((SMS_DIR / filename).read_text(encoding="utf-8"))
    samples = []
    for raw in data["samples"]:
        contents = raw["content"] if isinstance(raw["content"], list) else [raw["content"]]
        expects = (
            raw["expect"] if isinstance(raw["expect"], list) else [raw["expect"]] * len(contents)
        )
        for content, expect in zip(contents, expects, strict=True):
            samples.append(
                Sample(
                    country=data["country"],
                    name=raw["name"],
                    sender=raw.get("sender", ""),
                    content=content,
                    expect=expect,
                    raw=raw,
                )
            )
    return samples


LS_SAMPLES = load_samples("ls_inbound_samples.json")
BN_SAMPLES = load_samples("bn_inbound_samples.json")
ALL_BODIES = [s.content for s in LS_SAMPLES + BN_SAMPLES]
