"""The pieces for running the course on an institution's JupyterHub: the Zero to JupyterHub
values file (checked against the schema of a pinned chart release), the repo2docker image
definition and the nbgitpuller link."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
Z2JH = ROOT / "deploy" / "z2jh"
CHART = Z2JH / "chart-schema"
CHART_RELEASE = "4.4.0"


def merged(defaults: dict, values: dict) -> dict:
    """Helm's merge of a values file over the chart's defaults (maps merge, null deletes)."""
    out = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def schema() -> dict:
    return json.loads((CHART / "values.schema.json").read_text())


def chart_values(values: dict) -> dict:
    return merged(yaml.safe_load((CHART / "values.yaml").read_text()), values)


def course_values() -> dict:
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def test_the_schema_is_from_the_pinned_chart_release_with_its_licence():
    readme = (CHART / "README.md").read_text()
    assert f"tag `{CHART_RELEASE}`" in readme
    assert "BSD 3-Clause" in (CHART / "LICENSE").read_text()
    assert schema()["$schema"].startswith("http://json-schema.org/draft-07")
    assert f"--version {CHART_RELEASE}" in (Z2JH / "values.yaml").read_text()


def test_the_course_values_pass_the_charts_schema():
    jsonschema.validate(chart_values(course_values()), schema(),
                        cls=jsonschema.Draft7Validator)


def test_the_course_values_cull_idle_servers_and_limit_memory_and_cpu():
    values = course_values()
    assert values["cull"]["enabled"] is True
    assert 0 < values["cull"]["timeout"] <= 3600
    single = values["singleuser"]
    assert re.fullmatch(r"\d+[MG]", single["memory"]["limit"])
    assert 0 < single["cpu"]["limit"] <= 2
    assert single["image"]["name"] and single["image"]["tag"]
    assert single["lifecycleHooks"]["postStart"]["exec"]["command"][0] == "gitpuller"
    assert values["hub"]["config"]["Authenticator"]["admin_users"]


@pytest.mark.parametrize("breakage", [
    ("misspelt setting", lambda v: v["singleuser"].update(memmory={"limit": "1G"})),
    ("cull timeout as text", lambda v: v["cull"].update(timeout="half an hour")),
    ("image without a name", lambda v: v["singleuser"]["image"].update(name=7)),
    ("cull switched by a word", lambda v: v["cull"].update(enabled="yes")),
], ids=lambda b: b[0] if isinstance(b, tuple) else b)
def test_a_broken_values_file_fails_the_schema(breakage):
    _, breaks = breakage
    values = course_values()
    breaks(values)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(chart_values(values), schema(), cls=jsonschema.Draft7Validator)


def test_helm_style_merge_keeps_defaults_and_lets_null_remove_them():
    out = merged({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"c": 3, "b": None}, "d": [2]})
    assert out == {"a": {"c": 3}, "d": [2]}


def test_the_repo2docker_files_install_the_course_and_its_kernel_connection():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = " ".join(str(d) for d in env["dependencies"])
    for package in ("python", "voila", "jupyterlab", "ipywidgets", "plotly", "anywidget"):
        assert package in deps
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "nbgitpuller" in deps or "nbgitpuller" in pyproject
    post = (ROOT / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash")
    assert "pip install" in post and "-e ." in post
    assert "hinge_lib.serving.NoDelayKernelConnection" in post
    assert (ROOT / "postBuild").stat().st_mode & 0o111  # executable, as repo2docker needs
