// Shared helpers of the browser tests and the benchmark: a static server for www/dist on
// loopback, and Debian's Chromium driven by playwright-core (no browser is downloaded).
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
/// The built site; `NAGAR_DIST` serves another build (e.g. a copy of an earlier one, to compare).
export const DIST = process.env.NAGAR_DIST ?? join(ROOT, 'www/dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/// Serves www/dist (or another built site, `dir`) on 127.0.0.1 (a free port). Every request is
/// recorded in `log`.
export async function serve(dir = DIST) {
  const log = [];
  const server = createServer((req, res) => {
    log.push({ method: req.method, url: req.url });
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(normalize(dir))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, log, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM = '/usr/bin/chromium';

/// Debian's Chromium, headless, with the flags this machine needs (no background networking).
/// Playwright gives every launch a fresh, empty profile directory of its own.
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function tmp(prefix = 'nagar-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/// Minimal RFC 4180 CSV parser (quotes, doubled quotes, CRLF), enough to compare exports.
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') (cell += '"'), i++;
        else q = false;
      } else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

/// One of the built wasm modules under Node (`www/pkg/<dir>/<name>.js`).
async function wasmModule(dir, name) {
  const m = await import(join(ROOT, `www/pkg/${dir}/${name}.js`));
  await m.default({ module_or_path: readFileSync(join(ROOT, `www/pkg/${dir}/${name}_bg.wasm`)) });
  return m;
}

/// The spreadsheet modules under Node, to make and read XLSX files in tests: `writeXlsx` and
/// `templateXlsx` (of a template spec, the full module's `templateSpec`) from the writing module,
/// `readSpreadsheet` from the reading module.
export async function sheetsModule() {
  const [read, write] = await Promise.all([
    wasmModule('sheets-read', 'nagar_sheets_read'),
    wasmModule('sheets-write', 'nagar_sheets_write'),
  ]);
  return { readSpreadsheet: read.readSpreadsheet, writeXlsx: write.writeXlsx, templateXlsx: write.templateXlsx };
}

/// Every file of the built site, as paths relative to www/dist (`assets/x.js`).
export function builtFiles(d = DIST, prefix = '') {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? builtFiles(join(d, n), `${prefix}${n}/`) : [`${prefix}${n}`]));
}

/// The privacy rule, checked on recorded requests (`{ url, method, body, at }`): none leaves the
/// page's origin, and after `loadedAt` each is a GET of one of the app's own static files, with no
/// query string and no body.
export function assertOnlyOwnStaticGets(requests, pageUrl, loadedAt) {
  const origin = new URL(pageUrl).origin;
  const built = new Set(['/', ...builtFiles().map((f) => `/${f}`)]);
  for (const r of requests) {
    const u = new URL(r.url);
    if (u.protocol === 'blob:' || u.protocol === 'data:') continue;
    assert.equal(u.origin, origin, `request to another origin: ${r.url}`);
    if (r.at >= loadedAt) {
      assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
      assert.equal(u.search, '', `query string: ${r.url}`);
      assert.equal(r.body ?? null, null, `body: ${r.url}`);
      assert.ok(built.has(u.pathname), `not a static file of the app: ${r.url}`);
    }
  }
}

/// One timed load for the benchmarks (bench.mjs, bench-ab.mjs): runs `action` (a click or a file
/// drop) and waits until the page marks a new results table rendered; returns the page's own
/// `nagarTimings` and `paintedMs`. "Painted": the page marks the table rendered in the frame's
/// requestAnimationFrame callback, before that frame's style, layout and paint; the first task
/// after it comes once they are done. Measured from outside the page's code, so that any build
/// can be timed the same.
export async function timedLoad(page, action) {
  const prev = await page.evaluate(() => document.body.dataset.rendered ?? '');
  await page.evaluate(() => {
    window.nagarAfterFrame = undefined;
    const mo = new MutationObserver(() => {
      mo.disconnect();
      const t = performance.now();
      setTimeout(() => (window.nagarAfterFrame = performance.now() - t), 0);
    });
    mo.observe(document.body, { attributes: true, attributeFilter: ['data-rendered'] });
  });
  await action();
  await page.waitForFunction((p) => document.body.dataset.rendered && document.body.dataset.rendered !== p, prev, { timeout: 120_000 });
  await page.waitForFunction(() => window.nagarAfterFrame !== undefined, null, { timeout: 10_000 });
  return page.evaluate(() => ({ ...window.nagarTimings, paintedMs: window.nagarTimings.totalMs + window.nagarAfterFrame }));
}
