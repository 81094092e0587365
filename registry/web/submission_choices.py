"""The submission form's choices: each field's code list with labels in the visitor's
language, the registered agents, the languages of a text row, the samples to start from.

The code lists are the profile's own (``profile.code_lists``), the ones a description is
checked against, so a value chosen here is never an unknown code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.catalogue.labels import pick_label
from registry.profile.code_lists import local_name
from registry.records.agents import registered_agents
from registry.records.form_fields import DATASET_FIELDS, DISTRIBUTION_FIELDS
from registry.resources import resource_dir
from registry.web.context import get_catalogue, get_records, get_shapes
from registry.web.pages import preferred

ROW_LANGUAGES = (
    ("en", "English"), ("bg", "български"), ("cs", "čeština"), ("da", "dansk"),
    ("de", "Deutsch"), ("el", "Ελληνικά"), ("es", "español"), ("et", "eesti"),
    ("fi", "suomi"), ("fr", "français"), ("ga", "Gaeilge"), ("hr", "hrvatski"),
    ("hu", "magyar"), ("it", "italiano"), ("lt", "lietuvių"), ("lv", "latviešu"),
    ("mt", "Malti"), ("nl", "Nederlands"), ("pl", "polski"), ("pt", "português"),
    ("ro", "română"), ("sk", "slovenčina"), ("sl", "slovenščina"), ("sv", "svenska"),
    ("no", "norsk"), ("is", "íslenska"),
)  # fmt: skip
"""The languages of the EU and EEA a title and description row may be written in."""


def code_sets() -> dict[str, set[str]]:
    """Each code list the form offers, by name: the IRIs of its concepts."""
    code_lists = get_shapes().code_lists
    names = {spec.code_list for spec in (*DATASET_FIELDS, *DISTRIBUTION_FIELDS)} - {None}
    found = {name: code_lists.named(name or "") for name in names}
    return {name or "": set(code_lists.codes(c)) for name, c in found.items() if c is not None}


def registered() -> list[tuple[str, str]]:
    """The registered agents (IRI, name in the visitor's language), by name."""
    languages = preferred()
    named = [
        (iri, pick_label(names, languages).text if names else iri)
        for iri, names in registered_agents(get_records().store).items()
    ]
    return sorted(named, key=lambda agent: agent[1].casefold())


def choices() -> dict[str, Any]:
    """Every choice the page offers: code lists by name as (IRI, label) sorted by label,
    the agents and the row languages."""
    labels, languages = get_catalogue().labels, preferred()
    offered: dict[str, Any] = {}
    for name, codes in code_sets().items():
        named = [
            (iri, pick_label(labels[iri], languages).text if iri in labels else local_name(iri))
            for iri in codes
        ]
        offered[name] = sorted(named, key=lambda choice: choice[1].casefold())
    offered["agents"] = registered()
    offered["languages"] = ROW_LANGUAGES
    return offered


def sample_files() -> list[Path]:
    """The sample dataset descriptions a provider may start from."""
    return sorted((resource_dir("data") / "sample" / "datasets").iterdir())
