// City profile: where one city stands, and every number behind its score.
import { rankSentence } from './robustness';
import { t } from '../i18n';
import { fmt, fmtCell, fmtFormula, fmtInt, fmtValue, h, pct } from '../dom';
import type { Profile, NodeScore, IndicatorRow } from '../../pkg/core/nagar_wasm';
import type { Actions, AppState } from '../state';
import { bars, histogram } from './charts';
import { datasetBanner } from './results';
import { improveView, whyView } from './preview';
import type { Explanation, Improvements } from '../analysis-types';

function diff(n: NodeScore): number | null {
  return n.value !== null && n.value !== undefined && n.group_mean !== null && n.group_mean !== undefined ? n.value - n.group_mean : null;
}

function sectorList(items: NodeScore[], cls: string): HTMLElement {
  return h(
    'ol',
    { class: `sector-list ${cls}` },
    items.map((n) => {
      const d = diff(n);
      return h('li', null, h('span', { class: 'sector-name' }, n.name), h('span', { class: 'sector-val' }, `${fmt(n.value)} (${d !== null && d >= 0 ? '+' : ''}${fmt(d)} vs mean)`));
    }),
  );
}

function inputsCell(ind: IndicatorRow): HTMLElement {
  if (ind.inputs.length === 0) return h('td', null, '–');
  return h(
    'td',
    { class: 'inputs' },
    h(
      'ul',
      null,
      ind.inputs.map((i) =>
        h('li', null, h('span', { class: 'input-label' }, i.label), ': ', h('span', { class: 'input-value' }, i.column === null || i.column === undefined ? 'column not in file' : i.value === '' ? 'empty' : fmtCell(i.value))),
      ),
    ),
  );
}

function indicatorRow(ind: IndicatorRow): HTMLElement {
  const marks = [
    ind.direction < 0 ? h('span', { class: 'tag' }, 'lower is better') : null,
    ind.provisional ? h('span', { class: 'tag provisional', title: 'Reconstructed from the indicator name alone' }, 'provisional') : null,
  ];
  const notes = [ind.choice ? h('p', null, h('strong', null, 'Choice: '), ind.choice) : null, ind.note ? h('p', null, ind.note) : null, ind.source ? h('p', { class: 'hint' }, 'Source: ', ind.source) : null];
  const capped = ind.processed !== ind.derived && ind.processed !== null && ind.derived !== null;
  return h(
    'tr',
    { class: ind.derived === null || ind.derived === undefined ? 'missing' : '' },
    h('th', { scope: 'row' }, h('span', { class: 'ind-name' }, ind.name), ' ', h('span', { class: 'hint' }, ind.id), h('div', null, marks), h('p', { class: 'hint' }, fmtFormula(ind.derivation))),
    inputsCell(ind),
    h('td', { class: 'num' }, fmtValue(ind.derived), ind.unit ? h('span', { class: 'unit' }, ` ${ind.unit}`) : null, capped ? h('div', { class: 'hint' }, `used: ${fmtValue(ind.processed)}`) : null),
    h('td', { class: 'num' }, fmtValue(ind.group_mean)),
    h('td', { class: 'num strong' }, fmt(ind.normalised, 2)),
    h('td', { class: 'notes' }, notes),
  );
}

/// In-page navigation of the long profile: buttons that scroll to a section (links would
/// change the address, which names the view).
function sectionNav(items: [string, string][]): HTMLElement {
  return h(
    'nav',
    { class: 'section-nav', 'aria-label': 'On this page' },
    h(
      'ul',
      null,
      items.map(([id, label]) =>
        h('li', null, h('button', { type: 'button', class: 'linklike', 'data-target': id, onclick: () => document.getElementById(id)?.scrollIntoView({ block: 'start' }) }, label)),
      ),
    ),
  );
}

/// "Why this score" and improvement priorities, from the analyses module (loaded the first
/// time it is needed): filled in when they arrive.
function whyPlaceholder(st: AppState, p: Profile, sectorName: Map<string, string>): HTMLElement {
  const box = h('div', { class: 'why-box', 'data-testid': 'profile-why', 'aria-busy': 'true' }, h('h2', { id: 'h-why' }, 'Why this score'), h('p', { class: 'hint' }, 'Working out each indicator’s part in the score…'));
  const name = p.unit.name || p.unit.id;
  st.engine
    .call<{ explain: Explanation | null; improve: Improvements | null; analysisError: string | null }>({ op: 'whyUnit', id: p.unit.id })
    .then((r) => {
      box.replaceChildren(
        r.explain ? whyView(r.explain, sectorName, `the index of ${name}`) : h('section', null, h('h2', { id: 'h-why' }, 'Why this score'), h('p', null, r.analysisError ?? 'Not available for this city.')),
        r.improve ? improveView(r.improve, name, new Map(p.indicators.map((i) => [i.id, { unit: i.unit, yesNo: i.unit === 'points' && i.inputs.length === 1 }]))) : h('section', null, h('h2', { id: 'h-imp' }, 'Improvement priorities'), h('p', null, r.analysisError ?? 'Not available for this city.')),
      );
    })
    .catch((e: unknown) => box.replaceChildren(h('h2', { id: 'h-why' }, 'Why this score'), h('p', null, e instanceof Error ? e.message : String(e))))
    .finally(() => box.removeAttribute('aria-busy'));
  return box;
}

