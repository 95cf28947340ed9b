// Sister cities: the Ministry's 20-20 pairing (the N best-ranked cities each mentor one of the
// N worst), computed by nagar_core::pairing exactly as `nagar pair`: settings, the pairs as a
// picture and a table with an explanation per pair, the CSV export, and the units that could
// not be placed with the reason.
import './analysis.css';
import { clear, fmt, h, s } from '../dom';
import type { Attr, CostWeights, Pair, PairOptions, Pairing, Term, Within } from '../analysis-types';
import { TERMS } from '../analysis-types';
import type { Results } from '../protocol';
import type { AppState } from '../state';
import { datasetBanner } from './results';
import { narrow } from './charts';
import { membership } from './robustness';

/// How sure a mentor's place in the top N (a mentee's in the bottom N) is, once the Robustness
/// view has run an uncertainty analysis of these results.
function sure(st: AppState, id: string, which: 'top' | 'bottom'): HTMLElement | null {
  const m = membership(st, id, which);
  return m ? h('div', { class: 'hint rb-membership' }, m) : null;
}

/// The largest N the form accepts (the pairing itself places as many as the data allow).
const MAX_N = 500;

const DEFAULT_WEIGHTS: CostWeights = { zone: 1, terrain: 1, tier: 0.5, population: 0.5, tags: 1, complement: 2 };

const TERM_LABEL: Record<Term, string> = {
  zone: 'Different zone',
  terrain: 'Different terrain',
  tier: 'Different tier',
  population: 'Population gap (log scale)',
  tags: 'No shared tag (e.g. water-scarce)',
  complement: 'Mentor weak where the mentee is weakest',
};

/// The settings and the last result, kept while the page is open (never stored).
const view: {
  options: { n: number; within: Within; same: Attr[]; weights: CostWeights };
  pairing: Pairing | null;
  results: Results | null;
  error: string | null;
} = {
  options: { n: 20, within: 'all', same: [], weights: { ...DEFAULT_WEIGHTS } },
  pairing: null,
  results: null,
  error: null,
};

function pairOptions(): PairOptions {
  const o = view.options;
  return { n: o.n, within: o.within, same: [...o.same], weights: { ...o.weights } };
}

