"""``registry dicom scan``: a draft description from DICOM headers, identifying no one."""

from __future__ import annotations

import json
import os
import pickle
import random
import subprocess
import sys
import warnings
from decimal import Decimal
from pathlib import Path

import pydicom
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from registry.cli.dicom import dicom
from registry.dicom import deidentification
from registry.dicom.concepts import load_scheme
from registry.dicom.draft import build_draft, decimal_metres, typical_ages
from registry.dicom.folder import scan
from registry.dicom.scan import age_in_years
from registry.dicom.template import DRAFT_DATASET, PROVIDER_FIELDS
from registry.profile.validation import load_profile
from registry.rdf import formats
from registry.rdf.jsonld import BUNDLED_CONTEXTS
from registry.rdf.namespaces import CIR_VOCAB, DCATAP, EUCAIM, HEALTHDCATAP

from .fixtures import (
    Fixture,
    copy_pydicom_files,
    pydicom_files,
    sample_patients,
    write_patients,
    write_sample,
)

MOD, BODY, SEX = (Namespace(f"{CIR_VOCAB}{scheme}/") for scheme in ("modality", "body-part", "birth-sex"))

TEMPLATE = """
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix eucaim: <https://cancerimage.eu/ontology/EUCAIM#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix ex: <https://hospital.example/> .

ex:datasets\\/synthetic-cohort a dcat:Dataset ;
    dct:title "Synthetic oncology imaging cohort"@en ;
    dct:description "CT, MR, PET and mammography of a synthetic cohort, for tests."@en ;
    dct:identifier "SYN-ONC-1" ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;
    dct:publisher ex:hospital ;
    healthdcatap:hdab ex:hdab ;
    dcat:contactPoint ex:desk ;
    eucaim:hasCondition <https://w3id.org/cancer-image-registry/vocab/condition/prostate-cancer> ;
    eucaim:collectionMethod <https://w3id.org/cancer-image-registry/vocab/collection-method/retrospective> ;
    eucaim:interoperabilityLevel <https://w3id.org/cancer-image-registry/vocab/interoperability-tier/tier-1> ;
    dcat:distribution ex:access .
ex:access a dcat:Distribution ; dcat:accessURL <https://hospital.example/request-access> .
ex:hospital a foaf:Agent ; foaf:name "Example University Hospital"@en ; cv:contactPoint ex:hospital-contact .
ex:hospital-contact a cv:ContactPoint ; cv:email "imaging-data@hospital.example" .
ex:hdab a foaf:Agent ; foaf:name "Example health data access body"@en ; cv:contactPoint ex:hdab-contact .
ex:hdab-contact a cv:ContactPoint ; cv:contactPage <https://hdab.example/requests> .
ex:desk a vcard:Kind ; vcard:fn "Imaging data desk" ; vcard:hasEmail <mailto:imaging-data@hospital.example> .
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    """The synthetic studies, bad files and a DICOMDIR, written once for the module."""
    return write_sample(tmp_path_factory.mktemp("dicom") / "export")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, sample: Fixture) -> Path:
    """The sample plus every test file pydicom ships, in nested folders."""
    root = tmp_path_factory.mktemp("mixed")
    subprocess.run(["cp", "-r", str(sample.root), str(root / "export")], check=True)
    copy_pydicom_files(root / "pydicom")
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(dicom, ["scan", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def draft_graph(path: Path) -> Graph:
    return formats.to_rdflib(formats.parse(path.read_bytes(), formats.syntax_for_path(path)))


def test_scan_counts_what_the_headers_say(sample: Fixture) -> None:
    tally = scan(sample.root)
    assert len(tally.sex_of_patient) == sample.patients == 8
    assert len(tally.studies) == sample.studies
    assert len(tally.series) == sample.series
    assert len(tally.instances) == sample.instances  # the DICOMDIR's copy counted once
    assert len(tally.segmented_studies) == sample.segmented_studies == 1
    assert (tally.first_date, tally.last_date) == ("2017-02-01", "2022-08-09")
    assert tally.resolution_mm == Decimal("0.07")  # mammography's imager pixel spacing
    assert tally.segment_labels.keys() == {"Prostate gland", "Suspicious lesion"}
    assert sorted(tally.age_of_study.values()) == [3, 39, 48, 54, 55, 58, 63, 66, 71]


def test_scan_reports_bad_identified_and_incomplete_files_by_path(sample: Fixture) -> None:
    tally = scan(sample.root)
    where = {str(p.relative_to(sample.root)) for p in sample.broken_files}
    assert {path for path, _ in tally.skipped} == where
    reasons = dict(tally.skipped)
    assert reasons["media/DICOMDIR"].startswith("DICOMDIR")
    assert reasons["broken/notes.txt"] == "not a DICOM file (no DICM marker)"
    assert reasons["broken/truncated-header.dcm"] == "no SOPInstanceUID or StudyInstanceUID (truncated?)"
    assert tally.identified_files() == {str(p.relative_to(sample.root)) for p in sample.identified_files}
    assert tally.missing == {"StudyDate": ["subject-0001/study-0/series-3/IM00001.dcm"]}


def test_draft_states_the_scan_in_the_profile(sample: Fixture, tmp_path: Path) -> None:
    out = tmp_path / "draft.ttl"
    code, _, stderr = run(str(sample.root), "--out", str(out), "--allow-identified")
    assert code == 0, stderr
    g, dataset = draft_graph(out), URIRef(DRAFT_DATASET)
    assert set(g.objects(dataset, EUCAIM.hasImageModality)) == {MOD[m] for m in ("CT", "MG", "MR", "PT", "SEG")}
    assert set(g.objects(dataset, EUCAIM.hasImageBodyPart)) == {
        BODY[b] for b in ("BRAIN", "BREAST", "CHEST", "PELVIS", "PROSTATE", "THORAX", "WHOLEBODY")
    }
    assert set(g.objects(dataset, EUCAIM.hasBirthSex)) == {SEX.female, SEX.male, SEX.other}
    assert {str(m) for m in g.objects(dataset, EUCAIM.hasEquipmentManufacturer)} == {
        "SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "HOLOGIC, Inc."
    }
    count = lambda n: Literal(str(n), datatype=XSD.nonNegativeInteger)  # noqa: E731
    assert g.value(dataset, HEALTHDCATAP.numberOfUniqueIndividuals) == count(8)
    assert g.value(dataset, HEALTHDCATAP.numberOfRecords) == count(9)
    assert g.value(dataset, HEALTHDCATAP.minTypicalAge) == count(3)
    assert g.value(dataset, HEALTHDCATAP.maxTypicalAge) == count(71)
    assert g.value(dataset, EUCAIM.nbrOfSegmentations) == count(1)
    assert g.value(dataset, DCAT.spatialResolutionInMeters) == Literal("0.00007", datatype=XSD.decimal)
    assert set(g.objects(dataset, EUCAIM.hasAlgorithmType)) == {CIR_VOCAB["algorithm-type/manual"]}
    period = g.value(dataset, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2017-02-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2022-08-09", datatype=XSD.date)
    distribution = g.value(dataset, DCAT.distribution)
    assert g.value(distribution, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/dicom"
    )
    assert "JPEG 2000" in str(g.value(distribution, DCTERMS.description))
    assert "'Pelvis MRI' (2 files)" in stderr  # the free-text body part no concept matched


@pytest.mark.parametrize("form", ["ttl", "jsonld"])
def test_validate_names_exactly_the_fields_a_scan_cannot_know(
    sample: Fixture, tmp_path: Path, form: str
) -> None:
    out = tmp_path / f"draft.{form}"
    code, _, stderr = run(str(sample.root), "--out", str(out), "--allow-identified")
    assert code == 0, stderr
    g = draft_graph(out)
    report = load_profile().validate(g)
    named = {("dataset" if r.focus == DRAFT_DATASET else "distribution", r.path) for r in report.violations}
    # The contact point is mandatory only once the access level is NON_PUBLIC; the dataset's
    # own "distribution is complete" check repeats the missing access URL.
    expected = {(f.on, f.predicate) for f in PROVIDER_FIELDS if f.predicate != str(DCAT.contactPoint)}
    assert named == expected | {("dataset", str(DCAT.distribution))}
    assert len({r.focus for r in report.violations if r.focus != DRAFT_DATASET}) == 1
    assert "Still to fill in: title, description, identifier, access level" in stderr


def test_turtle_draft_lists_its_todos(sample: Fixture, tmp_path: Path) -> None:
    out = tmp_path / "draft.ttl"
    run(str(sample.root), "--out", str(out), "--allow-identified")
    text = out.read_text()
    assert text.startswith("# Draft dataset description")
    assert f"# TODO: replace <{DRAFT_DATASET}>" in text
    assert "# TODO: add dct:title (title) to the dataset" in text
    assert "# TODO: add dcat:accessURL (access URL) to the distribution" in text


@pytest.mark.parametrize("form", ["ttl", "jsonld"])
def test_draft_with_template_conforms(sample: Fixture, tmp_path: Path, form: str) -> None:
    template = tmp_path / "provider.ttl"
    template.write_text(TEMPLATE)
    out = tmp_path / f"draft.{form}"
    code, _, stderr = run(
        str(sample.root), "--out", str(out), "--template", str(template), "--allow-identified"
    )
    assert code == 0, stderr
    g = draft_graph(out)
    report = load_profile().validate(g)
    assert report.conforms, report.text()
    dataset = URIRef("https://hospital.example/datasets/synthetic-cohort")
    assert (dataset, RDF.type, DCAT.Dataset) in g
    assert (URIRef(DRAFT_DATASET), None, None) not in g
    # The template's distribution gains what the scan knows (legislation, media type).
    (distribution,) = g.objects(dataset, DCAT.distribution)
    assert distribution == URIRef("https://hospital.example/access")
    assert g.value(distribution, DCATAP.applicableLegislation) is not None
    assert g.value(distribution, DCAT.mediaType) is not None
    assert g.value(dataset, HEALTHDCATAP.numberOfRecords) is not None
    assert "Still to fill in: nothing." in stderr


def test_template_values_win_over_the_scan(sample: Fixture, tmp_path: Path) -> None:
    template = tmp_path / "provider.ttl"
    template.write_text(
        TEMPLATE.replace('dct:identifier "SYN-ONC-1" ;', 'dct:identifier "SYN-ONC-1" ; eucaim:hasEquipmentManufacturer "Siemens Healthineers" ;')
    )
    out = tmp_path / "draft.ttl"
    run(str(sample.root), "--out", str(out), "--template", str(template), "--allow-identified")
    g = draft_graph(out)
    assert [str(m) for m in g.objects(None, EUCAIM.hasEquipmentManufacturer)] == ["Siemens Healthineers"]


def test_template_without_one_dataset_is_refused_before_scanning(tmp_path: Path) -> None:
    template = tmp_path / "provider.ttl"
    template.write_text("<https://x.example/a> <https://x.example/b> 'c' .")
    code, _, stderr = run(str(tmp_path), "--template", str(template))
    assert code == 1 and "exactly one dcat:Dataset (found 0)" in stderr


def test_identified_files_stop_the_draft_unless_allowed(sample: Fixture, tmp_path: Path) -> None:
    out = tmp_path / "draft.ttl"
    code, stdout, stderr = run(str(sample.root), "--out", str(out))
    assert code == 1 and not out.exists() and stdout == ""
    assert "11 file(s) look identified" in stderr
    assert "subject-0007/study-0/series-1/IM00001.dcm" in stderr
    assert "No draft written" in stderr


def identifying_values(sample: Fixture) -> set[str]:
    """Every identifying value in the scanned files: the fixture's, and pydicom's own files'."""
    values, manufacturers = set(sample.identifying), set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom's odd files warn; not the test here
        for path in pydicom_files():
            try:
                ds = pydicom.dcmread(path, stop_before_pixels=True)
            except pydicom.errors.InvalidDicomError:
                continue
            values |= _identifying(ds)
            manufacturers.add(str(ds.get("Manufacturer", "")))
    # Some of pydicom's files carry a manufacturer as patient ID ("TOSHIBA", next to
    # "TOSHIBA_MEC"): the draft rightly names manufacturers.
    return {v for v in values if not any(v in m for m in manufacturers)}


