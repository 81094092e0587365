"""The profile tables as text: aligned columns for a terminal, or Markdown pipe tables."""

from __future__ import annotations

import textwrap

from registry.profile.tables import LEGEND, Profile, Row, Table

TITLE = "Cancer Image Registry profile"
ITSELF = "(the node itself)"


def severity_text(row: Row) -> str:
    return f"{row.obligation} ({row.severity})"


def heading(table: Table) -> str:
    return f"{table.label} ({table.class_curie})" if table.class_curie else table.label


def wrap(text: str, width: int, indent: str) -> list[str]:
    """Wrap ``text`` under ``indent`` without breaking IRIs apart."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def table_lines(table: Table, width: int) -> list[str]:
    """Write one table: a line per property, under it a line of aligned columns per rule."""
    names = ["occurs", "severity", "applies to"][: 3 if table.by_level else 2]

    def cells(row: Row) -> list[str]:
        return [row.occurrence or "-", severity_text(row), row.applies_to][: len(names)]

    widths = [max(map(len, column)) for column in zip(names, *map(cells, table.rows), strict=True)]

    def line(texts: list[str], rule: str) -> str:
        return "  " + "  ".join([*(t.ljust(w) for t, w in zip(texts, widths, strict=True)), rule])

    lines = ["", heading(table), "=" * len(heading(table))]
    lines += wrap("Checked on " + ", ".join(table.targets) + ".", width, "")
    lines += ["", line(names, "rule")]
    for group in table.groups:
        lines += ["", group.path or ITSELF]
        for row in group.rows:
            lines.append(line(cells(row), row.label))
            details = [
                f"value: {row.expected_text}" if row.expected else "",
                row.description,
                f"message: {row.message}" if row.message else "",
            ]
            for text in filter(None, details):
                lines += wrap(text, width, "      ")
    return lines


def render_text(profile: Profile, width: int = 100) -> str:
    """Write the tables for a terminal ``width`` characters wide."""
    lines = [profile.title or TITLE, f"Version {profile.version}: {profile.iri}", ""]
    lines += [f"  {word} ({severity}): {meaning}." for word, severity, meaning in LEGEND]
    for table in profile.tables:
        lines += table_lines(table, width)
    return "\n".join(lines) + "\n"


def cell(text: str) -> str:
    """Escape a Markdown table cell (pipes, backslashes, line breaks)."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or " "


def render_markdown(profile: Profile) -> str:
    """Write the tables as Markdown pipe tables (GitHub flavour), one section per class."""
    lines = [f"# {profile.title or TITLE}", "", f"Version {profile.version}, <{profile.iri}>", ""]
    lines += [f"- **{word}** ({severity}): {meaning}." for word, severity, meaning in LEGEND]
    for table in profile.tables:
        curie = f" (`{table.class_curie}`)" if table.class_curie else ""
        headings = ["Property", "Label", "Occurrence", "Severity", "Expected value"]
        headings += ["Applies to"] if table.by_level else []
        headings += ["Description", "Message"]
        lines += [
            "",
            f"## {table.label}{curie}",
            "",
            cell("Checked on " + ", ".join(table.targets)) + ".",
            "",
            "| " + " | ".join(headings) + " |",
            "|" + "---|" * len(headings),
        ]
        for row in table.rows:
            cells = [
                f"`{row.path}`" if row.path else ITSELF,
                row.label,
                row.occurrence,
                severity_text(row),
                row.expected_text,
            ]
            cells += [row.applies_to] if table.by_level else []
            cells += [row.description, row.message]
            lines.append("| " + " | ".join(map(cell, cells)) + " |")
    return "\n".join(lines) + "\n"
