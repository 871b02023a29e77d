"""Static word vectors for the NER model, trained on the real news of ``../shared/data/news``.

Recipe (CPU, a few minutes):

1. :func:`write_vector_text`: every article of ``data/news/articles.jsonl`` (title and text)
   except those of the real-news gold set's dev and test splits (they tune and measure the
   extractors; the train split's articles stay in), tokenised with warta's tokenizer,
   lower-cased, one paragraph a line.
2. :func:`build_vectors`: floret (fastText with hashed subwords, the ``floret`` package, in the
   ``dev`` extra) trains CBOW vectors on it: :data:`DIM` dimensions in :data:`BUCKETS` hash rows,
   character 3- to 5-grams, two hashes per n-gram, so every word, unseen names included, gets a
   vector from its pieces in a table of fixed size. spaCy's ``convert_vectors`` turns them into
   a vectors folder keyed on ``LOWER`` (so "LAMPUNG", "Lampung" and "lampung" share a vector).

The vectors are a statistical model derived from the articles; none of their text is kept.
``warta train-ner --vectors DIR`` trains the NER model with them (and ships them inside it).

Run ``python -m extractors.news_vectors --shared ../shared --output DIR``.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path

import spacy

from extractors.exceptions import TrainingDataMissing

logger = logging.getLogger(__name__)

#: Vector width and number of hash rows (100 x 20,000 float32: 8 MB inside the model).
DIM = 100
BUCKETS = 20000
#: The real-news splits whose articles stay out of the vector text.
HELD_OUT = tuple(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "realnews" / f"{split}.jsonl"
                 for split in ("dev", "test"))
NEWS = Path("data") / "news" / "articles.jsonl"


def held_out_ids(files: Iterable[Path] = HELD_OUT) -> set[str]:
    """The ids of the records of ``files`` (the real-news dev and test splits)."""
    ids: set[str] = set()
    for path in files:
        with Path(path).open(encoding="utf-8") as fh:
            ids.update(str(json.loads(line)["id"]) for line in fh if line.strip())
    return ids


def write_vector_text(shared: Path, out: Path, exclude: set[str] | None = None,
                      prefixes: tuple[str, ...] = ()) -> tuple[int, int]:
    """Write the tokenised, lower-cased news text floret trains on.

    Args:
        shared: The shared data folder (holding ``data/news/articles.jsonl``).
        out: The text file to write, one paragraph a line.
        exclude: Article ids to leave out [default: :func:`held_out_ids`].
        prefixes: Keep only articles whose id starts with one of these (e.g. ``("clickid-",)``:
            the CC BY 4.0 part of the corpus, see its SOURCE.md); all articles when empty.

    Returns:
        ``(articles, tokens)`` written.

    Raises:
        TrainingDataMissing: The news corpus is absent.
    """
    from extractors.tokenizer import TOKENIZER_CONFIG

    source = Path(shared) / NEWS
    if not source.is_file():
        raise TrainingDataMissing(f"{source} not found: pass --shared pointing at the shared data folder")
    exclude = held_out_ids() if exclude is None else exclude
    tokenizer = spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer
    articles = tokens = 0
    with source.open(encoding="utf-8") as fh, Path(out).open("w", encoding="utf-8") as dest:
        for line in fh:
            record = json.loads(line)
            if str(record["id"]) in exclude or (prefixes and not str(record["id"]).startswith(prefixes)):
                continue
            articles += 1
            for block in (record.get("title") or "", record.get("text") or ""):
                for paragraph in block.split("\n"):
                    words = [t.text.lower() for t in tokenizer(paragraph) if not t.is_space]
                    if words:
                        dest.write(" ".join(words) + "\n")
                        tokens += len(words)
    logger.info("vector text: %d articles, %d tokens -> %s", articles, tokens, out)
    return articles, tokens


def build_vectors(shared: Path, output: Path, dim: int = DIM, buckets: int = BUCKETS, epochs: int = 10,
                  threads: int = 2, prefixes: tuple[str, ...] = (), hash_count: int = 2, maxn: int = 5) -> Path:
    """Train floret vectors on the shared news and save them as a spaCy vectors folder.

    Args:
        shared: The shared data folder.
        output: The folder to write (``spacy init vectors`` layout: a blank ``id`` pipeline).
        dim: Vector width.
        buckets: Hash rows of the floret table.
        epochs: Passes over the text.
        threads: floret worker threads (more than one is faster, not bit-for-bit reproducible).
        prefixes: Only articles whose id starts with one of these (see :func:`write_vector_text`).
        hash_count: Hash rows per character n-gram (fewer: a cheaper lookup per token).
        maxn: Longest character n-gram (3 to ``maxn``; shorter: fewer n-grams per token).

    Returns:
        ``output``.
    """
    import floret
    from spacy.training.initialize import convert_vectors

    with tempfile.TemporaryDirectory(prefix="warta-vectors-") as tmp:
        text = Path(tmp) / "news.txt"
        write_vector_text(Path(shared), text, prefixes=prefixes)
        model = floret.train_unsupervised(
            str(text), model="cbow", mode="floret", hashCount=hash_count, bucket=buckets, minn=3, maxn=maxn,
            minCount=3, dim=dim, epoch=epochs, thread=threads, verbose=0,
        )
        table = Path(tmp) / "news.floret"
        model.save_floret_vectors(str(table))
        nlp = spacy.blank("id")
        convert_vectors(nlp, table, truncate=0, prune=-1, name="warta_news_floret", mode="floret", attr="LOWER")
        nlp.to_disk(output)
    logger.info("floret vectors %d x %d -> %s", buckets, dim, output)
    return Path(output)


def main() -> None:
    """Command-line entry point."""
    import argparse

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--output", type=Path, required=True, help="spaCy vectors folder to write")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--id-prefix", action="append", default=[], metavar="PREFIX",
                        help="only articles whose id starts with PREFIX, e.g. clickid- (the CC BY 4.0 part); "
                             "repeatable [default: all]")
    parser.add_argument("--dim", type=int, default=DIM, help=f"vector width [default: {DIM}]")
    parser.add_argument("--rows", type=int, default=BUCKETS, help=f"hash rows [default: {BUCKETS}]")
    parser.add_argument("--hash-count", type=int, default=2, help="hash rows per n-gram [default: 2]")
    parser.add_argument("--maxn", type=int, default=5, help="longest character n-gram [default: 5]")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build_vectors(args.shared, args.output, dim=args.dim, buckets=args.rows, threads=args.threads,
                  prefixes=tuple(args.id_prefix), hash_count=args.hash_count, maxn=args.maxn)


if __name__ == "__main__":
    main()
