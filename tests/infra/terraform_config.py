"""Reads a Terraform configuration with python-hcl2, the way `terraform validate` would see it.

No terraform binary can run here, so the tests check statically what `validate` and `plan`
would catch first: module arguments against module variables, references against what is
declared, and the values the country files feed into `module "country"`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import yaml
from hcl2 import SerializationOptions

TERRAFORM = Path(__file__).resolve().parents[2] / "infra" / "terraform"
MODULE_META_ARGUMENTS = frozenset(
    {"source", "version", "for_each", "count", "providers", "depends_on"}
)
OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


@dataclass
class TerraformDir:
    path: Path
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    resources: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    blocks: list[Any] = field(default_factory=list)

    def module_dir(self, name: str) -> TerraformDir:
        return load_dir((self.path / self.modules[name]["source"]).resolve())

    def expressions(self) -> Iterator[str]:
        """Every string in the configuration that holds an interpolation or expression."""
        yield from (text for text in _strings(self.blocks) if "${" in text)


@cache
def load_dir(path: Path) -> TerraformDir:
    directory = TerraformDir(path)
    for file in sorted(path.glob("*.tf")):
        with file.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle, serialization_options=OPTIONS)
        directory.blocks.append(parsed)
        for block in parsed.get("variable", []):
            directory.variables.update(block)
        for block in parsed.get("output", []):
            directory.outputs.update(block)
        for block in parsed.get("module", []):
            directory.modules.update(block)
        for block in parsed.get("locals", []):
            directory.locals.update({k: v for k, v in block.items() if k != "__comments__"})
        for block in parsed.get("resource", []):
            directory.resources.update(_typed_names(block))
        for block in parsed.get("data", []):
            directory.data.update(_typed_names(block))
    return directory


def all_dirs() -> list[TerraformDir]:
    """The root and every module it reaches, each once."""
    seen: dict[Path, TerraformDir] = {}
    pending = [load_dir(TERRAFORM)]
    while pending:
        directory = pending.pop()
        if directory.path in seen:
            continue
        seen[directory.path] = directory
        pending.extend(directory.module_dir(name) for name in directory.modules)
    return list(seen.values())


def required_variables(directory: TerraformDir) -> set[str]:
    return {name for name, body in directory.variables.items() if "default" not in body}


def expression(text: str) -> str:
    """The inside of a whole-value interpolation: "${var.x}" → "var.x"."""
    match = re.fullmatch(r"\$\{(.*)\}", text, flags=re.DOTALL)
    return match.group(1) if match else text


def object_type_keys(type_expression: str) -> set[str]:
    """Attribute names of an `object({...})` variable type."""
    body = re.search(r"object\(\{(.*)\}\)", type_expression, flags=re.DOTALL)
    assert body, f"not an object type: {type_expression}"
    return set(re.findall(r"(\w+)\s*=", body.group(1)))


def check_value(variable: dict[str, Any], name: str, value: Any) -> list[str]:
    """Problems `terraform plan` would report for this value: wrong type or a failed validation.

    Validations are evaluated when they are a `regex` test or plain comparisons; others are
    left to Terraform.
    """
    problems = []
    expected = expression(str(variable.get("type", "any")))
    kinds = {"string": str, "number": (int, float), "bool": bool}
    if expected in kinds and (
        not isinstance(value, kinds[expected]) or (expected == "number" and isinstance(value, bool))
    ):
        problems.append(f"{name}: {value!r} is not a {expected}")
        return problems
    for validation in variable.get("validation", []):
        condition = expression(validation["condition"])
        outcome = _evaluate(condition, name, value)
        if outcome is False:
            problems.append(f"{name}: {value!r} fails {validation['error_message']!r}")
    return problems


def _evaluate(condition: str, name: str, value: Any) -> bool | None:
    regex = re.fullmatch(rf'can\(regex\("(.*)", var\.{name}\)\)', condition)
    if regex:
        return re.search(regex.group(1).replace("\\\\", "\\"), str(value)) is not None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    python = condition.replace(f"var.{name}", repr(value)).replace("&&", " and ")
    python = python.replace("||", " or ")
    names = set(re.findall(r"[A-Za-z_]\w*", python))
    if names <= {"and", "or", "not", "floor"} and re.fullmatch(r"[\w\s.<>=!()+*/-]+", python):
        return bool(eval(python, {"__builtins__": {}, "floor": math.floor}))  # noqa: S307
    return None


def _typed_names(block: dict[str, Any]) -> Iterator[str]:
    for kind, instances in block.items():
        for name in instances:
            yield f"{kind}.{name}"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "__comments__":
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def country_module_inputs(config_dir: Path) -> dict[str, dict[str, Any]]:
    """What each country file feeds `module "country"`, as Terraform would evaluate it.

    Arguments read straight from the file (`each.value.api.port`) must exist in every file;
    `try(each.value.x, default)` falls back; the meter platforms mirror
    `local.country_meter_platforms` in countries.tf.
    """
    inputs = {}
    for path in sorted(config_dir.glob("*.yaml")):
        country = yaml.safe_load(path.read_text(encoding="utf-8"))
        values: dict[str, Any] = {}
        for argument, raw in load_dir(TERRAFORM).modules["country"].items():
            text = expression(str(raw))
            direct = re.fullmatch(r"each\.value\.([\w.]+)", text)
            fallback = re.fullmatch(r"try\(each\.value\.([\w.]+), (\w+)\)", text)
            if direct:
                values[argument] = _lookup(country, direct.group(1), path)
            elif fallback:
                default = yaml.safe_load(fallback.group(2))
                values[argument] = _lookup(country, fallback.group(1), path, default=default)
        sites = country.get("sites") or []
        named = [site["meter_platform"] for site in sites if site.get("meter_platform")]
        values["meter_platforms"] = sorted({country["meters"]["default_platform"], *named})
        inputs[path.stem] = values
    return inputs


def _lookup(data: Any, dotted: str, path: Path, default: Any = KeyError) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            if default is KeyError:
                raise AssertionError(f"{path.name}: no field {dotted} (module country reads it)")
            return default
        data = data[part]
    return data


def assert_country_files_fit_the_module(config_dir: Path) -> None:
    module = load_dir(TERRAFORM).module_dir("country")
    inputs = country_module_inputs(config_dir)
    assert inputs, f"no country files in {config_dir}"
    for slug, values in inputs.items():
        assert {"code", "name", "api_port", "meter_credit_enabled"} <= set(values)
        assert values["code"].lower() == slug, f"{slug}.yaml: code does not match the file name"
        problems = [
            problem
            for argument, value in values.items()
            for problem in check_value(module.variables[argument], argument, value)
        ]
        assert not problems, f"{slug}.yaml: {problems}"
        unknown = set(values["meter_platforms"]) - known_meter_platforms()
        assert not unknown, f"{slug}.yaml: meter platforms the module rejects: {unknown}"
    ports = [values["api_port"] for values in inputs.values()]
    assert len(ports) == len(set(ports)), f"two countries share an api.port: {sorted(ports)}"


def known_meter_platforms() -> set[str]:
    """The platforms `module "country"` accepts (its `meter_platforms` validation)."""
    module = load_dir(TERRAFORM).module_dir("country")
    condition = module.variables["meter_platforms"]["validation"][0]["condition"]
    listed = re.search(r"contains\(\[([^\]]*)\], platform\)", condition)
    assert listed, condition
    return set(re.findall(r'"(\w+)"', listed.group(1)))
