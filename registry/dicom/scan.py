"""Reading DICOM files, headers only, into a ``Tally`` that identifies no one.

Each worker process reads a chunk of files with pydicom (before the pixel data, and only the
header elements listed in ``TAGS``) and sums them up. Identifying values (patient ID and
name, birth date, accession number, UIDs) become keyed 64-bit digests in the worker, under
a key drawn for each scan: they are counted and compared, never kept, shown or written. A
birth date is used only to compute an age; institutions are not read at all. Whether a file
is de-identified is judged in the worker too (``deidentification``): only reasons leave it.
Files are
named by their path under the scanned folder, with identifiers in it hidden (``mask``).
"""

from __future__ import annotations

import os
import re
import warnings
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO

from pydicom import config
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.filereader import read_partial
from pydicom.sequence import Sequence

from registry.dicom import deidentification
from registry.dicom.tally import Tally, digest

# SOP Class UIDs of DICOM SEG (PS3.4, B.5) and of a DICOMDIR (PS3.10, 7.2), as stored.
SEGMENTATION_STORAGE = b"1.2.840.10008.5.1.4.1.1.66.4"
MEDIA_DIRECTORY_STORAGE = b"1.2.840.10008.1.3.10"
MEDIA_STORAGE_SOP_CLASS, TRANSFER_SYNTAX = 0x00020002, 0x00020010  # file meta elements

