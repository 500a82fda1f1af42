"""``pdftotext -layout`` exports: lines and column segments (lines), the header block
(header), the classic four-column table (table, spans, vertical) and the heading-anchored
reader for tables with more columns or period blocks (columns, its words put in columns by
align), wired in :mod:`.forms`."""
