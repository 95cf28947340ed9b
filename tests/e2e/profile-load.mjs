// Where the time of a data load goes in the page (a tool, not a test): a Chromium trace of a few
// loads (the demo button and the 5,000-ULB MPI CSV), summed per thread (page, engine worker) and
// per kind of work (script, style, layout, paint, messaging, GC), and the sampled CPU profile of
// both threads, self time per function. Prints Markdown.
//   node tests/e2e/profile-load.mjs            (after `npm run build`; NAGAR_CLI=path/to/nagar)
//   SITE=/tmp/other-dist node tests/e2e/profile-load.mjs   (another built site)
// For readable names build the site unminified (`npx vite build www --minify false --outDir DIR`)
// and the main module with its names (scripts/build.sh strips them).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ROOT, launch, serve, tmp } from './lib.mjs';

const SITE = process.env.SITE ?? DIST;
const RUNS = Number(process.env.RUNS ?? 5);
const CLI = process.env.NAGAR_CLI ?? [join(ROOT, 'target/release/nagar'), join(ROOT, 'target/debug/nagar')].find((p) => existsSync(p));
const dir = tmp('nagar-profile-');
const big = join(dir, 'mpi-5000.csv');
execFileSync(CLI, ['demo', '--ulbs', '5000', '--out', big], { stdio: 'ignore' });

const server = await serve(SITE);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(server.url);
await page.waitForSelector('body[data-ready="true"]');

