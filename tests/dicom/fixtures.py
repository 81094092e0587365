"""Synthetic DICOM studies for the scanner's tests and benchmark, written with pydicom.

The headers look like a provider's de-identified export: pseudonymous patient IDs, emptied
names, ages instead of birth dates, the usual acquisition tags of CT, MR, PET and
mammography series, vendor private blocks, one JPEG 2000 series and a DICOM SEG object with
labelled segments. Some files are deliberately bad: identified (names, birth dates,
accession numbers, institution), truncated, not DICOM at all, empty, a DICOMDIR. Pixel data
are a few bytes: the scanner stops before them.

Nothing is downloaded; ``copy_pydicom_files`` adds the test files pydicom's package ships.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pydicom import config, dcmread
from pydicom.data.data_manager import DATA_ROOT
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.fileset import FileSet
from pydicom.sequence import Sequence
from pydicom.uid import (
    PYDICOM_IMPLEMENTATION_UID,
    UID,
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    generate_uid,
)

CT_IMAGE = UID("1.2.840.10008.5.1.4.1.1.2")
MR_IMAGE = UID("1.2.840.10008.5.1.4.1.1.4")
PET_IMAGE = UID("1.2.840.10008.5.1.4.1.1.128")
MG_IMAGE = UID("1.2.840.10008.5.1.4.1.1.1.2")
SEGMENTATION = UID("1.2.840.10008.5.1.4.1.1.66.4")


@dataclass(frozen=True)
class Series:
    """One series to write: what the scanner should find in it."""

    modality: str
    body_part: str | None  # as written in (0018,0015), free text included
    manufacturer: str
    sop_class: UID
    instances: int
    pixel_spacing: str | None = None  # mm, DS text "0.7"
    slice_thickness: str | None = None
    description: str = ""
    compressed: bool = False
    segment_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patient:
    """A pseudonymous patient with studies; identified ones carry real-looking identity."""

    patient_id: str
    sex: str  # "F", "M", "O" or "" (unknown)
    age: int  # years at the first study
    studies: tuple[tuple[date, tuple[Series, ...]], ...]
    identified: bool = False
    name: str = ""
    birth_date: str = ""  # YYYYMMDD; written only when the export keeps it
    age_as_months: bool = False


@dataclass
class Fixture:
    """A folder of written files and what a scan of it must report."""

    root: Path
    identifying: set[str] = field(default_factory=set)
    identified_files: list[Path] = field(default_factory=list)
    broken_files: list[Path] = field(default_factory=list)
    patients: int = 0
    studies: int = 0
    series: int = 0
    instances: int = 0
    segmented_studies: int = 0


# Where scanners keep their private data: (group, number of elements). Real headers carry
# 100 to 300 elements, most of them private, many after the image pixel module (0028);
# Siemens' group 0029 starts with two CSA headers of several kilobytes.
VENDOR_GROUPS = {
    "SIEMENS": ((0x0019, 12), (0x0029, 6), (0x0051, 14)),
    "GE MEDICAL SYSTEMS": ((0x0019, 40), (0x0021, 12), (0x0043, 60)),
    "Philips": ((0x2001, 70), (0x2005, 90)),
    "HOLOGIC, Inc.": ((0x0019, 10),),
}


def _uid(rng: random.Random) -> UID:
    return generate_uid(entropy_srcs=[str(rng.getrandbits(64))])


def _series_dataset(
    patient: Patient, study_date: date, study_uid: UID, series: Series, number: int,
    rng: random.Random,
) -> Dataset:
    """Return the header shared by a series' instances (instance fields are set per file)."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = series.sop_class
    day = study_date.strftime("%Y%m%d")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = day
    ds.StudyTime = ds.SeriesTime = f"{rng.randrange(7, 19):02d}{rng.randrange(60):02d}00"
    ds.AccessionNumber = f"ACC{rng.getrandbits(40):012d}" if patient.identified else ""
    ds.Modality = series.modality
    ds.Manufacturer = series.manufacturer
    ds.ManufacturerModelName = {"SIEMENS": "Skyra", "Philips": "Ingenia"}.get(
        series.manufacturer, "Model X"
    )
    if patient.identified:
        ds.InstitutionName = "Szpital Wojewodzki Przykladowo"
        ds.InstitutionAddress = "ul. Lipowa 12, 00-950 Warszawa"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "Synthetic study"
    ds.SeriesDescription = series.description or series.modality
    ds.PatientName = patient.name
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth_date
    ds.PatientSex = patient.sex
    if not patient.birth_date:
        age = patient.age + (study_date.year - patient.studies[0][0].year)
        ds.PatientAge = f"{age * 12 + 6:03d}M" if patient.age_as_months else f"{age:03d}Y"
    ds.PatientIdentityRemoved = "NO" if patient.identified else "YES"
    if not patient.identified:
        ds.DeidentificationMethod = "Synthetic export (CIR test fixture)"
    if series.body_part is not None:
        ds.BodyPartExamined = series.body_part
    if series.slice_thickness:
        ds.SliceThickness = series.slice_thickness
    if series.modality == "CT":
        ds.KVP = "120"
        ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    if series.modality == "MR":
        ds.MagneticFieldStrength = "3"
        ds.RepetitionTime, ds.EchoTime = "4000", "98"
        ds.SequenceName = "*tse2d1_25"
    if series.modality == "PT":
        drug = Dataset()
        drug.Radiopharmaceutical = "Fluorodeoxyglucose"
        drug.RadionuclideTotalDose = "250000000"
        ds.RadiopharmaceuticalInformationSequence = Sequence([drug])
        ds.Units = "BQML"
    if series.modality == "MG":
        ds.ViewPosition, ds.ImageLaterality = rng.choice(["CC", "MLO"]), rng.choice("LR")
        ds.ImagerPixelSpacing = [series.pixel_spacing, series.pixel_spacing]
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = _uid(rng)
    ds.StudyID = "1"
    ds.SeriesNumber = number
    ds.FrameOfReferenceUID = _uid(rng)
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    if series.segment_labels:
        ds.SegmentationType = "BINARY"
        ds.SegmentSequence = Sequence(_segments(series.segment_labels))
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ds.Columns = 32
    if series.pixel_spacing and series.modality != "MG":
        ds.PixelSpacing = [series.pixel_spacing, series.pixel_spacing]
    bits = 1 if series.segment_labels else 16
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
    ds.PixelRepresentation = 0
    _vendor_groups(ds, series.manufacturer, rng)
    _procedure_step(ds, day, rng)
    frame = bytes(32 * 32 * bits // 8)
    if series.compressed:
        ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + frame[:60]])
        ds["PixelData"].VR = "OB"
    else:
        ds.PixelData = frame
        ds["PixelData"].VR = "OW" if bits == 16 else "OB"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = series.sop_class
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless if series.compressed else ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    return ds


