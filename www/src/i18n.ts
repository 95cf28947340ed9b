// The page's words. Every piece of UI text lives in one catalogue per language
// (src/i18n/<lang>.json: a flat map from key to text, `{name}` marks a value put in by `t`);
// UI code asks for text by key only. The catalogues are split by view at build time
// (scripts/lib/i18n-parts.mjs → src/i18n/parts/<lang>/<part>.json): `main` holds the text of
// the first chunk's views (results, data check, compare, the header and settings) and is loaded
// with the language (English's is bundled with the page); each view loaded when first opened
// (city: the profile with its peers; sister, preview, robustness, docs: method, privacy, about)
// has its own part,
// loaded with it (`need`), so before the first score only what the first views show is loaded.
// The framework's names (verticals, sectors, indicators, input fields, tiers, zones, units) are
// data in the framework file: scripts/lib/framework-names.py writes src/i18n/names/<lang>/
// main.json (the framework, tiers, zones, verticals, sectors) and detail.json (indicators,
// input fields, units) from it at build time (English text → text in <lang>); main is loaded
// with the language, detail by the views that show indicators (`need('names')`); `nm` looks a
// name up, falling back to the English name.
// Messages from the engine (data check issues, errors) come in English; `engineText` shows them
// in the page's language through the catalogue's `engine.*` entries (see there).
// Adding a language: see www/README.md ("Adding a language").
import enMain from './i18n/parts/en/main.json';
import { grouped } from './dom';
import type enAll from './i18n/en.json';

export type Key = keyof typeof enAll;
export type Lang = 'en' | 'hi';
/// Keys written `base.one` / `base.other`: a count's words (`tn`).
type Base<K> = K extends `${infer B}.one` ? B : never;
export type PluralBase = Base<Key>;
/// What a view loads before it is drawn: its part of the catalogue (named as its module in
/// src/ui/), or `names`, the framework's indicator, input field and unit names.
export type Part = 'city' | 'sister' | 'preview' | 'robustness' | 'docs' | 'names';

/// The languages offered, each named in itself.
export const LANGS: readonly { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'hi', name: 'हिन्दी' },
];

type Table = Record<string, string>;
// English's main part is bundled (imported above), not one of the loaded parts.
const partLoaders = import.meta.glob<Table>(['./i18n/parts/*/*.json', '!./i18n/parts/en/main.json'], { import: 'default' });
const nameLoaders = import.meta.glob<Table>('./i18n/names/*/*.json', { import: 'default' });
/// The parts asked for so far (loaded again when the language changes), and those in the
/// current language's tables.
const needed = new Set<Part>();
let have = new Set<Part>();
let current: Lang = 'en';
let catalogue: Table = { ...enMain };
/// English text of the loaded parts (a key the current catalogue lacks falls back to it).
let english: Table = catalogue;
let names: Table = {};
let engineRules: { re: RegExp; key: string; params: string[]; literal: number }[] | null = null;

/// Where the choice is remembered on this device (the privacy view says so).
const STORE = 'nagar.lang';

export function lang(): Lang {
  return current;
}

function known(l: string | null | undefined): l is Lang {
  return LANGS.some((x) => x.id === l);
}

/// The language to start in: `?lang=hi` in the address, else the one chosen last on this device,
/// else English.
export function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  if (known(q)) return q;
  try {
    const s = localStorage.getItem(STORE);
    if (known(s)) return s;
  } catch {
    /* storage blocked: English */
  }
  return 'en';
}

/// Switches the language (loading its catalogue and the framework's names in it if needed) and
/// sets `<html lang>`. `remember`: keep the choice on this device, and put it in the address so
/// the page can be shared in that language.
export async function setLang(l: Lang, remember = false): Promise<void> {
  const next: Lang = l !== 'en' && `./i18n/parts/${l}/main.json` in partLoaders ? l : 'en';
  const parts = [...needed];
  const [tables, englishTables] = await Promise.all([Promise.all([loadPart(next, 'main'), loadNames(next, 'main'), ...parts.map((p) => loadAny(next, p))]), englishOf(next, parts)]);
  current = next;
  catalogue = {};
  names = {};
  for (const [kind, table] of tables) Object.assign(kind === 'names' ? names : catalogue, table);
  english = next === 'en' ? catalogue : Object.assign({ ...enMain }, ...englishTables);
  have = new Set(parts);
  engineRules = null;
  // A part a view asked for while this language loaded.
  await need(...needed);
  document.documentElement.lang = current;
  if (remember) {
    try {
      localStorage.setItem(STORE, current);
    } catch {
      /* storage blocked: the choice lasts for this visit */
    }
    const url = new URL(location.href);
    if (url.searchParams.has('lang') || current !== 'en') {
      url.searchParams.set('lang', current);
      history.replaceState(history.state, '', url);
    }
  }
}

