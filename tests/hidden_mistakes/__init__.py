"""Realistic mistakes, one module per lesson, that the lesson's hidden tests (nbgrader/hidden_tests/exN.py)
must fail. Each module holds MISTAKES = {hidden test name: [wrong answers]}, a wrong answer standing in for
the notebook name the hidden test takes. tests/test_hidden_tests.py runs them."""
