"""The published HealthDCAT-AP Release 8 validator, rebuilt with pySHACL.

The HealthData@EU validator is an ITB SHACL validator whose ``config.properties``
(``healthdcat-ap-release8/validator/``) offers one validation type per access level
(``public``, ``non-public``, ``restricted``). Each type lists its shape files and sets
``validator.preloadOwlImports = true``: every ``owl:imports`` of those files is loaded too,
through the ``validator.owlImportMapping.N`` table (import IRI -> file). This module does the
same with the mirrored files in ``../shared/reference``:

- **Listed files** are parsed as listed. ``deprecated/deprecateduris.ttl`` is missing from
  the mirror; DCAT-AP 3.0.1's ``deprecateduris.ttl`` stands in for it (it only holds
  ``sh:Warning`` shapes, so it cannot change a Violation either way).
- **Imports are followed, not guessed.** The access-level shapes import DCAT-AP's
  ``shapes.ttl``, ``ranges/range.ttl`` imports DCAT-AP's ``range.ttl`` and the recommended
  files import DCAT-AP's ``shapes_recommended.ttl``: all three are part of the validator
  (their IRIs are DCAT-AP 3.0.0's; the mirror's 3.0.1 files stand in). DCAT-AP's
  ``mdr-vocabularies.shape.ttl`` is in the mapping table but no loaded file imports it: it
  is *not* part of the validator (Release 8 ships its own amended copy of it).
  Both Release 8 and DCAT-AP name their shapes in one namespace, so ``:Dataset_Shape`` of a
  Release 8 file and of DCAT-AP's ``shapes.ttl`` are one node shape: merging the files is
  what the publishers intend.
- **Imported code lists are background data.** ITB merges the shapes graph and its imports
  into the data graph before validating; that is how the ``skos:inScheme`` checks find the
  concepts. Here the code lists of ``mdr_imports.ttl`` (section 5 of the reference README)
  are parsed once, and each record gets the background statements about the IRIs it uses
  (and about their concept schemes). Measured: ~0.02 s per record, against ~18 s to copy
  the 300,000 statements into an rdflib graph (``ont_graph`` would copy them on every
  call) and ~10 s more to validate them. On the example and 13 mutants (every kind of code
  and range-class mutant among them) it gave the same Violations on the record's nodes as
  ``Background.everything()``, checked once by hand: too slow for the suite.
  Results on nodes only the background describes are left out: several mirrored NALs give
  their ``skos:ConceptScheme`` no ``dct:title``, which DCAT-AP's ``CategoryScheme_Shape``
  requires, and that is no fault of the record.
- **Imported ontologies are absent.** ``imports.ttl`` imports DCAT, DCTERMS, FOAF, vCard,
  PROV, ADMS, DQV, CSVW, m8g … which the mirror does not hold. Without them ``sh:class``
  cannot follow ``rdfs:subClassOf``; the example and the mutants type their nodes with the
  classes the shapes name, so no result depends on it.
- **One repair.** Each access-level file has a property shape without ``sh:path`` (the
  ``sh:or`` "hasStructuredData true => hasVariables"), which pySHACL refuses; it is lifted to
  a node shape with the same target (``lift_pathless_property_shapes``), so it reports on
  the dataset with no path.

``sh:extends`` (``HealthAgent_Shape``) is not SHACL Core and is ignored, as by every SHACL
Core validator. pySHACL runs with ``inference="none"`` and ``allow_warnings=True``, each
level's shapes harvested once (``pyshacl.validate`` would re-read them on every call).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, SH, SKOS, XSD
from rdflib.term import Node

from tests.conftest import ROOT

# The repository's parent folder holds shared/reference (never an absolute path).
REFERENCE = ROOT.parent / "shared" / "reference"
RELEASE8 = REFERENCE / "healthdcat-ap-release8"
VALIDATOR = RELEASE8 / "validator"
CONFIG = VALIDATOR / "config.properties"
EXAMPLE = RELEASE8 / "examples" / "example-healthdcat-dataset.ttl"
DCAT_AP = REFERENCE / "SEMICeu-DCAT-AP" / "releases" / "3.0.1" / "html" / "shacl"
VOCABULARIES = REFERENCE / "vocabularies"

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
# Validation type of config.properties -> the dct:accessRights it is chosen for.
LEVELS = {
    "public": URIRef(ACCESS_RIGHT + "PUBLIC"),
    "non-public": URIRef(ACCESS_RIGHT + "NON_PUBLIC"),
    "restricted": URIRef(ACCESS_RIGHT + "RESTRICTED"),
}

# Listed files the mirror lacks -> the file that stands in for them.
STAND_INS = {"deprecated/deprecateduris.ttl": DCAT_AP / "deprecateduris.ttl"}

_DCAT_AP_300 = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/"
# owl:imports IRI -> shapes file (config.properties' owlImportMapping.32-35, read in the mirror).
SHAPES_IMPORTS = {
    _DCAT_AP_300 + "shapes.ttl": DCAT_AP / "shapes.ttl",
    _DCAT_AP_300 + "range.ttl": DCAT_AP / "range.ttl",
    _DCAT_AP_300 + "shapes_recommended.ttl": DCAT_AP / "shapes_recommended.ttl",
    _DCAT_AP_300 + "mdr-vocabularies.shape.ttl": DCAT_AP / "mdr-vocabularies.shape.ttl",
}

_EU = "http://publications.europa.eu/resource/authority/"
_HEALTH = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
_SE = "diggsweden-DCAT-AP-SE-Processor/"
_IT = "ioggstream-dati-eu-authority-tables/"
_SDC = "SemanticDataCharter-sdc_healthdcat_ap/"
# owl:imports IRI of a code list (mdr_imports.ttl) -> its files under vocabularies/ (README
# section 5); where the mirror has a labelled 2022 file and a 2026 membership list, both.
VOCABULARY_IMPORTS = {
    _EU + "language": (_IT + "languages.ttl", _SE + "language.rdf"),
    _EU + "corporate-body": (_IT + "corporatebodies.ttl",),
    _EU + "continent": (_IT + "continents.rdf",),
    _EU + "country": (_IT + "countries.rdf",),
    _EU + "dataset-type": (_IT + "dataset-types.rdf",),
    _EU + "data-theme": (_SE + "data-theme-skos.rdf",),
    _EU + "file-type": (_IT + "filetypes.rdf", _SE + "file-type.rdf"),
    _EU + "frequency": (_IT + "frequencies.rdf", _SE + "frequency.rdf"),
    "https://github.com/SEMICeu/ADMS-AP/raw/master/purl.org/ADMS_SKOS_v1.00.rdf": (
        "SEMICeu-ADMS-AP/ADMS_SKOS_v1.00.rdf",
    ),
    _EU + "place": ("piveau-data-piveau-shacl-validator/places-skos.rdf",),
    _EU + "planned-availability": (_IT + "planned-availability.rdf",),
    _EU + "access-right": (_SE + "access-right-skos.rdf",),
    _EU + "distribution-status": (_SE + "distribution-status-skos.rdf",),
    _HEALTH + "healthcategories": (_SDC + "healthcategories.rdf",),
    _HEALTH + "publisher-type": (_SDC + "publisher-type.rdf",),
    _HEALTH + "health-theme": (_SDC + "health-theme.rdf",),
    _HEALTH + "health-activity": (_SDC + "health-activity.rdf",),
    _HEALTH + "coding-system": (_SDC + "coding-system.rdf",),
    _HEALTH + "standard": (_SDC + "standard.rdf",),
}


def validation_types(config: Path = CONFIG) -> dict[str, tuple[str, ...]]:
    """Read ``validator.shaclFile.<type>`` of config.properties: type -> listed files."""
    types: dict[str, tuple[str, ...]] = {}
    for line in config.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*validator\.shaclFile\.([\w-]+)\s*=\s*(.+)", line)
        if match:
            types[match[1]] = tuple(name.strip() for name in match[2].split(","))
    return types


def lift_pathless_property_shapes(shapes: Graph) -> list[Node]:
    """Turn each ``sh:property`` value without ``sh:path`` into a node shape; return them.

    SHACL 2.3 requires a path on a property shape. The Release 8 shapes hang a node-level
    ``sh:or`` off ``:Dataset_Shape`` with ``sh:property``; as a node shape with the parent's
    targets it checks the same thing on the same focus nodes (the dataset), with no path.
    """
    lifted = []
    for parent, shape in list(shapes.subject_objects(SH.property)):
        if shapes.value(shape, SH.path) is not None:
            continue
        shapes.remove((parent, SH.property, shape))
        shapes.add((shape, RDF.type, SH.NodeShape))
        for target in shapes.objects(parent, SH.targetClass):
            shapes.add((shape, SH.targetClass, target))
        lifted.append(shape)
    return lifted


@dataclass
class ShapeSet:
    """One validation type's shapes graph and what it was made of."""

    graph: Graph
    files: list[Path] = field(default_factory=list)
    vocabularies: set[str] = field(default_factory=set)
    unavailable: set[str] = field(default_factory=set)
    lifted: list[Node] = field(default_factory=list)
    compiled: ShapesGraph | None = None


