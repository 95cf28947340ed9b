// Small SVG charts, drawn from data with createElementNS (no library, no inline styles, no
// innerHTML). Each chart has a text alternative; the tables next to them hold the same numbers.
import { fmt, grouped, h, s } from '../dom';
import { t, tn } from '../i18n';

/// Charts are drawn for the width they get: on a phone a narrower drawing, so that its text,
/// scaled to the screen, stays at about the size of the page's own text (12-13 px), not 5 px.
export function narrow(): boolean {
  return typeof window !== 'undefined' && window.matchMedia('(max-width: 600px)').matches;
}

function domain(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return [0, 100];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo >= 0 && hi <= 100) return [0, 100];
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function ticks(lo: number, hi: number, n = 5): number[] {
  const step = niceStep((hi - lo) / n);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/// Histogram of the index over all units, with an optional highlighted value (a city).
export function histogram(values: number[], title: string, highlight?: number | null): HTMLElement {
  const v = values.filter(Number.isFinite);
  const [lo, hi] = domain(v);
  const bins = 20;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)))]++;
  const W = narrow() ? 360 : 640, H = 200, L = 40, R = 12, T = 12, B = 34;
  const maxC = Math.max(1, ...counts);
  const x = (val: number) => L + ((val - lo) / (hi - lo)) * (W - L - R);
  const y = (c: number) => T + (1 - c / maxC) * (H - T - B);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  for (const t of ticks(0, maxC, 4)) {
    if (!Number.isInteger(t)) continue;
    svg.append(s('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(s('text', { x: L - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, String(t)));
  }
  const bw = (W - L - R) / bins;
  counts.forEach((c, i) => {
    if (c === 0) return;
    const r = s('rect', { x: L + i * bw + 1, y: y(c), width: bw - 2, height: y(0) - y(c), class: 'bar' });
    const from = lo + (i * (hi - lo)) / bins;
    const to = lo + ((i + 1) * (hi - lo)) / bins;
    r.append(s('title', null, t('chart.bin', { cities: tn('n.city', c), from: fmt(from), to: fmt(to) })));
    svg.append(r);
  });
  for (const t of ticks(lo, hi, 5)) {
    svg.append(s('text', { x: x(t), y: H - B + 16, class: 'tick', 'text-anchor': 'middle' }, fmt(t, 0)));
  }
  svg.append(s('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'axis' }));
  if (highlight !== undefined && highlight !== null && Number.isFinite(highlight)) {
    svg.append(s('line', { x1: x(highlight), x2: x(highlight), y1: T, y2: y(0), class: 'marker' }));
  }
  svg.append(s('text', { x: (W + L) / 2, y: H - 4, class: 'axis-label', 'text-anchor': 'middle' }, t('chart.index_score')));
  return h('figure', { class: 'chart-box' }, svg);
}

export interface Bar {
  label: string;
  value: number | null;
  /// Comparison group's mean, drawn as a tick.
  reference?: number | null;
}

/// Horizontal bars (one per vertical or sector) with the group mean as a tick.
export function bars(items: Bar[], title: string): HTMLElement {
  const vals = items.flatMap((b) => [b.value ?? NaN, b.reference ?? NaN]);
  const [lo, hi] = domain(vals);
  // The label column fits the longest label (about 7.5 units a character at the labels' size),
  // so names such as "Transparency & Accountability" are not cut at the left edge.
  const short = (label: string) => (label.length > 36 ? `${label.slice(0, 35)}…` : label);
  const longest = Math.max(0, ...items.map((b) => short(b.label).length));
  // On a phone each label sits above its bar, which then has the whole width.
  const small = narrow();
  const rowH = small ? 40 : 26, R = 54, T = 6, W = small ? 360 : 640;
  const L = small ? 6 : Math.min(290, Math.max(120, 16 + longest * 7.5));
  const H = T + items.length * rowH + 22;
  const barTop = small ? 19 : 5;
  const x = (v: number) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const zero = x(Math.max(lo, Math.min(hi, 0)));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  for (const t of ticks(lo, hi, 5)) {
    svg.append(s('line', { x1: x(t), x2: x(t), y1: T, y2: H - 20, class: 'grid' }));
    svg.append(s('text', { x: x(t), y: H - 6, class: 'tick', 'text-anchor': 'middle' }, fmt(t, 0)));
  }
  items.forEach((b, i) => {
    const yy = T + i * rowH;
    const barY = yy + barTop, barH = rowH - barTop - 5, mid = barY + barH / 2 + 4;
    if (small) svg.append(s('text', { x: L, y: yy + 14, class: 'bar-label' }, b.label.length > 44 ? `${b.label.slice(0, 43)}…` : b.label));
    else svg.append(s('text', { x: L - 8, y: mid, class: 'bar-label', 'text-anchor': 'end' }, short(b.label)));
    if (b.value !== null && Number.isFinite(b.value)) {
      const x1 = Math.min(zero, x(b.value));
      const r = s('rect', { x: x1, y: barY, width: Math.max(1, Math.abs(x(b.value) - zero)), height: barH, class: 'bar' });
      r.append(s('title', null, `${b.label}: ${fmt(b.value)}`));
      svg.append(r);
      svg.append(s('text', { x: W - R + 6, y: mid, class: 'value' }, fmt(b.value)));
    } else {
      svg.append(s('text', { x: L + 4, y: mid, class: 'tick' }, 'no value'));
    }
    if (b.reference !== undefined && b.reference !== null && Number.isFinite(b.reference)) {
      const m = s('line', { x1: x(b.reference), x2: x(b.reference), y1: barY - 3, y2: barY + barH + 3, class: 'ref' });
      m.append(s('title', null, t('chart.group_mean', { value: fmt(b.reference) })));
      svg.append(m);
    }
  });
  return h('figure', { class: 'chart-box' }, svg);
}

let measure: CanvasRenderingContext2D | null | undefined;
/// The width of `text` in the page's font at `px` (an estimate where the browser cannot measure).
function textWidth(text: string, px: number): number {
  if (measure === undefined) measure = document.createElement('canvas').getContext('2d');
  if (!measure) return text.length * px * 0.6;
  measure.font = `${px}px ${getComputedStyle(document.body).fontFamily}`;
  return measure.measureText(text).width;
}

/// A chart label fitted to `width`: on one line or wrapped at spaces on two, at 12 px or smaller
/// down to 9 px; only a word too wide even so is cut (between whole letters, so a Devanagari
/// vowel sign is never cut from its consonant) and ends in "…".
function fitLabel(text: string, width: number): { lines: string[]; px: number } {
  for (const px of [12, 11, 10, 9]) {
    const lines: string[] = [];
    for (const w of text.split(/\s+/).filter(Boolean)) {
      const last = lines.length - 1;
      if (last >= 0 && textWidth(`${lines[last]} ${w}`, px) <= width) lines[last] = `${lines[last]} ${w}`;
      else lines.push(w);
    }
    if (lines.length <= 2 && lines.every((l) => textWidth(l, px) <= width)) return { lines, px };
  }
  const letters = typeof Intl.Segmenter === 'function' ? [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((x) => x.segment) : [...text];
  let out = '';
  for (const g of letters) {
    if (textWidth(`${out}${g}…`, 9) > width) break;
    out += g;
  }
  return { lines: [`${out.trimEnd()}…`], px: 9 };
}

/// Grouped bars: one group per vertical, one bar per city (comparison view).
export function groupedBars(groups: string[], series: { name: string; values: (number | null)[] }[], title: string): HTMLElement {
  const [lo, hi] = domain(series.flatMap((s) => s.values.map((v) => v ?? NaN)));
  const small = narrow();
  const W = small ? 360 : 640, H = 240, L = 36, R = 8, T = 10, B = 46;
  const gw = (W - L - R) / Math.max(1, groups.length);
  const bw = Math.min(22, (gw - 12) / Math.max(1, series.length));
  const y = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  for (const t of ticks(lo, hi, 5)) {
    svg.append(s('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(s('text', { x: L - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(t, 0)));
  }
  const base = y(Math.max(lo, 0));
  groups.forEach((g, gi) => {
    const gx = L + gi * gw + (gw - bw * series.length) / 2;
    series.forEach((se, si) => {
      const v = se.values[gi];
      if (v === null || !Number.isFinite(v)) return;
      const r = s('rect', { x: gx + si * bw, y: Math.min(y(v), base), width: bw - 2, height: Math.abs(base - y(v)), class: `bar s${si}` });
      r.append(s('title', null, `${se.name}, ${g}: ${fmt(v)}`));
      svg.append(r);
    });
    // The group's name under its bars, fitted to their width (wrapped, smaller, or at worst
    // shortened); the full name is the label's tooltip and in the bars' own.
    const fit = fitLabel(g, gw - 4);
    const x = L + gi * gw + gw / 2;
    // The size by a class (the Content-Security-Policy allows no inline style).
    const t = s('text', { x, y: H - B + 15, class: fit.px < 12 ? `tick fs-${fit.px}` : 'tick', 'text-anchor': 'middle' });
    fit.lines.forEach((line, k) => t.append(s('tspan', { x, dy: k === 0 ? 0 : fit.px + 2 }, line)));
    t.append(s('title', null, g));
    svg.append(t);
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((se, si) => h('li', null, h('span', { class: `swatch s${si}`, 'aria-hidden': 'true' }), se.name)),
  );
  return h('figure', { class: 'chart-box' }, svg, legend);
}

export interface RankInterval {
  label: string;
  nominal: number | null;
  median: number | null;
  q5: number | null;
  q95: number | null;
  /// The row's text alternative (a tooltip), in the page's language.
  note: string;
}

/// Rank intervals (the Robustness view): one row per city, a bar from the 5th to the 95th
/// percentile of its ranks over the replications, a dot at the median and a diamond at the
/// nominal rank. Rank 1 at the left. The axis spans the rows shown (so the top 20 of 5,000 are
/// legible), with its label and the legend's words given by the caller.
export function rankIntervals(rows: RankInterval[], title: string, words: { axis: string; nominal: string; median: string; interval: string }): HTMLElement {
  const small = narrow();
  const vals = rows.flatMap((r) => [r.nominal, r.q5, r.q95, r.median]).filter((v): v is number => v !== null && Number.isFinite(v));
  let lo = vals.length ? Math.min(...vals) : 1;
  let hi = vals.length ? Math.max(...vals) : 10;
  const pad = Math.max(1, (hi - lo) * 0.04);
  lo = Math.max(0, lo - pad);
  hi = hi + pad;
  const short = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);
  const rowH = small ? 34 : 20, T = 6, W = small ? 360 : 640, R = 12;
  const L = small ? 8 : Math.min(270, Math.max(110, 16 + Math.max(0, ...rows.map((r) => short(r.label, 36).length)) * 7));
  const H = T + rows.length * rowH + 40;
  const x = (v: number) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart rank-intervals', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  const bottom = T + rows.length * rowH;
  for (const t of ticks(lo, hi, small ? 4 : 6)) {
    if (!Number.isInteger(t) || t < 1) continue;
    svg.append(s('line', { x1: x(t), x2: x(t), y1: T, y2: bottom, class: 'grid' }));
    svg.append(s('text', { x: x(t), y: bottom + 14, class: 'tick', 'text-anchor': 'middle' }, grouped(t)));
  }
  svg.append(s('text', { x: (W + L) / 2, y: bottom + 32, class: 'axis-label', 'text-anchor': 'middle' }, words.axis));
  rows.forEach((r, i) => {
    const yy = T + i * rowH;
    const mid = small ? yy + 25 : yy + rowH / 2;
    const g = s('g', { class: 'interval-row' });
    g.append(s('title', null, r.note));
    if (small) g.append(s('text', { x: L, y: yy + 12, class: 'bar-label' }, short(r.label, 46)));
    else g.append(s('text', { x: L - 8, y: mid + 4, class: 'bar-label', 'text-anchor': 'end' }, short(r.label, 36)));
    if (r.q5 !== null && r.q95 !== null) {
      g.append(s('rect', { x: x(r.q5), y: mid - 4, width: Math.max(2, x(r.q95) - x(r.q5)), height: 8, rx: 2, class: 'interval' }));
    }
    if (r.median !== null) g.append(s('circle', { cx: x(r.median), cy: mid, r: 3.5, class: 'median' }));
    if (r.nominal !== null) {
      const cx = x(r.nominal);
      g.append(s('path', { d: `M${cx} ${mid - 6}L${cx + 5} ${mid}L${cx} ${mid + 6}L${cx - 5} ${mid}Z`, class: 'nominal' }));
    }
    svg.append(g);
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    h('li', null, h('span', { class: 'swatch interval', 'aria-hidden': 'true' }), words.interval),
    h('li', null, h('span', { class: 'swatch median', 'aria-hidden': 'true' }), words.median),
    h('li', null, h('span', { class: 'swatch nominal', 'aria-hidden': 'true' }), words.nominal),
  );
  return h('figure', { class: 'chart-box' }, svg, legend);
}

export interface IntervalBar {
  label: string;
  /// One value per series, each with its 5–95% interval when known.
  values: { value: number | null; lo: number | null; hi: number | null }[];
}

/// Grouped horizontal bars with interval whiskers (the sensitivity indices Si and STi with their
/// bootstrap intervals). Series names and the axis label come from the caller.
export function intervalBars(items: IntervalBar[], series: string[], title: string, axis: string): HTMLElement {
  const small = narrow();
  const all = items.flatMap((b) => b.values.flatMap((v) => [v.value, v.lo, v.hi])).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...all);
  const hi = Math.max(1e-9, ...all) * 1.05;
  const barH = 13, gap = 4;
  const groupH = series.length * (barH + gap) + (small ? 24 : 12);
  const W = small ? 360 : 640, R = 54, T = 6;
  const L = small ? 8 : Math.min(220, Math.max(110, 16 + Math.max(0, ...items.map((b) => b.label.length)) * 7));
  const H = T + items.length * groupH + 40;
  const x = (v: number) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  const bottom = T + items.length * groupH;
  for (const t of ticks(lo, hi, 5)) {
    svg.append(s('line', { x1: x(t), x2: x(t), y1: T, y2: bottom, class: 'grid' }));
    svg.append(s('text', { x: x(t), y: bottom + 14, class: 'tick', 'text-anchor': 'middle' }, fmt(t, 2)));
  }
  svg.append(s('text', { x: (W + L) / 2, y: bottom + 32, class: 'axis-label', 'text-anchor': 'middle' }, axis));
  items.forEach((b, i) => {
    const yy = T + i * groupH + (small ? 16 : 4);
    if (small) svg.append(s('text', { x: L, y: yy - 4, class: 'bar-label' }, b.label));
    else svg.append(s('text', { x: L - 8, y: yy + (series.length * (barH + gap)) / 2 + 3, class: 'bar-label', 'text-anchor': 'end' }, b.label));
    b.values.forEach((v, k) => {
      const by = yy + k * (barH + gap);
      if (v.value === null || !Number.isFinite(v.value)) return;
      const x0 = x(Math.max(lo, 0));
      const r = s('rect', { x: Math.min(x0, x(v.value)), y: by, width: Math.max(1, Math.abs(x(v.value) - x0)), height: barH, class: `bar s${k}` });
      r.append(s('title', null, `${b.label}, ${series[k]}: ${fmt(v.value, 3)}${v.lo !== null && v.hi !== null ? ` (${fmt(v.lo, 3)} – ${fmt(v.hi, 3)})` : ''}`));
      svg.append(r);
      if (v.lo !== null && v.hi !== null && Number.isFinite(v.lo) && Number.isFinite(v.hi)) {
        svg.append(s('line', { x1: x(v.lo), x2: x(v.hi), y1: by + barH / 2, y2: by + barH / 2, class: 'whisker' }));
        svg.append(s('line', { x1: x(v.lo), x2: x(v.lo), y1: by + 1, y2: by + barH - 1, class: 'whisker' }));
        svg.append(s('line', { x1: x(v.hi), x2: x(v.hi), y1: by + 1, y2: by + barH - 1, class: 'whisker' }));
      }
      svg.append(s('text', { x: W - R + 6, y: by + barH - 1, class: 'value' }, fmt(v.value, 2)));
    });
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((name, k) => h('li', null, h('span', { class: `swatch s${k}`, 'aria-hidden': 'true' }), name)),
  );
  return h('figure', { class: 'chart-box' }, svg, legend);
}

/// A correlation matrix as a heatmap (the audit): cells coloured from −1 (one colour) through 0
/// (white) to 1 (the other), the value written in each cell when the cells are big enough.
export function heatmap(labels: string[], matrix: (number | null)[][], title: string): HTMLElement {
  const small = narrow();
  const n = labels.length;
  const W = small ? 360 : 640;
  const L = small ? 90 : 170, T = small ? 80 : 100;
  const cell = Math.max(8, Math.min(44, (W - L - 8) / Math.max(1, n)));
  const H = T + n * cell + 8;
  const short = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart heatmap', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  labels.forEach((lab, i) => {
    svg.append(s('text', { x: L - 6, y: T + i * cell + cell / 2 + 4, class: 'tick', 'text-anchor': 'end' }, short(lab, small ? 12 : 24)));
    const cx = L + i * cell + cell / 2;
    svg.append(s('text', { x: cx, y: T - 6, class: 'tick', 'text-anchor': 'start', transform: `rotate(-50 ${cx} ${T - 6})` }, short(lab, small ? 12 : 20)));
  });
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      const ok = v !== null && Number.isFinite(v);
      const a = ok ? Math.min(1, Math.abs(v as number)) : 0;
      const r = s('rect', { x: L + j * cell, y: T + i * cell, width: cell - 1, height: cell - 1, class: ok ? ((v as number) >= 0 ? 'heat pos' : 'heat neg') : 'heat none', 'fill-opacity': ok ? (0.1 + 0.9 * a).toFixed(2) : null });
      r.append(s('title', null, `${labels[i]} × ${labels[j]}: ${ok ? fmt(v, 2) : '–'}`));
      svg.append(r);
      if (ok && cell >= 30) svg.append(s('text', { x: L + j * cell + cell / 2, y: T + i * cell + cell / 2 + 4, class: a > 0.6 ? 'heat-value dark' : 'heat-value', 'text-anchor': 'middle' }, fmt(v, 2)));
    }),
  );
  return h('figure', { class: 'chart-box' }, svg);
}
