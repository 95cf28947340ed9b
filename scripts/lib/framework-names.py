#!/usr/bin/env python3
"""The page's framework names per language, made at build time from the built-in framework files.

Reads every frameworks/*.toml (the single source of truth: each named node's `names = { hi = ... }`
and the `[unit_names]` table) and writes www/src/i18n/names/<lang>.json: a flat map from the
English text the engine gives the page (a node's `name` or an input field's `label`, a unit as
written) to its text in <lang>. The page loads the file of a language only when that language
is chosen (www/src/i18n.ts, `nm`); text with no entry is shown in English. The main WebAssembly
module carries no names (its size budget), so this file is how the page shows them.

Fails when one English text has two different translations in one language (the page could not
tell which to show).
"""
import json
import sys
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parents[2]
out_dir = root / "www" / "src" / "i18n" / "names"
maps: dict[str, dict[str, str]] = {}
clashes: list[str] = []


def add(lang: str, english: str, text: str, where: str) -> None:
    m = maps.setdefault(lang, {})
    if not english or not text:
        return
    if m.get(english, text) != text:
        clashes.append(f"{where}: {english!r} is {m[english]!r} and {text!r} in {lang}")
    m[english] = text


def walk(v, where: str) -> None:
    if isinstance(v, dict):
        names = v.get("names")
        english = v.get("name") or v.get("label")
        if isinstance(names, dict) and isinstance(english, str):
            for lang, text in names.items():
                add(lang, english, text, where)
        for k, x in v.items():
            if k != "names":
                walk(x, f"{where}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, f"{where}[{i}]")


for path in sorted((root / "frameworks").glob("*.toml")):
    fw = tomllib.loads(path.read_text(encoding="utf-8"))
    walk({k: v for k, v in fw.items() if k != "unit_names"}, path.name)
    for unit, names in (fw.get("unit_names") or {}).items():
        for lang, text in names.items():
            add(lang, unit, text, f"{path.name} unit_names")

if clashes:
    sys.exit("framework names clash:\n" + "\n".join(clashes))
out_dir.mkdir(parents=True, exist_ok=True)
for lang, m in sorted(maps.items()):
    (out_dir / f"{lang}.json").write_text(json.dumps(m, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"www/src/i18n/names/{lang}.json: {len(m)} names")
