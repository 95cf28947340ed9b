// The worker's side of the analyses: sister cities, peers, and the private preview with
// what-if, "why this score" and improvement priorities. Everything stays in the worker's
// memory (the Workspace); nothing is stored or sent anywhere.
import type { Workspace } from '../pkg/full/nagar_full.js';
import type { Explanation, Improvements, PreviewBundle, PreviewReport, WhatIfResult } from './analysis-types';
import type { AnalysisRequest, Request } from './protocol';

type SheetsReader = typeof import('../pkg/sheets-read/nagar_sheets_read.js');

export interface WorkerTools {
  readFile(file: File): Promise<Uint8Array>;
  sheetsReader(): Promise<SheetsReader>;
  progress(phase: string, loaded: number, total: number): void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/// My unit's explanation and improvements in the current what-if state (null with the reason
/// when they cannot be computed, e.g. my unit has no index).
function analyses(ws: Workspace, unit: string): Pick<PreviewBundle, 'explain' | 'improve' | 'analysisError'> {
  let explain: Explanation | null = null;
  let improve: Improvements | null = null;
  const errors: string[] = [];
  try {
    explain = ws.explain(unit) as Explanation;
  } catch (e) {
    errors.push(message(e));
  }
  try {
    improve = ws.improve(unit, undefined) as Improvements;
  } catch (e) {
    errors.push(message(e));
  }
  return { explain, improve, analysisError: errors.length ? [...new Set(errors)].join(' ') : null };
}

function bundle(ws: Workspace, report: PreviewReport, unit: string, withForm: boolean, result: WhatIfResult | null = null): PreviewBundle {
  return {
    report,
    unit,
    form: withForm ? ws.whatIfForm() : null,
    ...analyses(ws, unit),
    result,
  };
}

/// The unit of the what-if session: the first of my rows unless one is asked for.
let currentUnit = '';

function started(ws: Workspace, report: PreviewReport): PreviewBundle {
  currentUnit = report.mine[0]?.id ?? '';
  return bundle(ws, report, currentUnit, true);
}

export async function handleAnalysis(ws: Workspace, req: Request, tools: WorkerTools): Promise<unknown> {
  const r = req as AnalysisRequest;
  switch (r.op) {
    case 'pair':
      return ws.pair(r.options);
    case 'pairsCsv':
      return new TextEncoder().encode(ws.pairsExportCsv());
    case 'searchNodes':
      return ws.searchNodes();
    case 'peers':
      return ws.peers(r.ulb, r.node, r.options);
    case 'inputForm':
      return ws.inputForm();
    case 'previewFile': {
      const bytes = await tools.readFile(r.file);
      tools.progress('Scoring with my rows', 0, 0);
      let report: PreviewReport;
      try {
        report = ws.loadMyRows(bytes, r.file.name, r.onCollision ?? null);
      } catch (e) {
        if (!(e instanceof Error && e.name === 'NeedsSpreadsheet')) throw e;
        const sh = await tools.sheetsReader();
        report = ws.loadMyTable(sh.readSpreadsheet(bytes, r.file.name), r.onCollision ?? null);
      }
      return started(ws, report);
    }
    case 'previewForm':
      return started(ws, ws.addMyRowFromForm(r.row, r.onCollision ?? null));
    case 'whyUnit':
      // Any city of the file (a city profile): its explanation and improvement priorities.
      return analyses(ws, r.id);
    case 'previewBundle':
      return bundle(ws, ws.previewReport(), currentUnit, true);
    case 'whatIfUnit': {
      ws.whatIfUnit(r.id);
      currentUnit = r.id;
      return bundle(ws, ws.previewReport(), currentUnit, true);
    }
    case 'whatIfSet': {
      // The fast part only (my scores and ranks); the page asks for the explanation, the
      // priorities and everyone's rank moves once the person pauses (`previewAnalyses`).
      const t0 = performance.now();
      const change = ws.whatIfSet(r.field, r.text) as { result: WhatIfResult; report: PreviewReport };
      const engineMs = performance.now() - t0;
      return { report: change.report, unit: currentUnit, form: null, explain: null, improve: null, analysisError: null, result: change.result, pending: true, engineMs } satisfies PreviewBundle;
    }
    case 'previewAnalyses':
      // Once the person pauses: the explanation, the priorities and everyone's rank moves.
      return { ...analyses(ws, currentUnit), report: ws.previewReport() as PreviewReport } satisfies Pick<PreviewBundle, 'explain' | 'improve' | 'analysisError' | 'report'>;
    case 'whatIfCsv':
      return new TextEncoder().encode(ws.whatIfCsv());
    case 'forgetPreview':
      ws.forgetPreview();
      currentUnit = '';
      return null;
  }
  throw new Error(`unknown request ${(req as { op: string }).op}`);
}
