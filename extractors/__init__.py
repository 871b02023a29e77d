"""warta's extractors: article text -> officials, institutions, places, dates, programme stages
and programme participants (:class:`pipeline.models.ArticleFacts`).

One module per fact type (``officials``, ``institutions``, ``places``, ``dates``, ``programmes``),
data tables under ``data/``, the spaCy pipeline in ``nlp``, scoring in ``evaluate``.

Example:
    >>> from extractors import extract
    >>> facts = extract("Bupati Lahat Sandi Pramudya SH meninjau lokasi, Senin (7/3).", "2021-03-08")
    >>> [(o.name, o.role) for o in facts.officials]
    [('Sandi Pramudya', 'bupati lahat')]
"""

from __future__ import annotations

from extractors.extract import EXTRACTOR_VERSION, FACT_EXTRACTORS, Extractor, extract

__all__ = ["EXTRACTOR_VERSION", "FACT_EXTRACTORS", "Extractor", "extract"]
