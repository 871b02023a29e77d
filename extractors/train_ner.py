"""Train warta's Indonesian news NER model (PER, ORG, LOC) from the shared corpora.

Recipe (reproducible, CPU only; static vectors only with ``vectors=``/``--vectors``):

1. Read the train splits listed in :data:`TRAIN_SOURCES` (idner-news-2k ``train.txt`` twice,
   IndoLEM NER UGM ``train.01.tsv``, NERGrit and NERP ``train_preprocess.txt``), each with its
   corpus's label map from :data:`extractors.ner_eval.CORPORA` (types outside PER/ORG/LOC -> O),
   and the real-news gold set's train split with its gold names aligned as spans
   (:class:`GoldSpanSource`, :mod:`extractors.gold_spans`; tokens outside them missing).
   NERP annotates no organisations, so its tokens outside PER/LOC entities are left *missing*
   (spaCy's ``-``), never ``O``. Casing augmentation adds a lower-cased copy of 30% of the
   cased sentences and a copy of half of NERP's with the first and the entity tokens
   capitalised. The dev splits of all four corpora (:data:`DEV_SOURCES`) choose the
   checkpoint; test splits are never read here. Everything is written as spaCy ``DocBin``
   files in a temporary folder. ``--without CORPUS`` drops a corpus from both (a
   leave-one-corpus-out model, to score on that corpus). Every file read (the real-news
   texts as joined) is first run through the shared ``eval/check_reserved.py``
   (:func:`check_reserved`); anything it flags stops the run.
2. Train :data:`CONFIG_PATH` with spaCy's training loop, evaluating on the joined dev
   sets every ``eval_frequency`` steps and keeping the best checkpoint, until
   ``patience``/``max_steps`` in the config or the wall-clock cap is reached.
3. Write the best checkpoint taken after at least one update to a NEW folder,
   ``extractors/models/id_news_ner-YYYYMMDD-HHMMSS/`` beside the shipped model (or
   ``--output``). A run that ends before its first update writes nothing.
4. Only on request (``warta train-ner --replace``): score the new and the shipped model
   on the same dev sets (:func:`compare_models`) and swap the new one in
   (:func:`install_model`).

Folders are guarded: a folder is written or replaced only when it does not exist, is
empty, or holds a warta model (``config.cfg`` and a ``meta.json`` naming
:data:`MODEL_NAME`, see :func:`is_warta_model`); the shipped model is never an
``--output``. Anything else is refused with :class:`ModelFolderError` before training
starts.

Run ``warta train-ner`` or ``python -m extractors.train_ner``.
"""

from __future__ import annotations

import datetime
import json
import logging
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from extractors.exceptions import ModelFolderError, ReservedDataError, TrainingDataMissing, UntrainedModelError
from extractors.ner_eval import CORPORA, LABELS, MISSING, NerCorpus, NerScores, Split, TaggedSentence, TypeScore, score_tags

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

logger = logging.getLogger(__name__)

#: The spaCy config the model is trained from.
CONFIG_PATH = Path(__file__).resolve().parent / "ner_config.cfg"
#: The shipped model: replaced only by :func:`install_model` (``warta train-ner --replace``).
SHIPPED_MODEL = Path(__file__).resolve().parent / "models" / "id_news_ner"
#: A resumed run (``--resume``) trains at this share of the config's learning rate: a run that has
#: levelled off at the full rate (0.4.0's dev F1 stayed at 0.78-0.79 for 1,800 more steps at 0.001)
#: is annealed, not restarted.
RESUME_LEARN_RATE_FACTOR = 0.2
#: Casing augmentation and partial labels are chosen with this seed (reproducible corpora).
AUGMENT_SEED = 0


@dataclass(frozen=True, slots=True)
class TrainSource:
    """One split of a corpus in :data:`extractors.ner_eval.CORPORA` and how it is fed to training.

    Attributes:
        corpus: The corpus name (its folder under ``data/ner``); its label map applies.
        split: ``"train"`` or ``"dev"`` (test splits are never read for training).
        copies: How many times each sentence is repeated.
        lower_fraction: Share of the sentences added once more, lower-cased (labels unchanged),
            so lower-cased text (headlines, NERP-like sources) still gets entities.
        recase_fraction: Share of the sentences added once more with the first token and each
            entity token capitalised, for a lower-cased corpus: its names then also look like
            names in cased news.

    A corpus that annotates only some of warta's types (``NerCorpus.labels``, e.g. NERP: PER
    and LOC, no ORG) gets every token outside those entities as *missing* (spaCy's ``-``), never
    ``O``: an organisation there is unannotated, not "no entity".
    """

    corpus: str
    split: Split = "train"
    copies: int = 1
    lower_fraction: float = 0.0
    recase_fraction: float = 0.0

    @property
    def ner_corpus(self) -> NerCorpus:
        """The :class:`NerCorpus` named :attr:`corpus`."""
        for corpus in CORPORA:
            if corpus.name == self.corpus:
                return corpus
        raise TrainingDataMissing(f"unknown corpus {self.corpus!r}: use one of {', '.join(c.name for c in CORPORA)}")

    @property
    def relative(self) -> str:
        """The file's path inside the shared data folder."""
        corpus = self.ner_corpus
        return f"data/ner/{corpus.name}/{corpus.files[self.split]}"

    def read(self, shared: Path) -> list[TaggedSentence]:
        """The split's sentences, label-mapped, tokens outside the corpus's types :data:`MISSING`."""
        corpus = self.ner_corpus
        _check_file(Path(shared) / self.relative)
        return [partial_labels(s, corpus.labels) for s in corpus.read(shared, self.split)]


