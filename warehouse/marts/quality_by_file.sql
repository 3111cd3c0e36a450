-- Row accounting and per-file errors: rows_in = valid + flagged + quarantined + superseded.
SELECT * FROM file_accounting
