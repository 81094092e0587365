"""README.md stays true: every route, configuration key and command is documented."""

from __future__ import annotations

import re
from dataclasses import fields

from flask import Flask

from registry.config import ENV_PREFIX, Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_route_is_in_the_readme(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<[^>]+>", "<id>", rule.rule.replace(".<suffix>", ".ttl"))
        assert documented in README, f"route {rule.rule} is not in README.md"


def test_every_setting_is_in_the_readme() -> None:
    for field in fields(Settings):
        assert f"`{ENV_PREFIX}{field.name.upper()}`" in README, field.name
        assert f"| {field.name} |" in README, field.name


def test_the_two_commands_are_in_the_readme_and_ci_runs_the_test_one() -> None:
    assert "./start" in README and "./test" in README
    assert "exec ./test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
