"""Write ``common_words.txt``: words Indonesian news writes in lower case mid-sentence.

A capitalised word in such a list is a common noun of an office's or unit's name ("Layanan",
"Kelembagaan", "Pemasaran"), not a person's name, which news writes capitalised everywhere
("Yani", "Budi"). The list is counted from the CC BY 4.0 part (``clickid-``) of
``../shared/data/news/articles.jsonl``: a word counts when it occurs at least 5 times not at a
sentence start and at least half of those occurrences are lower case.

Usage: python extractors/data/make_common_words.py ../shared/data/news/articles.jsonl
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

MIN_COUNT = 5
MIN_LOWER_SHARE = 0.5


def main(corpus: str) -> None:
    lower: collections.Counter[str] = collections.Counter()
    capital: collections.Counter[str] = collections.Counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            if not article["id"].startswith("clickid-"):
                continue
            for sentence in re.split(r"(?<=[.!?\"”])\s+|\n+", article["text"]):
                for word in re.findall(r"[A-Za-z]+", sentence)[1:]:
                    if word.islower():
                        lower[word] += 1
                    elif word[0].isupper() and not word.isupper():
                        capital[word.lower()] += 1
    words = sorted(w for w, n in lower.items()
                   if len(w) > 2 and n >= MIN_COUNT and n / (n + capital[w]) >= MIN_LOWER_SHARE)
    out = Path(__file__).with_name("common_words.txt")
    header = ("# Words Indonesian news writes in lower case mid-sentence (made by make_common_words.py from\n"
              "# the CC BY 4.0 CLICK-ID articles: >= 5 occurrences, >= 50 % lower case). One per line.\n")
    out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