def _vendor_groups(ds: Dataset, manufacturer: str, rng: random.Random) -> None:
    for group, count in VENDOR_GROUPS.get(manufacturer, ()):
        block = ds.private_block(group, f"CIR SYNTHETIC {manufacturer[:16]}", create=True)
        for offset in range(count):
            if group == 0x0029 and offset < 2:
                block.add_new(0x10 + offset, "OB", bytes(rng.randrange(4000, 9000)))
            else:
                vr, value = (
                    ("LO", f"parameter {offset}"),
                    ("DS", f"{rng.uniform(-100, 100):.4f}"),
                    ("SL", rng.randrange(-1000, 1000)),
                    ("SH", "ON" if offset % 3 else "OFF"),
                )[offset % 4]
                block.add_new(0x10 + offset, vr, value)


def _procedure_step(ds: Dataset, day: str, rng: random.Random) -> None:
    ds.PerformedProcedureStepStartDate = day
    ds.PerformedProcedureStepStartTime = "101500"
    ds.PerformedProcedureStepID = f"PPS{rng.randrange(10**6):06d}"
    ds.PerformedProcedureStepDescription = "Synthetic examination"
    request = Dataset()
    request.RequestedProcedureID = f"RP{rng.randrange(10**6):06d}"
    request.ScheduledProcedureStepID = f"SPS{rng.randrange(10**6):06d}"
    request.ScheduledProcedureStepDescription = "Synthetic examination"
    ds.RequestAttributesSequence = Sequence([request])


def _segments(labels: tuple[str, ...]) -> list[Dataset]:
    items = []
    for number, label in enumerate(labels, start=1):
        item = Dataset()
        item.SegmentNumber = number
        item.SegmentLabel = label
        item.SegmentAlgorithmType = "MANUAL"
        category = Dataset()
        category.CodeValue, category.CodingSchemeDesignator = "123037004", "SCT"
        category.CodeMeaning = "Anatomical Structure"
        item.SegmentedPropertyCategoryCodeSequence = Sequence([category])
        items.append(item)
    return items


