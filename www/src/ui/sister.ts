// Sister cities: the Ministry's 20-20 pairing (the N best-ranked cities each mentor one of the
// N worst), computed by nagar_core::pairing exactly as `nagar pair`: settings, the pairs as a
// picture and a table with an explanation per pair, the CSV export, and the units that could
// not be placed with the reason.
import './analysis.css';
import { clear, fmt, h, s } from '../dom';
import { engineText, nm, t, tn, type Key } from '../i18n';
import type { Attr, CostWeights, Pair, PairOptions, Pairing, Term, Within } from '../analysis-types';
import { TERMS } from '../analysis-types';
import type { Results } from '../protocol';
import type { AppState } from '../state';
import { datasetBanner } from './results';
import { narrow } from './charts';
import { membership } from './robustness-result';

/// How sure a mentor's place in the top N (a mentee's in the bottom N) is, once the Robustness
/// view has run an uncertainty analysis of these results.
function sure(st: AppState, id: string, which: 'top' | 'bottom'): HTMLElement | null {
  const m = membership(st, id, which);
  return m ? h('div', { class: 'hint rb-membership' }, m) : null;
}

/// The largest N the form accepts (the pairing itself places as many as the data allow).
const MAX_N = 500;

const SAME_LABEL: Record<Attr, Key> = { zone: 'sister.same.zone', terrain: 'sister.same.terrain', tier: 'sister.same.tier' };

const DEFAULT_WEIGHTS: CostWeights = { zone: 1, terrain: 1, tier: 0.5, population: 0.5, tags: 1, complement: 2 };

const TERM_LABEL: Record<Term, Key> = {
  zone: 'sister.term.zone',
  terrain: 'sister.term.terrain',
  tier: 'sister.term.tier',
  population: 'sister.term.population',
  tags: 'sister.term.tags',
  complement: 'sister.term.complement',
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
        ['all', t('sister.within.all')],
        ['tier', t('sister.within.tier')],
        ['zone', t('sister.within.zone')],
        ['terrain', t('sister.within.terrain')],
      ] as [Within, string][]
    ).map(([v, l]) => h('option', { value: v, selected: o.within === v }, l)),
  );
  const same = h(
    'fieldset',
    { class: 'checks' },
    h('legend', null, t('sister.must_share')),
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
        ` ${t(SAME_LABEL[a])}`,
      ),
    ),
  );
  const weights = h(
    'fieldset',
    { class: 'pair-weights' },
    h('legend', null, t('sister.cost_weights')),
    TERMS.map((term) => num(`pw-${term}`, t(TERM_LABEL[term]), o.weights[term], { min: 0, step: 0.1, 'data-term': term }, (x) => (o.weights[term] = x))),
  );
  return h(
    'form',
    {
      class: 'pair-settings',
      'aria-label': t('sister.settings'),
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
          msg.textContent = text === '' ? t('sister.n_error_empty', { max: MAX_N }) : t('sister.n_error', { max: MAX_N, text });
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
        h('label', { for: 'pair-n' }, t('sister.n')),
        h('input', { id: 'pair-n', type: 'number', value: o.n, min: 1, step: 1, max: MAX_N, inputmode: 'numeric', 'aria-describedby': 'pair-n-error' }),
        h('p', { id: 'pair-n-error', class: 'field-error', role: 'alert', hidden: true }),
      ),
      h('div', { class: 'field' }, h('label', { for: 'pair-within' }, t('sister.within')), within),
      same,
    ),
    weights,
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'submit', class: 'button primary', 'data-testid': 'pair-run' }, t('sister.run')),
      h(
        'button',
        { type: 'button', class: 'button', 'data-testid': 'pair-defaults', onclick: defaults },
        t('sister.defaults'),
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
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart pair-picture', role: 'img', 'aria-label': t('sister.picture', { label }) });
  svg.append(s('title', null, t('sister.picture_title', { label })));
  svg.append(s('text', { x: L - 10, y: 16, class: 'axis-label', 'text-anchor': 'end' }, t('sister.mentors')));
  svg.append(s('text', { x: R + 10, y: 16, class: 'axis-label' }, t('sister.mentees')));
  const cut = small ? 15 : 30;
  const short = (x: string) => (x.length > cut ? `${x.slice(0, cut - 1)}…` : x);
  for (const p of pairs) {
    const line = s('line', { x1: L, x2: R, y1: yM.get(p.mentor.id)!, y2: yE.get(p.mentee.id)!, class: 'pair-line' });
    line.append(s('title', null, t('sister.line', { mentor: p.mentor.name, mentee: p.mentee.name, cost: fmt(p.cost, 2) })));
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
  if (p.shared.zone) parts.push(t('peers.zone', { zone: nm(p.shared.zone) }));
  if (p.shared.terrain) parts.push(t('sister.shared_terrain', { terrain: p.shared.terrain }));
  if (p.shared.tier) parts.push(t('peers.tier', { tier: nm(p.shared.tier) }));
  if (p.shared.tags.length) parts.push(t('sister.shared_tags', { tags: p.shared.tags.join(', ') }));
  return parts.length ? parts.join(' · ') : t('sister.nothing');
}

function explanation(p: Pair): HTMLElement {
  return h(
    'details',
    { class: 'pair-why' },
    h('summary', null, t('sister.why')),
    h('p', null, t('sister.shared', { what: sharedText(p) }), p.unknown.length ? ` ${t('sister.unknown', { what: p.unknown.join(', ') })}` : ''),
    h(
      'table',
      { class: 'data mini' },
      h('caption', null, t('sister.terms')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('sister.term')), h('th', { scope: 'col', class: 'num' }, t('check.col.value')), h('th', { scope: 'col', class: 'num' }, t('sister.cost')))),
      h(
        'tbody',
        null,
        TERMS.map((term) => h('tr', null, h('th', { scope: 'row' }, t(TERM_LABEL[term])), h('td', { class: 'num' }, fmt(p.terms[term], 3)), h('td', { class: 'num' }, fmt(p.weighted[term], 3)))),
        h('tr', { class: 'total' }, h('th', { scope: 'row' }, t('sister.total')), h('td', null, ''), h('td', { class: 'num strong' }, fmt(p.cost, 3))),
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
      p.weakest.map((w) => h('li', null, h('span', null, nm(w.name)), h('span', { class: 'hint' }, ` ${t('sister.weak_values', { mentee: fmt(w.mentee), mentor: fmt(w.mentor) })}`))),
    ),
  );
}

