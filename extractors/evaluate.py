"""Score predicted facts against a gold set: the metric of ``shared/eval/score_extraction.py``.

Per fact type, gold and predicted items of each article are matched greedily one-to-one
(predictions deduplicated on their normalised key first); precision, recall and F1 are
micro-averaged over articles. Officials also get role accuracy on matched names; the overall F1 is
the mean of the six type F1 scores.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from extractors.exceptions import BadInputError
from pipeline.models import FACT_TYPES

logger = logging.getLogger(__name__)

Row = Mapping[str, Any]

# honorifics and degrees ignored when person names are compared
_HONORIFIC = re.compile(
    r"\b(?:ir|h|hj|dr|drs|dra|prof|kh|st|se|sh|mh|mm|msi|msc|mt|ma|mba|ak|ap|amd|spd|mpd|skm|sip|sos|ssos|"
    r"sstp|mkes|phd|skom|mkom|spi|mag|mpa|mpp|cpa|ec|hc|m\.si|m\.sc|s\.sos|s\.?t|s\.?e|s\.?h|m\.?m|m\.?t|"
    r"s\.?ip|s\.?pd|m\.?pd|m\.?kes|a\.?p|s\.?kom|m\.?kom)\b\.?",
    re.I,
)


def norm(value: Any) -> str:
    """Lower case, punctuation as spaces, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", str(value)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def norm_person(value: Any) -> str:
    """A person's name without honorifics, degrees, commas and parentheses."""
    s = re.sub(r"[,()]", " ", unicodedata.normalize("NFKC", str(value)))
    return norm(_HONORIFIC.sub(" ", s))


def _options(item: Row, key: str) -> list[Any]:
    v = item.get(key)
    if v is None:
        return []
    return list(v) if isinstance(v, list) else [v]


def _programme_ok(gold: Row, pred: Row) -> bool:
    p = norm(pred.get("program", ""))
    return bool(p) and any(norm(a) in p or p in norm(a) for a in _options(gold, "program"))


def _year_ok(gold: Row, pred: Row) -> bool:
    return gold.get("year") is None or str(pred.get("year")) == str(gold.get("year"))


def _same_official(g: Row, p: Row) -> bool:
    n = norm_person(p.get("name", ""))
    return bool(n) and n in {norm_person(a) for a in _options(g, "name")}


def _same_name(g: Row, p: Row) -> bool:
    n = norm(p.get("name", ""))
    return bool(n) and n in {norm(a) for a in _options(g, "name")}


def _same_date(g: Row, p: Row) -> bool:
    return str(p.get("value", "")) in {str(v) for v in _options(g, "value")}


def _same_stage(g: Row, p: Row) -> bool:
    try:
        stage_ok = int(p.get("stage")) == int(g["stage"])  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):
        return False
    return stage_ok and _year_ok(g, p) and _programme_ok(g, p)


def _same_participant(g: Row, p: Row) -> bool:
    region_ok = norm(p.get("region", "")) in {norm(r) for r in _options(g, "region")}
    return region_ok and _year_ok(g, p) and _programme_ok(g, p)


def role_ok(gold: Row, pred: Row) -> bool:
    """A predicted role is right when it equals a gold role or starts with one followed by a space."""
    r = norm(pred.get("role") or "")
    return any(r == g or r.startswith(g + " ") for g in (norm(x) for x in _options(gold, "role")))


def org_ok(gold: Row, pred: Row, article: Row | None = None) -> bool:
    """A predicted body served is right when it names the gold one: the same name, one name holding
    the other ("Kabupaten Lahat", "Lahat"), or another name the article's gold institution or place
    entry gives for it ("Dinas Kominfo Kabupaten Muara Enim", "Diskominfo Muara Enim")."""
    g, p = norm(gold.get("org") or ""), norm(pred.get("org") or "")
    if not g or not p:
        return False
    if g == p or f" {g} " in f" {p} " or f" {p} " in f" {g} ":
        return True
    for t in ("institutions", "places"):
        for entry in (article or {}).get(t, []):
            names = {norm(n) for n in _options(entry, "name")}
            if g in names and p in names:
                return True
    return False


