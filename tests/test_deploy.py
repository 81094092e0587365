"""The example deployment in ``deploy/`` stays true: every command its units run exists with
the options they give, every setting they set is a setting and reads, every unit they name
is there, and the README shows each file."""

from __future__ import annotations

import re
import shlex
import subprocess
from functools import cache
from pathlib import Path

import click
import pytest

from registry.cli.main import main
from registry.config import ENV_PREFIX, Settings, load_settings
from tests.conftest import ROOT
from tests.store_server import OXIGRAPH

DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
SYSTEM_PROGRAMS = {"curl", "rm", "mv", "systemctl"}
"""Programs of the base system a unit may run besides ``registry`` and ``oxigraph``."""
SYSTEM_UNITS = {"network-online.target", "multi-user.target", "timers.target"}
COMMANDS = ("ExecStart", "ExecStartPre")


def directives(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of every line of a systemd unit, repeated keys kept."""
    found, section = [], ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.append((section, key.strip(), value.strip()))
    return found


def environment_file(path: Path) -> dict[str, str]:
    pairs = (line.partition("=") for line in path.read_text().splitlines())
    return {key: value for key, _, value in pairs if key and not key.startswith("#")}


def settings_of(unit: Path) -> dict[str, str]:
    """The REGISTRY_* variables a unit's processes see: its EnvironmentFile, then Environment."""
    env: dict[str, str] = {}
    for _, key, value in directives(unit):
        if key == "EnvironmentFile":
            env.update(environment_file(DEPLOY / Path(value).name))
        elif key == "Environment":
            name, _, setting = value.partition("=")
            env[name] = setting
    return env


@cache
def oxigraph_help(*words: str) -> str:
    assert OXIGRAPH is not None
    return subprocess.run(
        [OXIGRAPH, *words, "--help"], capture_output=True, text=True, check=True
    ).stdout


def check_registry_command(words: list[str]) -> None:
    """Walk the click groups to the command ``words`` names; check every option it gives."""
    command: click.Command = main
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        name = rest.pop(0)
        assert name in command.commands, f"registry has no command {name!r}"
        command = command.commands[name]
    options = {opt for param in command.params for opt in param.opts}
    for word in rest:
        if word.startswith("--"):
            assert word in options, f"registry {command.name} has no option {word}"


def check_oxigraph_command(words: list[str]) -> None:
    subcommand, *rest = words
    assert re.search(rf"^\s+{re.escape(subcommand)}\s", oxigraph_help(), re.M), subcommand
    for word in rest:
        if word.startswith("--"):
            assert word in oxigraph_help(subcommand), f"oxigraph {subcommand} has no {word}"


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_every_command_of_a_unit_exists_with_its_options(unit: Path) -> None:
    commands = [value for _, key, value in directives(unit) if key in COMMANDS]
    assert commands or unit.suffix == ".timer"
    for line in commands:
        program, *words = shlex.split(line.lstrip("-"))
        name = Path(program).name
        if name == "registry":
            check_registry_command(words)
        elif name == "oxigraph":
            check_oxigraph_command(words)
        else:
            assert name in SYSTEM_PROGRAMS, f"{unit.name} runs {program}"


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_the_units_a_unit_names_are_in_deploy(unit: Path) -> None:
    for _, key, value in directives(unit):
        if key in ("After", "Wants", "Requires", "Unit", "WantedBy"):
            for name in value.split():
                assert name in SYSTEM_UNITS or (DEPLOY / name).exists(), f"{unit.name}: {name}"


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_every_setting_a_unit_gives_is_a_setting_and_reads(unit: Path) -> None:
    env = settings_of(unit)
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.__dataclass_fields__}
    assert set(env) <= known, set(env) - known
    overrides = {key[len(ENV_PREFIX) :].lower(): value for key, value in env.items()}
    settings = load_settings(overrides)
    serves = [v for _, k, v in directives(unit) if k == "ExecStart" and " serve --processes" in v]
    if serves:  # several processes need the shared store: the unit must not start refused
        assert settings.remote_store


def test_the_load_balancer_reaches_the_ports_the_units_serve() -> None:
    served = {settings_of(unit).get("REGISTRY_PORT") for unit in UNITS}
    upstreams = re.findall(r"server [\d.]+:(\d+)", (DEPLOY / "nginx.conf").read_text())
    assert upstreams and set(upstreams) <= served


def test_the_readme_shows_every_deploy_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in readme, path.name
