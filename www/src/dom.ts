// Tiny DOM builder. Text always goes in as text nodes (never innerHTML), so a city called
// "<script>…" is shown as exactly that.

type Child = Node | string | number | null | undefined | false;
export type Children = Child | Children[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

export function s(tag: string, attrs: Attrs | null = null, ...children: Children[]): SVGElement {
  const el = document.createElementNS(SVG, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs | null): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'class') {
      el.setAttribute('class', String(v));
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

function append(el: Element, children: Children[]): void {
  for (const c of children.flat(Infinity as 1) as Child[]) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function $(sel: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(sel);
  if (!el) throw new Error(`missing element ${sel}`);
  return el;
}

/// A negative value that rounds to zero shows as zero ("0.0", not "-0.0"). (Intl's
/// `signDisplay: 'negative'` does this too, but throws in browsers older than 2022.)
function unsignedZero(s: string): string {
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/// Numbers as people read them: fixed decimals, an en dash for missing. Every language keeps
/// Indian grouping with international digits ('en-IN'), as Government of India documents do;
/// counts with their words are `tn` (i18n.ts).
export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return unsignedZero(numberFormat(digits, digits).format(x));
}

export function fmtInt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return grouped(Math.round(x));
}

/// A number in the page's grouping as `x.toLocaleString('en-IN')` writes it (up to 3 decimals).
export function grouped(x: number): string {
  return numberFormat(0, 3).format(x);
}

/// The 'en-IN' formatters, made once each: `x.toLocaleString('en-IN', options)` is the same
/// as `new Intl.NumberFormat('en-IN', options).format(x)` (ECMA-402) but makes the formatter on
/// every call, ~30-100 µs in Chromium: a results view (50 rows, the histogram) spent 16-34 ms
/// in it (docs/BENCHMARKS.md, "Where the page's time goes"). `fmtInt`'s (0, 3) is
/// `toLocaleString`'s default for a whole number.
const formats = new Map<number, Intl.NumberFormat>();
function numberFormat(min: number, max: number): Intl.NumberFormat {
  const key = min * 100 + max;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat('en-IN', { minimumFractionDigits: min, maximumFractionDigits: max })));
  return f;
}

/// Values that may be tiny or huge (raw inputs, derived values): up to 4 significant decimals.
export function fmtValue(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const d = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return unsignedZero(numberFormat(0, d).format(x));
}

export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${Math.round(x * 100)}%`;
}

/// Dates as India writes them: DD-MM-YYYY (from an ISO date, YYYY-MM-DD...).
export function fmtDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}

/// A cell as written in the file, for showing beside the computed values: a plain number gets
/// the page's grouping (24,05,665, never 2405665) with the decimals it was written with; any
/// other text is shown as written.
export function fmtCell(text: string): string {
  const t = text.trim();
  const m = /^-?\d+(?:\.(\d+))?$/.exec(t);
  if (!m) return text;
  const d = Math.min(m[1]?.length ?? 0, 10);
  return unsignedZero(numberFormat(d, d).format(Number(t)));
}

/// A moment as India writes it: DD-MM-YYYY HH:MM (local time).
export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getDate())}-${two(d.getMonth() + 1)}-${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/// A formula as text ("100000 × a / population"): its long constants in the page's grouping
/// (1,00,000), the rest as written.
export function fmtFormula(text: string): string {
  return text.replace(/(?<![\w.,])\d{4,}(?![\w.,])/g, (d) => grouped(Number(d)));
}