export function profileView(st: AppState, act: Actions, p: Profile): HTMLElement {
  const u = p.unit;
  const r = st.results!;
  const strongest = [...p.sectors].filter((n) => diff(n) !== null).sort((a, b) => diff(b)! - diff(a)!);
  const bySector = new Map<string, IndicatorRow[]>();
  for (const i of p.indicators) bySector.set(i.sector, [...(bySector.get(i.sector) ?? []), i]);
  const sectorName = new Map(p.sectors.map((s) => [s.id, s.name]));
  const verticalOf = new Map(p.sectors.map((s) => [s.id, s.parent]));
  const inCompare = st.compare.includes(u.id);

  const facts: [string, string][] = [
    ['State', u.state || '–'],
    ['Zone', u.zone || '–'],
    ['Tier', u.tier || '–'],
    ['Population', fmtInt(u.population)],
    ['Data coverage', pct(u.coverage)],
    ['Compared with', `${p.group} (${p.group_size} cities)`],
  ];

  return h(
    'article',
    { class: 'profile' },
    h('p', null, h('a', { href: '#/results' }, '‹ All cities')),
    h('h1', null, u.name || u.id, ' ', h('span', { class: 'hint' }, u.id)),
    datasetBanner(p.dataset_note),
    p.group_size < p.min_group_size
      ? h(
          'p',
          { class: 'banner warning', role: 'note', 'data-testid': 'small-group' },
          h('strong', null, 'Too few cities to compare. '),
          `This city is compared only with the ${p.group_size === 1 ? 'city itself' : `${p.group_size} cities`} of ${p.group}, fewer than the minimum of ${p.min_group_size}: too few to standardise, so it gets no rank, and its scores compare it only with ${p.group_size === 1 ? 'itself' : 'them'}. Compare with all cities (Settings) for a meaningful score.`,
        )
      : null,
    h(
      'div',
      { class: 'cards' },
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, 'Index'), h('p', { class: 'card-value' }, fmt(u.index)), h('p', { class: 'card-note' }, `group mean ${fmt(p.index_group_mean)}`)),
      h(
        'div',
        { class: 'card' },
        h('p', { class: 'card-label' }, 'Rank'),
        h('p', { class: 'card-value' }, u.rank ? `${u.rank} of ${p.group_ranked}` : 'not ranked'),
        h('p', { class: 'card-note' }, u.flag || [p.group === 'all units' ? '' : `within ${p.group}`, u.rank_in_tier ? `${u.rank_in_tier} in tier ${u.tier}` : ''].filter(Boolean).join(' · ')),
      ),
      h('dl', { class: 'card facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    ),
    // How firm the rank is, once the Robustness view has run an analysis of these results.
    h('p', { class: 'rb-sentence', 'data-testid': 'rank-sentence' }, rankSentence(st, u.id) ?? '', ' ', h('a', { href: '#/robustness' }, t('robustness.profile_link'))),
    h('p', null, h('button', { type: 'button', class: 'button small', onclick: () => act.toggleCompare(u.id), disabled: !inCompare && st.compare.length >= 4 }, inCompare ? 'Remove from comparison' : 'Add to comparison')),
    sectionNav([
      ['h-vert', 'Verticals'],
      ['h-why', 'Why this score'],
      ['h-imp', 'Improvement priorities'],
      ['h-sect', 'Sectors'],
      ['h-ind', 'Indicators'],
      ['h-peers', 'Learn from peers'],
    ]),
    h(
      'div',
      { class: 'two-col' },
      h('section', { 'aria-labelledby': 'h-vert' }, h('h2', { id: 'h-vert' }, 'Verticals'), bars(p.verticals.map((v) => ({ label: v.name, value: v.value ?? null, reference: v.group_mean ?? null })), `Vertical scores of ${u.name}; ticks mark the group mean`), h('p', { class: 'hint' }, 'Bars: this city. Dark ticks: mean of the comparison group.')),
      h(
        'section',
        { 'aria-labelledby': 'h-sw' },
        h('h2', { id: 'h-sw' }, 'Strongest and weakest sectors'),
        h('p', { class: 'hint' }, 'Compared with the mean of the comparison group.'),
        h('h3', null, 'Strongest'),
        sectorList(strongest.slice(0, 3), 'good'),
        h('h3', null, 'Weakest'),
        sectorList(strongest.slice(-3).reverse(), 'bad'),
      ),
    ),
    whyPlaceholder(st, p, sectorName),
    h('section', { 'aria-labelledby': 'h-sect' }, h('h2', { id: 'h-sect' }, 'Sectors'), bars(p.sectors.map((s) => ({ label: s.name, value: s.value ?? null, reference: s.group_mean ?? null })), `Sector scores of ${u.name}; ticks mark the group mean`)),
    h('section', { 'aria-labelledby': 'h-pos' }, h('h2', { id: 'h-pos' }, 'Position among all cities'), histogram(r.units.map((x) => x.index ?? NaN), `Histogram of the index; the line marks ${u.name}`, u.index)),
    h(
      'section',
      { 'aria-labelledby': 'h-ind' },
      h('h2', { id: 'h-ind' }, 'Indicators: from the file to the score'),
      h('p', { class: 'hint' }, 'Raw inputs as written in the file → the indicator value derived from them → the standardised value used in the score (0 = group mean). Missing values are skipped and the weights of the others rescaled.'),
      [...bySector.entries()].map(([sid, inds]) =>
        h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `Indicators of ${sectorName.get(sid) ?? sid}` },
          h(
            'table',
            { class: 'data indicators' },
            h('caption', null, sectorName.get(sid) ?? sid, h('span', { class: 'hint' }, ` · ${p.verticals.find((v) => v.id === verticalOf.get(sid))?.name ?? ''}`)),
            h('thead', null, h('tr', null, ['Indicator', 'Raw inputs', 'Value', 'Group mean', 'Standardised', 'Notes'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, inds.map(indicatorRow)),
          ),
        ),
      ),
    ),
  );
}