#: The real-news extraction gold set's train split (texts joined from ``../shared/data/news``).
REALNEWS_TRAIN = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "realnews" / "train.jsonl"


@dataclass(frozen=True, slots=True)
class GoldSpanSource:
    """An extraction gold file whose gold strings are aligned to its texts as PER/ORG/LOC spans.

    Officials' names become PER, institutions' names ORG, places' names LOC; every other token
    is :data:`MISSING` (the gold set annotates officials, not every person). See
    :mod:`extractors.gold_spans`. The records' texts are joined from the shared news corpus by
    :func:`extractors.evaluate.read_gold`. Only a train split may be read here: the dev and
    test splits of the real-news gold set tune and measure the extractors.

    Attributes:
        corpus: A name for the source (``--without`` takes it).
        gold: The gold JSON-lines file.
        split: Always ``"train"``.
        copies, lower_fraction, recase_fraction: As in :class:`TrainSource`.
    """

    corpus: str
    gold: Path
    split: Split = "train"
    copies: int = 1
    lower_fraction: float = 0.0
    recase_fraction: float = 0.0

    def read(self, shared: Path) -> list[TaggedSentence]:
        """The aligned sentences of every record (those with at least one span)."""
        from extractors.evaluate import read_gold
        from extractors.tokenizer import TOKENIZER_CONFIG

        if not Path(self.gold).is_file():
            raise TrainingDataMissing(f"{self.gold} not found: the real-news gold splits ship with warta "
                                      "(tests/fixtures/realnews/)")
        try:
            records = read_gold(self.gold, shared)
        except ValueError as exc:  # BadInputError: texts absent from the shared news corpus
            raise TrainingDataMissing(f"{exc}{self.absent_hint()}") from exc
        return self.align(records, spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer)

    def align(self, records: list[dict[str, Any]], tokenizer: Tokenizer) -> list[TaggedSentence]:
        """The records' gold strings as tagged sentences (PER/ORG/LOC: :mod:`extractors.gold_spans`)."""
        from extractors.gold_spans import align_records

        return align_records(records, tokenizer)

    def absent_hint(self) -> str:
        """What to do when the records' texts are not in the shared news corpus."""
        return f"; or leave it out with --without {self.corpus}"


#: A training source: a split of a shared NER corpus or an aligned extraction gold file.
Source = TrainSource | GoldSpanSource
_S = TypeVar("_S", TrainSource, GoldSpanSource, Source)


#: The name of the real-news train split as a training source.
REALNEWS_CORPUS = "realnews-train"

#: Training data. idner-news-2k is read twice: it is the hand-standardised set (acronyms such
#: as KPK, TNI, DPRD are ORG), while NER UGM often leaves such acronyms ``O``; doubling idner
#: makes its conventions win where the two disagree. NERGrit (mostly encyclopedic) adds
#: names from outside news; NERP (news, lower-cased, no ORG class) adds PER/LOC on lower-cased
#: text with ORG left missing. A lower-cased copy of 30% of the cased sentences and a
#: re-capitalised copy of half of NERP's make casing matter less.
TRAIN_SOURCES: tuple[Source, ...] = (
    TrainSource("idner-news-2k", "train", copies=2, lower_fraction=0.3),
    TrainSource("indolem-nerugm", "train", lower_fraction=0.3),
    TrainSource("nergrit-indonlu", "train", lower_fraction=0.3),
    TrainSource("nerp-indonlu", "train", recase_fraction=0.5),
    GoldSpanSource(REALNEWS_CORPUS, REALNEWS_TRAIN, lower_fraction=0.3),
)
#: Checkpoints are chosen on the dev splits of all four corpora (no augmentation).
DEV_SOURCES: tuple[TrainSource, ...] = (
    TrainSource("idner-news-2k", "dev"),
    TrainSource("indolem-nerugm", "dev"),
    TrainSource("nergrit-indonlu", "dev"),
    TrainSource("nerp-indonlu", "dev"),
)


def _as_files(sources: tuple[Source, ...]) -> tuple[tuple[str, str, int], ...]:
    return tuple((s.relative, s.ner_corpus.fmt, s.copies) for s in sources if isinstance(s, TrainSource))


