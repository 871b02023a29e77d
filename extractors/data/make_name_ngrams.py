"""Write ``name_ngrams.tsv``: how much each character n-gram of a capitalised word says "person's name".

A logistic regression over the character n-grams (2 to 5, word boundaries marked) of capitalised
words, trained on:

* words inside PER spans of the cased NER corpora in ``../shared/data/ner`` (idner-news-2k,
  NER UGM, NERGrit train splits) and the officials' names of ``../shared/eval/dev.jsonl`` and of
  the real-news train split (``tests/fixtures/realnews/train.jsonl``): names;
* capitalised words outside PER spans in those corpora (not sentence-initial) and the words of
  warta's own position, field-word and institution tables: not names.

A word seen both ways takes its majority label. The real-news dev and test splits are never read.
The model is written as a table (``ngram<TAB>weight``, the intercept as ``<bias>``), read by
:func:`extractors.lexicon.name_score`, so extraction needs no scikit-learn at run time.

Usage (needs scikit-learn, in the ``dev`` extra):
    python extractors/data/make_name_ngrams.py ../shared [OUT.tsv]
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORD = re.compile(r"[A-Z][A-Za-z'-]+")
#: L2 strength: chosen on the real-news dev split (names kept vs non-names dropped).
C = 1.0
MIN_WEIGHT = 0.01


def _gold_names(path: Path) -> list[str]:
    names: list[str] = []
    for line in path.open(encoding="utf-8"):
        for official in json.loads(line)["gold"]["officials"]:
            value = official["name"]
            names.extend(value if isinstance(value, list) else [value])
    return names


def training_words(shared: Path) -> tuple[list[str], list[int]]:
    sys.path.insert(0, str(REPO))
    from extractors import lexicon
    from extractors.ner_eval import CORPORA

    pos: collections.Counter[str] = collections.Counter()
    neg: collections.Counter[str] = collections.Counter()
    for corpus in CORPORA:
        if "PER" not in corpus.labels or "ORG" not in corpus.labels:
            continue  # a lower-cased corpus has no capitalised words to learn from
        for sentence in corpus.read(shared, "train"):
            for i, (word, tag) in enumerate(zip(sentence.tokens, sentence.tags)):
                if not WORD.fullmatch(word):
                    continue
                if tag.endswith("PER"):
                    pos[word.lower()] += 1
                elif tag != "O" or i > 0:
                    neg[word.lower()] += 1
    gold = [shared / "eval" / "dev.jsonl", REPO / "tests" / "fixtures" / "realnews" / "train.jsonl"]
    for path in gold:
        if path.is_file():
            for name in _gold_names(path):
                for word in name.split():
                    if WORD.fullmatch(word):
                        pos[word.lower()] += 1
    for position in lexicon.positions():
        for word in position:
            neg[word] += 1
    for word in lexicon.field_words():
        neg[word] += 1
    for entry in lexicon.institutions():
        for word in entry.name.split():
            if WORD.fullmatch(word):
                neg[word.lower()] += 1
    words = sorted(set(pos) | set(neg))
    return words, [1 if pos[w] >= neg[w] else 0 for w in words]


def main(shared: str, out_path: str | None = None) -> None:
    words, labels = training_words(Path(shared))
    vec = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), binary=True, min_df=2)
    features = vec.fit_transform(words)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(features, labels)
    weights = sorted(((g, float(w)) for g, w in zip(vec.get_feature_names_out(), model.coef_[0])
                      if abs(w) >= MIN_WEIGHT), key=lambda x: x[0])
    out = Path(out_path) if out_path else HERE / "name_ngrams.tsv"
    with out.open("w", encoding="utf-8") as fh:
        fh.write("# Character n-gram weights of a person's-name model (made by make_name_ngrams.py from the\n"
                 f"# NER corpora and gold officials; {len(words)} words, {sum(labels)} of them names). "
                 "n-gram<TAB>weight; spaces mark word edges.\n")
        fh.write(f"<bias>\t{float(model.intercept_[0]):.4f}\n")
        for gram, weight in weights:
            fh.write(f"{gram.replace(' ', '_')}\t{weight:.4f}\n")
    print(f"{len(words)} words ({sum(labels)} names), {len(weights)} n-grams -> {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
