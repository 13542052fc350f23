"""The Terraform configuration holds together: modules, references, outputs, country files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from country_api.plugins.registry import METER_PLATFORMS, plugin_names
from gridcare.cli.country import METER_PLATFORM_SECRETS
from gridcare.core.countries import load_all_countries
from gridcare.core.paths import CONFIG_DIR
from tests.infra.terraform_config import (
    MODULE_META_ARGUMENTS,
    TERRAFORM,
    TerraformDir,
    all_dirs,
    assert_country_files_fit_the_module,
    country_module_inputs,
    expression,
    known_meter_platforms,
    load_dir,
    object_type_keys,
    required_variables,
)

ROOT = load_dir(TERRAFORM)
DIRS = all_dirs()
MODULE_CALLS = [(d, name) for d in DIRS for name in d.modules]
REFERENCE = re.compile(r"\b(var|local|module|data)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?")
RESOURCE = re.compile(r"(?<![\w.])((?:aws|random)_[a-z0-9_]+)\.([a-z_][\w-]*)")
FOR_OVER_MODULE = re.compile(r"for (?:\w+, )?(\w+) in module\.(\w+)\s*:")


def _label(directory: TerraformDir) -> str:
    return str(directory.path.relative_to(TERRAFORM)) if directory.path != TERRAFORM else "root"


def test_every_module_is_reached() -> None:
    reached = {d.path for d in DIRS}
    on_disk = {path.resolve() for path in (TERRAFORM / "modules").iterdir() if path.is_dir()}
    assert on_disk <= reached, f"modules nobody calls: {sorted(map(str, on_disk - reached))}"
    assert {"country", "gateway"} <= {path.name for path in on_disk}


@pytest.mark.parametrize(
    ("directory", "call"), MODULE_CALLS, ids=[f"{_label(d)}:{c}" for d, c in MODULE_CALLS]
)
def test_module_arguments_match_its_variables(directory: TerraformDir, call: str) -> None:
    module = directory.module_dir(call)
    arguments = set(directory.modules[call]) - MODULE_META_ARGUMENTS - {"__comments__"}
    assert not required_variables(module) - arguments, "required variables not passed"
    assert not arguments - set(module.variables), "arguments the module does not declare"


@pytest.mark.parametrize("directory", DIRS, ids=_label)
def test_variables_are_typed_and_described(directory: TerraformDir) -> None:
    for name, body in directory.variables.items():
        assert body.get("type"), f"{name} has no type"
        assert body.get("description"), f"{name} has no description"


def test_root_variables_without_defaults_are_validated() -> None:
    for name in required_variables(ROOT):
        assert ROOT.variables[name].get("validation"), f"{name} is not validated"


@pytest.mark.parametrize("directory", DIRS, ids=_label)
def test_every_reference_names_something_declared(directory: TerraformDir) -> None:
    problems = []
    for text in directory.expressions():
        for kind, name, attribute in REFERENCE.findall(text):
            if kind == "var" and name not in directory.variables:
                problems.append(f"var.{name}")
            elif kind == "local" and name not in directory.locals:
                problems.append(f"local.{name}")
            elif kind == "data" and f"{name}.{attribute}" not in directory.data:
                problems.append(f"data.{name}.{attribute}")
            elif kind == "module":
                problems += _module_reference_problems(directory, name, attribute)
        for kind, name in RESOURCE.findall(text):
            if f"{kind}.{name}" not in directory.resources:
                problems.append(f"{kind}.{name}")
        for loop_name, module in FOR_OVER_MODULE.findall(text):
            for attribute in re.findall(rf"\b{loop_name}\.(\w+)", text):
                problems += _module_reference_problems(directory, module, attribute)
    assert not problems, f"undeclared: {sorted(set(problems))}"


def _module_reference_problems(directory: TerraformDir, module: str, output: str) -> list[str]:
    if module not in directory.modules:
        return [f"module.{module}"]
    if output and output not in directory.module_dir(module).outputs:
        return [f"module.{module}.{output} (no such output)"]
    return []


@pytest.mark.parametrize("directory", DIRS, ids=_label)
def test_outputs_reference_what_exists(directory: TerraformDir) -> None:
    for name, body in directory.outputs.items():
        value = str(body["value"])
        assert REFERENCE.search(value) or RESOURCE.search(value), f"output {name} is constant"
        assert body.get("description"), f"output {name} has no description"


def test_root_outputs_every_country_api_url() -> None:
    value = expression(ROOT.outputs["country_api_urls"]["value"])
    assert re.fullmatch(r"\{for (\w+), (\w+) in module\.country : \1 => \2\.api_url\}", value)
    assert "api_url" in load_dir((TERRAFORM / "modules" / "country").resolve()).outputs


def test_gateway_is_told_every_country_api_url() -> None:
    urls = expression(ROOT.modules["gateway"]["country_api_urls"])
    assert re.fullmatch(r"\{for (\w+), (\w+) in module\.country : \1 => \2\.api_url\}", urls)


def test_platform_object_matches_every_module_that_takes_it() -> None:
    provided = set(ROOT.locals["platform"])
    for directory in DIRS:
        if "platform" in directory.variables:
            declared = object_type_keys(str(directory.variables["platform"]["type"]))
            assert declared == provided, f"{_label(directory)}: {declared ^ provided}"


def test_country_module_is_instantiated_for_each_country_file() -> None:
    assert expression(ROOT.modules["country"]["for_each"]) == "local.countries"
    countries = expression(ROOT.locals["countries"])
    assert 'fileset(local.countries_dir, "*.yaml")' in countries
    assert 'trimsuffix(file, ".yaml") => yamldecode(file(' in countries
    assert ROOT.locals["countries_dir"] == "${path.module}/../../config/countries"
    assert (TERRAFORM / "../../config/countries").resolve() == CONFIG_DIR.resolve()


def test_every_country_file_produces_a_valid_module_instance() -> None:
    assert_country_files_fit_the_module(CONFIG_DIR)
    assert set(country_module_inputs(CONFIG_DIR)) == set(load_all_countries())


def test_a_bad_country_file_would_fail_the_plan(tmp_path: Path) -> None:
    source = yaml.safe_load((CONFIG_DIR / "ls.yaml").read_text(encoding="utf-8"))
    source["api"]["port"] = 80
    (tmp_path / "ls.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    with pytest.raises(AssertionError, match="api_port: 80 fails"):
        assert_country_files_fit_the_module(tmp_path)
    del source["api"]
    (tmp_path / "ls.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"no field api\.port"):
        assert_country_files_fit_the_module(tmp_path)


def test_the_module_knows_every_meter_platform_plugin_and_its_secrets() -> None:
    assert known_meter_platforms() == set(plugin_names(METER_PLATFORMS))
    secrets = ROOT.module_dir("country").locals["platform_secret_names"]
    assert {platform: tuple(names) for platform, names in secrets.items()} == METER_PLATFORM_SECRETS