async function run(st: AppState): Promise<void> {
  try {
    view.pairing = await st.engine.call<Pairing>({ op: 'pair', options: pairOptions() });
    view.error = null;
  } catch (e) {
    view.pairing = null;
    view.error = e instanceof Error ? e.message : String(e);
  }
  view.results = st.results;
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function settingsForm(st: AppState, redraw: () => void, defaults: () => void): HTMLElement {
  const o = view.options;
  const num = (id: string, label: string, value: number, attrs: Record<string, string | number>, set: (x: number) => void) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', {
        id,
        type: 'number',
        value,
        ...attrs,
        onchange: (e: Event) => {
          const x = Number((e.target as HTMLInputElement).value);
          if (Number.isFinite(x) && x >= 0) set(x);
        },
      }),
    );
  const within = h(
    'select',
    { id: 'pair-within', onchange: (e: Event) => (o.within = (e.target as HTMLSelectElement).value as Within) },
    (
      [
        ['all', 'All ranked cities'],
        ['tier', 'Each population tier separately'],
        ['zone', 'Each zone separately'],
        ['terrain', 'Each terrain separately'],
      ] as [Within, string][]
    ).map(([v, l]) => h('option', { value: v, selected: o.within === v }, l)),
  );
  const same = h(
    'fieldset',
    { class: 'checks' },
    h('legend', null, 'Pairs must share'),
    (['zone', 'terrain', 'tier'] as Attr[]).map((a) =>
      h(
        'label',
        null,
        h('input', {
          type: 'checkbox',
          checked: o.same.includes(a),
          'data-same': a,
          onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            o.same = on ? [...o.same.filter((x) => x !== a), a] : o.same.filter((x) => x !== a);
          },
        }),
        ` ${a}`,
      ),
    ),
  );
  const weights = h(
    'fieldset',
    { class: 'pair-weights' },
    h('legend', null, 'Cost weights (0 switches a term off)'),
    TERMS.map((t) => num(`pw-${t}`, TERM_LABEL[t], o.weights[t], { min: 0, step: 0.1, 'data-term': t }, (x) => (o.weights[t] = x))),
  );
  return h(
    'form',
    {
      class: 'pair-settings',
      'aria-label': 'Pairing settings',
      // The page checks N itself and says what is wrong (the browser's bubble would not run it).
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        // N is read from the field as typed: 0, -3 or 2.5 is refused with a message, never
        // replaced by the previous or the default value.
        const field = (e.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>('#pair-n')!;
        const msg = (e.currentTarget as HTMLFormElement).querySelector<HTMLElement>('#pair-n-error')!;
        const text = field.value.trim();
        const x = Number(text);
        if (text === '' || !Number.isInteger(x) || x < 1 || x > MAX_N) {
          field.setAttribute('aria-invalid', 'true');
          msg.textContent = `N must be a whole number from 1 to ${MAX_N}${text === '' ? '' : `, not ${text}`}. Nothing was paired.`;
          msg.hidden = false;
          field.focus();
          return;
        }
        field.removeAttribute('aria-invalid');
        msg.hidden = true;
        o.n = x;
        void run(st).then(redraw);
      },
    },
    h(
      'div',
      { class: 'filters' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'pair-n' }, 'Mentors and mentees (N)'),
        h('input', { id: 'pair-n', type: 'number', value: o.n, min: 1, step: 1, max: MAX_N, inputmode: 'numeric', 'aria-describedby': 'pair-n-error' }),
        h('p', { id: 'pair-n-error', class: 'field-error', role: 'alert', hidden: true }),
      ),
      h('div', { class: 'field' }, h('label', { for: 'pair-within' }, 'Pair within'), within),
      same,
    ),
    weights,
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'submit', class: 'button primary', 'data-testid': 'pair-run' }, 'Pair the cities'),
      h(
        'button',
        { type: 'button', class: 'button', 'data-testid': 'pair-defaults', onclick: defaults },
        'Defaults',
      ),
    ),
  );
}

const rankOf = (r: number | null) => (r === null || r === undefined ? '–' : `#${r}`);

/// Two columns, mentors (left) and mentees (right), each by rank, a line for each pair.
function picture(pairs: Pair[], label: string): HTMLElement {
  const mentors = [...pairs].sort((a, b) => (a.mentor.rank ?? 1e9) - (b.mentor.rank ?? 1e9));
  const mentees = [...pairs].sort((a, b) => (a.mentee.rank ?? 1e9) - (b.mentee.rank ?? 1e9));
  const row = 24;
  const small = narrow();
  const W = small ? 380 : 760, T = 30, L = small ? 150 : 290, R = small ? 230 : 470;
  const H = T + pairs.length * row + 8;
  const yM = new Map(mentors.map((p, i) => [p.mentor.id, T + i * row + row / 2]));
  const yE = new Map(mentees.map((p, i) => [p.mentee.id, T + i * row + row / 2]));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart pair-picture', role: 'img', 'aria-label': `${label}: each mentor joined to its mentee` });
  svg.append(s('title', null, `${label}: each mentor (left) joined to its mentee (right)`));
  svg.append(s('text', { x: L - 10, y: 16, class: 'axis-label', 'text-anchor': 'end' }, 'Mentors (best ranked)'));
  svg.append(s('text', { x: R + 10, y: 16, class: 'axis-label' }, 'Mentees'));
  const cut = small ? 15 : 30;
  const short = (t: string) => (t.length > cut ? `${t.slice(0, cut - 1)}…` : t);
  for (const p of pairs) {
    const line = s('line', { x1: L, x2: R, y1: yM.get(p.mentor.id)!, y2: yE.get(p.mentee.id)!, class: 'pair-line' });
    line.append(s('title', null, `${p.mentor.name} mentors ${p.mentee.name} (cost ${fmt(p.cost, 2)})`));
    svg.append(line);
  }
  for (const p of mentors) {
    const y = yM.get(p.mentor.id)!;
    svg.append(s('circle', { cx: L, cy: y, r: 4, class: 'dot mentor' }));
    svg.append(s('text', { x: L - 10, y: y + 4, class: 'bar-label', 'text-anchor': 'end' }, `${short(p.mentor.name || p.mentor.id)} ${rankOf(p.mentor.rank)}`));
  }
  for (const p of mentees) {
    const y = yE.get(p.mentee.id)!;
    svg.append(s('circle', { cx: R, cy: y, r: 4, class: 'dot mentee' }));
    svg.append(s('text', { x: R + 10, y: y + 4, class: 'bar-label' }, `${rankOf(p.mentee.rank)} ${short(p.mentee.name || p.mentee.id)}`));
  }
  return h('figure', { class: 'chart-box' }, svg);
}

