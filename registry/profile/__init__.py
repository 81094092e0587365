"""What a valid description is: shapes, selection, validation, vocabularies, the profile as
tables and words."""
