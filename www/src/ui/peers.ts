// "Learn from peers", inside the city profile: for one sector (or vertical), the k most similar
// cities that score clearly better there, the gap, and the indicators that make the difference
// (nagar_core::pairing::peers, as `nagar peers`).
import './analysis.css';
import { clear, fmt, fmtValue, h } from '../dom';
import { engineText, nm, t, tn } from '../i18n';
import type { Peer, PeerSearch, SearchNode } from '../analysis-types';
import type { Profile } from '../protocol';
import type { AppState } from '../state';

let nodesCache: { results: unknown; nodes: SearchNode[] } | null = null;
const choice = { node: '', k: 5 };

async function searchNodes(st: AppState): Promise<SearchNode[]> {
  if (nodesCache && nodesCache.results === st.results) return nodesCache.nodes;
  const nodes = await st.engine.call<SearchNode[]>({ op: 'searchNodes' });
  nodesCache = { results: st.results, nodes };
  return nodes;
}

function sharedText(p: Peer): string {
  const parts: string[] = [];
  if (p.shared.zone) parts.push(t('peers.zone', { zone: nm(p.shared.zone) }));
  if (p.shared.terrain) parts.push(p.shared.terrain);
  if (p.shared.tier) parts.push(t('peers.tier', { tier: nm(p.shared.tier) }));
  if (p.shared.tags.length) parts.push(p.shared.tags.join(', '));
  return parts.length ? t('peers.shares', { what: parts.join(' · ') }) : t('peers.different');
}

function peerItem(p: Peer, units: Map<string, string>): HTMLElement {
  const u = p.unit;
  return h(
    'li',
    { class: 'peer', 'data-peer': u.id },
    h(
      'p',
      { class: 'peer-head' },
      h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id),
      h('span', { class: 'peer-gap' }, ` ${t('peers.gap', { gap: `+${fmt(p.gap)}` })}`),
      h('span', { class: 'hint' }, ` · ${t('peers.score', { score: fmt(p.score) })} · ${sharedText(p)} · ${t('peers.similarity', { s: fmt(p.similarity, 2) })}`),
    ),
    p.drivers.length
      ? h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('peers.better', { name: u.name || u.id }) },
          h(
          'table',
          { class: 'data mini drivers' },
          h('caption', { class: 'visually-hidden' }, t('peers.better', { name: u.name || u.id })),
          h('thead', null, h('tr', null, [t('profile.col.indicator'), t('peers.this_city'), u.name || u.id, t('peers.weighted_diff')].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, c)))),
          h(
            'tbody',
            null,
            p.drivers.map((d) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, nm(d.name), d.higher_is_better ? '' : h('span', { class: 'tag' }, t('method.lower_better'))),
                h('td', { class: 'num' }, fmtValue(d.unit_value), unitOf(units, d.id)),
                h('td', { class: 'num' }, fmtValue(d.peer_value), unitOf(units, d.id)),
                h('td', { class: 'num' }, fmt(d.contribution, 2)),
              ),
            ),
          ),
          ),
        )
      : null,
  );
}

function unitOf(units: Map<string, string>, id: string): HTMLElement | null {
  const u = units.get(id);
  return u ? h('span', { class: 'unit' }, ` ${nm(u)}`) : null;
}

function resultView(r: PeerSearch, units: Map<string, string>): HTMLElement {
  if (r.peers.length === 0) {
    return h('p', { class: 'hint' }, t('peers.none', { name: r.unit.name, node: nm(r.node.name), score: fmt(r.score) }));
  }
  return h(
    'div',
    null,
    h('p', null, t('peers.intro', { name: r.unit.name, score: fmt(r.score), node: nm(r.node.name), cities: tn('n.city', r.clearly_better) })),
    h(
      'p',
      { class: 'hint' },
      t('peers.explain'),
    ),
    h('ol', { class: 'peers' }, r.peers.map((p) => peerItem(p, units))),
  );
}

/// The panel; it fills itself in (the search nodes and the first search come from the engine).
export function peersPanel(st: AppState, p: Profile): HTMLElement {
  const out = h('div', { class: 'peers-out', 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('peers.looking')));
  const select = h('select', { id: 'peer-node' }) as HTMLSelectElement;
  const k = h('input', { id: 'peer-k', type: 'number', min: 1, max: 20, step: 1, value: choice.k }) as HTMLInputElement;
  const search = async () => {
    choice.node = select.value;
    choice.k = Math.max(1, Math.min(20, Math.round(Number(k.value) || 5)));
    try {
      const r = await st.engine.call<PeerSearch>({ op: 'peers', ulb: p.unit.id, node: choice.node, options: { k: choice.k } });
      clear(out);
      out.append(resultView(r, new Map(p.indicators.filter((i) => i.unit).map((i) => [i.id, i.unit]))));
    } catch (e) {
      clear(out);
      out.append(h('p', { class: 'banner error' }, engineText(e instanceof Error ? e.message : String(e))));
    }
    out.dataset.done = 'true';
  };
  select.addEventListener('change', () => void search());
  k.addEventListener('change', () => void search());
  const panel = h(
    'section',
    { class: 'peers-panel', 'data-testid': 'peers-panel', 'aria-labelledby': 'h-peers' },
    h('h2', { id: 'h-peers' }, t('profile.peers')),
    h('p', { class: 'hint' }, t('peers.hint')),
    h('div', { class: 'filters' }, h('div', { class: 'field grow' }, h('label', { for: 'peer-node' }, t('peers.node')), select), h('div', { class: 'field' }, h('label', { for: 'peer-k' }, t('peers.k')), k)),
    out,
  );
  searchNodes(st)
    .then((nodes) => {
      const usable = nodes.filter((n) => n.level !== 'index');
      // Default: the city's weakest sector against its group.
      const diff = (x: Profile['sectors'][number]) => (x.value ?? NaN) - (x.group_mean ?? NaN);
      const weakest = [...p.sectors].filter((x) => Number.isFinite(diff(x))).sort((a, b) => diff(a) - diff(b))[0];
      const pick = usable.some((n) => n.id === choice.node) ? choice.node : weakest?.id ?? usable[0]?.id ?? '';
      const groups: [string, SearchNode[]][] = [
        [t('profile.sectors'), usable.filter((n) => n.level === 'sector')],
        [t('profile.verticals'), usable.filter((n) => n.level === 'vertical')],
        [t('peers.other'), usable.filter((n) => n.level === 'aggregate')],
      ];
      select.replaceChildren(
        ...groups.filter(([, ns]) => ns.length).map(([label, ns]) => h('optgroup', { label }, ns.map((n) => h('option', { value: n.id, selected: n.id === pick }, nm(n.name))))),
      );
      select.value = pick;
      return search();
    })
    .catch((e) => {
      clear(out);
      out.append(h('p', { class: 'banner error' }, engineText(e instanceof Error ? e.message : String(e))));
    });
  return panel;
}