function sharedText(p: Pair): string {
  const parts: string[] = [];
  if (p.shared.zone) parts.push(`zone ${p.shared.zone}`);
  if (p.shared.terrain) parts.push(`terrain ${p.shared.terrain}`);
  if (p.shared.tier) parts.push(`tier ${p.shared.tier}`);
  if (p.shared.tags.length) parts.push(`tags ${p.shared.tags.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'nothing';
}

function explanation(p: Pair): HTMLElement {
  return h(
    'details',
    { class: 'pair-why' },
    h('summary', null, 'Why this pair'),
    h('p', null, `Shared: ${sharedText(p)}.`, p.unknown.length ? ` Unknown: ${p.unknown.join(', ')}.` : ''),
    h(
      'table',
      { class: 'data mini' },
      h('caption', null, 'Cost terms (weight × term)'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Term'), h('th', { scope: 'col', class: 'num' }, 'Value'), h('th', { scope: 'col', class: 'num' }, 'Cost'))),
      h(
        'tbody',
        null,
        TERMS.map((t) => h('tr', null, h('th', { scope: 'row' }, TERM_LABEL[t]), h('td', { class: 'num' }, fmt(p.terms[t], 3)), h('td', { class: 'num' }, fmt(p.weighted[t], 3)))),
        h('tr', { class: 'total' }, h('th', { scope: 'row' }, 'Total'), h('td', null, ''), h('td', { class: 'num strong' }, fmt(p.cost, 3))),
      ),
    ),
  );
}

function weakestCell(p: Pair): HTMLElement {
  return h(
    'td',
    null,
    h(
      'ul',
      { class: 'plain' },
      p.weakest.map((w) => h('li', null, h('span', null, w.name), h('span', { class: 'hint' }, ` mentee ${fmt(w.mentee)} · mentor ${fmt(w.mentor)}`))),
    ),
  );
}

function table(st: AppState, pairs: Pair[], subgroups: boolean): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Pairs' },
    h(
      'table',
      { class: 'data pairs', 'data-testid': 'pairs-table' },
      h('caption', { class: 'visually-hidden' }, 'Sister-city pairs with their explanation'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [subgroups ? 'Subgroup' : null, 'Mentor', 'Mentee', 'Cost', 'Shared', 'Mentee’s weakest sectors', 'Explanation']
            .filter((x): x is string => x !== null)
            .map((c) => h('th', { scope: 'col', class: c === 'Cost' ? 'num' : '' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        pairs.map((p) =>
          h(
            'tr',
            { 'data-mentor': p.mentor.id, 'data-mentee': p.mentee.id },
            subgroups ? h('td', null, p.subgroup) : null,
            h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(p.mentor.id)}` }, p.mentor.name || p.mentor.id), h('div', { class: 'hint' }, `rank ${p.mentor.rank ?? '–'} · index ${fmt(p.mentor.index)}`), sure(st, p.mentor.id, 'top')),
            h('td', null, h('a', { href: `#/city/${encodeURIComponent(p.mentee.id)}` }, p.mentee.name || p.mentee.id), h('div', { class: 'hint' }, `rank ${p.mentee.rank ?? '–'} · index ${fmt(p.mentee.index)}`), sure(st, p.mentee.id, 'bottom')),
            h('td', { class: 'num' }, fmt(p.cost, 3)),
            h('td', null, sharedText(p)),
            weakestCell(p),
            h('td', null, explanation(p)),
          ),
        ),
      ),
    ),
  );
}