SAME: dict[str, Callable[[Row, Row], bool]] = {
    "officials": _same_official,
    "institutions": _same_name,
    "places": _same_name,
    "dates": _same_date,
    "program_stages": _same_stage,
    "program_participants": _same_participant,
}

KEYS: dict[str, Callable[[Row], Any]] = {
    "officials": lambda p: norm_person(p.get("name", "")),
    "institutions": lambda p: norm(p.get("name", "")),
    "places": lambda p: norm(p.get("name", "")),
    "dates": lambda p: str(p.get("value", "")),
    "program_stages": lambda p: (str(p.get("stage")), str(p.get("year")), norm(p.get("program", ""))),
    "program_participants": lambda p: (norm(p.get("region", "")), str(p.get("year")), norm(p.get("program", ""))),
}


def _unique(items: Iterable[Row], key: Callable[[Row], Any]) -> list[Row]:
    seen: set[Any] = set()
    out = []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def _pairs(gold: list[Row], pred: list[Row], same: Callable[[Row, Row], bool]) -> list[tuple[Row, Row]]:
    used: set[int] = set()
    pairs = []
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and same(g, p):
                used.add(i)
                pairs.append((g, p))
                break
    return pairs


def score(gold_rows: Iterable[Row], pred_rows: Iterable[Row],
          errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score predictions against gold articles.

    Args:
        gold_rows: gold records (``id``, ``gold`` with the six fact lists).
        pred_rows: prediction lines (``id`` and the six fact lists).
        errors: when given, every miss, false positive and wrong role is appended to it
            (see :func:`error_record`).

    Returns:
        Per type ``precision``/``recall``/``f1``/``gold``/``pred``/``matched``, plus
        ``official_role_accuracy``, ``official_org_accuracy`` (the body served, on matched names whose
        gold names one), ``overall_f1`` and ``missing_predictions`` (gold ids without a line).
    """
    preds = {str(r["id"]): r for r in pred_rows}
    tally = {t: [0, 0, 0] for t in FACT_TYPES}
    role_hits = role_total = org_hits = org_total = 0
    missing = []
    for row in gold_rows:
        rid = str(row["id"])
        pred = preds.get(rid)
        if pred is None:
            missing.append(rid)
            pred = {}
        for t in FACT_TYPES:
            g_items = list(row["gold"].get(t, []))
            p_items = _unique(pred.get(t) or [], KEYS[t])
            pairs = _pairs(g_items, p_items, SAME[t])
            tally[t][0] += len(pairs)
            tally[t][1] += len(g_items)
            tally[t][2] += len(p_items)
            if t == "officials":
                role_total += len(pairs)
                role_hits += sum(role_ok(g, p) for g, p in pairs)
                with_org = [(g, p) for g, p in pairs if g.get("org")]
                org_total += len(with_org)
                org_hits += sum(org_ok(g, p, row["gold"]) for g, p in with_org)
            if errors is not None:
                text = str(row.get("text") or "")
                matched_g = {id(g) for g, _ in pairs}
                matched_p = {id(p) for _, p in pairs}
                errors.extend(error_record(rid, t, "missed", g, text) for g in g_items if id(g) not in matched_g)
                errors.extend(error_record(rid, t, "false positive", p, text) for p in p_items if id(p) not in matched_p)
                if t == "officials":
                    errors.extend(error_record(rid, t, "wrong role", p, text, g)
                                  for g, p in pairs if not role_ok(g, p))
                    errors.extend(error_record(rid, t, "wrong body", p, text, g)
                                  for g, p in pairs if g.get("org") and not org_ok(g, p, row["gold"]))
    result: dict[str, Any] = {}
    for t, (m, ng, np_) in tally.items():
        precision = m / np_ if np_ else (1.0 if ng == 0 else 0.0)
        recall = m / ng if ng else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[t] = {"precision": precision, "recall": recall, "f1": f1, "gold": ng, "pred": np_, "matched": m}
    result["official_role_accuracy"] = role_hits / role_total if role_total else 0.0
    result["official_org_accuracy"] = org_hits / org_total if org_total else 0.0
    result["overall_f1"] = sum(result[t]["f1"] for t in FACT_TYPES) / len(FACT_TYPES)
    result["missing_predictions"] = missing
    return result


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _fact_words(fact_type: str, item: Row) -> list[str]:
    """The strings of a gold or predicted item that can be looked up in the text."""
    keys = {"officials": ("name",), "institutions": ("name",), "places": ("name",), "dates": (),
            "program_stages": ("program",), "program_participants": ("region",)}[fact_type]
    return [str(v) for k in keys for v in _options(item, k) if v]


def find_sentence(text: str, words: Iterable[str]) -> str:
    """The first sentence of ``text`` holding one of ``words`` (case-insensitive); "" when none does."""
    low = text.lower()
    for w in words:
        pos = low.find(w.lower())
        if pos >= 0:
            starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, pos)]
            start = starts[-1] if starts else 0
            m = _SENTENCE_END.search(text, pos)
            return text[start:m.start() if m else len(text)].strip()
    return ""


def error_record(article_id: str, fact_type: str, kind: str, item: Row, text: str = "",
                 gold: Row | None = None) -> dict[str, Any]:
    """One line of the error study: which article, fact type, what went wrong, the item and its sentence.

    ``kind`` is ``missed`` (a gold item nothing matched), ``false positive`` (a prediction no gold
    item matched) or ``wrong role`` (an official found with a role the gold does not accept; ``gold``
    is the gold item). A prediction that carries its provenance sentence (``sentence``) keeps it.
    """
    fact = {k: v for k, v in item.items() if k != "sentence"}
    sentence = str(item.get("sentence") or "") or find_sentence(text, _fact_words(fact_type, item))
    rec = {"id": article_id, "type": fact_type, "kind": kind, "fact": fact, "sentence": sentence}
    if gold is not None:
        rec["gold"] = dict(gold)
    return rec


def format_errors(errors: Iterable[Mapping[str, Any]]) -> str:
    """The error study as text, grouped by fact type then kind, one block per error."""
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for e in errors:
        by_type.setdefault(e["type"], []).append(e)
    out: list[str] = []
    for t in FACT_TYPES:
        items = sorted(by_type.get(t, []), key=lambda e: (e["kind"], e["id"]))
        if not items:
            continue
        counts = ", ".join(f"{k} {sum(1 for e in items if e['kind'] == k)}"
                           for k in ("missed", "false positive", "wrong role", "wrong body")
                           if any(e["kind"] == k for e in items))
        out.append(f"== {t}: {counts}")
        for e in items:
            fact = json.dumps(e["fact"], ensure_ascii=False)
            key = "org" if e["kind"] == "wrong body" else "role"
            extra = f"  gold {key} {json.dumps(e['gold'].get(key), ensure_ascii=False)}" if "gold" in e else ""
            out.append(f"[{e['id']}] {e['kind']}: {fact}{extra}")
            if e["sentence"]:
                out.append(f"    | {e['sentence'][:400]}")
    return "\n".join(out)


def format_table(result: Mapping[str, Any]) -> str:
    """The scorer's plain-text table, last line ``overall F1 = X``."""
    lines = [f"{'type':16} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
    for t in FACT_TYPES:
        r = result[t]
        lines.append(f"{t:16} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['gold']:5d} {r['pred']:5d}")
    lines.append(f"official role accuracy (on matched names) = {result['official_role_accuracy']:.3f}")
    if "official_org_accuracy" in result:
        lines.append(f"official body accuracy (on matched names) = {result['official_org_accuracy']:.3f}")
    if result["missing_predictions"]:
        lines.append(f"articles with no prediction: {len(result['missing_predictions'])}")
    lines.append(f"overall F1 = {result['overall_f1']:.3f}")
    return "\n".join(lines)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file (blank lines skipped); a bad line is named by file and line number."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BadInputError(f"{path}:{n}: not a JSON object ({exc.msg}, column {exc.colno})") from exc
    return rows


#: Where the texts of gold records that are stored by id live, relative to the shared folder.
NEWS_CORPUS = Path("data") / "news" / "articles.jsonl"


def default_shared_dir() -> Path:
    """``$WARTA_SHARED`` when set, else ``../shared`` beside the project checkout."""
    env = os.environ.get("WARTA_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def read_gold(path: str | Path, shared: str | Path | None = None) -> list[dict[str, Any]]:
    """Read a gold file; records stored without their text get it from the shared news corpus by id.

    warta's real-news gold set keeps annotations only for articles of ``../shared/data/news``
    (their texts may not be redistributed): each such record has ``id`` and ``gold`` and no
    ``text``, which is joined here (with ``published`` and ``title`` when the record lacks them).

    Raises:
        BadInputError: a record has no text and its id is not in the shared corpus (or it is absent).
    """
    rows = read_jsonl(path)
    need = [r for r in rows if "text" not in r]
    if not need:
        return rows
    corpus_path = Path(shared) / NEWS_CORPUS if shared is not None else default_shared_dir() / NEWS_CORPUS
    if not corpus_path.is_file():
        raise BadInputError(f"{path}: {len(need)} records keep only their id; their texts come from "
                            f"{corpus_path}, which is absent (set WARTA_SHARED or pass --shared)")
    wanted = {str(r["id"]) for r in need}
    texts: dict[str, dict[str, Any]] = {}
    with corpus_path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] in wanted:
                texts[rec["id"]] = rec
    for r in need:
        src = texts.get(str(r["id"]))
        if src is None:
            raise BadInputError(f"{path}: record {r['id']!r} has no text and is not in {corpus_path}")
        r["text"] = src["text"]
        for key in ("published", "title", "outlet", "url"):
            r.setdefault(key, src.get(key))
    return rows


def predict_rows(rows: Iterable[Row], extractor: Any = None,
                 sentences: bool = False) -> Iterator[dict[str, Any]]:
    """Run extraction on records with ``id``, ``text`` and ``published``; yield prediction lines.

    Args:
        rows: input records (a gold file or any JSON lines with those keys).
        extractor: an :class:`extractors.Extractor`; a default one when None.
        sentences: add each fact's source sentence (``sentence``; the scorer ignores it).

    Raises:
        BadInputError: a record without ``id`` or without a ``text`` string (named by its position).
    """
    if extractor is None:
        from extractors.extract import Extractor

        extractor = Extractor()
    for n, row in enumerate(rows, 1):
        if "id" not in row or not isinstance(row.get("text"), str):
            missing = "id" if "id" not in row else "text"
            raise BadInputError(f"record {n} ({row.get('id', 'no id')!r}) has no {missing!r}")
        facts = extractor.extract(row["text"], row.get("published"), row.get("outlet"))
        line = {"id": row["id"], **facts.to_eval_dict()}
        if sentences:
            for t in FACT_TYPES:
                for item, fact in zip(line[t], facts.eval_facts(t)):
                    item["sentence"] = fact.prov.sentence
        yield line


def evaluate_file(gold_path: str | Path, extractor: Any = None, errors: list[dict[str, Any]] | None = None,
                  shared: str | Path | None = None) -> dict[str, Any]:
    """Extract facts for every article of a gold file and score them.

    Args:
        gold_path: gold records (texts of id-only records are joined from the shared corpus).
        extractor: an :class:`extractors.Extractor`; a default one when None.
        errors: when given, receives the error study (see :func:`error_record`).
        shared: the shared folder for id-only records (see :func:`read_gold`).

    Example:
        >>> res = evaluate_file("../shared/eval/dev.jsonl")  # doctest: +SKIP
        >>> round(res["overall_f1"], 2)  # doctest: +SKIP
    """
    gold = read_gold(gold_path, shared)
    return score(gold, list(predict_rows(gold, extractor, sentences=errors is not None)), errors)
