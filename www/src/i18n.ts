// The page's words. Every piece of UI text lives in one catalogue per language
// (src/i18n/<lang>.json: a flat map from key to text, `{name}` marks a value put in by `t`);
// UI code asks for text by key only. English is bundled with the page; every other language is
// loaded (from the page's own origin, cached for offline use) when it is chosen.
// Adding a language: see www/README.md ("Adding a language").
import en from './i18n/en.json';

export type Key = keyof typeof en;
export type Lang = 'en' | 'hi';
/// The languages offered, each named in itself.
export const LANGS: readonly { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'hi', name: 'हिन्दी' },
];

const loaders = import.meta.glob<Record<string, string>>('./i18n/*.json', { import: 'default' });
let current: Lang = 'en';
let catalogue: Record<string, string> = en;

export function lang(): Lang {
  return current;
}

/// Switches the language (loading its catalogue if needed) and sets `<html lang>`.
export async function setLang(l: Lang): Promise<void> {
  const path = `./i18n/${l}.json`;
  current = path in loaders ? l : 'en';
  catalogue = current === 'en' ? en : await loaders[path]();
  document.documentElement.lang = current;
}

/// The text of `key` in the current language, with `{name}` filled from `params`. A key the
/// current catalogue lacks falls back to English (never to an empty string).
export function t(key: Key, params?: Record<string, string | number>): string {
  const text = catalogue[key] || en[key] || key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