def _identifying(ds: pydicom.Dataset) -> set[str]:
    found = set()
    for element in ds.iterall():
        if element.VR in ("PN", "UI", "DA") or element.keyword in (
            "PatientID", "OtherPatientIDs", "AccessionNumber", "InstitutionName",
            "InstitutionAddress",
        ):
            text = str(element.value)
            # Standard UIDs (SOP classes, transfer syntaxes) and dates identify no one;
            # birth dates do.
            standard = element.VR == "UI" and pydicom.uid.UID(text).name != text
            date = element.VR == "DA" and element.keyword != "PatientBirthDate"
            if len(text) >= 6 and not standard and not date:
                found.add(text)
    return found


def test_privacy_no_identifying_value_in_output_or_messages(
    sample: Fixture, mixed: Path, tmp_path: Path
) -> None:
    """A real process, as a provider runs it, over files full of names, IDs and UIDs."""
    secrets = identifying_values(sample)
    assert len(secrets) > 150 and "Kowalczyk^Agnieszka" in secrets
    outputs = []
    for args in ([], ["--allow-identified", "--out", str(tmp_path / "d.ttl"), "--workers", "2"]):
        result = subprocess.run(
            [sys.executable, "-c", "from registry.cli.dicom import dicom; dicom()", "scan", str(mixed), *args],
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == (0 if args else 1), result.stderr
        outputs += [result.stdout, result.stderr]
    outputs.append((tmp_path / "d.ttl").read_text())
    code, stdout, stderr = run(str(mixed), "--allow-identified", "--format", "jsonld")
    outputs += [stdout, stderr]
    assert "look identified" in outputs[1] and "@prefix" in outputs[4] and '"@id"' in outputs[5]
    leaked = {s for s in secrets for text in outputs if s in text}
    assert not leaked


def test_tally_carries_no_identifying_value(sample: Fixture) -> None:
    """What workers send back holds digests, counts and paths only."""
    blob = pickle.dumps(scan(sample.root))
    assert not {s for s in sample.identifying if s.encode() in blob}


def test_every_shipped_pydicom_file_is_read_or_reported(mixed: Path) -> None:
    files = [p for p in mixed.rglob("*") if p.is_file()]
    tally = scan(mixed, workers=2)
    in_process = scan(mixed, workers=1)
    assert tally.files == len(files) == in_process.files
    assert (len(tally.instances), len(tally.studies), tally.modalities) == (
        len(in_process.instances), len(in_process.studies), in_process.modalities
    )
    skipped = dict(tally.skipped)
    for name in ("README.txt", "zipMR.gz", "crayons.icc", "test1.json", "no_meta.dcm"):
        assert skipped[f"pydicom/{name}"] == "not a DICOM file (no DICM marker)"
    assert skipped["pydicom/dicomdirtests/DICOMDIR"].startswith("DICOMDIR")
    assert {"JPEG 2000", "RLE", "JPEG-LS", "Deflated"} <= {  # compressed: headers read anyway
        word for uid in tally.transfer_syntaxes for word in ("JPEG 2000", "RLE", "JPEG-LS", "Deflated")
        if word in pydicom.uid.UID(uid).name
    }
    assert "pydicom/SC_rgb_jpeg.dcm" in tally.warned  # a pydicom warning, counted not shown
    assert 0 < len(tally.instances) < tally.files


def test_empty_folder_says_so(tmp_path: Path) -> None:
    code, _, stderr = run(str(tmp_path))
    assert code == 1 and "No DICOM instances" in stderr


def test_draft_goes_to_stdout_without_out(sample: Fixture) -> None:
    code, stdout, _ = run(str(sample.root), "--allow-identified", "--format", "jsonld")
    assert code == 0
    graph = formats.to_rdflib(formats.parse(stdout.encode(), formats.SYNTAXES[1]))
    assert (URIRef(DRAFT_DATASET), RDF.type, DCAT.Dataset) in graph


@pytest.mark.parametrize(
    ("value", "concept"),
    [
        ("Prostate", "PROSTATE"), ("PELVIS ", "PELVIS"), ("chest", "CHEST"), ("Thorax", "THORAX"),
        ("brain", "BRAIN"), ("WHOLE BODY", "WHOLEBODY"), ("Whole-body", "WHOLEBODY"),
        ("C-SPINE", "CSPINE"), ("Tórax", "CHEST"), ("LUNGS", "LUNG"), ("Head and neck", "HEADNECK"),
        ("Chest, abdomen and pelvis", "CHESTABDPELVIS"), ("CAP", "CHESTABDPELVIS"),
        ("ABDOMEN_PELVIS", "ABDOMENPELVIS"), ("Pelvis MRI", None), ("", None),
    ],
)
def test_body_part_free_text_maps_to_the_vocabulary(value: str, concept: str | None) -> None:
    expected = None if concept is None else str(BODY[concept])
    assert load_scheme("body-part").concept(value) == expected


@pytest.mark.parametrize(("value", "concept"), [("MR", "MR"), ("pt", "PT"), ("PET", "PT"), ("MRI", "MR"), ("XYZ", None)])
def test_modality_maps_to_the_vocabulary(value: str, concept: str | None) -> None:
    expected = None if concept is None else str(MOD[concept])
    assert load_scheme("modality").concept(value) == expected


@pytest.mark.parametrize(
    ("age", "birth", "study", "years"),
    [
        (b"063Y", None, None, 63), (b"006M", None, None, 0), (b"018M", None, None, 1),
        (b"010W", None, None, 0), (b"400D", None, None, 1), (b"150Y", None, None, None),
        (b"", "19810402", "20200915", 39), (b"", "19810916", "20200915", 38),
        (b"junk", None, "20200915", None), (b"", None, None, None),
    ],
)
def test_age_from_patient_age_or_birth_date(
    age: bytes, birth: str | None, study: str | None, years: int | None
) -> None:
    from datetime import date

    def day(text: str | None) -> date | None:
        return None if text is None else date(int(text[:4]), int(text[4:6]), int(text[6:]))

    assert age_in_years(age, day(birth), day(study)) == years


def test_typical_ages_are_the_5th_and_95th_percentiles() -> None:
    assert typical_ages([]) is None
    assert typical_ages([40, 50, 60]) == (40, 60)
    assert typical_ages([*range(100), 200]) == (5, 95)


@pytest.mark.parametrize(("mm", "m"), [("0.7", "0.0007"), ("1", "0.001"), ("0.07", "0.00007"), ("2.50", "0.0025")])
def test_millimetres_become_decimal_metres(mm: str, m: str) -> None:
    assert decimal_metres(Decimal(mm)) == m


def test_no_sex_recorded_gives_unknown_not_nothing(sample: Fixture) -> None:
    tally = scan(sample.root)
    tally.sex_of_patient = dict.fromkeys(tally.sex_of_patient, "")
    draft = build_draft(tally)
    sexes = [t.object for t in draft.triples if t.predicate.value == str(EUCAIM.hasBirthSex)]
    assert sexes == [ox.NamedNode(str(SEX.unknown))]


def test_folders_named_by_patient_id_or_uid_are_hidden_in_messages(tmp_path: Path) -> None:
    """Exports name folders after the patient or the study; the report must not repeat it."""
    patient = sample_patients(random.Random(3))[-1]  # identified: name, birth date, ID
    fixture = write_patients(tmp_path / "export", [patient])
    subject = tmp_path / "export" / "subject-0000"
    study = next(subject.iterdir())
    uid = pydicom.dcmread(next(study.rglob("*.dcm")), stop_before_pixels=True).StudyInstanceUID
    study.rename(subject / uid)
    subject.rename(subject.with_name(f"{patient.patient_id}_{patient.name.replace('^', '_')}"))
    code, _, stderr = run(str(fixture.root))
    assert code == 1 and "e.g. [identifier]/[identifier]/series-1/IM00001.dcm" in stderr
    assert "[identifier] stands for a folder or file name" in stderr
    assert not {s for s in fixture.identifying if s in stderr}


def test_headers_longer_than_the_read_buffer_are_read_from_the_file(
    sample: Fixture, tmp_path: Path
) -> None:
    """A vendor sequence of 100 kB before Pixel Spacing: the in-memory first read is cut."""
    source = next(sample.root.rglob("series-1/IM00001.dcm"))
    ds = pydicom.dcmread(source)
    items = []
    for _ in range(4):
        item = pydicom.Dataset()
        item.add_new(0x00191010, "OB", bytes(25_000))
        items.append(item)
    ds.add_new(0x00190010, "LO", "CIR BIG VENDOR")
    ds.add_new(0x00191020, "SQ", pydicom.Sequence(items))
    ds.PixelSpacing = ["0.011", "0.011"]
    folder = tmp_path / "big"
    folder.mkdir()
    ds.save_as(folder / "big.dcm", enforce_file_format=True)
    os.mkfifo(folder / "a-pipe")  # left out, never opened (opening would block)
    tally = scan(folder)
    assert (tally.files, len(tally.instances), tally.skipped) == (1, 1, [])
    assert tally.resolution_mm == Decimal("0.011")


def _export(folder: Path, source: Path, headers: dict[str, dict[str, object]]) -> Path:
    """Write one copy of ``source`` per entry, its header elements changed (None removes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, changes in headers.items():
        ds = pydicom.dcmread(source)
        for keyword, value in changes.items():
            if value is None:
                if keyword in ds:
                    delattr(ds, keyword)
            else:
                setattr(ds, keyword, value)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(folder / name, enforce_file_format=True)
    return folder


def _method_code(value: str) -> pydicom.Sequence:
    item = pydicom.Dataset()
    item.CodeValue, item.CodingSchemeDesignator = value, "DCM"
    item.CodeMeaning = "De-identification option"
    return pydicom.Sequence([item])


def test_pseudonymised_names_with_identity_removed_are_not_flagged(
    sample: Fixture, tmp_path: Path
) -> None:
    """Regression (issue 19): ANON0001 with PatientIdentityRemoved=YES was 'identified'."""
    source = next(sample.root.rglob("subject-0000/study-0/series-1/IM00001.dcm"))
    headers: dict[str, dict[str, object]] = {
        f"IM{n}.dcm": {"PatientName": name, "PatientIdentityRemoved": "YES"}
        for n, name in enumerate(["ANON0001", "SUBJ-12", "Anonymous", "REMOVED^REMOVED", "", "^"])
    }
    # A file that says how, without the flag (the standard asks for both; the method suffices)
    headers["method-only.dcm"] = {"PatientIdentityRemoved": None, "PatientName": "PSN-0042"}
    # Dates shifted by the Retain Longitudinal Temporal Information Modified Dates Option
    headers["shifted.dcm"] = {
        "PatientBirthDate": "19700312",
        "DeidentificationMethodCodeSequence": _method_code("113107"),
    }
    folder = _export(tmp_path / "export", source, headers)
    assert scan(folder).identified == {}
    code, stdout, stderr = run(str(folder))
    assert code == 0 and "look identified" not in stderr and "@prefix" in stdout


def test_identified_files_are_summed_up_by_reason(sample: Fixture, tmp_path: Path) -> None:
    """One line per reason, with a count and a few example files; never the values."""
    source = next(sample.root.rglob("subject-0000/study-0/series-1/IM00001.dcm"))
    undeclared: dict[str, object] = {"PatientIdentityRemoved": None, "DeidentificationMethod": None}
    headers: dict[str, dict[str, object]] = {
        f"a{n}/IM{n}.dcm": undeclared for n in range(12)
    }
    headers |= {
        "named.dcm": {"PatientName": "Lindqvist^Sigrid"},
        "ssn.dcm": {"PatientID": "078-05-1120"},
        "personnummer.dcm": {"PatientID": "19121212-1212"},
        "pesel.dcm": {"PatientID": "44051401359"},
        "mail.dcm": {"PatientID": "sigrid.lindqvist@mail.example"},
        "born.dcm": {"PatientBirthDate": "19580704"},
        "told.dcm": {"PatientIdentityRemoved": "NO"},
    }
    folder = _export(tmp_path / "export", source, headers)
    code, _, stderr = run(str(folder))
    assert code == 1
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "look identified" in line)
    assert lines[start].startswith("19 file(s) look identified")
    by_reason = [line for line in lines[start + 1 :] if line.startswith("  ")]
    assert len(by_reason) == 6, by_reason  # one line per reason, not one per file
    undeclared_line = by_reason[0]
    assert "not declared de-identified" in undeclared_line and ": 12 file(s), e.g. " in undeclared_line
    assert undeclared_line.endswith("and 9 more")
    assert sum("national identity number" in line and "3 file(s)" in line for line in by_reason) == 1
    for reason in ("reads as a person's name", "PatientBirthDate", "e-mail address", "is NO"):
        assert sum(reason in line for line in by_reason) == 1, reason
    for value in ("Lindqvist", "Sigrid", "078-05-1120", "19121212", "44051401359", "19580704"):
        assert value not in stderr


@pytest.mark.parametrize(
    ("name", "real"),
    [
        ("Nakamura^Hiroshi", True), ("Smith", True), ("O'Brien^Máire", True),
        ("ANON0001", False), ("Anonymous", False), ("SUBJ-12", False), ("^", False),
        ("XXXXX^XXX", False), ("PATIENT^UNKNOWN", False), ("a3f9c2e1", False),
    ],
)
def test_a_name_is_told_from_a_pseudonym(name: str, real: bool) -> None:
    assert deidentification.looks_like_a_name(name) is real


@pytest.mark.parametrize(
    ("value", "national"),
    [
        ("078-05-1120", True), ("19121212-1212", True), ("121212-1212", True),
        ("44051401359", True), ("44051401358", False), ("943 476 5919", True),
        ("12345678Z", True), ("PSN00012345678", False), ("77654033", False), ("ANON0001", False),
    ],
)
def test_patient_ids_in_the_form_of_a_national_number(value: str, national: bool) -> None:
    assert deidentification.looks_like_a_national_id(value) is national


def test_turtle_draft_is_one_block_and_the_summary_goes_to_stderr(sample: Fixture) -> None:
    code, stdout, stderr = run(str(sample.root), "--allow-identified")
    assert code == 0
    statements = [
        line for line in stdout.splitlines()
        if line and not line.startswith(("#", "@prefix", " ", "\t"))
    ]
    assert len(statements) == 1 and statements[0].startswith(f"<{DRAFT_DATASET}> a dcat:Dataset")
    assert "_:" not in stdout and "dct:temporal [" in stdout and "dcat:distribution [" in stdout
    used = {line.split()[1] for line in stdout.splitlines() if line.startswith("@prefix")}
    assert all(prefix in stdout.split("\n\n", 2)[-1] for prefix in used)  # no unused prefix
    assert "Read 70 files" in stderr and "Read 70 files" not in stdout
    graph = formats.to_rdflib(formats.parse(stdout.encode(), formats.SYNTAXES[0]))
    assert (URIRef(DRAFT_DATASET), RDF.type, DCAT.Dataset) in graph


def test_jsonld_draft_cites_the_registrys_context_and_reads_back(sample: Fixture) -> None:
    _, turtle, _ = run(str(sample.root), "--allow-identified")
    code, stdout, stderr = run(str(sample.root), "--allow-identified", "--format", "jsonld")
    assert code == 0 and "Read 70 files" in stderr
    document = json.loads(stdout)
    assert document["@context"] == list(BUNDLED_CONTEXTS)
    assert document["@type"] == "Dataset" and document["@id"] == DRAFT_DATASET
    assert document["datasetDistribution"]["@type"] == "Distribution"
    assert "https://w3id.org/cancer-image-registry/vocab/modality/MR" in document["imageModality"]
    as_jsonld = formats.to_rdflib(formats.parse(stdout.encode(), formats.SYNTAXES[1]))
    as_turtle = formats.to_rdflib(formats.parse(turtle.encode(), formats.SYNTAXES[0]))
    assert isomorphic(as_jsonld, as_turtle)
