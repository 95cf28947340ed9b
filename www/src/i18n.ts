// The page's words. Every piece of UI text lives in one catalogue per language
// (src/i18n/<lang>.json: a flat map from key to text, `{name}` marks a value put in by `t`);
// UI code asks for text by key only. English is bundled with the page; every other language is
// loaded (from the page's own origin, cached for offline use) when it is chosen.
// The framework's names (verticals, sectors, indicators, input fields, tiers, zones, units) are
// data in the framework file: scripts/lib/framework-names.py writes src/i18n/names/<lang>.json
// from it at build time (English text → text in <lang>), loaded with the catalogue; `nm` looks
// a name up, falling back to the English name.
// Messages from the engine (data check issues, errors) come in English; `engineText` shows them
// in the page's language through the catalogue's `engine.*` entries (see there).
// Adding a language: see www/README.md ("Adding a language").
import en from './i18n/en.json';

export type Key = keyof typeof en;
export type Lang = 'en' | 'hi';
/// Keys written `base.one` / `base.other`: a count's words (`tn`).
type Base<K> = K extends `${infer B}.one` ? B : never;
export type PluralBase = Base<Key>;

/// The languages offered, each named in itself.
export const LANGS: readonly { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'hi', name: 'हिन्दी' },
];

// English is bundled (imported above), not one of the loaded catalogues.
const loaders = import.meta.glob<Record<string, string>>(['./i18n/*.json', '!./i18n/en.json'], { import: 'default' });
const nameLoaders = import.meta.glob<Record<string, string>>('./i18n/names/*.json', { import: 'default' });
let current: Lang = 'en';
let catalogue: Record<string, string> = en;
let names: Record<string, string> = {};
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
  const path = `./i18n/${l}.json`;
  const next: Lang = l !== 'en' && path in loaders ? l : 'en';
  const namesPath = `./i18n/names/${next}.json`;
  const [cat, nms] = await Promise.all([
    next === 'en' ? en : loaders[path](),
    next !== 'en' && namesPath in nameLoaders ? nameLoaders[namesPath]() : {},
  ]);
  current = next;
  catalogue = cat;
  names = nms;
  engineRules = null;
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

/// The text of `key` in the current language, with `{name}` filled from `params`. A key the
/// current catalogue lacks falls back to English (never to an empty string).
export function t(key: Key, params?: Record<string, string | number>): string {
  const text = catalogue[key] || en[key] || key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/// A count with its word: `tn('n.city', 3)` → "3 cities" (keys `n.city.one`, `n.city.other`;
/// `{n}` is the count in the page's grouping).
export function tn(base: PluralBase, n: number): string {
  const key = (n === 1 ? `${base}.one` : `${base}.other`) as Key;
  return t(key, { n: n.toLocaleString('en-IN') });
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
/// and translated the same way. A message that matches none is shown as the engine wrote it.
export function engineText(message: string): string {
  if (current === 'en' || !message) return message;
  if (!engineRules) {
    engineRules = Object.entries(en)
      .filter(([k]) => k.startsWith('engine.'))
      .map(([key, text]) => {
        const params: string[] = [];
        const src = text
          .split(/(\{\w+\})/)
          .map((part) => {
            const m = /^\{(\w+)\}$/.exec(part);
            if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            params.push(m[1]);
            return '([\\s\\S]+?)';
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
    r.params.forEach((p, i) => (values[p] = p === 'reason' ? engineText(m[i + 1]) : m[i + 1]));
    return t(r.key as Key, values);
  }
  return message;
}