#: ``(path, format, copies)`` of the shared NER corpus files in :data:`TRAIN_SOURCES` / :data:`DEV_SOURCES`.
TRAIN_FILES: tuple[tuple[str, str, int], ...] = _as_files(TRAIN_SOURCES)
DEV_FILES: tuple[tuple[str, str, int], ...] = _as_files(DEV_SOURCES)


def without_corpora(sources: tuple[_S, ...], names: Iterable[str]) -> tuple[_S, ...]:
    """``sources`` minus the corpora in ``names`` (leave-one-corpus-out runs)."""
    names = set(names)
    known = [*(c.name for c in CORPORA), REALNEWS_CORPUS]
    unknown = names - set(known)
    if unknown:
        raise TrainingDataMissing(f"unknown corpus {', '.join(sorted(unknown))}: use one of {', '.join(known)}")
    return tuple(s for s in sources if s.corpus not in names)


MODEL_NAME = "id_news_ner"
MODEL_VERSION = "0.5.0"

_NO_SPACE_BEFORE = {",", ".", ")", "]", "}", ":", ";", "!", "?", "%", "'s"}
_NO_SPACE_AFTER = {"(", "[", "{"}


@dataclass(slots=True)
class TrainResult:
    """What a training run produced."""

    output: Path
    best_dev_f1: float
    steps: int
    seconds: float
    train_sentences: int
    dev_sentences: int
    best_step: int = 0


@dataclass(slots=True)
class ModelComparison:
    """Two models scored on the same dev sentences: ``rows`` is ``(dev file, old, new)``, then the total."""

    old: Path
    new: Path
    rows: list[tuple[str, NerScores, NerScores]]
    total_old: NerScores
    total_new: NerScores

    @property
    def new_is_worse(self) -> bool:
        """True when the new model's micro F1 over all dev sentences is below the old one's."""
        return self.total_new.micro.f1 < self.total_old.micro.f1

    def format(self) -> str:
        """A table of micro F1 per dev file and over all of them, old model then new."""
        width = max(len("all dev sets"), *(len(name) for name, _o, _n in self.rows))
        lines = [f"{'dev set':<{width}} {'shipped':>8} {'new':>8}  (micro F1)"]
        for name, old, new in self.rows:
            lines.append(f"{name:<{width}} {old.micro.f1:>8.3f} {new.micro.f1:>8.3f}")
        lines.append(f"{'all dev sets':<{width}} {self.total_old.micro.f1:>8.3f} {self.total_new.micro.f1:>8.3f}")
        return "\n".join(lines)


def is_warta_model(path: Path, name: str = MODEL_NAME) -> bool:
    """True when ``path`` holds a warta model: ``config.cfg`` and a ``meta.json`` naming ``name`` (:data:`MODEL_NAME`)."""
    path = Path(path)
    if not (path / "config.cfg").is_file() or not (path / "meta.json").is_file():
        return False
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(meta, dict) and meta.get("name") == name


def check_model_folder(path: Path, shipped: Path = SHIPPED_MODEL, name: str = MODEL_NAME) -> None:
    """Refuse a folder a new model may not be written to.

    Allowed: a folder that does not exist yet, an empty folder, or an earlier warta model
    (which is replaced). Refused: files, folders holding anything else, and the shipped
    model (replace that one with ``--replace``).

    Args:
        path: The intended output folder.
        shipped: The model ``--replace`` would replace, never an output (nor is
            :data:`SHIPPED_MODEL`).
        name: The model name a replaceable folder's ``meta.json`` holds.

    Raises:
        ModelFolderError: Naming the folder and what to do instead.
    """
    path = Path(path)
    if path.resolve() in (Path(shipped).resolve(), SHIPPED_MODEL.resolve()):
        raise ModelFolderError(
            f"{path} is the shipped model: write the new model to another folder (leave out --output) "
            "and add --replace to swap it in after comparing dev scores"
        )
    check_replaceable(path, "give --output a new or empty folder", name)


def check_replaceable(path: Path, fix: str, name: str = MODEL_NAME) -> None:
    """Refuse to replace ``path`` unless it is absent, an empty folder or a warta model.

    Args:
        path: The folder that would be replaced.
        fix: What the user should do instead, appended to the message.
        name: The model name a replaceable folder's ``meta.json`` holds.

    Raises:
        ModelFolderError: When ``path`` is a file or holds anything else.
    """
    path = Path(path)
    if not path.exists():
        return
    if not path.is_dir():
        raise ModelFolderError(f"{path} is a file, not a model folder; it is left alone: {fix}")
    if any(path.iterdir()) and not is_warta_model(path, name):
        raise ModelFolderError(
            f"{path} is not empty and holds no warta model (config.cfg + meta.json named {name!r}); "
            f"it is left alone: {fix}"
        )