async function loadPart(l: Lang, part: string): Promise<['text', Table]> {
  if (l === 'en' && part === 'main') return ['text', enMain];
  const path = `./i18n/parts/${l}/${part}.json`;
  return ['text', path in partLoaders ? await partLoaders[path]() : {}];
}

async function loadNames(l: Lang, part: 'main' | 'detail'): Promise<['names', Table]> {
  const path = `./i18n/names/${l}/${part}.json`;
  return ['names', l !== 'en' && path in nameLoaders ? await nameLoaders[path]() : {}];
}

function loadAny(l: Lang, p: Part): Promise<['text' | 'names', Table]> {
  return p === 'names' ? loadNames(l, 'detail') : loadPart(l, p);
}

/// Loads what a view shows (its part of the catalogue, the framework's indicator names) in the
/// current language, once; a view is drawn only after this resolves, so it never shows a key
/// or an English name while its text loads. Parts are loaded again when the language changes.
export async function need(...parts: Part[]): Promise<void> {
  for (const p of parts) needed.add(p);
  const todo = parts.filter((p) => !have.has(p));
  if (!todo.length) return;
  const l = current;
  const [tables, englishTables] = await Promise.all([Promise.all(todo.map((p) => loadAny(l, p))), englishOf(l, todo)]);
  // The language changed meanwhile: setLang loads them in the new one.
  if (l !== current) return need(...parts);
  todo.forEach((p, i) => {
    have.add(p);
    const [kind, table] = tables[i];
    Object.assign(kind === 'names' ? names : catalogue, table);
  });
  for (const table of englishTables) Object.assign(english, table);
  engineRules = null;
}

/// The English of the catalogue parts `parts` when the page is in another language: the
/// engine.* entries a view's part holds are matched by their English (engineText), and a key
/// the language lacks falls back to it.
function englishOf(l: Lang, parts: Part[]): Promise<Table[]> {
  if (l === 'en') return Promise.resolve([]);
  return Promise.all(parts.filter((p) => p !== 'names').map(async (p) => (await loadPart('en', p))[1]));
}

/// The text of `key` in the current language, with `{name}` filled from `params`. A key the
/// current catalogue lacks falls back to English (never to an empty string).
export function t(key: Key, params?: Record<string, string | number>): string {
  const text = catalogue[key] || english[key] || key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/// A count with its word: `tn('n.city', 3)` → "3 cities" (keys `n.city.one`, `n.city.other`;
/// `{n}` is the count in the page's grouping).
export function tn(base: PluralBase, n: number): string {
  const key = (n === 1 ? `${base}.one` : `${base}.other`) as Key;
  return t(key, { n: grouped(n) });
}

/// A framework's name (of a node, an input field, a tier, a zone, a unit) in the page's
/// language; the English name where the framework has none in it.
export function nm(english: string): string {
  return (current !== 'en' && names[english]) || english;
}

/// A message from the engine in the page's language. The engine writes its data check issues
/// and errors in English; each `engine.*` entry of en.json is one of those messages exactly as
/// the engine writes it, with `{name}` for its variable parts (file, row, column, value, ids:
/// data, shown as they are). A message that matches an entry is shown through the current
/// catalogue's text of that key; a variable part called `reason` is itself an engine message
/// and translated the same way, one called `label` (a sister-city subgroup: a tier, zone) is a
/// framework name (`nm`), or "all" (every ranked city). A message that matches none is shown as the engine wrote it.
/// Placeholders of engine.* entries that are counts and numbers: they match digits only, so an
/// entry that starts with one ("{m} ranked units, …") does not read a longer message that wraps
/// it ("subgroup all: 116 ranked units, …" is "subgroup {label}: {reason}").
const COUNT = /^(n|m|n2|d|own|other|pairs|rank|rows|want|total)$/;

export function engineText(message: string): string {
  if (current === 'en' || !message) return message;
  if (!engineRules) {
    engineRules = Object.entries(english)
      .filter(([k]) => k.startsWith('engine.'))
      .map(([key, text]) => {
        const params: string[] = [];
        const src = text
          .split(/(\{\w+\})/)
          .map((part) => {
            const m = /^\{(\w+)\}$/.exec(part);
            if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            params.push(m[1]);
            return COUNT.test(m[1]) ? '(-?[\\d,.]+)' : '([\\s\\S]+?)';
          })
          .join('');
        return { re: new RegExp(`^${src}$`), key, params, literal: text.replace(/\{\w+\}/g, '').length };
      })
      // The most specific first: a message that fits two entries ("population: {reason}" and
      // "{file}: {reason}") is read by the one with more fixed text.
      .sort((a, b) => b.literal - a.literal);
  }
  for (const r of engineRules) {
    const m = r.re.exec(message);
    if (!m) continue;
    const values: Record<string, string> = {};
    r.params.forEach((p, i) => (values[p] = p === 'reason' ? engineText(m[i + 1]) : p === 'label' ? (m[i + 1] === 'all' ? t('sister.within.all') : nm(m[i + 1])) : m[i + 1]));
    return t(r.key as Key, values);
  }
  return message;
}