def write_series(
    folder: Path, ds: Dataset, count: int, rng: random.Random, uids: set[str] | None = None
) -> list[Path]:
    """Write ``count`` instances of a series header into ``folder``; return their paths.

    The instances' UIDs are added to ``uids`` when given (the privacy test looks for them).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = _uid(rng)
        if uids is not None:
            uids.add(str(ds.SOPInstanceUID))
        ds.InstanceNumber = number
        ds.ImagePositionPatient = [-120, -120, number * 2.5]
        # Some exporters drop the suffix; the scanner must not rely on it.
        path = folder / (f"IM{number:05d}" if number % 7 == 0 else f"IM{number:05d}.dcm")
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_patients(
    root: Path, patients: list[Patient], seed: int = 0, first: int = 0
) -> Fixture:
    """Write every study of every patient under ``root/subject-<n>/study-<s>/series-<k>/``,
    numbering subjects from ``first``."""
    rng = random.Random(seed)
    fixture = Fixture(root)
    # Exports carry free text where DICOM wants codes ("Prostate" in a CS): write it as is.
    with config.disable_value_validation():
        for p_index, patient in enumerate(patients, start=first):
            _write_patient(root, p_index, patient, fixture, rng)
    return fixture


def _write_patient(
    root: Path, p_index: int, patient: Patient, fixture: Fixture, rng: random.Random
) -> None:
    for s_index, (study_date, series_list) in enumerate(patient.studies):
        study_uid = _uid(rng)
        for number, series in enumerate(series_list, start=1):
            ds = _series_dataset(patient, study_date, study_uid, series, number, rng)
            folder = root / f"subject-{p_index:04d}" / f"study-{s_index}" / f"series-{number}"
            paths = write_series(folder, ds, series.instances, rng, fixture.identifying)
            fixture.series += 1
            fixture.instances += len(paths)
            if patient.identified or patient.birth_date:  # a kept birth date identifies
                fixture.identified_files.extend(paths)
            if patient.identified:
                fixture.identifying.update(
                    {ds.AccessionNumber, ds.InstitutionName, ds.InstitutionAddress}
                )
            fixture.identifying.update(
                {str(ds.StudyInstanceUID), str(ds.SeriesInstanceUID), str(ds.FrameOfReferenceUID)}
            )
        fixture.studies += 1
        fixture.segmented_studies += any(series.segment_labels for series in series_list)
    fixture.patients += 1
    identity = (patient.patient_id, patient.name, patient.birth_date, *patient.name.split("^"))
    fixture.identifying.update(value for value in identity if value)


def _mr_prostate(labels: bool) -> tuple[Series, ...]:
    series: tuple[Series, ...] = (
        Series("MR", "Prostate", "SIEMENS", MR_IMAGE, 6, "0.5", "3", "t2_tse_tra"),
        Series("MR", "PROSTATE", "SIEMENS", MR_IMAGE, 4, "1.6", "3.5", "ep2d_diff_b1400"),
        Series("MR", "prostate ", "SIEMENS", MR_IMAGE, 4, "1.6", "3.5", "ADC"),
    )
    if labels:
        seg = Series("SEG", "PROSTATE", "SIEMENS", SEGMENTATION, 1, description="Segmentation",
                     segment_labels=("Prostate gland", "Suspicious lesion"))
        series += (seg,)
    return series


def sample_patients(rng: random.Random) -> list[Patient]:
    """The test fixture's patients: several cancer imaging scenarios, one identified."""
    def pid() -> str:
        return f"PSN{rng.getrandbits(36):011d}"

    ct_chest = Series("CT", "chest", "GE MEDICAL SYSTEMS", CT_IMAGE, 5, "0.703125", "1.25", "Lung")
    ct_thorax = Series("CT", "Thorax", "GE MEDICAL SYSTEMS", CT_IMAGE, 3, "0.78", "2.5")
    mg = tuple(Series("MG", "BREAST", "HOLOGIC, Inc.", MG_IMAGE, 1, "0.07") for _ in range(4))
    pet_ct = (
        Series("PT", "WHOLEBODY", "SIEMENS", PET_IMAGE, 4, "4.07", "3"),
        Series("CT", "WHOLE BODY", "SIEMENS", CT_IMAGE, 4, "0.98", "3"),
    )
    brain = (Series("MR", "brain", "Philips", MR_IMAGE, 3, "0.9", "1", "T1 3D", compressed=True),)
    pelvis = (
        Series("MR", "PELVIS ", "Philips", MR_IMAGE, 3, "0.8", "4"),
        Series("MR", "Pelvis MRI", "Philips", MR_IMAGE, 2, "0.8", "4"),
    )
    return [
        Patient(pid(), "M", 63, ((date(2019, 3, 14), _mr_prostate(True)),)),
        Patient(pid(), "M", 71, ((date(2021, 11, 2), _mr_prostate(False)),)),
        Patient(pid(), "F", 54, ((date(2018, 5, 30), (ct_chest,)), (date(2019, 6, 2), (ct_thorax,)))),
        Patient(pid(), "F", 48, ((date(2020, 1, 21), mg),)),
        Patient(pid(), "O", 66, ((date(2022, 8, 9), pet_ct),)),
        Patient(pid(), "", 3, ((date(2017, 2, 1), brain),), age_as_months=True),
        Patient(pid(), "F", 39, ((date(2020, 9, 15), pelvis),), birth_date="19810402"),
        Patient(pid(), "M", 58, ((date(2021, 4, 12), (ct_chest,)),), identified=True,
                name="Kowalczyk^Agnieszka", birth_date="19630117"),
    ]


