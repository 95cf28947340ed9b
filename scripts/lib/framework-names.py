#!/usr/bin/env python3
"""The page's framework names per language, made at build time from the built-in framework files.

Reads every frameworks/*.toml (the single source of truth: each named node's `names = { hi = ... }`
and the `[unit_names]` table) and writes, per language, two flat maps from the English text the
engine gives the page (a node's `name` or an input field's `label`, a unit as written) to its
text in <lang>:
  www/src/i18n/names/<lang>/main.json    the framework, tier schemes, tiers, zones and aggregates
                                         (verticals, sectors): what the results view shows;
  www/src/i18n/names/<lang>/detail.json  indicators, input fields and units: loaded only when a
                                         view that shows them is opened (www/src/i18n.ts, `need`).
The page loads a language's files only when that language is chosen (`nm`); text with no entry
is shown in English. The main WebAssembly module carries no names (its size budget), so these
files are how the page shows them.

Fails when one English text has two different translations in one language (the page could not
tell which to show).
"""
import json
import shutil
import sys
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parents[2]
out_dir = root / "www" / "src" / "i18n" / "names"
maps: dict[str, dict[str, str]] = {}
detail_keys: dict[str, set[str]] = {}
main_keys: dict[str, set[str]] = {}
clashes: list[str] = []
# The framework file's tables whose names only views with indicator detail show.
DETAIL = {"indicators", "inputs"}


def add(lang: str, english: str, text: str, where: str, detail: bool) -> None:
    m = maps.setdefault(lang, {})
    if not english or not text:
        return
    if m.get(english, text) != text:
        clashes.append(f"{where}: {english!r} is {m[english]!r} and {text!r} in {lang}")
    m[english] = text
    (detail_keys if detail else main_keys).setdefault(lang, set()).add(english)


def walk(v, where: str, detail: bool) -> None:
    if isinstance(v, dict):
        names = v.get("names")
        english = v.get("name") or v.get("label")
        if isinstance(names, dict) and isinstance(english, str):
            for lang, text in names.items():
                add(lang, english, text, where, detail)
        for k, x in v.items():
            if k != "names":
                walk(x, f"{where}.{k}", detail)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, f"{where}[{i}]", detail)


for path in sorted((root / "frameworks").glob("*.toml")):
    fw = tomllib.loads(path.read_text(encoding="utf-8"))
    walk({k: v for k, v in fw.items() if k != "unit_names" and k not in DETAIL}, path.name, False)
    walk({k: v for k, v in fw.items() if k in DETAIL}, path.name, True)
    for unit, names in (fw.get("unit_names") or {}).items():
        for lang, text in names.items():
            add(lang, unit, text, f"{path.name} unit_names", True)

if clashes:
    sys.exit("framework names clash:\n" + "\n".join(clashes))
if out_dir.exists():
    shutil.rmtree(out_dir)
for lang, m in sorted(maps.items()):
    # A name both a main node and an indicator carry is in main (it is needed first).
    main_names = {k: v for k, v in m.items() if k in main_keys.get(lang, set()) or k not in detail_keys.get(lang, set())}
    detail = {k: v for k, v in m.items() if k not in main_names}
    (out_dir / lang).mkdir(parents=True)
    for part, names in (("main", main_names), ("detail", detail)):
        (out_dir / lang / f"{part}.json").write_text(json.dumps(names, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"www/src/i18n/names/{lang}/: {len(main_names)} names in main.json, {len(detail)} in detail.json")