def new_model_dir(shipped: Path = SHIPPED_MODEL, now: datetime.datetime | None = None, name: str = MODEL_NAME) -> Path:
    """A folder that does not exist yet beside ``shipped``: ``<name>-YYYYMMDD-HHMMSS`` (``-2``... if taken)."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = Path(shipped).parent / f"{name}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _write_model(source: Path, output: Path, shipped: Path, name: str = MODEL_NAME) -> None:
    """Copy a saved pipeline to ``output`` (checked again just before anything is removed)."""
    check_model_folder(output, shipped, name)
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, output)


def _load_for_scoring(path: Path) -> spacy.language.Language:
    """Load a model folder afresh (not the per-process cache of :mod:`extractors.ner`)."""
    from extractors.tokenizer import TOKENIZER_CONFIG

    if not is_warta_model(path):
        raise ModelFolderError(f"{path} holds no warta model (config.cfg + meta.json named {MODEL_NAME!r})")
    return spacy.load(path, exclude=["tokenizer"], config=TOKENIZER_CONFIG)


def _total(scores: list[NerScores]) -> NerScores:
    """Micro counts summed over several scored sets (each scored on its own types)."""
    total = NerScores()
    for item in scores:
        total.sentences += item.sentences
        total.tokens += item.tokens
        for kind, score in item.per_type.items():
            into = total.per_type.setdefault(kind, TypeScore())
            into.true_positives += score.true_positives
            into.predicted += score.predicted
            into.gold += score.gold
        total.micro.true_positives += item.micro.true_positives
        total.micro.predicted += item.micro.predicted
        total.micro.gold += item.micro.gold
    return total


def compare_models(
    new: Path,
    old: Path = SHIPPED_MODEL,
    shared: Path | None = None,
    dev_sources: tuple[TrainSource, ...] = DEV_SOURCES,
) -> ModelComparison:
    """Score two models on the same dev files (strict entity-level micro F1).

    Each dev file is scored on the types its corpus annotates (NERP: PER and LOC).

    Args:
        new: The freshly trained model folder.
        old: The model it would replace (the shipped one by default).
        shared: The shared data folder holding the dev files.
        dev_sources: The dev splits (copies and augmentation are ignored here).

    Returns:
        A :class:`ModelComparison` with scores per dev file and over all of them.
    """
    from extractors.ner import tag_sentences

    shared = Path(shared) if shared is not None else Path(__file__).resolve().parents[2] / "shared"
    models = (_load_for_scoring(Path(old)), _load_for_scoring(Path(new)))
    rows: list[tuple[str, NerScores, NerScores]] = []
    for source in dev_sources:
        corpus = source.ner_corpus
        _check_file(shared / source.relative)
        sentences = corpus.read(shared, source.split)
        tags = [s.tags for s in sentences]
        pair = [tag_sentences(nlp, [s.tokens for s in sentences]) for nlp in models]
        rows.append((Path(source.relative).parent.name + "/" + Path(source.relative).name,
                     score_tags(tags, pair[0], corpus.labels), score_tags(tags, pair[1], corpus.labels)))
    return ModelComparison(Path(old), Path(new), rows,
                           _total([r[1] for r in rows]), _total([r[2] for r in rows]))


def install_model(new: Path, target: Path = SHIPPED_MODEL, name: str = MODEL_NAME) -> None:
    """Replace ``target`` by a copy of the model in ``new``; ``new`` stays as it is.

    The copy is made beside ``target`` first and swapped in by renames, so an interrupted
    run leaves either the old or the new model in place, never half of one.

    Args:
        new: A warta model folder.
        target: The folder to replace: a warta model, an empty folder or a new path.
        name: The model name both folders' ``meta.json`` hold.

    Raises:
        ModelFolderError: When ``new`` is no warta model or ``target`` holds anything else.
    """
    new, target = Path(new), Path(target)
    if not is_warta_model(new, name):
        raise ModelFolderError(f"{new} holds no warta model (config.cfg + meta.json named {name!r})")
    if new.resolve() == target.resolve():
        return
    check_replaceable(target, "name a warta model folder to replace", name)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    retired = target.with_name(f".{target.name}-old-{staging.name.rsplit('-', 1)[-1]}")
    try:
        shutil.copytree(new, staging, dirs_exist_ok=True)
        if target.exists():
            target.rename(retired)
        try:
            staging.rename(target)
        except OSError:
            if retired.exists() and not target.exists():
                retired.rename(target)  # put the old model back
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    if retired.exists():
        shutil.rmtree(retired)
    from extractors.ner import _load

    _load.cache_clear()  # this process loads the new model next time
    logger.info("installed %s as %s", new, target)



def repair_iob(tags: list[str]) -> list[str]:
    """Turn a stray ``I-X`` (not continuing an ``X`` entity) into ``B-X`` so spaCy accepts the tags."""
    fixed: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def sentence_to_doc(vocab: Vocab, sentence: TaggedSentence) -> Doc:
    """Build a spaCy ``Doc`` over a sentence's own tokens with its entities set.

    Spaces follow plain news typesetting (none before ``,`` ``.`` ``)``, none after
    ``(``), so ``doc.text`` reads like the article and re-tokenises the same way
    with ``spacy.blank("id")``. A :data:`MISSING` tag leaves the token unannotated.
    """
    words = sentence.tokens
    spaces = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        spaces.append(nxt is not None and nxt not in _NO_SPACE_BEFORE and word not in _NO_SPACE_AFTER)
    ents = [None if tag == MISSING else tag for tag in repair_iob(sentence.tags)]
    # spaCy reads None as a missing tag (its stubs say list[str]; "-" itself is refused).
    return Doc(vocab, words=words, spaces=spaces, ents=ents)  # type: ignore[arg-type]


def partial_labels(sentence: TaggedSentence, labels: tuple[str, ...]) -> TaggedSentence:
    """Mark every token outside an entity as :data:`MISSING` when ``labels`` is not all of :data:`LABELS`.

    A corpus without an ORG class tags organisations ``O``; training on that ``O`` would
    teach the model that they are no entities, so the tokens are left unannotated instead.
    """
    if set(LABELS) <= set(labels):
        return sentence
    return TaggedSentence(sentence.tokens, [MISSING if tag == "O" else tag for tag in sentence.tags])


def lower_cased(sentence: TaggedSentence) -> TaggedSentence:
    """The sentence lower-cased, same tags."""
    return TaggedSentence([token.lower() for token in sentence.tokens], list(sentence.tags))


def re_capitalised(sentence: TaggedSentence) -> TaggedSentence:
    """The sentence with its first token and every entity token capitalised, same tags."""
    tokens = [
        token[:1].upper() + token[1:] if i == 0 or tag[:2] in ("B-", "I-") else token
        for i, (token, tag) in enumerate(zip(sentence.tokens, sentence.tags))
    ]
    return TaggedSentence(tokens, list(sentence.tags))


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise TrainingDataMissing(
            f"{path} not found: pass --shared pointing at the shared data folder "
            "(the one holding data/ner/idner-news-2k, data/ner/indolem-nerugm, ...)"
        )


def read_sources(shared: Path, sources: tuple[Source, ...]) -> list[TaggedSentence]:
    """The sentences of ``sources`` as training sees them: label-mapped, partial labels as
    :data:`MISSING`, repeated ``copies`` times, then the casing-augmented copies (chosen with
    :data:`AUGMENT_SEED`, the same on every run)."""
    sentences: list[TaggedSentence] = []
    for source in sources:
        read = source.read(shared)
        # A partially labelled sentence without entities teaches nothing: every token is missing.
        read = [s for s in read if any(tag != MISSING for tag in s.tags)]
        sentences.extend(read * source.copies)
        rng = random.Random(f"{AUGMENT_SEED}:{source.corpus}:{source.split}")
        for sentence in read:
            draw = rng.random()
            if draw < source.lower_fraction:
                sentences.append(lower_cased(sentence))
            if draw < source.recase_fraction:
                sentences.append(re_capitalised(sentence))
    return sentences


#: The shared folder's check against the material reserved for blind evaluation.
RESERVED_CHECKER = Path("eval") / "check_reserved.py"


def check_reserved(shared: Path, sources: Iterable[Source], workdir: Path) -> list[Path]:
    """Run the shared ``eval/check_reserved.py`` on every file training reads, before it is read.

    The NER corpus files are checked as they are; an extraction gold source's texts (joined
    from the shared news corpus) are first written to ``workdir`` as JSON lines.

    Args:
        shared: The shared data folder (holding ``eval/check_reserved.py``).
        sources: The training and dev sources.
        workdir: A scratch folder for the joined texts.

    Returns:
        The files checked; empty (with a logged warning) when the checker is absent.

    Raises:
        ReservedDataError: The checker flagged something (its report is in the message).
    """
    from extractors.evaluate import read_gold

    checker = Path(shared) / RESERVED_CHECKER
    if not checker.is_file():
        logger.warning("%s not found: the training data is not checked against the material reserved "
                       "for blind evaluation", checker)
        return []
    files: list[Path] = []
    for source in dict.fromkeys(sources):
        if isinstance(source, TrainSource):
            _check_file(Path(shared) / source.relative)
            files.append(Path(shared) / source.relative)
            continue
        texts = workdir / f"{source.corpus}-texts.jsonl"
        try:
            records = read_gold(source.gold, shared)
        except ValueError as exc:  # BadInputError: texts absent from the shared news corpus
            raise TrainingDataMissing(f"{exc}; or leave it out with --without {source.corpus}") from exc
        texts.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n"
                                 for r in records), encoding="utf-8")
        files.append(texts)
    proc = subprocess.run([sys.executable, str(checker), *map(str, files)], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise ReservedDataError(
            f"{checker} flags training data as reserved for blind evaluation:\n{(proc.stdout + proc.stderr).strip()}\n"
            "drop the flagged sentences or articles from the file (or leave the corpus out with --without)"
        )
    logger.info("check_reserved: nothing reserved in %d file(s)", len(files))
    return files


def convert_corpora(
    shared: Path,
    out_dir: Path,
    train_sources: tuple[Source, ...] = TRAIN_SOURCES,
    dev_sources: tuple[Source, ...] = DEV_SOURCES,
) -> tuple[Path, Path, int, int]:
    """Write the training and dev corpora as ``train.spacy`` and ``dev.spacy`` DocBins.

    Args:
        shared: The shared data folder (holding ``data/ner/...``).
        out_dir: Folder to write the two DocBin files into.
        train_sources: The training splits (see :func:`read_sources`).
        dev_sources: The dev splits the checkpoint is chosen on.

    Returns:
        ``(train_path, dev_path, train_sentences, dev_sentences)``.
    """
    vocab = Vocab()  # DocBin keeps only strings and attributes: no language data needed
    counts = []
    paths = []
    for name, sources in (("train", train_sources), ("dev", dev_sources)):
        sentences = read_sources(shared, sources)
        bin_ = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
        for sentence in sentences:
            bin_.add(sentence_to_doc(vocab, sentence))
        path = out_dir / f"{name}.spacy"
        bin_.to_disk(path)
        counts.append(len(sentences))
        paths.append(path)
        logger.info("%s: %d sentences -> %s", name, len(sentences), path)
    return paths[0], paths[1], counts[0], counts[1]


#: Provenance and licence of each corpus, written into the model's ``meta.json`` (see each
#: corpus's SOURCE.md / README.md under ``data/ner``).
CORPUS_META: dict[str, dict[str, str]] = {
    "idner-news-2k": {
        "name": "idner-news-2k", "url": "https://github.com/khairunnisaor/idner-news-2k", "license": "MIT",
        "author": "Khairunnisa, Imankulova, Komachi (AACL-IJCNLP 2020 SRW)",
    },
    "indolem-nerugm": {
        "name": "IndoLEM NER UGM", "url": "https://github.com/indolem/indolem", "license": "CC-BY-4.0",
        "author": "Koto et al. (COLING 2020); corpus by M. Fachri (2014)",
    },
    "nergrit-indonlu": {
        "name": "NERGrit (IndoNLU)", "url": "https://github.com/IndoNLP/indonlu",
        "license": "Apache-2.0 (IndoNLU repository; loaders say MIT; NERGRIT: contributors and licence "
                   "must be included, commercial use allowed)",
        "author": "Wilie et al. (AACL-IJCNLP 2020); NERGRIT by PT Gria Inovasi Teknologi (2019)",
    },
    REALNEWS_CORPUS: {
        "name": "warta real-news gold set, train split (gold facts aligned as spans)",
        "url": "tests/fixtures/realnews/README.md",
        "license": "annotations: warta's; texts: CC-BY-4.0 (CLICK-ID) and no licence stated "
                   "(lampung-, ciletuh-; see ../shared/data/news/SOURCE.md)",
        "author": "warta annotators (two passes)",
    },
    "nerp-indonlu": {
        "name": "NERP (IndoNLU)", "url": "https://github.com/IndoNLP/indonlu",
        "license": "CC-BY-SA-4.0 (NusaCrowd loader; IndoNLU repository: Apache-2.0)",
        "author": "Hoesen & Purwarianti (IALP 2018); Wilie et al. (AACL-IJCNLP 2020)",
    },
}


def _vectors_note(nlp: spacy.language.Language) -> str:
    """How the model's vectors read in its description."""
    vectors = nlp.vocab.vectors
    if not vectors.shape[0] or not vectors.shape[1]:
        return "no vectors"
    return (f"{vectors.mode} static vectors ({vectors.shape[0]:,} x {vectors.shape[1]}, "
            "trained on ../shared/data/news, see extractors/news_vectors.py)")