function resultView(st: AppState, p: Pairing): HTMLElement {
  const bySub = new Map<string, Pair[]>();
  for (const x of p.pairs) bySub.set(x.subgroup, [...(bySub.get(x.subgroup) ?? []), x]);
  const several = p.subgroups.length > 1;
  const notes = p.subgroups.filter((g) => g.note);
  return h(
    'div',
    { class: 'pair-result' },
    h(
      'div',
      { class: 'cards' },
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, 'Pairs'), h('p', { class: 'card-value', 'data-testid': 'pair-count' }, String(p.pairs.length))),
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, 'Total cost'), h('p', { class: 'card-value' }, fmt(p.total_cost, 2)), h('p', { class: 'card-note' }, 'the least possible with these settings')),
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, 'Not placed'), h('p', { class: 'card-value' }, String(p.unplaced.length))),
    ),
    notes.length ? h('ul', { class: 'banner' }, notes.map((g) => h('li', null, `${g.label}: ${g.note}`))) : null,
    h(
      'p',
      { class: 'button-row' },
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          'data-testid': 'pairs-export',
          onclick: () => {
            st.engine
              .call<Uint8Array>({ op: 'pairsCsv' })
              .then((b) => download(b, 'nagar-pairs.csv'))
              .catch(() => undefined);
          },
        },
        'Export pairs (CSV)',
      ),
      h('span', { class: 'hint' }, 'The same file as ', h('code', null, 'nagar pair --out pairs.csv'), '.'),
    ),
    [...bySub.entries()].map(([label, pairs]) => h('section', { class: 'pair-sub' }, several ? h('h2', null, label) : null, picture(pairs, several ? label : 'Sister cities'))),
    table(st, p.pairs, several),
    p.unplaced.length
      ? h(
          'section',
          { 'data-testid': 'unplaced' },
          h('h2', null, 'Not placed'),
          h(
            'ul',
            null,
            p.unplaced.map((u) => h('li', null, h('strong', null, u.unit.name || u.unit.id), ` (${u.role}, rank ${u.unit.rank ?? '–'}${several ? `, ${u.subgroup}` : ''}): ${u.reason}`)),
          ),
        )
      : null,
    p.issues.length ? h('details', null, h('summary', null, `${p.issues.length} note${p.issues.length === 1 ? '' : 's'}`), h('ul', null, p.issues.map((i) => h('li', null, i.message)))) : null,
  );
}

export function sisterView(st: AppState): HTMLElement {
  const out = h('div', { class: 'pair-out', 'aria-live': 'polite' });
  const intro = h('p', { class: 'lead', 'data-testid': 'pair-intro' });
  const introText = () =>
    (intro.textContent = `The ${view.options.n} best-ranked cities each mentor one of the ${view.options.n} lowest-ranked (the Ministry’s “20-20 formula” uses N = 20; here N = ${view.options.n}), paired so that the total cost is the least possible: similar region, terrain, size and problems, and a mentor that is strong where its mentee is weakest.`);
  introText();
  const redraw = () => {
    introText();
    clear(out);
    if (view.error) out.append(h('p', { class: 'banner error', role: 'alert' }, view.error));
    else if (view.pairing) out.append(resultView(st, view.pairing));
  };
  const root = h(
    'section',
    { class: 'sister', 'data-testid': 'sister-view', 'aria-labelledby': 'h-sister' },
    h('h1', { id: 'h-sister' }, 'Sister cities'),
    datasetBanner(st.results?.dataset_note),
    intro,
    out,
  );
  // Defaults: the same options object (the form's handlers hold it), a new form showing them.
  let form: HTMLElement;
  const defaults = () => {
    Object.assign(view.options, { n: 20, within: 'all', same: [], weights: { ...DEFAULT_WEIGHTS } });
    const fresh = settingsForm(st, redraw, defaults);
    form.replaceWith(fresh);
    form = fresh;
    void run(st).then(redraw);
  };
  form = settingsForm(st, redraw, defaults);
  out.before(form);
  if (view.pairing && view.results === st.results) redraw();
  else {
    out.append(h('p', { class: 'hint' }, 'Pairing…'));
    void run(st).then(redraw);
  }
  return root;
}
