"""End-to-end tests in a real headless chromium (a package so that tests can import the helpers
from ``.conftest`` without clashing with tests/conftest.py)."""
