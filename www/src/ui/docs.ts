// The views about the framework and the page: how scores are computed (the framework explained),
// privacy, about. Loaded when one of them is first opened, with their text (i18n `need('docs')`):
// nothing of them is fetched before the first score.
import { fmtDate, fmtFormula, fmtInt, fmtValue, h, pct } from '../dom';
import { nm, t, tn } from '../i18n';
import type { FrameworkDoc } from '../../pkg/core/nagar_wasm';
import type { AppState } from '../state';
import { BUILD_DATE, SOURCE_URL } from '../build-info';

const num = fmtValue;

/// Each node's share of its parent in the weights in force (the sliders' overrides applied),
/// and each indicator's share of its aggregate: what the engine will use.
function sharesInForce(doc: FrameworkDoc, weights: Record<string, number>): { node: Map<string, number>; changed: Set<string> } {
  const w = (id: string, d: number) => weights[id] ?? d;
  const node = new Map<string, number>();
  const changed = new Set<string>();
  // The tree is depth-first: a node's parent is the nearest earlier node one level up.
  const parentOf = new Map<number, number>();
  const stack: number[] = [];
  doc.tree.forEach((a, k) => {
    while (stack.length && doc.tree[stack[stack.length - 1]].depth >= a.depth) stack.pop();
    if (stack.length) parentOf.set(k, stack[stack.length - 1]);
    stack.push(k);
  });
  const sums = new Map<number, number>();
  doc.tree.forEach((a, k) => {
    const p = parentOf.get(k);
    if (p !== undefined) sums.set(p, (sums.get(p) ?? 0) + w(a.id, a.weight));
  });
  doc.tree.forEach((a, k) => {
    const p = parentOf.get(k);
    if (p !== undefined) node.set(a.id, w(a.id, a.weight) / (sums.get(p) || 1));
    if (weights[a.id] !== undefined && Math.abs(weights[a.id] - a.weight) > 1e-12) changed.add(a.id);
    const total = a.indicators.reduce((t, i) => t + w(i.id, i.weight), 0) || 1;
    for (const i of a.indicators) {
      node.set(i.id, w(i.id, i.weight) / total);
      if (weights[i.id] !== undefined && Math.abs(weights[i.id] - i.weight) > 1e-12) changed.add(i.id);
    }
  });
  return { node, changed };
}

