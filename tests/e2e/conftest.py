"""End-to-end tests: real server processes, a real browser, SIGKILL. All are marked ``e2e``,
so ``./test -m "not e2e"`` is the quick loop."""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e`` (the hook sees the whole session's items)."""
    for item in items:
        if item.path.resolve().is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)
