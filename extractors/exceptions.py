"""Errors raised by the extractors.

Tree::

    ExtractionError
    ├── BadInputError (also ValueError)
    ├── DataTableError
    ├── NerDataError (also ValueError)
    ├── NerModelMissing (also FileNotFoundError)
    ├── ReservedDataError (also ValueError)
    └── TrainingDataMissing (also FileNotFoundError)
"""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class of every error raised by :mod:`extractors`."""


class BadInputError(ExtractionError, ValueError):
    """The text or publication date given to an extractor cannot be used."""


class DataTableError(ExtractionError):
    """A data table under ``extractors/data/`` is missing or malformed."""


class NerDataError(ExtractionError, ValueError):
    """A NER corpus file, tag sequence or label map cannot be read or scored."""


class NerModelMissing(ExtractionError, FileNotFoundError):
    """The NER model folder is absent; build it with ``warta train-ner``."""


class ReservedDataError(ExtractionError, ValueError):
    """Training data overlaps the material reserved for blind evaluation (``check_reserved.py``)."""


class TrainingDataMissing(ExtractionError, FileNotFoundError):
    """A NER training corpus is missing from the shared data folder."""


class ModelFolderError(ExtractionError, ValueError):
    """A model folder cannot be written or replaced: it holds something that is not a warta model."""


class UntrainedModelError(ExtractionError):
    """Training ended before the model took a single update, so there is nothing worth writing."""
