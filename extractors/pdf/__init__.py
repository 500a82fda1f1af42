"""PDF reader (pdfplumber): pages copied without pdfplumber's char dicts (pages), the grid of
ruling lines and cell rectangles (grid), header cells (header), indicator tables (tables),
wired into forms by :mod:`extractors.pdf.forms`; tuning in :mod:`extractors.pdf.settings`."""
