// The page's state: what the engine last returned, and how the person is looking at it.
import type { Choice, DataInfo, FrameworkInfo, Options, Profile, Results } from './protocol';
import { Engine } from './engine';

export type SortKey = 'rank' | 'name' | 'state' | 'zone' | 'tier' | 'coverage' | 'index' | 'rank_in_tier' | 'move' | `v${number}`;

export interface AppState {
  engine: Engine;
  version: string;
  frameworks: Choice[];
  framework: FrameworkInfo | null;
  builtin: string | null;
  data: DataInfo | null;
  results: Results | null;
  scoreError: string | null;
  /// The last file that could not be read at all (its name and why); the previous file's
  /// results are dropped, so the Data check never shows an older file's report for it.
  loadError: { file: string; message: string } | null;
  options: Options;
  compare: string[];
  /// Results kept to compare two choices of settings: each city's rank and index then, and the
  /// settings that gave them.
  baseline: { label: string; rank: Map<string, number | null>; index: Map<string, number | null> } | null;
  table: { sort: SortKey; desc: boolean; search: string; tier: string; state: string; zone: string; page: number };
  issues: { severity: string; text: string; page: number };
  profiles: Map<string, Profile>;
  busy: boolean;
}

export function newState(engine: Engine): AppState {
  return {
    engine,
    version: '',
    frameworks: [],
    framework: null,
    builtin: null,
    data: null,
    results: null,
    scoreError: null,
    loadError: null,
    options: {},
    compare: [],
    baseline: null,
    table: { sort: 'rank', desc: false, search: '', tier: '', state: '', zone: '', page: 0 },
    issues: { severity: '', text: '', page: 0 },
    profiles: new Map(),
    busy: false,
  };
}

/// Things views ask the controller to do.
export interface Actions {
  render(): void;
  go(hash: string): void;
  toggleCompare(id: string): void;
  profile(id: string): Promise<Profile>;
  downloadIssues(): void;
  /// Save text made in the page as a CSV file.
  download(text: string, name: string): void;
}
