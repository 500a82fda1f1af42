"""``pdftotext -layout`` exports: lines and column segments (lines), the header block
(header), the heading-anchored table reader for every table whose column-header row its
headings show (columns, the row found by headings, its words put in columns by align), the
classic four-column reader for a table printed without one (table), both placing merged
labels by vertical centring (spans, vertical), wired in :mod:`.forms`."""
