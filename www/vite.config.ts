// Build of the static site. Relative base, so the site works under any sub-path (GitHub Pages).
// After the build, a service worker listing every built file is written: the whole app,
// including the spreadsheet module, is cached on the first visit and works offline.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'nagar-service-worker',
    apply: 'build',
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      const all = files(outDir)
        .map((p) => relative(outDir, p).split(sep).join('/'))
        .filter((f) => f !== 'sw.js')
        .sort();
      const hash = createHash('sha256');
      for (const f of all) hash.update(f).update(readFileSync(join(outDir, f)));
      const version = hash.digest('hex').slice(0, 16);
      const list = ['./', ...all.map((f) => `./${f}`)];
      const sw = readFileSync(new URL('./src/sw.js', import.meta.url), 'utf8')
        .replace('__VERSION__', version)
        .replace('__FILES__', JSON.stringify(list, null, 1));
      writeFileSync(join(outDir, 'sw.js'), sw);
    },
  };
}

/// The date of the commit the site is built from (so two builds of one commit are identical);
/// today's date outside a git checkout.
function buildDate(): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%cs'], { encoding: 'utf8' }).trim();
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export default defineConfig({
  define: {
    __NAGAR_BUILD_DATE__: JSON.stringify(buildDate()),
    __NAGAR_SOURCE_URL__: JSON.stringify(process.env.NAGAR_SOURCE_URL ?? ''),
  },
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 8080, strictPort: true },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
  plugins: [serviceWorker()],
});
