"""The course's check support: what the lesson checks (learntools.gans.ex1 ... ex10) share.

The checker engine (learntools.core) knows nothing about GANs; the lesson modules hold each question's
declaration; this package holds the pieces more than one lesson needs. It may import the reference
library (learntools.gans.models, ...); the library never imports it.

    module            what it holds                                                     used by lessons
    model_checks.py   reading a traced model: activations, ranges, layer tables, blocks 03, 04
    functions.py      is the learner's function written? (blanks, NotImplementedError)  05, 06, 08, 10
    stand_ins.py      tiny fixed-weight networks handed to learner functions            05, 08, 10
    mistakes.py       naming a mistake from a table of (wrong value, sentence) rows      05, 08, 09, 10
    numbers.py        close(): one tolerance rule for numbers and tensors               01, 03, 04, 05, 06, 08, 10

The model check itself is learntools.core.ModuleProblem with learntools.core.build and trace; a custom
check is always a ``test=`` function that raises Incorrect or NotAttempted (docs/authoring.md, "Problems").
"""
