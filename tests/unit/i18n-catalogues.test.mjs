// The page's catalogues (www/src/i18n/<lang>.json) against each other and against the UI code:
// every key in every catalogue, no key that no code uses, no key used in code that English
// lacks, the same {placeholders} in every language, no empty text. Run by scripts/test.sh
// (node --test tests/unit/); needs no build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const dir = join(root, 'www/src/i18n');
const langs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const cat = Object.fromEntries(langs.map((l) => [l, JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8'))]));
const en = cat.en;

/// Keys another part of the page owns and tests (the Robustness view): in every catalogue, but
/// their use is not checked here.
const OTHER_OWNER = /^robustness\./;

function files(d) {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const code = [...files(join(root, 'www/src')).filter((f) => f.endsWith('.ts')), join(root, 'www/index.html')].map((f) => ({ f, text: readFileSync(f, 'utf8') }));

test('English is a catalogue, and there is at least one other', () => {
  assert.ok(en && Object.keys(en).length > 100);
  assert.ok(langs.length >= 2, langs.join());
});

test('every catalogue has exactly the keys of English, none empty, with the same placeholders', () => {
  const ph = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const l of langs) {
    const c = cat[l];
    const missing = Object.keys(en).filter((k) => !(k in c));
    const extra = Object.keys(c).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${l}.json lacks keys`);
    assert.deepEqual(extra, [], `${l}.json has keys English lacks`);
    for (const [k, v] of Object.entries(c)) {
      assert.ok(typeof v === 'string' && v.trim() !== '', `${l}.json: ${k} is empty`);
      assert.equal(ph(v), ph(en[k]), `${l}.json: ${k} has placeholders {${ph(v)}}, English {${ph(en[k])}}`);
    }
  }
});

// Keys the code names: t('key'), tn('base', n) (base.one and base.other), any other quoted
// literal that is a key (tables of keys, e.g. the progress phases), data-i18n="key" and
// data-i18n-attr="attr:key" in index.html. engine.* keys are used by engineText (i18n.ts), which
// reads every one of them; the browser test checks that the engine's messages match them.
const literal = /['"`]([a-z][\w-]*(?:\.[\w-]+)+)['"`]/g;
const attr = /data-i18n(?:-attr)?="([^"]+)"/g;
const used = new Set();
const named = new Set();
for (const { text } of code) {
  for (const m of text.matchAll(literal)) named.add(m[1]);
  for (const m of text.matchAll(attr)) for (const part of m[1].split(';')) named.add(part.includes(':') ? part.split(':')[1] : part);
  for (const m of text.matchAll(/\btn\(\s*['"]([\w.]+)['"]/g)) {
    used.add(`${m[1]}.one`);
    used.add(`${m[1]}.other`);
  }
}
for (const k of named) used.add(k);

test('every key is used by the UI code', () => {
  const unused = Object.keys(en).filter((k) => !used.has(k) && !k.startsWith('engine.') && !OTHER_OWNER.test(k));
  assert.deepEqual(unused, [], 'keys no code uses');
});

test('every key the code asks for is in English', () => {
  const asked = new Set();
  for (const { text } of code) {
    for (const m of text.matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g)) asked.add(m[1]);
    for (const m of text.matchAll(/\btn\(\s*['"]([\w.]+)['"]/g)) (asked.add(`${m[1]}.one`), asked.add(`${m[1]}.other`));
    for (const m of text.matchAll(attr)) for (const part of m[1].split(';')) asked.add(part.includes(':') ? part.split(':')[1] : part);
  }
  const absent = [...asked].filter((k) => !(k in en));
  assert.deepEqual(absent, [], 'keys asked for that en.json lacks');
});

test('the test can fail: a missing and an unused key are caught', () => {
  const c = { ...cat[langs.find((l) => l !== 'en')] };
  delete c['nav.results'];
  assert.ok(Object.keys(en).some((k) => !(k in c)));
  assert.ok(!used.has('no.such.key'));
});

// engine.* entries are the engine's messages as it writes them (i18n.ts, engineText): each fixed
// part of one (4 characters or more, quotes trimmed) is in the engine's source (nagar-core,
// nagar-io, nagar-wasm, the core's English catalogue) or the page's worker, so a message whose
// wording changes there fails here instead of silently showing in English.
test('every engine.* entry is written as the engine writes it', () => {
  const sources = [
    ...['crates/nagar-core/src', 'crates/nagar-io/src', 'crates/nagar-wasm/src'].flatMap((d) => files(join(root, d)).filter((f) => f.endsWith('.rs'))),
    join(root, 'crates/nagar-core/src/i18n/en.txt'),
    join(root, 'www/src/worker.ts'),
  ]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
    // Rust string continuations ("…; \<newline>   …") read as one line.
    .replace(/\\\n\s*/g, '');
  // Messages the engine assembles from pieces: the words it puts in between, where to split.
  const ASSEMBLED = {
    'engine.semicolons': /semicolons/, // read_csv.rs: the separator's name is a variable
    'engine.tabs': /tabs/,
    'engine.small_group': /units?/, // pipeline.rs: "unit" + "s" when more than one
    'engine.small_group_one': /units?/,
    'engine.too_big': /\. /, // worker.ts: two string literals joined
    'engine.pair_tie_mentors': /mentors/, // pairing.rs: "the {what}", mentors or mentees
    'engine.pair_tie_mentees': /mentees/,
    'engine.pair_no_mentee': /mentee/, // pairing.rs: "no {other_word} with the same"
    'engine.pair_no_mentor': /mentor/,
    'engine.pair_left_mentor': /ment(?:or|ee)s?/, // pairing.rs: "{own_word}s but only {} {other_word}(s)"
    'engine.pair_left_mentee': /ment(?:or|ee)s?/,
  };
  const missing = [];
  for (const [k, v] of Object.entries(en)) {
    if (!k.startsWith('engine.')) continue;
    for (const part of v.split(/\{\w+\}/).flatMap((x) => (ASSEMBLED[k] ? x.split(ASSEMBLED[k]) : [x]))) {
      const p = part.replace(/^"|"$/g, '');
      if (p.length >= 4 && !sources.includes(p)) missing.push(`${k}: "${p}"`);
    }
  }
  assert.deepEqual(missing, [], 'engine.* text not found in the engine');
});

// The catalogues are split by view at build time (scripts/lib/i18n-parts.mjs): before the first
// score only the `main` part loads; each view loaded when first opened loads its own part.
test('split by view: every key in a part, the first chunk’s keys in main, every view asks for its part', async () => {
  const { split, keysIn } = await import('../../scripts/lib/i18n-parts.mjs');
  const { parts, files, deps } = split(en);
  const inSome = Object.keys(en).filter((k) => !Object.values(parts).some((p) => p.has(k)));
  assert.deepEqual(inSome, [], 'keys in no part');
  for (const [part, fs] of Object.entries(files)) {
    for (const f of fs) {
      const missing = [...keysIn(readFileSync(join(root, f), 'utf8'))].filter((k) => k in en && !parts[part].has(k) && !parts.main.has(k));
      assert.deepEqual(missing, [], `${f} (part ${part}) uses keys its part lacks`);
    }
  }
  // The lazily loaded views, and the main part a good deal smaller than the whole.
  assert.ok(['city', 'sister', 'preview', 'robustness', 'docs'].every((p) => p in parts), Object.keys(parts).join());
  assert.deepEqual(deps.city, ['preview'], 'the profile draws with the preview’s renderers');
  assert.ok(parts.main.size < Object.keys(en).length * 0.6, `main part ${parts.main.size} of ${Object.keys(en).length} keys`);
  const main = readFileSync(join(root, 'www/src/main.ts'), 'utf8');
  const calls = [...main.matchAll(/\bneed\(([^)]*)\)/g)].map((m) => [...m[1].matchAll(/'(\w+)'/g)].map((x) => x[1]));
  for (const p of Object.keys(parts).filter((x) => x !== 'main')) {
    const with_ = calls.filter((c) => c.includes(p));
    assert.ok(with_.length > 0, `main.ts loads the part ${p} with its view`);
    for (const c of with_) for (const d of deps[p]) assert.ok(c.includes(d), `main.ts's need(${c.join(', ')}) loads ${d} too, which ${p}'s view uses`);
  }
});
