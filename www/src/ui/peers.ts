// "Learn from peers", inside the city profile: for one sector (or vertical), the k most similar
// cities that score clearly better there, the gap, and the indicators that make the difference
// (nagar_core::pairing::peers, as `nagar peers`).
import './analysis.css';
import { clear, fmt, fmtValue, h } from '../dom';
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
  if (p.shared.zone) parts.push(`zone ${p.shared.zone}`);
  if (p.shared.terrain) parts.push(p.shared.terrain);
  if (p.shared.tier) parts.push(`tier ${p.shared.tier}`);
  if (p.shared.tags.length) parts.push(p.shared.tags.join(', '));
  return parts.length ? `shares ${parts.join(' · ')}` : 'different context';
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
      h('span', { class: 'peer-gap' }, ` +${fmt(p.gap)} points`),
      h('span', { class: 'hint' }, ` · score ${fmt(p.score)} · ${sharedText(p)} · similarity ${fmt(p.similarity, 2)} of 1`),
    ),
    p.drivers.length
      ? h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `Indicators where ${u.name || u.id} does better` },
          h(
          'table',
          { class: 'data mini drivers' },
          h('caption', { class: 'visually-hidden' }, `Indicators where ${u.name} does better`),
          h('thead', null, h('tr', null, ['Indicator', 'This city', u.name || u.id, 'Weighted difference'].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, c)))),
          h(
            'tbody',
            null,
            p.drivers.map((d) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, d.name, d.higher_is_better ? '' : h('span', { class: 'tag' }, 'lower is better')),
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
  return u ? h('span', { class: 'unit' }, ` ${u}`) : null;
}

function resultView(r: PeerSearch, units: Map<string, string>): HTMLElement {
  if (r.peers.length === 0) {
    return h('p', { class: 'hint' }, `No city of the comparison group scores clearly better than ${r.unit.name} in ${r.node.name} (${fmt(r.score)}).`);
  }
  return h(
    'div',
    null,
    h('p', null, `${r.unit.name} scores ${fmt(r.score)} in ${r.node.name}; ${r.clearly_better} cities of its comparison group score clearly better. The most similar:`),
    h(
      'p',
      { class: 'hint' },
      'Similarity runs from 0 to 1: 1 is a city with the same zone, terrain, tier and size and a shared problem; it is 1 / (1 + the weighted differences in that context). For each indicator: both cities’ values in the indicator’s units, and the weighted difference, the indicator’s weight in the sector times the gap between their standardised values (0 = the group mean; positive = the peer does better). The larger it is, the more of the peer’s lead that indicator explains.',
    ),
    h('ol', { class: 'peers' }, r.peers.map((p) => peerItem(p, units))),
  );
}

/// The panel; it fills itself in (the search nodes and the first search come from the engine).
export function peersPanel(st: AppState, p: Profile): HTMLElement {
  const out = h('div', { class: 'peers-out', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Looking for peers…'));
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
      out.append(h('p', { class: 'banner error' }, e instanceof Error ? e.message : String(e)));
    }
    out.dataset.done = 'true';
  };
  select.addEventListener('change', () => void search());
  k.addEventListener('change', () => void search());
  const panel = h(
    'section',
    { class: 'peers-panel', 'data-testid': 'peers-panel', 'aria-labelledby': 'h-peers' },
    h('h2', { id: 'h-peers' }, 'Learn from peers'),
    h('p', { class: 'hint' }, 'Similar cities (zone, tier, population, terrain, shared problems) that score clearly better in one sector, and the indicators behind the gap.'),
    h('div', { class: 'filters' }, h('div', { class: 'field grow' }, h('label', { for: 'peer-node' }, 'Sector or vertical'), select), h('div', { class: 'field' }, h('label', { for: 'peer-k' }, 'How many peers'), k)),
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
        ['Sectors', usable.filter((n) => n.level === 'sector')],
        ['Verticals', usable.filter((n) => n.level === 'vertical')],
        ['Other', usable.filter((n) => n.level === 'aggregate')],
      ];
      select.replaceChildren(
        ...groups.filter(([, ns]) => ns.length).map(([label, ns]) => h('optgroup', { label }, ns.map((n) => h('option', { value: n.id, selected: n.id === pick }, n.name)))),
      );
      select.value = pick;
      return search();
    })
    .catch((e) => {
      clear(out);
      out.append(h('p', { class: 'banner error' }, e instanceof Error ? e.message : String(e)));
    });
  return panel;
}
