"""Validate many notebooks in one process, as `nbgrader validate` does one by one; print the results as JSON.

    python tests/nbgrader_validate_many.py [--invert] [--save-executed FOLDER] NOTEBOOK...
    (run from the course folder)

`nbgrader validate a.ipynb b.ipynb` prints its findings without saying which notebook they belong to;
this runs nbgrader's own Validator (with the course's nbgrader_config.py) over each notebook and prints
{notebook: results}, where results is what Validator.validate returns ({} when the notebook passes).
One process for all notebooks also saves loading nbgrader and its configuration once per notebook.
With --save-executed, each notebook as nbgrader executed it is written to FOLDER/<file name>, so a test
can read its outputs without running it again.
"""

import argparse
import json
import os
import sys

import nbformat
from nbgrader.apps.validateapp import ValidateApp
from nbgrader.validator import Validator


class KeepingValidator(Validator):
    """nbgrader's Validator, keeping the last notebook it executed."""

    executed = None

    def _preprocess(self, nb):
        self.executed = super()._preprocess(nb)
        return self.executed


def main(arguments):
    parser = argparse.ArgumentParser()
    parser.add_argument("--invert", action="store_true")
    parser.add_argument("--save-executed", metavar="FOLDER")
    parser.add_argument("notebooks", nargs="+")
    options = parser.parse_args(arguments)
    app = ValidateApp()
    app.initialize([])  # reads nbgrader_config.py from the current folder
    validator = KeepingValidator(parent=app, invert=options.invert)
    results = {}
    for notebook in options.notebooks:
        validator.executed = None
        try:
            results[notebook] = validator.validate(notebook)
        except Exception as error:  # reported per notebook, so one broken notebook names itself
            results[notebook] = {"error": f"{type(error).__name__}: {error}"}
        if options.save_executed and validator.executed is not None:
            nbformat.write(validator.executed, os.path.join(options.save_executed, os.path.basename(notebook)))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