def load_shape_set(listed: Iterable[str]) -> ShapeSet:
    """Parse the listed files and, transitively, the shapes they ``owl:imports``."""
    shapes = ShapeSet(Graph())
    pending = [STAND_INS.get(name, VALIDATOR / name) for name in listed]
    seen: set[str] = set()
    while pending:
        path = pending.pop(0)
        shapes.graph.parse(path, format="turtle")
        shapes.files.append(path)
        for imported in sorted(str(o) for o in shapes.graph.objects(None, OWL.imports)):
            if imported in seen:
                continue
            seen.add(imported)
            if imported in SHAPES_IMPORTS:
                pending.append(SHAPES_IMPORTS[imported])
            elif imported in VOCABULARY_IMPORTS:
                shapes.vocabularies.add(imported)
            else:
                shapes.unavailable.add(imported)
    shapes.lifted = lift_pathless_property_shapes(shapes.graph)
    shapes.compiled = ShapesGraph(shapes.graph)
    _ = shapes.compiled.shapes  # harvest once: it is a third of a validation's cost
    return shapes


Triple = tuple[Node, Node, Node]


def _rdflib(term: object) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


class Background:
    """The imported code lists, parsed once (pyoxigraph: ~1 s for 300,000 statements)."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.files = sorted(set(files))
        self._about: dict[str, list[pyoxigraph.Triple]] = {}
        self._converted: dict[tuple[str, frozenset[str]], list[Triple]] = {}
        for path in self.files:
            for quad in pyoxigraph.parse(path=str(path), rename_blank_nodes=True):
                key = (
                    quad.subject.value
                    if isinstance(quad.subject, pyoxigraph.NamedNode)
                    else str(quad.subject)
                )
                self._about.setdefault(key, []).append(quad.triple)

    def __len__(self) -> int:
        return sum(len(triples) for triples in self._about.values())

    def _statements(self, subject: str, skip: frozenset[str] = frozenset()) -> list[Triple]:
        """Return the statements about ``subject`` (and its blank nodes) as rdflib terms."""
        key = (subject, skip)
        if key not in self._converted:
            statements = []
            for triple in self._about.get(subject, ()):
                if triple.predicate.value in skip:
                    continue
                statements.append(
                    (_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object))
                )
                if isinstance(triple.object, pyoxigraph.BlankNode):
                    statements += self._statements(str(triple.object), skip)
            self._converted[key] = statements
        return self._converted[key]

    def about(self, record: Graph) -> Graph:
        """Return what the code lists say about the IRIs of ``record`` and their schemes."""
        found = Graph()
        iris = {str(node) for statement in record for node in statement if isinstance(node, URIRef)}
        for iri in iris:
            for statement in self._statements(iri):
                found.add(statement)
        # The schemes' own statements (type, title), not their thousands of top concepts.
        for scheme in {str(s) for s in found.objects(None, SKOS.inScheme)} - iris:
            for statement in self._statements(scheme, frozenset({str(SKOS.hasTopConcept)})):
                found.add(statement)
        return found

    def everything(self) -> Graph:
        """Return all the code lists as one graph (what ITB merges; slow, for checks only)."""
        graph = Graph()
        for triples in self._about.values():
            for triple in triples:
                graph.add(
                    (_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object))
                )
        return graph


@dataclass(frozen=True)
class OfficialReport:
    """A pySHACL report of the published shapes, with the graphs it was computed on."""

    level: str
    graph: Graph
    data: Graph
    record: Graph


class OfficialValidator:
    """The three validation types of the Release 8 validator, built once."""

    def __init__(self) -> None:
        self.types = validation_types()
        self.shape_sets = {name: load_shape_set(files) for name, files in self.types.items()}
        imports = set().union(*(s.vocabularies for s in self.shape_sets.values()))
        self.background = Background(
            VOCABULARIES / name for imported in imports for name in VOCABULARY_IMPORTS[imported]
        )

    def level_for(self, record: Graph, default: str = "non-public") -> str:
        """Choose the validation type as a provider would: by the dataset's one dct:accessRights.

        With none, several or an unknown one there is nothing to choose by: ``default``.
        """
        rights = {
            value
            for dataset in record.subjects(RDF.type, DCAT.Dataset)
            for value in record.objects(dataset, DCTERMS.accessRights)
        }
        levels = [name for name, right in LEVELS.items() if rights == {right}]
        return levels[0] if levels else default

    def validate(
        self, record: Graph, level: str, background: Graph | None = None
    ) -> OfficialReport:
        """Validate ``record`` with the level's shapes, the code lists as background."""
        data = Graph()
        for statement in record:
            data.add(statement)
        data += self.background.about(record) if background is None else background
        shapes = self.shape_sets[level]
        options = {"inference": "none", "allow_warnings": True, "inplace": True}
        validator = Validator(
            DataGraph.from_rdflib(data), shacl_graph=shapes.graph, options=options
        )
        assert shapes.compiled is not None  # load_shape_set compiles every set
        validator.shacl_graph = shapes.compiled  # what pyshacl.validate would rebuild per call
        _, report, _ = validator.run()
        assert isinstance(report, Graph)
        return OfficialReport(level=level, graph=report, data=data, record=record)
