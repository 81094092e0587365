"""Whether a DICOM file is de-identified: what the file declares, and what it still holds.

DICOM PS3.15 Annex E (https://dicom.nema.org/medical/dicom/current/output/chtml/part15/
chapter_E.html) says how a de-identified file declares itself: Patient Identity Removed
(0012,0062) is YES, and De-identification Method (0012,0063) or its Code Sequence
(0012,0064) says how. A file that does not declare it is flagged. One that does is still
flagged when it keeps a value that identifies: a patient name that reads as a person's name
(a pseudonym such as ``ANON0001`` or ``SUBJ-12`` does not), a birth date, or a patient ID in
the form of a national identity number or an e-mail address.

Each reason is a fixed sentence naming the attribute, never the value: the reasons leave
the worker, the values do not.
"""

from __future__ import annotations

import re

# PS3.16 CID 7050 "De-identification Method": the Retain Longitudinal Temporal Information
# with Modified Dates option. Its dates, the birth date included, are shifted.
MODIFIED_DATES_OPTION = "113107"

NOT_DECLARED = (
    "not declared de-identified: PatientIdentityRemoved (0012,0062) is not YES and no "
    "DeidentificationMethod (0012,0063/0064) is given"
)
DECLARED_NOT_REMOVED = "PatientIdentityRemoved (0012,0062) is NO"
NAME = "PatientName (0010,0010) reads as a person's name, not a pseudonym"
BIRTH_DATE = "PatientBirthDate (0010,0030) is kept (and not shifted by option 113107)"
NATIONAL_ID = "PatientID (0010,0020) has the form of a national identity number"
EMAIL = "PatientID (0010,0020) or PatientName (0010,0010) holds an e-mail address"

# Words de-identifiers write in place of a name: a name made only of these is no one's.
PLACEHOLDERS = frozenset(
    {
        "ANON", "ANONYMOUS", "ANONYMIZED", "ANONYMISED", "ANONYMIZE", "DEIDENTIFIED",
        "DEID", "REMOVED", "REDACTED", "UNKNOWN", "PATIENT", "SUBJECT", "CASE", "NONE",
        "NAME", "NULL", "NA", "PHANTOM", "TEST", "DUMMY", "PSEUDONYM", "MASKED",
    }
)  # fmt: skip

# National identity numbers in their written forms (a bare run of digits could as well be a
# pseudonym; the forms with separators or a check digit are not chosen by chance).
NATIONAL_ID_FORMS = (
    re.compile(r"\d{3}-\d{2}-\d{4}"),  # US Social Security number
    re.compile(r"(\d{2})?\d{6}[-+]\d{4}"),  # Swedish personnummer, Danish CPR, Finnish-like
    re.compile(r"\d{3} \d{3} \d{4}"),  # UK NHS number, as printed
    re.compile(r"[0-9]{8}[A-HJ-NP-TV-Z]"),  # Spanish DNI (number and control letter)
)
EMAIL_FORM = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def looks_like_a_name(value: str) -> bool:
    """Whether a Person Name value reads as someone's name rather than a pseudonym.

    A pseudonym carries digits (``ANON0001``, ``SUBJ-12``, a hash) or only placeholder words
    (``Anonymous``, ``REMOVED``); a name is letters, with at least one part of two or more.
    """
    if any(character.isdigit() for character in value):
        return False
    words = [word for word in re.split(r"[\^=\s,.()_-]+", value) if word]
    if all(word.upper() in PLACEHOLDERS or set(word) <= {"X", "x", "*", "?"} for word in words):
        return False
    return any(len(word) >= 2 and word.isalpha() for word in words)


def _pesel(value: str) -> bool:
    """Whether an 11-digit value is a valid Polish PESEL (check digit and a real date)."""
    if not re.fullmatch(r"\d{11}", value):
        return False
    digits = [int(d) for d in value]
    check = sum(w * d for w, d in zip((1, 3, 7, 9, 1, 3, 7, 9, 1, 3), digits, strict=False))
    month = int(value[2:4]) % 20
    return (10 - check % 10) % 10 == digits[10] and 1 <= month <= 12 and 1 <= int(value[4:6]) <= 31


def looks_like_a_national_id(value: str) -> bool:
    """Whether a patient ID has the written form of a national identity number."""
    value = value.strip()
    return _pesel(value) or any(form.fullmatch(value) for form in NATIONAL_ID_FORMS)


def reasons(
    identity_removed: str,
    methods: int,
    method_codes: set[str],
    name: str,
    patient_id: str,
    birth_date: str,
) -> list[str]:
    """Return why a file looks identified (empty: it does not), in the order of the report.

    ``methods`` counts the De-identification Method values and code items given;
    ``method_codes`` are the code items' values (CID 7050).
    """
    found = []
    removed = identity_removed.strip().upper()
    if removed == "NO":
        found.append(DECLARED_NOT_REMOVED)
    elif removed != "YES" and not methods:
        found.append(NOT_DECLARED)
    if name and looks_like_a_name(name):
        found.append(NAME)
    if birth_date and MODIFIED_DATES_OPTION not in method_codes:
        found.append(BIRTH_DATE)
    if patient_id and looks_like_a_national_id(patient_id):
        found.append(NATIONAL_ID)
    if EMAIL_FORM.search(patient_id) or EMAIL_FORM.search(name):
        found.append(EMAIL)
    return found