def _model_version(folder: Path) -> str:
    """"name version" of the warta model in ``folder`` (from its meta.json)."""
    meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
    return f"{meta.get('name', MODEL_NAME)} {meta.get('version', '?')}"


def _set_meta(
    nlp: spacy.language.Language,
    train_sources: tuple[Source, ...] = TRAIN_SOURCES,
    dev_sources: tuple[Source, ...] = DEV_SOURCES,
    resumed: str | None = None,
) -> None:
    names = list(dict.fromkeys(s.corpus for s in train_sources))
    sources = [CORPUS_META.get(name, {"name": name}) for name in names]
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": "Indonesian news NER (PER, ORG, LOC): hash-embedding CNN + "
            f"transition-based NER, CPU, {_vectors_note(nlp)}. Trained on the train splits of "
            f"{', '.join(names)} (with casing augmentation); checkpoint chosen on the dev splits of "
            f"{', '.join(dict.fromkeys(s.corpus for s in dev_sources))}."
            + (f" Trained further from {resumed} (warta train-ner --resume)." if resumed else ""),
            "license": "MIT (model); training data: "
            + "; ".join(f"{m['name']} {m.get('license', '?')}" for m in sources)
            + (" (whether share-alike reaches a model trained on the data is unsettled; see README)"
               if any("SA" in m.get("license", "") for m in sources) else ""),
            "sources": sources,
            # Folder names under data/ner: what benchmarks/ner.py marks as in-corpus for this model.
            "corpora": {"train": names, "dev": list(dict.fromkeys(s.corpus for s in dev_sources))},
        }
    )