def write_sample(root: Path, seed: int = 7) -> Fixture:
    """Write the test fixture: synthetic studies, an incomplete file, bad files, a DICOMDIR."""
    fixture = write_patients(root, sample_patients(random.Random(seed)), seed)
    incomplete = next((root / "subject-0001").rglob("IM00001.dcm"))
    _strip(incomplete, ("StudyDate", "BodyPartExamined", "Manufacturer"))
    # A de-identified series where one exporter left the patient's name in.
    named = next((root / "subject-0000").rglob("IM00002.dcm"))
    _set(named, "PatientName", "Nakamura^Hiroshi")
    fixture.identified_files.append(named)
    fixture.identifying.update({"Nakamura^Hiroshi", "Nakamura", "Hiroshi"})
    fixture.broken_files.extend(write_broken(root / "broken", incomplete))
    fixture.broken_files.append(write_dicomdir(root / "media", next(root.rglob("IM00003.dcm"))))
    return fixture


def _strip(path: Path, keywords: tuple[str, ...]) -> None:
    ds = dcmread(path)
    for keyword in keywords:
        delattr(ds, keyword)
    ds.save_as(path, enforce_file_format=True)


def _set(path: Path, keyword: str, value: str) -> None:
    ds = dcmread(path)
    setattr(ds, keyword, value)
    ds.save_as(path, enforce_file_format=True)


def write_broken(folder: Path, good: Path) -> list[Path]:
    """Write files a scan must skip and report: truncated, noise, text, empty, no preamble."""
    folder.mkdir(parents=True, exist_ok=True)
    data = good.read_bytes()
    files = {
        "truncated-header.dcm": data[:300],
        "truncated-meta.dcm": data[:140],
        "noise.dcm": random.Random(1).randbytes(4096),
        "notes.txt": b"Export log: 42 series written.\n",
        "empty.dcm": b"",
        "preamble-only.dcm": bytes(128) + b"DICM",
    }
    paths = []
    for name, body in files.items():
        (folder / name).write_bytes(body)
        paths.append(folder / name)
    return paths


def write_dicomdir(folder: Path, instance: Path) -> Path:
    """Write a DICOM File-set (a DICOMDIR and a copy of one instance); return the DICOMDIR."""
    fileset = FileSet()
    try:
        fileset.add(instance)
        fileset.write(folder)
    finally:
        # FileSet stages in a TemporaryDirectory it never closes (a ResourceWarning at exit).
        fileset._stage["t"].cleanup()
    return folder / "DICOMDIR"


def pydicom_files() -> Iterator[Path]:
    """The test files pydicom's package ships (local only: nothing is downloaded)."""
    root = Path(DATA_ROOT) / "test_files"
    yield from sorted(p for p in root.rglob("*") if p.is_file())


def copy_pydicom_files(folder: Path) -> list[Path]:
    """Copy pydicom's shipped test files under ``folder``, keeping their sub-folders."""
    root = Path(DATA_ROOT) / "test_files"
    copies = []
    for source in pydicom_files():
        target = folder / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copies.append(target)
    return copies


def bench_patients(count: int, seed: int = 0) -> list[Patient]:
    """Patients whose series add up to about ``count`` instances, for the benchmark."""
    rng = random.Random(seed)
    patients, total = [], 0
    while total < count:
        kind = rng.randrange(4)
        size = min(rng.randrange(20, 60), count - total)
        series: tuple[Series, ...] = (
            (Series("CT", "CHEST", "GE MEDICAL SYSTEMS", CT_IMAGE, size, "0.7", "1.25"),),
            (Series("MR", "PROSTATE", "SIEMENS", MR_IMAGE, size, "0.5", "3"),),
            (Series("PT", "WHOLEBODY", "SIEMENS", PET_IMAGE, size, "4.0", "3"),),
            (Series("MR", "BRAIN", "Philips", MR_IMAGE, size, "0.9", "1"),),
        )[kind]
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
        patients.append(
            Patient(f"PSN{rng.getrandbits(36):011d}", rng.choice("FM"), rng.randrange(30, 85),
                    ((day, series),))
        )
        total += size
    return patients
