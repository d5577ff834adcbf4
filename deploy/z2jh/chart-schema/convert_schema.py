#!/usr/bin/env python3
"""Turn the Zero to JupyterHub chart's values.schema.yaml into the values.schema.json Helm uses.

The chart keeps its schema in YAML with long ``description`` texts for its documentation and
ships a JSON copy without them. This does the same for a release checked out locally:

    git -C zero-to-jupyterhub-k8s show 4.4.0:jupyterhub/values.schema.yaml > values.schema.yaml
    python3 convert_schema.py values.schema.yaml values.schema.json

``description`` is dropped from every schema object, but not from ``properties`` maps, where
it could be the name of a real setting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def strip_descriptions(schema: Any) -> Any:
    """A copy of a JSON schema without documentation-only ``description`` keys."""
    if isinstance(schema, list):
        return [strip_descriptions(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: strip_descriptions(sub) for name, sub in value.items()}
        else:
            out[key] = strip_descriptions(value)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    source, target = (Path(a) for a in argv)
    schema = strip_descriptions(yaml.safe_load(source.read_text()))
    target.write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
