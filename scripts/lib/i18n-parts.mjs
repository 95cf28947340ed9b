#!/usr/bin/env node
// The page's catalogues split by view, so that before the first score only the text the first
// views show is loaded (the size budget: everything before the first score <= 300 KB gzipped,
// in every language).
//
// www/src/i18n/<lang>.json stays the one catalogue per language that people edit. At build time
// this script writes www/src/i18n/parts/<lang>/<part>.json (not committed):
//   main.json    every key that the page's first chunk uses (main.ts and what it imports
//                statically), every engine.* key but those of ENGINE_PARTS (engineText reads
//                them all), and any key no code names literally;
//   <part>.json  for each view module main.ts loads with import('./ui/<view>'), the keys only
//                that module and the modules it alone imports use (a key two views use is in
//                both parts); the profile and peers (always loaded together) share the part
//                `city`; a view module another imports (the preview's, by the profile) keeps its
//                own part, loaded with the importing view too (`deps`).
// Which file uses a key: a quoted literal naming the key, as tests/unit/i18n-catalogues.test.mjs
// reads them (t('a.b'), tables of keys, tn('base') → base.one/base.other, data-i18n in
// index.html). The page loads a view's part with the view (i18n.ts, `need`).
// Run by scripts/build.sh; imported by the unit test, which checks the split.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'www/src');

/// Engine messages only one view shows (the sister-city pairing's, the robustness analysis'):
/// in that view's part (engineText matches the English of every loaded part).
const ENGINE_PARTS = [
  [/^engine\.pair_/, 'sister'],
  [/^engine\.rb_/, 'robustness'],
];

const literal = /['"`]([a-z][\w-]*(?:\.[\w-]+)+)['"`]/g;
const attr = /data-i18n(?:-attr)?="([^"]+)"/g;

/// The keys a source text names.
export function keysIn(text) {
  const out = new Set();
  for (const m of text.matchAll(literal)) out.add(m[1]);
  for (const m of text.matchAll(attr)) for (const part of m[1].split(';')) out.add(part.includes(':') ? part.split(':')[1] : part);
  for (const m of text.matchAll(/\btn\(\s*['"]([\w.]+)['"]/g)) (out.add(`${m[1]}.one`), out.add(`${m[1]}.other`));
  return out;
}

/// The .ts file a relative import names, or null.
function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(p).isFile() && p.endsWith('.ts')) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/// The modules a file imports statically (type-only imports bring no code), and the view modules
/// it loads with import('./…').
function imports(file) {
  const text = readFileSync(file, 'utf8');
  const stat = [];
  for (const m of text.matchAll(/^import\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const p = resolveImport(file, m[1]);
    if (p) stat.push(p);
  }
  const lazy = [];
  for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const p = resolveImport(file, m[1]);
    if (p) lazy.push(p);
  }
  return { text, stat, lazy };
}

/// The modules `entry` imports statically (itself included), not going into `stop`; `reached`
/// collects the modules of `stop` it imports.
function closure(entry, stop = new Set(), reached = new Set()) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    if (stop.has(f)) {
      reached.add(f);
      continue;
    }
    seen.add(f);
    todo.push(...imports(f).stat);
  }
  return seen;
}

/// Views main.ts always loads together share one part (named here); any other view's part is
/// named as its module.
const PART_OF = { profile: 'city', peers: 'city' };

/// The split: { parts: { main: Set(keys), <part>: Set(keys) }, files: { <part>: [files] },
/// deps: { <part>: [parts its modules import statically, which load with it] } }. A view's
/// module imported by another view's (the profile draws with the preview's renderers) keeps
/// its keys in its own part, which the importing view loads too.
export function split(en) {
  const entry = join(SRC, 'main.ts');
  const main = closure(entry);
  main.add(join(ROOT, 'www/index.html'));
  const ui = join(SRC, 'ui');
  const views = [...new Set([...main].filter((f) => f.endsWith('.ts')).flatMap((f) => imports(f).lazy.filter((p) => p.startsWith(ui))))];
  const partOf = (v) => {
    const name = v.slice(ui.length + 1, -3);
    return PART_OF[name] ?? name;
  };
  const files = { main: [...main] };
  const deps = {};
  for (const v of views) {
    const reached = new Set();
    const stop = new Set([...main, ...views.filter((x) => x !== v)]);
    const part = partOf(v);
    files[part] = [...new Set([...(files[part] ?? []), ...closure(v, stop, reached)])];
    const d = [...reached].filter((f) => views.includes(f)).map(partOf).filter((p) => p !== part);
    deps[part] = [...new Set([...(deps[part] ?? []), ...d])];
  }
  const parts = Object.fromEntries(Object.keys(files).map((p) => [p, new Set()]));
  const owner = new Map();
  for (const [part, fs] of Object.entries(files)) {
    for (const f of fs) {
      for (const k of keysIn(readFileSync(f, 'utf8'))) {
        if (!(k in en)) continue;
        if (!owner.has(k)) owner.set(k, new Set());
        owner.get(k).add(part);
      }
    }
  }
  for (const k of Object.keys(en)) {
    const o = owner.get(k);
    const engine = ENGINE_PARTS.find(([re]) => re.test(k));
    if (engine && engine[1] in parts) parts[engine[1]].add(k);
    else if (k.startsWith('engine.') || !o || o.has('main')) parts.main.add(k);
    else for (const p of o) parts[p].add(k);
  }
  return { parts, deps, files: Object.fromEntries(Object.entries(files).map(([p, fs]) => [p, fs.map((f) => relative(ROOT, f))])) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = join(SRC, 'i18n');
  const langs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  const cat = Object.fromEntries(langs.map((l) => [l, JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8'))]));
  const { parts } = split(cat.en);
  rmSync(join(dir, 'parts'), { recursive: true, force: true });
  for (const l of langs) {
    mkdirSync(join(dir, 'parts', l), { recursive: true });
    for (const [p, keys] of Object.entries(parts)) {
      const m = Object.fromEntries([...keys].sort().map((k) => [k, cat[l][k] ?? cat.en[k]]));
      writeFileSync(join(dir, 'parts', l, `${p}.json`), `${JSON.stringify(m, null, 0)}\n`);
    }
  }
  console.log(`www/src/i18n/parts/<${langs.join('|')}>/: ${Object.entries(parts).map(([p, k]) => `${p} ${k.size}`).join(', ')} keys`);
}