TAGS = {
    "SOPClassUID": 0x00080016,
    "SOPInstanceUID": 0x00080018,
    "StudyDate": 0x00080020,
    "AccessionNumber": 0x00080050,
    "Modality": 0x00080060,
    "Manufacturer": 0x00080070,
    "PatientName": 0x00100010,
    "PatientID": 0x00100020,
    "PatientBirthDate": 0x00100030,
    "PatientSex": 0x00100040,
    "PatientAge": 0x00101010,
    "PatientIdentityRemoved": 0x00120062,
    "DeidentificationMethod": 0x00120063,
    "DeidentificationMethodCodeSequence": 0x00120064,
    "BodyPartExamined": 0x00180015,
    "SliceThickness": 0x00180050,
    "ImagerPixelSpacing": 0x00181164,
    "StudyInstanceUID": 0x0020000D,
    "SeriesInstanceUID": 0x0020000E,
    "PixelSpacing": 0x00280030,
    "SegmentSequence": 0x00620002,
}
LAST_NEEDED = TAGS["PixelSpacing"]
PIXEL_DATA = frozenset({0x7FE00008, 0x7FE00009, 0x7FE00010})
# Header elements an image instance is expected to carry; a missing one is reported.
EXPECTED = ("Modality", "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "StudyDate")
AGE_UNITS = {b"Y": 1.0, b"M": 12.0, b"W": 52.1775, b"D": 365.25}  # PatientAge (AS) units
READ_BUFFER = 64 * 1024  # one read covers most headers
SPECIFIC_TAGS = list(TAGS.values())


Raw = dict[int, bytes]
"""Element values as stored (tag -> bytes), without pydicom's conversion, which is slow."""


def raw_values(ds: Dataset) -> Raw:
    """Return the value bytes of the dataset's elements, trailing padding removed."""
    values: Raw = {}
    for tag, element in ds.items():
        value = element.value
        if isinstance(value, bytes):
            values[tag] = value.strip(b" \x00")
        elif value is not None and not isinstance(value, Sequence | list):
            values[tag] = str(value).encode()  # already converted (file meta elements)
    return values


def _text(raw: Raw, keyword: str) -> str:
    """Return a short code or name as text, whitespace tidied."""
    return " ".join(raw.get(TAGS[keyword], b"").decode("latin-1").split())


def _date(value: bytes) -> date | None:
    digits = re.sub(rb"\D", b"", value)  # also reads the old "2019.03.14" form
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def age_in_years(age: bytes, birth: date | None, study: date | None) -> int | None:
    """Return the age at the study from PatientAge ("063Y", "006M") or from the birth date."""
    match = re.fullmatch(rb"(\d{1,3})\s*([YMWD])", age.upper())
    if match:
        years = int(int(match[1]) / AGE_UNITS[match[2]])
    elif birth and study:
        years = study.year - birth.year - ((study.month, study.day) < (birth.month, birth.day))
    else:
        return None
    return years if 0 <= years <= 120 else None


def _spacing(raw: Raw) -> Decimal | None:
    """Return the smallest positive pixel spacing or slice thickness of the file, in mm."""
    values = []
    pixel = raw.get(TAGS["PixelSpacing"]) or raw.get(TAGS["ImagerPixelSpacing"], b"")
    for text in (*pixel.split(b"\\"), raw.get(TAGS["SliceThickness"], b"")):
        try:
            number = Decimal(text.decode("ascii").strip())
        except (InvalidOperation, UnicodeDecodeError):
            continue
        if number.is_finite() and number > 0:
            values.append(number)
    return min(values, default=None)


def _at_pixel_data(tag: int, vr: str | None, length: int) -> bool:
    """Stop where dcmread's stop_before_pixels stops: at (float) pixel data."""
    return tag in PIXEL_DATA


def _past_last_needed(tag: int, vr: str | None, length: int) -> bool:
    """Stop reading after the last element an image needs (SEG files are read again)."""
    return _NEEDED_BEFORE(tag)  # int's C comparison; BaseTag's own is slow Python


_NEEDED_BEFORE = LAST_NEEDED.__lt__


def read_header(path: str, whole: bool = False) -> Dataset:
    """Read the elements in TAGS from a file's header, never its pixel data.

    This is ``dcmread(path, stop_before_pixels=True, specific_tags=...)`` with two changes
    for speed. It stops earlier: past (0028,0030) nothing an image needs follows, and real
    headers carry long private and request groups there (``whole`` reads on up to the pixel
    data, for SEG labels). And it parses the first READ_BUFFER bytes from memory, where
    pydicom's many small reads and seeks cost nothing; a header longer than that is read
    again from the file.
    """
    stop_when = _at_pixel_data if whole else _past_last_needed
    descriptor = os.open(path, os.O_RDONLY)  # one system call, no Python buffer in between
    try:
        head = os.read(descriptor, READ_BUFFER)
    finally:
        os.close(descriptor)
    if len(head) < READ_BUFFER:  # the whole file
        return read_partial(BytesIO(head), stop_when=stop_when, specific_tags=SPECIFIC_TAGS)
    try:
        buffer = BytesIO(head)
        ds = read_partial(buffer, stop_when=stop_when, specific_tags=SPECIFIC_TAGS)
        if buffer.tell() < len(head):
            return ds  # stopped before the end of what was read
    except Exception:  # cut mid-element: the file itself decides below
        pass
    with open(path, "rb") as stream:
        return read_partial(stream, stop_when=stop_when, specific_tags=SPECIFIC_TAGS)


class Reader:
    """Reads files into a tally; one per worker process (or one for an in-process scan)."""

    def __init__(self, key: bytes, root: str) -> None:
        self.key, self.root = key, root
        self.tally = Tally(key)

    def digest(self, value: bytes) -> int:
        return digest(self.key, value)

    def where(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def read(self, path: str) -> None:
        """Read one file's header; a file that is not a readable DICOM instance is skipped."""
        tally = self.tally
        tally.files += 1
        try:
            ds = read_header(path)
        except InvalidDicomError:
            return tally.skipped.append((self.where(path), "not a DICOM file (no DICM marker)"))
        except OSError as error:
            return tally.skipped.append((self.where(path), f"cannot read: {error.strerror}"))
        except Exception as error:  # pydicom raises many types on corrupt files
            return tally.skipped.append(
                (self.where(path), f"corrupt header ({type(error).__name__})")
            )
        meta = raw_values(ds.file_meta)
        raw = raw_values(ds)
        if meta.get(MEDIA_STORAGE_SOP_CLASS) == MEDIA_DIRECTORY_STORAGE:
            return tally.skipped.append((self.where(path), "DICOMDIR (an index of other files)"))
        if not (raw.get(TAGS["SOPInstanceUID"]) or raw.get(TAGS["StudyInstanceUID"])):
            why = "no SOPInstanceUID or StudyInstanceUID (truncated?)"
            return tally.skipped.append((self.where(path), why))
        try:
            self.add(raw, path)
            self.judge(ds, raw, path)
            self.describe(ds, raw, meta, path)
        except Exception as error:  # a value no check above foresaw: report, never crash
            tally.skipped.append((self.where(path), f"partly read ({type(error).__name__})"))

    def add(self, raw: Raw, path: str) -> None:
        """Sum up who and when: patients, studies, series, instances, dates, ages."""
        tally = self.tally
        name = raw.get(TAGS["PatientName"], b"").strip(b"^= ")
        private = (name, raw.get(TAGS["AccessionNumber"]), raw.get(TAGS["PatientBirthDate"]))
        parts = [part for part in re.split(rb"[\^=\s]+", name) if len(part) >= 4]
        for value in (*private, *parts):
            if value:
                tally.identifiers.add(self.digest(value.upper()))
        for keyword in EXPECTED:
            if not raw.get(TAGS[keyword]):
                tally.missing.setdefault(keyword, []).append(self.where(path))
        tally.instances.add(self.digest(raw.get(TAGS["SOPInstanceUID"]) or path.encode()))
        study_uid = raw.get(TAGS["StudyInstanceUID"])
        series_uid = raw.get(TAGS["SeriesInstanceUID"])
        study = self.digest(study_uid) if study_uid else None
        if study is not None:
            tally.studies.add(study)
        if series_uid:
            tally.series.add(self.digest(series_uid))
        patient = raw.get(TAGS["PatientID"])
        if patient:
            sex = _text(raw, "PatientSex").upper()
            tally.sex_of_patient[self.digest(patient)] = sex if sex in ("F", "M", "O") else ""
        study_date = _date(raw.get(TAGS["StudyDate"], b""))
        if study_date:
            tally.widen_period(study_date.isoformat(), study_date.isoformat())
        birth = _date(raw.get(TAGS["PatientBirthDate"], b""))
        age = age_in_years(raw.get(TAGS["PatientAge"], b""), birth, study_date)
        if age is not None and study is not None:
            tally.age_of_study[study] = age

    def judge(self, ds: Dataset, raw: Raw, path: str) -> None:
        """Note why the file looks identified, if it does (``deidentification``).

        The values are judged here, in the worker, and only the reasons leave it.
        """
        codes: list[Dataset] = list(ds.get("DeidentificationMethodCodeSequence") or [])
        method_codes = {str(item.get("CodeValue", "")).strip() for item in codes}
        methods = len(codes) + bool(raw.get(TAGS["DeidentificationMethod"]))
        found = deidentification.reasons(
            _text(raw, "PatientIdentityRemoved"),
            methods,
            method_codes,
            raw.get(TAGS["PatientName"], b"").decode("latin-1"),
            raw.get(TAGS["PatientID"], b"").decode("latin-1"),
            raw.get(TAGS["PatientBirthDate"], b"").decode("latin-1"),
        )
        for reason in found:
            self.tally.identified.setdefault(reason, []).append(self.where(path))

    def describe(self, ds: Dataset, raw: Raw, meta: Raw, path: str) -> None:
        """Sum up what the instance says about the images: modality, body part, format."""
        tally = self.tally
        modality = _text(raw, "Modality").upper()
        if modality:
            tally.modalities[modality] += 1
        body_part = _text(raw, "BodyPartExamined")
        if body_part:
            tally.body_parts[body_part] += 1
        manufacturer = raw.get(TAGS["Manufacturer"], b"")
        if manufacturer:  # LO: may be in the file's character set, which pydicom decodes
            text = manufacturer.decode() if manufacturer.isascii() else str(ds.Manufacturer)
            tally.manufacturers[" ".join(text.split())] += 1
        tally.transfer_syntaxes[meta.get(TRANSFER_SYNTAX, b"").decode("latin-1")] += 1
        tally.refine_resolution(_spacing(raw))
        sop_class = raw.get(TAGS["SOPClassUID"]) or meta.get(MEDIA_STORAGE_SOP_CLASS)
        if modality == "SEG" or sop_class == SEGMENTATION_STORAGE:
            study_uid = raw.get(TAGS["StudyInstanceUID"])
            if study_uid:
                tally.segmented_studies.add(self.digest(study_uid))
            for segment in self.segments(path):
                label = " ".join(str(segment.get("SegmentLabel") or "").split())
                if label:
                    tally.segment_labels[label] += 1
                algorithm = str(segment.get("SegmentAlgorithmType") or "").strip().upper()
                if algorithm:
                    tally.segment_algorithms[algorithm] += 1

    def segments(self, path: str) -> list[Dataset]:
        """Return the items of a SEG's Segment Sequence, read on up to its pixel data."""
        try:
            return list(read_header(path, whole=True).get("SegmentSequence") or [])
        except Exception:  # a corrupt sequence: the SEG still counts, its labels do not
            self.tally.missing.setdefault("readable SegmentSequence", []).append(self.where(path))
            return []


def read_chunk(paths: list[str], key: bytes, root: str) -> Tally:
    """Read a list of files in this process and return their tally.

    pydicom warns about odd values, and logs each warning; both may quote a value, so the
    warnings are counted per file and never shown, and pydicom's log is muted meanwhile.
    Value validation is off: the scan only reads.
    """
    reader = Reader(key, root)
    log, muted = config.logger, config.logger.disabled
    log.disabled = True
    try:
        with warnings.catch_warnings(record=True) as caught, config.disable_value_validation():
            warnings.simplefilter("always")
            for path in paths:
                before = len(caught)
                reader.read(path)
                if len(caught) > before:
                    reader.tally.warned.append(reader.where(path))
    finally:
        log.disabled = muted
    return reader.tally
