"""A DICOM folder -> a draft description (no store, no profile)."""
