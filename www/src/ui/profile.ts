// City profile: where one city stands, and every number behind its score.
import { rankSentence } from './robustness-result';
import { fmt, fmtCell, fmtFormula, fmtInt, fmtValue, h, pct } from '../dom';
import { engineText, nm, t, tn } from '../i18n';
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
      return h('li', null, h('span', { class: 'sector-name' }, nm(n.name)), h('span', { class: 'sector-val' }, t('profile.vs_mean', { value: fmt(n.value), diff: `${d !== null && d >= 0 ? '+' : ''}${fmt(d)}` })));
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
        h('li', null, h('span', { class: 'input-label' }, nm(i.label)), ': ', h('span', { class: 'input-value' }, i.column === null || i.column === undefined ? t('profile.no_column') : i.value === '' ? t('profile.empty') : fmtCell(i.value))),
      ),
    ),
  );
}

function indicatorRow(ind: IndicatorRow): HTMLElement {
  const marks = [
    ind.direction < 0 ? h('span', { class: 'tag' }, t('method.lower_better')) : null,
    ind.provisional ? h('span', { class: 'tag provisional', title: t('profile.provisional_title') }, t('method.provisional')) : null,
  ];
  const notes = [ind.choice ? h('p', null, h('strong', null, t('method.choice')), ' ', h('span', { lang: 'en' }, ind.choice)) : null, ind.note ? h('p', { lang: 'en' }, ind.note) : null, ind.source ? h('p', { class: 'hint' }, t('method.source'), ' ', h('span', { lang: 'en' }, ind.source)) : null];
  const capped = ind.processed !== ind.derived && ind.processed !== null && ind.derived !== null;
  return h(
    'tr',
    { class: ind.derived === null || ind.derived === undefined ? 'missing' : '' },
    h('th', { scope: 'row' }, h('span', { class: 'ind-name' }, nm(ind.name)), ' ', h('span', { class: 'hint' }, ind.id), h('div', null, marks), h('p', { class: 'hint', lang: 'en' }, fmtFormula(ind.derivation))),
    inputsCell(ind),
    h('td', { class: 'num' }, fmtValue(ind.derived), ind.unit ? h('span', { class: 'unit' }, ` ${nm(ind.unit)}`) : null, capped ? h('div', { class: 'hint' }, t('profile.used', { value: fmtValue(ind.processed) })) : null),
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
    { class: 'section-nav', 'aria-label': t('profile.on_this_page') },
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
  const box = h('div', { class: 'why-box', 'data-testid': 'profile-why', 'aria-busy': 'true' }, h('h2', { id: 'h-why' }, t('profile.why')), h('p', { class: 'hint' }, t('profile.working')));
  const name = p.unit.name || p.unit.id;
  st.engine
    .call<{ explain: Explanation | null; improve: Improvements | null; analysisError: string | null }>({ op: 'whyUnit', id: p.unit.id })
    .then((r) => {
      box.replaceChildren(
        r.explain ? whyView(r.explain, sectorName, t('profile.index_of', { name })) : h('section', null, h('h2', { id: 'h-why' }, t('profile.why')), h('p', null, r.analysisError ? engineText(r.analysisError) : t('profile.not_available'))),
        r.improve ? improveView(r.improve, name, new Map(p.indicators.map((i) => [i.id, { unit: i.unit, yesNo: i.unit === 'points' && i.inputs.length === 1 }]))) : h('section', null, h('h2', { id: 'h-imp' }, t('profile.improve')), h('p', null, r.analysisError ? engineText(r.analysisError) : t('profile.not_available'))),
      );
    })
    .catch((e: unknown) => box.replaceChildren(h('h2', { id: 'h-why' }, t('profile.why')), h('p', null, engineText(e instanceof Error ? e.message : String(e)))))
    .finally(() => box.removeAttribute('aria-busy'));
  return box;
}

export function profileView(st: AppState, act: Actions, p: Profile): HTMLElement {
  const u = p.unit;
  const r = st.results!;
  const strongest = [...p.sectors].filter((n) => diff(n) !== null).sort((a, b) => diff(b)! - diff(a)!);
  const bySector = new Map<string, IndicatorRow[]>();
  for (const i of p.indicators) bySector.set(i.sector, [...(bySector.get(i.sector) ?? []), i]);
  const sectorName = new Map(p.sectors.map((s) => [s.id, nm(s.name)]));
  const verticalOf = new Map(p.sectors.map((s) => [s.id, s.parent]));
  const inCompare = st.compare.includes(u.id);

  const facts: [string, string][] = [
    [t('results.col.state'), u.state || '–'],
    [t('results.col.zone'), u.zone ? nm(u.zone) : '–'],
    [t('results.col.tier'), u.tier ? nm(u.tier) : '–'],
    [t('profile.population'), fmtInt(u.population)],
    [t('profile.coverage'), pct(u.coverage)],
    [t('profile.compared_with'), `${engineText(p.group)} (${tn('n.city', p.group_size)})`],
  ];

  return h(
    'article',
    { class: 'profile' },
    h('p', null, h('a', { href: '#/results' }, t('profile.back'))),
    h('h1', null, u.name || u.id, ' ', h('span', { class: 'hint' }, u.id)),
    datasetBanner(p.dataset_note),
    p.group_size < p.min_group_size
      ? h(
          'p',
          { class: 'banner warning', role: 'note', 'data-testid': 'small-group' },
          h('strong', null, t('profile.too_few')),
          ' ',
          t('profile.too_few_text', { cities: tn('n.city', p.group_size), group: engineText(p.group), min: p.min_group_size }),
        )
      : null,
    h(
      'div',
      { class: 'cards' },
      h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('results.col.index')), h('p', { class: 'card-value' }, fmt(u.index)), h('p', { class: 'card-note' }, t('profile.group_mean', { value: fmt(p.index_group_mean) }))),
      h(
        'div',
        { class: 'card' },
        h('p', { class: 'card-label' }, t('results.col.rank')),
        h('p', { class: 'card-value' }, u.rank ? t('profile.rank_of', { rank: u.rank, n: p.group_ranked }) : t('profile.not_ranked')),
        h('p', { class: 'card-note' }, u.flag ? engineText(u.flag) : [p.group === 'all units' ? '' : t('profile.within', { group: engineText(p.group) }), u.rank_in_tier ? t('profile.in_tier', { rank: u.rank_in_tier, tier: nm(u.tier) }) : ''].filter(Boolean).join(' · ')),
      ),
      h('dl', { class: 'card facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    ),
    // How firm the rank is, once the Robustness view has run an analysis of these results.
    h('p', { class: 'rb-sentence', 'data-testid': 'rank-sentence' }, rankSentence(st, u.id) ?? '', ' ', h('a', { href: '#/robustness' }, t('robustness.profile_link'))),
    h('p', null, h('button', { type: 'button', class: 'button small', onclick: () => act.toggleCompare(u.id), disabled: !inCompare && st.compare.length >= 4 }, inCompare ? t('profile.remove_compare') : t('results.add_to_comparison'))),
    sectionNav([
      ['h-vert', t('profile.verticals')],
      ['h-why', t('profile.why')],
      ['h-imp', t('profile.improve')],
      ['h-sect', t('profile.sectors')],
      ['h-ind', t('profile.indicators')],
      ['h-peers', t('profile.peers')],
    ]),
    h(
      'div',
      { class: 'two-col' },
      h('section', { 'aria-labelledby': 'h-vert' }, h('h2', { id: 'h-vert' }, t('profile.verticals')), bars(p.verticals.map((v) => ({ label: nm(v.name), value: v.value ?? null, reference: v.group_mean ?? null })), t('profile.vertical_chart', { name: u.name })), h('p', { class: 'hint' }, t('profile.bars_hint'))),
      h(
        'section',
        { 'aria-labelledby': 'h-sw' },
        h('h2', { id: 'h-sw' }, t('profile.strong_weak')),
        h('p', { class: 'hint' }, t('profile.vs_group')),
        h('h3', null, t('profile.strongest')),
        sectorList(strongest.slice(0, 3), 'good'),
        h('h3', null, t('profile.weakest')),
        sectorList(strongest.slice(-3).reverse(), 'bad'),
      ),
    ),
    whyPlaceholder(st, p, sectorName),
    h('section', { 'aria-labelledby': 'h-sect' }, h('h2', { id: 'h-sect' }, t('profile.sectors')), bars(p.sectors.map((s) => ({ label: nm(s.name), value: s.value ?? null, reference: s.group_mean ?? null })), t('profile.sector_chart', { name: u.name }))),
    h('section', { 'aria-labelledby': 'h-pos' }, h('h2', { id: 'h-pos' }, t('profile.position')), histogram(r.units.map((x) => x.index ?? NaN), t('profile.position_chart', { name: u.name }), u.index)),
    h(
      'section',
      { 'aria-labelledby': 'h-ind' },
      h('h2', { id: 'h-ind' }, t('profile.ind_title')),
      h('p', { class: 'hint' }, t('profile.ind_hint')),
      [...bySector.entries()].map(([sid, inds]) =>
        h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('profile.indicators_of', { sector: sectorName.get(sid) ?? sid }) },
          h(
            'table',
            { class: 'data indicators' },
            h('caption', null, sectorName.get(sid) ?? sid, h('span', { class: 'hint' }, ` · ${nm(p.verticals.find((v) => v.id === verticalOf.get(sid))?.name ?? '')}`)),
            h('thead', null, h('tr', null, [t('profile.col.indicator'), t('profile.col.inputs'), t('check.col.value'), t('profile.col.mean'), t('profile.col.standardised'), t('profile.col.notes')].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, inds.map(indicatorRow)),
          ),
        ),
      ),
    ),
  );
}
