"""``pdftotext`` default-mode exports (one text run per line, columns lost): the line stream
(stream), table rows (table) and the level-1/level-2 inference from the print (level_search,
level_inference), wired in :mod:`.forms`."""
