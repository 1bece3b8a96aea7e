"""Validate many notebooks in one process, as `nbgrader validate` does one by one; print the results as JSON.

    python tests/nbgrader_validate_many.py [--invert] NOTEBOOK...      (run from the course folder)

`nbgrader validate a.ipynb b.ipynb` prints its findings without saying which notebook they belong to;
this runs nbgrader's own Validator (with the course's nbgrader_config.py) over each notebook and prints
{notebook: results}, where results is what Validator.validate returns ({} when the notebook passes).
One process for all notebooks also saves loading nbgrader and its configuration once per notebook.
"""

import json
import sys

from nbgrader.apps.validateapp import ValidateApp
from nbgrader.validator import Validator


def main(arguments):
    invert = "--invert" in arguments
    notebooks = [argument for argument in arguments if argument != "--invert"]
    app = ValidateApp()
    app.initialize([])  # reads nbgrader_config.py from the current folder
    validator = Validator(parent=app, invert=invert)
    results = {}
    for notebook in notebooks:
        try:
            results[notebook] = validator.validate(notebook)
        except Exception as error:  # reported per notebook, so one broken notebook names itself
            results[notebook] = {"error": f"{type(error).__name__}: {error}"}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
