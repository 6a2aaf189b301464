"""Sentence splitting and Finnish glossary matching on the shipped material, before and after.

Records, for one version of the code, what ``split_sentences`` and the glossary's Finnish
matching make of:

* every text of every built-in phrase set (``interpreter/phrases/sets``): the phrase itself
  (the staff's Finnish and the client's language, i.e. the source texts of both
  directions) and each of its references, split in the text's own language;
* glossary hits in every Finnish text of a set (phrases and ``ref:fi`` references),
  matched against the set's glossary; and in the glossary test material
  (``tests/glossary_material.py``): each inflected form, regular and irregular, in its
  carrier sentence, and the words that must not match, look-alikes included.

It also lists the texts that sentencex alone (``sentencex.segment``) would split otherwise,
which shows what the rules of ``interpreter.translate.sentences`` change.

The material always comes from this checkout; ``--code DIR`` imports the ``interpreter``
package from another tree instead, e.g. an earlier commit unpacked with ``git archive``.
Code from before the Finnish lemmatizer could be chosen is run with the suffix heuristic
alone (``use_voikko=False``), which is what a desk without libvoikko used; newer code runs
with its default (libvoikko where it loads, else the heuristic).

The JSON also has timings: ms for all texts, where the first pass loads sentencex's rules
and the lemmatizer and the second finds them loaded and the lemma cache filled. Two
recordings come from separate processes, so between them only large ratios mean anything
on a shared machine; newer code also times the suffix heuristic against libvoikko in
turns within one process (``--rounds``), which compares fairly.

Usage:
  python benchmarks/text_libs.py [--code DIR [--label NAME]] --json out.json   record one version
  python benchmarks/text_libs.py --compare old.json new.json    print the differences
"""

from __future__ import annotations

import argparse
import inspect
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "interpreter" / "phrases" / "sets"


def _import_code(code: Path) -> tuple[Any, Any, Any]:
    """``split_sentences``, the glossary module and the phrase-set loader from ``code``."""
    sys.path.insert(0, str(code))
    import interpreter.translate.glossary as glossary_module
    from interpreter.phrases.format import load_phrase_set

    try:
        from interpreter.translate.sentences import split_sentences
    except ImportError:  # before sentence splitting had its own module
        from interpreter.translate.text import split_sentences
    return split_sentences, glossary_module, load_phrase_set


def _load_glossary(module: Any, path: Path) -> Any:
    if "use_voikko" in inspect.signature(module.Glossary.load).parameters:
        return module.Glossary.load(path, use_voikko=False)
    return module.Glossary.load(path)


def _lemmatizer_name(glossary: Any) -> str:
    name = getattr(glossary, "lemmatizer_name", None)
    return name() if callable(name) else "suffix heuristic"


def _commit(code: Path) -> str:
    result = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def _texts(phrase_set: Any) -> list[tuple[str, str, str]]:
    """``(key, lang, text)`` for each phrase and each of its references."""
    stem = phrase_set.path.stem
    rows: list[tuple[str, str, str]] = []
    for phrase in phrase_set.phrases:
        rows.append((f"{stem}/{phrase.id}/text", phrase.lang, phrase.text))
        for lang, refs in sorted(phrase.references.items()):
            for n, ref in enumerate(refs, start=1):
                rows.append((f"{stem}/{phrase.id}/ref:{lang}:{n}", lang, ref))
    return rows


