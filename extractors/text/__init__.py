"""Readers of plain-text exports, one per style: the seed's own export (:mod:`.seed`),
``pdftotext -layout`` (:mod:`.layout`) and ``pdftotext`` default mode (:mod:`.pdftotext`)."""
