// The page's state: what the engine last returned, and how the person is looking at it.
import type { Choice, DataInfo, FrameworkInfo, Options, Profile, Results } from './protocol';
import { Engine } from './engine';

export type SortKey = 'rank' | 'name' | 'state' | 'zone' | 'tier' | 'coverage' | 'index' | 'rank_in_tier' | `v${number}`;

export interface AppState {
  engine: Engine;
  version: string;
  frameworks: Choice[];
  framework: FrameworkInfo | null;
  builtin: string | null;
  data: DataInfo | null;
  results: Results | null;
  scoreError: string | null;
  options: Options;
  compare: string[];
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
    options: {},
    compare: [],
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
}