async function once(action) {
  const prev = await page.evaluate(() => document.body.dataset.rendered ?? '');
  await action();
  await page.waitForFunction((p) => document.body.dataset.rendered && document.body.dataset.rendered !== p, prev, { timeout: 120_000 });
  return page.evaluate(() => window.nagarTimings);
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler', 'v8'];

async function profile(name, action) {
  for (let i = 0; i < 2; i++) await once(action); // warm-up
  await browser.startTracing(page, { categories: CATEGORIES });
  const timings = [];
  for (let i = 0; i < RUNS; i++) timings.push(await once(action));
  const trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  report(name, trace, timings);
}

function report(name, ev, timings) {
  const threads = new Map();
  for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const tname = (e) => threads.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
  const keep = (n) => /CrRendererMain|DedicatedWorker/.test(n);
  // Top-level complete events per thread: their time, nested ones not counted twice.
  const byThread = new Map();
  const stacks = new Map();
  const sorted = ev.filter((e) => e.ph === 'X' && keep(tname(e))).sort((a, b) => a.ts - b.ts);
  for (const e of sorted) {
    const t = tname(e);
    const st = stacks.get(t) ?? [];
    while (st.length && st[st.length - 1] <= e.ts) st.pop();
    const m = byThread.get(t) ?? new Map();
    const key = st.length === 0 ? e.name : null;
    if (key) m.set(key, (m.get(key) ?? 0) + (e.dur ?? 0) / 1000);
    // Nested kinds worth their own line (style, layout, paint, GC inside a task).
    if (st.length > 0 && /^(UpdateLayoutTree|Layout|Paint|PrePaint|Layerize|MinorGC|MajorGC|V8.GC_SCAVENGER|ParseHTML|HitTest|IntersectionObserverController::computeIntersections)/.test(e.name)) {
      m.set(`  (in task) ${e.name}`, (m.get(`  (in task) ${e.name}`) ?? 0) + (e.dur ?? 0) / 1000);
    }
    byThread.set(t, m);
    st.push(e.ts + (e.dur ?? 0));
    stacks.set(t, st);
  }
  // The last load, task by task: every top-level task of either thread of 0.3 ms or more in the
  // last load's time before the trace's last paint, with what it held.
  const paints = sorted.filter((e) => e.name === 'Paint' && /CrRendererMain/.test(tname(e)));
  const end = paints.length ? paints[paints.length - 1].ts + paints[paints.length - 1].dur : sorted[sorted.length - 1].ts;
  const last = timings[timings.length - 1].totalMs * 1000;
  const start = end - last - 20_000;
  console.log(`\nThe last load (${(last / 1000).toFixed(1)} ms), tasks from ${((end - last - start) / -1000).toFixed(0)} ms before it, in ms from its start:\n`);
  for (const e of sorted) {
    if (e.ts < start || e.ts > end + 5000) continue;
    const t = tname(e);
    const top = !sorted.some((o) => o !== e && tname(o) === t && o.ts <= e.ts && o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0) && (o.dur ?? 0) > (e.dur ?? 0));
    if ((e.dur ?? 0) < Number(process.env.MIN_US ?? 300)) continue;
    const depth = sorted.filter((o) => o !== e && tname(o) === t && o.ts <= e.ts && o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0) && (o.dur ?? 0) > (e.dur ?? 0)).length;
    if (depth > Number(process.env.DEPTH ?? 3)) continue;
    const what = e.args?.data?.functionName || e.args?.data?.type || e.args?.data?.url?.split('/').pop() || '';
    console.log(`${((e.ts - (end - last)) / 1000).toFixed(1).padStart(7)} +${((e.dur ?? 0) / 1000).toFixed(1).padStart(5)} ${/Worker/.test(t) ? 'W' : 'M'} ${'  '.repeat(depth)}${e.name} ${what}`);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\n## ${name}: ${RUNS} loads, median ${med(timings.map((t) => t.totalMs)).toFixed(1)} ms (engine ${med(timings.map((t) => t.engineMs)).toFixed(1)} ms)\n`);
  console.log('Trace events per thread, milliseconds per load (top level, and style/layout/paint/GC inside):\n');
  for (const [t, m] of byThread) {
    console.log(`### ${t}\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 18)) if (v / RUNS >= 0.2) console.log(`- ${k}: ${(v / RUNS).toFixed(1)}`);
    console.log('');
  }
  // The sampled CPU profile: one per thread (Profile + ProfileChunk events, by id).
  const profiles = new Map();
  for (const e of ev) {
    if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { thread: tname(e), nodes: new Map(), samples: [], deltas: [] });
    if (e.name === 'ProfileChunk') {
      const p = profiles.get(`${e.pid}:${e.id}`);
      if (!p) continue;
      const c = e.args.data.cpuProfile ?? {};
      for (const n of c.nodes ?? []) p.nodes.set(n.id, n);
      p.samples.push(...(c.samples ?? []));
      p.deltas.push(...(e.args.data.timeDeltas ?? []));
    }
  }
  for (const p of profiles.values()) {
    if (!keep(p.thread) || p.samples.length === 0) continue;
    const self = new Map();
    let total = 0;
    for (let i = 0; i < p.samples.length; i++) {
      const n = p.nodes.get(p.samples[i]);
      const dt = (p.deltas[i + 1] ?? 0) / 1000;
      const f = n?.callFrame ?? {};
      if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
      const k = `${f.functionName || '(anonymous)'} ${(f.url ?? '').split('/').pop()}:${f.lineNumber ?? ''}:${f.columnNumber ?? ''}`;
      self.set(k, (self.get(k) ?? 0) + dt);
      total += dt;
    }
    console.log(`### CPU profile, ${p.thread}: ${(total / RUNS).toFixed(1)} ms busy per load; self time per load\n`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) if (v / RUNS >= 0.3) console.log(`- ${(v / RUNS).toFixed(1)} ms ${k}`);
    // Inclusive time: each function once per sample, with everything it called.
    const parent = new Map();
    for (const n of p.nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
    for (const n of p.nodes.values()) if (n.parent !== undefined) parent.set(n.id, n.parent);
    const incl = new Map();
    for (let i = 0; i < p.samples.length; i++) {
      const dt = (p.deltas[i + 1] ?? 0) / 1000;
      const seen = new Set();
      for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
        const f = p.nodes.get(id)?.callFrame ?? {};
        if (!f.url || seen.has(f.functionName)) continue;
        seen.add(f.functionName);
        incl.set(f.functionName, (incl.get(f.functionName) ?? 0) + dt);
      }
    }
    console.log(`\nInclusive time per load (functions of the page's own code):\n`);
    for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 30)) if (v / RUNS >= 0.3) console.log(`- ${(v / RUNS).toFixed(1)} ms ${k || '(anonymous)'}`);
    console.log('');
  }
}

await profile('demo (120 ULBs, button)', () => page.click('[data-testid=demo-data]'));
await profile('5,000-ULB MPI CSV', () => page.setInputFiles('[data-testid=data-file]', big));
await browser.close();
await server.close();
