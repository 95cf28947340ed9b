// Small SVG charts, drawn from data with createElementNS (no library, no inline styles, no
// innerHTML). Each chart has a text alternative; the tables next to them hold the same numbers.
import { fmt, h, s } from '../dom';
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
    const max = small ? Math.max(4, Math.floor(gw / 7.5)) : 16;
    const label = g.length > max ? `${g.slice(0, max - 1)}…` : g;
    const t = s('text', { x: L + gi * gw + gw / 2, y: H - B + 16, class: 'tick', 'text-anchor': 'middle' }, label);
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
