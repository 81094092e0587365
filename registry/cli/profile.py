"""``registry validate`` and ``registry profile``: the profile without a store."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from registry.config import load_settings
from registry.errors import InvalidDescription, RegistryError

if TYPE_CHECKING:
    from rdflib import Graph

    from registry.profile.results import Report
    from registry.profile.validation import Shapes
    from registry.records.remote import RemoteAgents


def _profile() -> Shapes:
    """Load the shipped profile, turning a broken shapes file into a one-line message."""
    from registry.profile.validation import load_profile

    try:
        return load_profile()
    except RegistryError as error:
        raise click.ClickException(error.message) from None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--registry",
    "url",
    metavar="URL",
    help="Read the agents the files cite from the registry at URL (read-only GET requests, "
    "as many as there are agents cited, at most 50), as it will when they are submitted.",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Lines for people, or one JSON document (for CI pipelines).",
)
def validate(files: tuple[Path, ...], url: str | None, form: str) -> None:
    """Check descriptions against the profile without storing them; exit 1 if any fails.

    Agents described in the files given are known while checking the others, as if
    registered, so ``registry validate data/sample`` checks datasets that cite them. Agents
    registered in a running registry are read from it with ``--registry URL``.
    """
    from registry.records.loading import described_agents, description_files
    from registry.records.remote import RemoteAgents, agent_properties, registry_url

    shapes = _profile()
    paths = description_files(list(files))
    remote = None
    if url:
        try:
            remote = RemoteAgents(registry_url(url), agent_properties(shapes.graph))
        except RegistryError as error:
            raise click.BadParameter(error.message, param_hint="--registry") from None
    check = Checker(shapes, described_agents(paths), remote)
    outcomes = []
    for path in paths:
        outcome = check.file(path)
        outcomes.append(outcome)
        if form == "text":
            click.echo(outcome.text())
    if remote is not None and remote.errors and form == "text":
        click.echo("Lookups that failed:\n  " + "\n  ".join(remote.errors), err=True)
    if form == "json":
        lookups = remote.summary() if remote else None
        document = {
            "conforms": all(o.conforms for o in outcomes),
            "files": [o.to_dict() for o in outcomes],
            "lookups": lookups,
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    sys.exit(0 if all(o.conforms for o in outcomes) else 1)


@dataclass
class Outcome:
    """What ``registry validate`` found in one file."""

    path: Path
    report: Report | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return self.report is not None and self.report.conforms

    def text(self) -> str:
        found = self.report.text() if self.report is not None else str(self.error)
        return "\n".join([f"{self.path}: {found}", *(f"  Note: {note}" for note in self.notes)])

    def to_dict(self) -> dict[str, Any]:
        report = self.report.to_dict() if self.report is not None else {"conforms": False}
        return {"file": str(self.path), **report, "error": self.error, "notes": self.notes}


class Checker:
    """Checks files one by one with the agents of the files given and, with ``--registry``,
    those registered in a running registry; notes the cited agents neither knows."""

    def __init__(self, shapes: Shapes, agents: Graph, remote: RemoteAgents | None) -> None:
        from registry.records.remote import agent_properties

        self.shapes = shapes
        self.agents = agents
        self.remote = remote
        self.properties = agent_properties(shapes.graph)
        self.given = {str(s) for s in agents.subjects()}

    def file(self, path: Path) -> Outcome:
        from registry.rdf import formats
        from registry.records.layout import Layout
        from registry.records.loading import reason
        from registry.records.submission import check

        cited: set[str] = set()
        outcome = Outcome(path)
        try:
            checked = check(
                self.shapes,
                path.read_bytes(),
                formats.syntax_for_path(path),
                Layout(load_settings().base_iri).catalog_iri,
                known=lambda triples: self.known(triples, cited),
            )
            outcome.report = checked.report
        except InvalidDescription as error:
            outcome.report = error.report
        except RegistryError as error:
            outcome.error = reason(error)
        outcome.notes = self.notes(cited)
        return outcome

    def known(self, triples: list[Any], cited: set[str]) -> Graph:
        """The agents the file may cite: those of the files given, then the registry's."""
        from registry.records.remote import cited_agents

        cited.update(cited_agents(triples, self.properties) - self.given)
        if self.remote is None:
            return self.agents
        return self.agents + self.remote.known(triples)

    def notes(self, cited: set[str]) -> list[str]:
        """One line per cited agent that nothing describes, saying what to do."""
        remote = self.remote
        if remote is None:
            if not cited:
                return []
            listed = ", ".join(f"<{iri}>" for iri in sorted(cited))
            return [
                f"{listed} {'is' if len(cited) == 1 else 'are'} cited as agent but described "
                "neither in this file nor in the files given. Checked offline, the agents "
                "registered in the registry are unknown: run with --registry URL to read them "
                "from a running registry, or give their files too."
            ]
        return [
            f"<{iri}> is not registered at {remote.base_url}: register the agent's own "
            "description first (registry load, or POST /api/records), or describe it here."
            for iri in sorted(cited & remote.missing)
        ] + [
            f"<{iri}> was not looked up at {remote.base_url} (lookup limit, time or error)."
            for iri in sorted(cited & remote.skipped)
        ]


@click.command()
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Aligned columns for a terminal, or Markdown pipe tables.",
)
def profile(form: str) -> None:
    """Print the profile's rules, one table per class, read from the shapes."""
    from registry.profile.tables import build_profile
    from registry.profile.text import render_markdown, render_text

    tables = build_profile(_profile())
    if form == "markdown":
        click.echo(render_markdown(tables), nl=False)
    else:
        width = min(shutil.get_terminal_size((100, 24)).columns, 120)
        click.echo(render_text(tables, width), nl=False)