/// A subgroup's label in the page's language: "all" (pairing among all ranked cities) in words,
/// a tier's name from the framework's names, anything else (a zone, a terrain) as it is.
function subgroupName(label: string): string {
  return label === 'all' ? t('sister.within.all') : nm(label);
}

function table(st: AppState, pairs: Pair[], subgroups: boolean): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('sister.pairs') },
    h(
      'table',
      { class: 'data pairs', 'data-testid': 'pairs-table' },
      h('caption', { class: 'visually-hidden' }, t('sister.caption')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [subgroups ? t('sister.col.subgroup') : null, t('sister.col.mentor'), t('sister.col.mentee'), t('sister.cost'), t('sister.col.shared'), t('sister.col.weakest'), t('sister.col.explanation')]
            .filter((x): x is string => x !== null)
            .map((c) => h('th', { scope: 'col', class: c === t('sister.cost') ? 'num' : '' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        pairs.map((p) =>
          h(
            'tr',
            { 'data-mentor': p.mentor.id, 'data-mentee': p.mentee.id },
            subgroups ? h('td', null, subgroupName(p.subgroup)) : null,
            h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(p.mentor.id)}` }, p.mentor.name || p.mentor.id), h('div', { class: 'hint' }, t('sister.rank_index', { rank: p.mentor.rank ?? '–', index: fmt(p.mentor.index) })), sure(st, p.mentor.id, 'top')),
            h('td', null, h('a', { href: `#/city/${encodeURIComponent(p.mentee.id)}` }, p.mentee.name || p.mentee.id), h('div', { class: 'hint' }, t('sister.rank_index', { rank: p.mentee.rank ?? '–', index: fmt(p.mentee.index) })), sure(st, p.mentee.id, 'bottom')),
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
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('sister.pairs')), h('p', { class: 'card-value', 'data-testid': 'pair-count' }, String(p.pairs.length))),
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('sister.total_cost')), h('p', { class: 'card-value' }, fmt(p.total_cost, 2)), h('p', { class: 'card-note' }, t('sister.least'))),
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('sister.not_placed')), h('p', { class: 'card-value' }, String(p.unplaced.length))),
    ),
    notes.length ? h('ul', { class: 'banner' }, notes.map((g) => h('li', null, `${subgroupName(g.label)}: ${engineText(g.note ?? '')}`))) : null,
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
        t('sister.export'),
      ),
      h('span', { class: 'hint' }, t('sister.same_file'), ' ', h('code', null, 'nagar pair --out pairs.csv'), t('sister.same_file_end')),
    ),
    [...bySub.entries()].map(([label, pairs]) => h('section', { class: 'pair-sub' }, several ? h('h2', null, label) : null, picture(pairs, several ? label : t('nav.sister')))),
    table(st, p.pairs, several),
    p.unplaced.length
      ? h(
          'section',
          { 'data-testid': 'unplaced' },
          h('h2', null, t('sister.not_placed')),
          h(
            'ul',
            null,
            p.unplaced.map((u) => h('li', null, h('strong', null, u.unit.name || u.unit.id), ` (${u.role === 'mentor' ? t('sister.col.mentor') : u.role === 'mentee' ? t('sister.col.mentee') : u.role}, ${t('sister.rank', { rank: u.unit.rank ?? '–' })}${several ? `, ${subgroupName(u.subgroup)}` : ''}): ${engineText(u.reason)}`)),
          ),
        )
      : null,
    p.issues.length ? h('details', null, h('summary', null, tn('n.note', p.issues.length)), h('ul', null, p.issues.map((i) => h('li', null, engineText(i.message))))) : null,
  );
}

export function sisterView(st: AppState): HTMLElement {
  const out = h('div', { class: 'pair-out', 'aria-live': 'polite' });
  const intro = h('p', { class: 'lead', 'data-testid': 'pair-intro' });
  const introText = () =>
    (intro.textContent = t('sister.intro', { n: view.options.n }));
  introText();
  const redraw = () => {
    introText();
    clear(out);
    if (view.error) out.append(h('p', { class: 'banner error', role: 'alert' }, engineText(view.error)));
    else if (view.pairing) out.append(resultView(st, view.pairing));
  };
  const root = h(
    'section',
    { class: 'sister', 'data-testid': 'sister-view', 'aria-labelledby': 'h-sister' },
    h('h1', { id: 'h-sister' }, t('nav.sister')),
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
    out.append(h('p', { class: 'hint' }, t('sister.pairing')));
    void run(st).then(redraw);
  }
  return root;
}
