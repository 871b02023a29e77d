"""spaCy's Indonesian tokenizer, built in a tenth of the time.

spaCy's Indonesian exceptions hold 15,614 plain hyphenated words ("abu-abu", "kupu-kupu") that
only keep the infix rules from splitting them. Adding each as a special case costs about 2.5 s
of CPU for every tokenizer built. Here they stay in a set that the tokenizer consults as its
``token_match`` (checked after prefixes and suffixes are split off, like a special case), and
only the other exceptions (abbreviations, cases with several tokens or a norm) are added as
special cases. The tokens are the same as the stock tokenizer's except where such a word is glued
to other text by an infix ("Barat,Langkah-langkah" splits at its hyphen here): 2 of 1,500 real
articles of ``../shared/data/news`` tokenised differently, each on one reduplicated common word.

The tokenizer is registered as ``warta.id_tokenizer.v1``; use :data:`TOKENIZER_CONFIG` as the
``config`` of ``spacy.blank("id", ...)`` or ``spacy.load(...)``. Its ``token_match`` is not a
regular expression, so ``nlp.tokenizer.to_disk`` is not supported (warta never saves it: the
NER model is trained and saved from its own config).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import registry

#: ``config`` for ``spacy.blank``/``spacy.load`` that selects this tokenizer.
TOKENIZER_CONFIG: dict[str, Any] = {"nlp": {"tokenizer": {"@tokenizers": "warta.id_tokenizer.v1"}}}


def _plain_word(key: str, value: list[dict[int | str, str]]) -> bool:
    """An exception that is one token, equal to its key, with no other attribute."""
    return len(value) == 1 and set(value[0]) <= {ORTH, "ORTH"} and next(iter(value[0].values())) == key \
        and "-" in key and " " not in key


@registry.tokenizers("warta.id_tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """The stock Indonesian tokenizer with its plain hyphenated words kept in a set."""

    def factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        exceptions = defaults.tokenizer_exceptions
        words = frozenset(k for k, v in exceptions.items() if _plain_word(k, v))
        rules = {k: v for k, v in exceptions.items() if k not in words}
        prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
        return Tokenizer(
            nlp.vocab,
            rules=rules,
            prefix_search=util.compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=util.compile_suffix_regex(suffixes).search if suffixes else None,
            infix_finditer=util.compile_infix_regex(infixes).finditer if infixes else None,
            token_match=words.__contains__,
            url_match=defaults.url_match,
        )

    return factory
