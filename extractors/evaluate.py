"""Score predicted facts against a gold set: the metric of ``shared/eval/score_extraction.py``.

Per fact type, gold and predicted items of each article are matched greedily one-to-one
(predictions deduplicated on their normalised key first); precision, recall and F1 are
micro-averaged over articles. Officials also get role accuracy on matched names; the overall F1 is
the mean of the six type F1 scores.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

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


def score(gold_rows: Iterable[Row], pred_rows: Iterable[Row]) -> dict[str, Any]:
    """Score predictions against gold articles.

    Args:
        gold_rows: gold records (``id``, ``gold`` with the six fact lists).
        pred_rows: prediction lines (``id`` and the six fact lists).

    Returns:
        Per type ``precision``/``recall``/``f1``/``gold``/``pred``/``matched``, plus
        ``official_role_accuracy``, ``overall_f1`` and ``missing_predictions`` (gold ids without a line).
    """
    preds = {str(r["id"]): r for r in pred_rows}
    tally = {t: [0, 0, 0] for t in FACT_TYPES}
    role_hits = role_total = 0
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
    result: dict[str, Any] = {}
    for t, (m, ng, np_) in tally.items():
        precision = m / np_ if np_ else (1.0 if ng == 0 else 0.0)
        recall = m / ng if ng else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[t] = {"precision": precision, "recall": recall, "f1": f1, "gold": ng, "pred": np_, "matched": m}
    result["official_role_accuracy"] = role_hits / role_total if role_total else 0.0
    result["overall_f1"] = sum(result[t]["f1"] for t in FACT_TYPES) / len(FACT_TYPES)
    result["missing_predictions"] = missing
    return result


def format_table(result: Mapping[str, Any]) -> str:
    """The scorer's plain-text table, last line ``overall F1 = X``."""
    lines = [f"{'type':16} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
    for t in FACT_TYPES:
        r = result[t]
        lines.append(f"{t:16} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['gold']:5d} {r['pred']:5d}")
    lines.append(f"official role accuracy (on matched names) = {result['official_role_accuracy']:.3f}")
    if result["missing_predictions"]:
        lines.append(f"articles with no prediction: {len(result['missing_predictions'])}")
    lines.append(f"overall F1 = {result['overall_f1']:.3f}")
    return "\n".join(lines)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict_rows(rows: Iterable[Row], extractor: Any = None) -> Iterator[dict[str, Any]]:
    """Run extraction on records with ``id``, ``text`` and ``published``; yield prediction lines.

    Args:
        rows: input records (a gold file or any JSON lines with those keys).
        extractor: an :class:`extractors.Extractor`; a default one when None.
    """
    if extractor is None:
        from extractors.extract import Extractor

        extractor = Extractor()
    for row in rows:
        facts = extractor.extract(row.get("text", ""), row.get("published"))
        yield {"id": row["id"], **facts.to_eval_dict()}


def evaluate_file(gold_path: str | Path, extractor: Any = None) -> dict[str, Any]:
    """Extract facts for every article of a gold file and score them.

    Example:
        >>> res = evaluate_file("../shared/eval/dev.jsonl")  # doctest: +SKIP
        >>> round(res["overall_f1"], 2)  # doctest: +SKIP
    """
    gold = read_jsonl(gold_path)
    return score(gold, list(predict_rows(gold, extractor)))
