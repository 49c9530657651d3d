"""Shared fixtures of the models suites (run from tests/e2e, whose conftest.py applies too)."""
