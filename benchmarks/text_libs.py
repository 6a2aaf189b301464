"""Sentence splitting and Finnish glossary matching on the shipped material, before and after.

Records, for one version of the code, what ``split_sentences`` and the glossary's Finnish
matching make of:

* every text of every built-in phrase set (``interpreter/phrases/sets``): the phrase itself
  (the staff's Finnish and the client's language, i.e. the source texts of both
  directions) and each of its references, split in the text's own language;
* glossary hits in every Finnish text of a set (phrases and ``ref:fi`` references),
  matched against the set's glossary; and in the glossary test material
  (``tests/glossary_material.py``): each inflected form in its carrier sentence, and the
  words that must not match.

The material always comes from this checkout; ``--code DIR`` imports the ``interpreter``
package from another tree instead, e.g. an earlier commit unpacked with ``git archive``.
Code from before the Finnish lemmatizer could be chosen is run with the suffix heuristic
alone (``use_voikko=False``), which is what a desk without libvoikko used; newer code runs
with its default (libvoikko where it loads, else the heuristic).

The JSON also has timings (ms for all texts; the second glossary pass hits the caches).
They come from separate processes, so between two recordings only large ratios mean
anything on a shared machine.

Usage:
  python benchmarks/text_libs.py [--code DIR [--label NAME]] --json out.json   record one version
  python benchmarks/text_libs.py --compare old.json new.json    print the differences
"""

from __future__ import annotations

import argparse
import inspect
import json
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


def record(code: Path, label: str) -> dict[str, Any]:
    """Split and match everything with the code in ``code``."""
    split_sentences, glossary_module, load_phrase_set = _import_code(code)
    sys.path.insert(0, str(REPO / "tests"))
    from glossary_material import GLOSSARY_TSV, INFLECTED, NOT_TERMS, carrier

    texts: list[tuple[str, str, str]] = []
    finnish: list[tuple[str, str, Path]] = []
    with tempfile.TemporaryDirectory() as tmp:
        test_glossary = Path(tmp) / "test-glossary.tsv"
        test_glossary.write_text(GLOSSARY_TSV, encoding="utf-8")
        for path in sorted(SETS.glob("*-customer-service.tsv")):
            phrase_set = load_phrase_set(path)
            for key, lang, text in _texts(phrase_set):
                texts.append((key, lang, text))
                if lang == "fi" and phrase_set.glossary is not None:
                    finnish.append((key, text, phrase_set.glossary))
        for i, (surface, _term) in enumerate(INFLECTED):
            finnish.append((f"glossary-test/inflected/{i:02d}", carrier(surface), test_glossary))
        finnish.append(("glossary-test/not-terms", NOT_TERMS, test_glossary))

        started = time.perf_counter()
        sentences = {
            key: {
                "lang": lang,
                "text": text,
                "sentences": [s.text for s in split_sentences(text, lang)],
            }
            for key, lang, text in texts
        }
        split_ms = (time.perf_counter() - started) * 1000

        glossaries = {
            path: _load_glossary(glossary_module, path) for path in {p for *_, p in finnish}
        }
        timings = {"split_all_ms": round(split_ms, 2)}
        hits: dict[str, Any] = {}
        for attempt in ("first", "second"):
            started = time.perf_counter()
            for key, text, path in finnish:
                found = glossaries[path].find(text, "fi")
                hits[key] = {"text": text, "hits": [[m.surface, m.entry.fi] for m in found]}
            timings[f"glossary_{attempt}_pass_ms"] = round(
                (time.perf_counter() - started) * 1000, 2
            )
        lemmatizers = sorted({_lemmatizer_name(g) for g in glossaries.values()})
    return {
        "code": {"commit": label or _commit(code), "lemmatizer": ", ".join(lemmatizers)},
        "timings": timings,
        "sentences": sentences,
        "glossary": hits,
    }


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
    only = sorted(set(old_s) ^ set(new_s)) + sorted(set(old_g) ^ set(new_g))
    if only:
        lines.append(f"in one recording only (material changed?): {only}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=REPO, help="tree to import interpreter from")
    parser.add_argument("--label", default="", help="name of that code (default: its commit)")
    parser.add_argument("--json", type=Path, help="write the recording here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print("\n".join(compare(old, new)))
        return
    result = record(args.code.resolve(), args.label)
    sentences = sum(len(v["sentences"]) for v in result["sentences"].values())
    hits = sum(len(v["hits"]) for v in result["glossary"].values())
    print(
        f"{result['code']}: {len(result['sentences'])} texts, {sentences} sentences; "
        f"{len(result['glossary'])} Finnish texts, {hits} glossary hits; {result['timings']}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