def train_model(
    shared: Path,
    output: Path | None = None,
    max_minutes: float = 25.0,
    config_path: Path = CONFIG_PATH,
    overrides: dict[str, object] | None = None,
    train_sources: tuple[Source, ...] = TRAIN_SOURCES,
    shipped: Path = SHIPPED_MODEL,
    dev_sources: tuple[Source, ...] = DEV_SOURCES,
    progress: Callable[[int, float, float], None] | None = None,
    vectors: Path | None = None,
    model_name: str = MODEL_NAME,
    describe: Callable[[spacy.language.Language], None] | None = None,
    resume: Path | None = None,
) -> TrainResult:
    """Convert the corpora, train the NER model and write the best checkpoint to a new folder.

    The output folder is checked before training starts (:func:`check_model_folder`).
    Checkpoints are kept only after at least one update; when the last step was not
    evaluated (the time cap or ``max_steps`` came first) it is evaluated once more.

    Args:
        shared: The shared data folder (holding ``data/ner/...``).
        output: Model folder to write; a new ``id_news_ner-YYYYMMDD-HHMMSS`` folder beside
            ``shipped`` when None. Must not exist, be empty, or hold a warta model.
        max_minutes: Wall-clock cap on the training loop; the best checkpoint so far is kept.
        progress: called after every step with (step, seconds so far, best dev F1 so far).
        config_path: spaCy training config.
        overrides: Extra config overrides (dotted keys, e.g. ``{"training.max_steps": 200}``).
        train_sources: The training splits (see :func:`read_sources`).
        shipped: The shipped model, never written here.
        dev_sources: The dev splits the checkpoint is chosen on.
        vectors: A spaCy vectors folder (``spacy init vectors``, e.g. :func:`build_vectors`):
            the tok2vec then also reads these static vectors, and the model ships them.
        model_name: The name written to (and guarded in) the output's ``meta.json``; another
            model trained with this loop (``extractors.train_spans``) names itself here.
        describe: Sets the saved model's ``meta`` (name, description, licence, sources);
            :func:`_set_meta` for the NER model when None.
        resume: An earlier warta model to go on training (a warm start): its ``ner`` component,
            weights and architecture, replaces the config's untrained one (spaCy's sourced
            component, trained further with a fresh optimizer, batches at their full size and
            :data:`RESUME_LEARN_RATE_FACTOR` times the config's learning rate).

    Returns:
        A :class:`TrainResult` with the best dev F1 and the run's size.

    Raises:
        ModelFolderError: ``output`` holds something other than a warta model, or is ``shipped``.
        UntrainedModelError: Training ended before one update; nothing is written.
        TrainingDataMissing: A corpus file is absent.
        ReservedDataError: ``check_reserved.py`` flags a file (see :func:`check_reserved`).
    """
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import (
        create_evaluation_callback,
        create_train_batches,
        train_while_improving,
        update_meta,
    )
    from spacy.schemas import ConfigSchemaTraining
    from spacy.util import load_config, registry, resolve_dot_names
    from thinc.api import fix_random_seed

    output = Path(output) if output is not None else new_model_dir(shipped, name=model_name)
    check_model_folder(output, shipped, model_name)
    if resume is not None and not is_warta_model(Path(resume)):
        raise ModelFolderError(f"{resume} holds no warta NER model to resume: give a folder written by train-ner")
    if resume is not None and vectors is not None:
        raise ModelFolderError("a resumed model keeps its own vectors: leave out the vectors folder")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="warta-ner-") as tmp:
        workdir = Path(tmp)
        check_reserved(Path(shared), (*train_sources, *dev_sources), workdir)
        train_path, dev_path, n_train, n_dev = convert_corpora(Path(shared), workdir, train_sources, dev_sources)
        if not n_train or not n_dev:
            raise UntrainedModelError(
                f"no sentences to {'train on' if not n_train else 'evaluate on'}: check the corpus files under {shared}"
            )
        settings: dict[str, object] = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        if vectors is not None:
            settings.update({"paths.vectors": str(vectors),
                             "components.ner.model.tok2vec.embed.include_static_vectors": True})
        settings.update(overrides or {})
        config = load_config(config_path, overrides=settings, interpolate=False)
        if resume is not None:  # anneal a run that has levelled off: its weights, full-size batches, a lower rate
            config["components"]["ner"] = {"source": str(Path(resume).resolve())}
            size = config["training"]["batcher"]["size"]
            if isinstance(size, dict) and "stop" in size:
                size["start"] = size["stop"]
            optimizer_cfg = config["training"]["optimizer"]
            optimizer_cfg["learn_rate"] = float(optimizer_cfg["learn_rate"]) * RESUME_LEARN_RATE_FACTOR
        nlp = init_nlp(config)
        config = nlp.config.interpolate()
        fix_random_seed(config["training"]["seed"])
        T = registry.resolve(config["training"], schema=ConfigSchemaTraining)
        train_corpus, dev_corpus = resolve_dot_names(config, [T["train_corpus"], T["dev_corpus"]])
        optimizer = T["optimizer"]
        evaluate = create_evaluation_callback(nlp, dev_corpus, T["score_weights"])
        steps = train_while_improving(
            nlp,
            optimizer,
            create_train_batches(nlp, train_corpus, T["batcher"], T["max_epochs"]),
            evaluate,
            dropout=T["dropout"],
            accumulate_gradient=T["accumulate_gradient"],
            patience=T["patience"],
            max_steps=T["max_steps"],
            eval_frequency=T["eval_frequency"],
            exclude=T["frozen_components"],
            annotating_components=T["annotating_components"],
            before_update=T["before_update"],
        )
        best_dir = workdir / "model-best"
        best, best_step, last_step, last_evaluated = -1.0, 0, 0, 0
        info: dict[str, Any] = {}
        deadline = started + max_minutes * 60

        def keep_if_best(score: float, step: int, run_info: dict[str, Any]) -> None:
            nonlocal best, best_step
            # The evaluation at step 0 follows a single update: an untrained model, never kept.
            if step < 1 or score < best:
                return
            best, best_step = score, step
            update_meta(T, nlp, run_info)
            if describe is not None:
                describe(nlp)
            else:
                _set_meta(nlp, train_sources, dev_sources, _model_version(resume) if resume is not None else None)
            with nlp.use_params(optimizer.averages):
                nlp.to_disk(best_dir)

        for _batch, info, is_best in steps:
            last_step = int(info["step"])
            if is_best is not None:
                last_evaluated = last_step
                scores = info["other_scores"]
                logger.info(
                    "epoch %d step %d loss %.1f dev P %.3f R %.3f F %.3f (%ds)",
                    info["epoch"], info["step"], info["losses"].get("ner", 0.0),
                    scores.get("ents_p", 0.0), scores.get("ents_r", 0.0), scores.get("ents_f", 0.0),
                    info["seconds"],
                )
                keep_if_best(float(info["score"]), last_step, info)
            if progress is not None:
                progress(last_step, time.monotonic() - started, max(best, 0.0))
            if time.monotonic() > deadline:
                logger.warning("stopping after %.1f minutes (the --max-minutes cap) at step %d", max_minutes, last_step)
                break
        if last_step > last_evaluated:
            with nlp.use_params(optimizer.averages):
                score, other = evaluate()
            logger.info("final step %d dev F %.3f", last_step, other.get("ents_f", 0.0))
            keep_if_best(score, last_step, {**info, "score": score, "other_scores": other})
        if not best_dir.is_dir():
            raise UntrainedModelError(
                f"training stopped after {last_step} steps, before the model learnt anything "
                f"(in {time.monotonic() - started:.0f} s): nothing written; raise --max-minutes or --max-steps"
            )
        _write_model(best_dir, output, shipped, model_name)
    seconds = time.monotonic() - started
    logger.info("best dev F1 %.3f at step %d of %d in %.0fs -> %s", best, best_step, last_step, seconds, output)
    return TrainResult(output, best, last_step, seconds, n_train, n_dev, best_step)


def main() -> None:
    """Command-line entry point (never replaces the shipped model: use ``warta train-ner --replace``)."""
    import argparse

    parser = argparse.ArgumentParser(description="Train warta's Indonesian news NER model.")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--output", type=Path, default=None,
                        help="new or empty folder [default: id_news_ner-YYYYMMDD-HHMMSS beside the shipped model]")
    parser.add_argument("--max-minutes", type=float, default=25.0)
    parser.add_argument("--config", type=Path, default=CONFIG_PATH)
    parser.add_argument("--vectors", type=Path, default=None, help="spaCy vectors folder to train with")
    parser.add_argument("--resume", type=Path, default=None, help="earlier warta model to train further")
    parser.add_argument("--without", action="append", default=[], metavar="CORPUS",
                        help="leave this corpus out of training and dev (leave-one-corpus-out); repeatable")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result = train_model(args.shared, args.output, args.max_minutes, args.config,
                         train_sources=without_corpora(TRAIN_SOURCES, args.without),
                         dev_sources=without_corpora(DEV_SOURCES, args.without), vectors=args.vectors,
                         resume=args.resume)
    logger.info("model written to %s", result.output)


if __name__ == "__main__":
    main()
