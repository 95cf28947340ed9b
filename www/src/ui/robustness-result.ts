// The last robustness analysis and what the other views say of it (the profile's sentence, the
// sister cities' certainty). Kept apart from the Robustness view (ui/robustness.ts), which is
// loaded only when it is opened.
import { fmtInt, pct } from '../dom';
import { t } from '../i18n';
import type { RunResult } from '../robustness-run';
import type { AppState } from '../state';

let last: RunResult | null = null;
let lastFor: unknown = null;

/// Keeps a completed analysis of `results` (a scoring run).
export function setRobustness(r: RunResult, results: unknown): void {
  last = r;
  lastFor = results;
}

/// The last completed analysis, whatever results it belongs to.
export function lastRobustness(): RunResult | null {
  return last;
}

/// The last analysis, when it belongs to the results on show (a new file or new settings make
/// it stale: it is dropped, not shown as if it were theirs).
export function currentRobustness(st: AppState): RunResult | null {
  if (last && lastFor !== st.results) {
    last = null;
    lastFor = null;
  }
  return last;
}

/// The sentence on a city's profile: "Rank 7 of 116. In 90% of 1,000 alternative calculations
/// it ranks between 4 and 12." Null until an uncertainty analysis has run on these results.
export function rankSentence(st: AppState, id: string): string | null {
  const r = currentRobustness(st);
  if (!r) return null;
  const s = r.summary;
  const u = s.ids.indexOf(id);
  if (u < 0) return null;
  const nominal = s.nominal_rank[u];
  const lo = s.rank_q5[u];
  const hi = s.rank_q95[u];
  if (nominal === null || lo === null || hi === null) return t('robustness.sentence_unranked');
  const reps = s.plan.stats_reps - s.failures.filter((f) => f.rep <= s.plan.stats_reps).length;
  return t('robustness.sentence', { rank: fmtInt(nominal), of: fmtInt(s.ranked), reps: fmtInt(reps), lo: fmtInt(lo), hi: fmtInt(hi) });
}

/// How sure a city's place in the top N or bottom N is (Sister cities): "in the top 20 in 87%
/// of the alternative calculations". Null without an analysis.
export function membership(st: AppState, id: string, which: 'top' | 'bottom'): string | null {
  const r = currentRobustness(st);
  if (!r) return null;
  const u = r.summary.ids.indexOf(id);
  const p = u < 0 ? null : which === 'top' ? r.summary.p_top[u] : r.summary.p_bottom[u];
  if (p === null) return null;
  return t(which === 'top' ? 'robustness.p_top' : 'robustness.p_bottom', { n: r.summary.plan.top_n, p: pct(p) });
}