def _material(load_phrase_set: Any, tmp: Path) -> tuple[list[Any], list[Any]]:
    """``(key, lang, text)`` to split, and ``(key, Finnish text, glossary path)`` to match."""
    sys.path.insert(0, str(REPO / "tests"))
    from glossary_material import (
        GLOSSARY_TSV,
        INFLECTED,
        IRREGULAR,
        LOOKALIKES,
        NOT_TERMS,
        carrier,
    )

    test_glossary = tmp / "test-glossary.tsv"
    test_glossary.write_text(GLOSSARY_TSV, encoding="utf-8")
    texts: list[tuple[str, str, str]] = []
    finnish: list[tuple[str, str, Path]] = []
    for path in sorted(SETS.glob("*-customer-service.tsv")):
        phrase_set = load_phrase_set(path)
        for key, lang, text in _texts(phrase_set):
            texts.append((key, lang, text))
            if lang == "fi" and phrase_set.glossary is not None:
                finnish.append((key, text, phrase_set.glossary))
    for name, pairs in (("inflected", INFLECTED), ("irregular", IRREGULAR)):
        for i, (surface, _term) in enumerate(pairs):
            finnish.append((f"glossary-test/{name}/{i:02d}", carrier(surface), test_glossary))
    finnish.append(("glossary-test/not-terms", NOT_TERMS, test_glossary))
    finnish.append(("glossary-test/lookalikes", LOOKALIKES, test_glossary))
    return texts, finnish


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _match_all(glossaries: dict[Path, Any], finnish: list[Any]) -> dict[str, Any]:
    hits: dict[str, Any] = {}
    for key, text, path in finnish:
        found = glossaries[path].find(text, "fi")
        hits[key] = {"text": text, "hits": [[m.surface, m.entry.fi] for m in found]}
    return hits


def _lemmatizers_side_by_side(
    glossary_module: Any, finnish: list[Any], rounds: int
) -> dict[str, float]:
    """Median ms of a warm pass over the Finnish texts, per lemmatizer, in turns (new code)."""
    try:
        from interpreter.translate.finnish import load_voikko, no_lemmatizer
    except ImportError:  # before the lemmatizer could be chosen
        return {}
    paths = {path for *_, path in finnish}
    contenders = {
        loader: {path: glossary_module.Glossary.load(path, loader) for path in paths}
        for loader in (no_lemmatizer, load_voikko)
    }
    times: dict[str, list[float]] = {}
    for glossaries in contenders.values():
        _match_all(glossaries, finnish)  # load the lemmatizer, fill the caches
    for _ in range(rounds):
        for glossaries in contenders.values():
            started = time.perf_counter()
            _match_all(glossaries, finnish)
            name = _lemmatizer_name(next(iter(glossaries.values())))
            times.setdefault(name, []).append(_ms_since(started))
    return {name: statistics.median(values) for name, values in times.items()}


def record(code: Path, label: str, rounds: int) -> dict[str, Any]:
    """Split and match everything with the code in ``code``."""
    split_sentences, glossary_module, load_phrase_set = _import_code(code)
    with tempfile.TemporaryDirectory() as tmp:
        texts, finnish = _material(load_phrase_set, Path(tmp))
        timings: dict[str, Any] = {}
        for attempt in ("first", "second"):  # the first one loads sentencex's rules
            started = time.perf_counter()
            sentences = {
                key: {
                    "lang": lang,
                    "text": text,
                    "sentences": [s.text for s in split_sentences(text, lang)],
                }
                for key, lang, text in texts
            }
            timings[f"split_{attempt}_pass_ms"] = _ms_since(started)
        glossaries = {
            path: _load_glossary(glossary_module, path) for path in {p for *_, p in finnish}
        }
        for attempt in ("first", "second"):  # the first one loads the lemmatizer
            started = time.perf_counter()
            hits = _match_all(glossaries, finnish)
            timings[f"glossary_{attempt}_pass_ms"] = _ms_since(started)
        lemmatizers = sorted({_lemmatizer_name(g) for g in glossaries.values()})
        side_by_side = _lemmatizers_side_by_side(glossary_module, finnish, rounds)
    return {
        "code": {"commit": label or _commit(code), "lemmatizer": ", ".join(lemmatizers)},
        "timings": timings,
        "glossary_warm_pass_ms_by_lemmatizer": side_by_side,
        "sentencex_alone_differs": _sentencex_alone(sentences),
        "sentences": sentences,
        "glossary": hits,
    }


