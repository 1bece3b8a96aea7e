"""Validate deploy/kubernetes/values.yaml against a Zero to JupyterHub chart's schema, offline.

    python deploy/kubernetes/validate_values.py CHART_FOLDER

CHART_FOLDER is the chart's `jupyterhub/` folder: from `helm pull jupyterhub/jupyterhub --version 4.4.0
--untar` (it holds values.yaml and values.schema.json) or from a clone of
github.com/jupyterhub/zero-to-jupyterhub-k8s (values.yaml and values.schema.yaml). As Helm does, the
chart's defaults are merged with ours first, and the result is checked against the schema.
"""

import json
import pathlib
import sys

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent


def merged(defaults, ours):
    """Helm's merge of values: mappings merge key by key, anything else is replaced."""
    if isinstance(defaults, dict) and isinstance(ours, dict):
        result = dict(defaults)
        for key, value in ours.items():
            result[key] = merged(defaults.get(key), value) if key in defaults else value
        return result
    return ours


def schema_of(chart):
    for name in ("values.schema.json", "values.schema.yaml"):
        path = chart / name
        if path.exists():
            return yaml.safe_load(path.read_text()) if name.endswith(".yaml") else json.loads(path.read_text())
    raise SystemExit(f"no values.schema.json or values.schema.yaml in {chart}")


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__)
    chart = pathlib.Path(argv[0])
    values = merged(yaml.safe_load((chart / "values.yaml").read_text()),
                    yaml.safe_load((HERE / "values.yaml").read_text()))
    errors = sorted(jsonschema.Draft7Validator(schema_of(chart)).iter_errors(values), key=lambda e: list(e.path))
    for error in errors:
        print(f"{'.'.join(map(str, error.path)) or '(top)'}: {error.message}")
    print(f"{len(errors)} schema errors in values.yaml (merged with the chart's defaults)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