export function methodView(doc: FrameworkDoc, st: AppState): HTMLElement {
  const root = doc.tree[0];
  const { node: share, changed } = sharesInForce(doc, st.options.weights ?? {});
  const shareText = (id: string) => t(changed.has(id) ? 'method.share_changed' : 'method.share', { pct: pct(share.get(id)) });
  // The settings in force: those of the last run when there is one, else the framework's.
  const settings = st.results?.settings ?? doc.settings;
  return h(
    'article',
    { class: 'method' },
    h('h1', null, t('nav.method')),
    h('p', { class: 'lead' }, `${nm(doc.name)}${doc.version ? `, ${t('results.version', { version: doc.version })}` : ''}. `, h('span', { lang: 'en' }, doc.description)),
    doc.source ? h('p', { class: 'hint' }, t('method.source'), ' ', h('span', { lang: 'en' }, doc.source)) : null,
    h('h2', null, t('method.steps')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('method.step1')),
      h('li', null, t('method.step2')),
      h('li', null, t('method.step3')),
      h('li', null, t('method.step4')),
      h('li', null, t('method.step5')),
      h('li', null, t('method.step6')),
    ),
    h('h2', null, st.results ? t('method.settings_in_force') : t('method.settings_of_framework')),
    h('dl', { class: 'kv' }, settings.map((s) => [h('dt', null, h('code', null, s.id)), h('dd', { lang: 'en' }, s.name)])),
    changed.size ? h('p', { class: 'banner warning' }, t('method.weights_changed', { weights: tn('n.weight', changed.size) })) : null,
    doc.tier_schemes.length
      ? [h('h2', null, t('settings.tiers')), doc.tier_schemes.map((ts) => h('div', null, h('h3', null, nm(ts.name), ' ', h('span', { class: 'hint' }, `(${ts.id})`)), ts.source ? h('p', { class: 'hint', lang: 'en' }, ts.source) : null, h('ul', null, ts.tiers.map((x) => h('li', null, `${nm(x.name)}: `, x.below !== null && x.below !== undefined ? t('method.below', { n: fmtInt(x.below) }) : t('method.the_rest'))))))]
      : null,
    doc.zones.length ? [h('h2', null, t('method.zones')), h('p', null, t('method.zones_text')), h('ul', { class: 'zones' }, doc.zones.map((z) => h('li', null, h('strong', null, nm(z.name)), ': ', h('span', { lang: 'en' }, z.states.join(', ')))))] : null,
    h('h2', null, t('method.tree')),
    doc.provisional > 0 ? h('p', { class: 'banner' }, t('method.provisional_count', { n: doc.provisional }), ' ', h('span', { class: 'tag provisional' }, t('method.provisional')), t('method.provisional_text')) : null,
    root ? h('p', null, t(root.rescale ? 'method.root_rescaled' : 'method.root', { name: nm(root.name), method: root.method === 'amean' ? t('settings.aggregate.amean') : root.method, lo: root.rescale?.[0] ?? '', hi: root.rescale?.[1] ?? '' })) : null,
    doc.tree.slice(1).map((a) =>
      h(
        'section',
        { class: `node depth-${Math.min(a.depth, 3)}` },
        h(a.depth <= 1 ? 'h3' : 'h4', null, nm(a.name), ' ', h('span', { class: 'hint' }, h('code', null, a.id), ` · ${t('method.weight', { share: shareText(a.id) })}${a.rescale ? ` · ${t('method.rescaled', { lo: a.rescale[0], hi: a.rescale[1] })}` : ''}`)),
        a.note ? h('p', { lang: 'en' }, a.note) : null,
        a.indicators.length
          ? h(
              'ul',
              { class: 'ind-doc' },
              a.indicators.map((i) =>
                h(
                  'li',
                  null,
                  h('p', null, h('strong', null, nm(i.name)), ' ', h('span', { class: 'hint' }, i.id), i.unit ? ` (${nm(i.unit)})` : '', ' ', i.direction < 0 ? h('span', { class: 'tag' }, t('method.lower_better')) : null, i.provisional ? h('span', { class: 'tag provisional' }, t('method.provisional')) : null),
                  h('p', { class: 'derivation' }, '= ', h('span', { lang: 'en' }, fmtFormula(i.derivation)), i.cap !== null && i.cap !== undefined ? `; ${t('method.cap', { n: num(i.cap) })}` : '', i.floor !== null && i.floor !== undefined ? `; ${t('method.floor', { n: num(i.floor) })}` : '', `; ${t('method.weight', { share: shareText(i.id) })}`),
                  i.choice ? h('p', null, h('em', null, t('method.choice')), ' ', h('span', { lang: 'en' }, i.choice)) : null,
                  i.note ? h('p', { lang: 'en' }, i.note) : null,
                  i.source ? h('p', { class: 'hint' }, t('method.source'), ' ', h('span', { lang: 'en' }, i.source)) : null,
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

export function privacyView(): HTMLElement {
  return h(
    'article',
    { class: 'privacy' },
    h('h1', null, t('nav.privacy')),
    h('p', { class: 'lead' }, t('privacy.lead')),
    h('h2', null, t('privacy.check')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('privacy.step1'), ' ', h('strong', { lang: 'en' }, 'Network'), ' ', t('privacy.step1_end')),
      h('li', null, t('privacy.step2')),
      h('li', null, t('privacy.step3')),
    ),
    h('h2', null, t('privacy.enforces')),
    h(
      'ul',
      null,
      h('li', null, t('privacy.csp'), ' (', h('code', null, "connect-src 'self'"), '). ', t('privacy.csp_read')),
      h('li', null, t('privacy.no_third')),
      h('li', null, t('privacy.exports')),
      h('li', null, t('privacy.open'), ' ', h('code', null, 'nagar'), t('privacy.open_end')),
      h('li', null, t('privacy.language')),
    ),
  );
}

/// Where official results are published (links open the Ministry's sites; the page itself
/// fetches nothing from them).
const OFFICIAL: { name: 'about.portal' | 'about.mohua'; url: string }[] = [
  { name: 'about.portal', url: 'https://eol.smartcities.gov.in/' },
  { name: 'about.mohua', url: 'https://mohua.gov.in/' },
];

/// About: what this is and is not, where official results are, how to use a published table,
/// accessibility, version and build.
export function aboutView(st: AppState): HTMLElement {
  return h(
    'article',
    { class: 'about', 'data-testid': 'about-view' },
    h('h1', null, t('about.title')),
    h('p', { class: 'banner warning', role: 'note' }, h('strong', null, t('about.not_official')), ' ', t('about.not_official_text')),
    h('h2', null, t('about.official')),
    h('p', null, t('about.official_text')),
    h('ul', null, OFFICIAL.map((o) => h('li', null, h('a', { href: o.url, rel: 'noopener noreferrer', target: '_blank' }, t(o.name)), ' — ', o.url))),
    h('h2', null, t('about.published')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('about.step1')),
      h('li', null, t('about.step2')),
      h('li', null, t('about.step3')),
    ),
    h('h2', null, t('about.accessibility')),
    h('p', null, t('about.accessibility_text')),
    h('h2', null, t('about.version')),
    h(
      'dl',
      { class: 'kv' },
      h('dt', null, t('about.engine')),
      h('dd', { 'data-testid': 'about-version' }, st.version ? `nagar ${st.version}` : t('about.loading')),
      h('dt', null, t('about.built')),
      h('dd', null, fmtDate(BUILD_DATE)),
      h('dt', null, t('settings.framework')),
      h('dd', null, st.framework ? `${nm(st.framework.name)}${st.framework.version ? `, ${t('results.version', { version: st.framework.version })}` : ''}` : '–'),
    ),
    h('h2', null, t('about.source')),
    h('p', null, t('about.open_source'), ' ', h('code', null, 'nagar'), ' ', t('about.open_source_2'), ' ', h('a', { href: '#/method' }, t('nav.method')), t('results.stop'), SOURCE_URL ? [' ', t('about.source_code'), ' ', h('a', { href: SOURCE_URL, rel: 'noopener noreferrer', target: '_blank' }, SOURCE_URL), '.'] : ''),
  );
}