def _sentencex_alone(sentences: dict[str, Any]) -> dict[str, list[str]]:
    """The texts that sentencex on its own splits otherwise, with its sentences."""
    from sentencex import segment

    differ: dict[str, list[str]] = {}
    for key, value in sentences.items():
        alone = [piece.strip() for piece in segment(value["lang"], value["text"]) if piece.strip()]
        if alone != value["sentences"]:
            differ[key] = alone
    return differ


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The differences between two recordings, as lines to print."""
    lines = [f"old: {old['code']}", f"new: {new['code']}"]
    old_s, new_s = old["sentences"], new["sentences"]
    keys = sorted(set(old_s) & set(new_s))
    count = {
        name: sum(len(rec[k]["sentences"]) for k in keys)
        for name, rec in (("old", old_s), ("new", new_s))
    }
    differ = [k for k in keys if old_s[k]["sentences"] != new_s[k]["sentences"]]
    lines.append(
        f"sentences: {len(keys)} texts; old {count['old']} sentences, new {count['new']}; "
        f"{len(differ)} texts split differently"
    )
    for key in differ:
        lines += [
            f"  {key} ({new_s[key]['lang']})",
            f"    old: {old_s[key]['sentences']}",
            f"    new: {new_s[key]['sentences']}",
        ]
    old_g, new_g = old["glossary"], new["glossary"]
    keys = sorted(set(old_g) & set(new_g))
    hits = {
        name: sum(len(rec[k]["hits"]) for k in keys)
        for name, rec in (("old", old_g), ("new", new_g))
    }
    differ = [k for k in keys if old_g[k]["hits"] != new_g[k]["hits"]]
    lines.append(
        f"glossary: {len(keys)} Finnish texts; old {hits['old']} hits, new {hits['new']}; "
        f"{len(differ)} texts with different hits"
    )
    for key in differ:
        old_hits = [tuple(h) for h in old_g[key]["hits"]]
        new_hits = [tuple(h) for h in new_g[key]["hits"]]
        lines += [
            f"  {key}: {new_g[key]['text']}",
            f"    old only: {[h for h in old_hits if h not in new_hits]}",
            f"    new only: {[h for h in new_hits if h not in old_hits]}",
        ]
    for name in sorted(set(old["timings"]) & set(new["timings"])):
        lines.append(f"time {name}: old {old['timings'][name]}, new {new['timings'][name]}")
    for label, rec in (("old", old), ("new", new)):
        if rec.get("glossary_warm_pass_ms_by_lemmatizer"):
            by_lemmatizer = rec["glossary_warm_pass_ms_by_lemmatizer"]
            lines.append(f"{label}: warm glossary pass, median ms, in turns: {by_lemmatizer}")
    only = sorted(set(old_s) ^ set(new_s)) + sorted(set(old_g) ^ set(new_g))
    if only:
        lines.append(f"in one recording only (material changed?): {only}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=REPO, help="tree to import interpreter from")
    parser.add_argument("--label", default="", help="name of that code (default: its commit)")
    parser.add_argument("--json", type=Path, help="write the recording here")
    parser.add_argument(
        "--rounds", type=int, default=5, help="warm passes per lemmatizer, taken in turns"
    )
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print("\n".join(compare(old, new)))
        return
    result = record(args.code.resolve(), args.label, args.rounds)
    sentences = sum(len(v["sentences"]) for v in result["sentences"].values())
    hits = sum(len(v["hits"]) for v in result["glossary"].values())
    print(
        f"{result['code']}: {len(result['sentences'])} texts, {sentences} sentences; "
        f"{len(result['glossary'])} Finnish texts, {hits} glossary hits; {result['timings']}"
    )
    alone = result["sentencex_alone_differs"]
    print(f"sentencex alone splits {len(alone)} of the texts otherwise:")
    for key, pieces in alone.items():
        print(f"  {key}: {pieces} (here: {result['sentences'][key]['sentences']})")
    if result["glossary_warm_pass_ms_by_lemmatizer"]:
        print(
            "warm glossary pass, median ms, lemmatizers in turns in this process: "
            f"{result['glossary_warm_pass_ms_by_lemmatizer']}"
        )
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
