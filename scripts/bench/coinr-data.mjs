// COINr-style benchmark data: an iMeta framework of 100 indicators (10 groups of 10, one index)
// and iData with N units (default 5,000), 3% of the values missing (NA), seeded so every run
// writes the same bytes.
//   node scripts/bench/coinr-data.mjs OUT_DIR [N]   → OUT_DIR/bench_iMeta.csv, OUT_DIR/bench_iData.csv
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, nArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/bench/coinr-data.mjs OUT_DIR [N]');
  process.exit(2);
}
const n = Number(nArg ?? 5000);
const GROUPS = 10;
const PER_GROUP = 10;

// xorshift32: small, seeded, the same on every platform.
let s = 2019;
const rand = () => {
  s ^= s << 13;
  s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5;
  s >>>= 0;
  return s / 4294967296;
};

const ids = [];
const meta = ['"Level","iCode","iName","Direction","Weight","Unit","Target","Denominator","Parent","Type"'];
for (let g = 1; g <= GROUPS; g++) {
  for (let k = 1; k <= PER_GROUP; k++) {
    const id = `I${g}_${k}`;
    ids.push(id);
    meta.push(`1,"${id}","Indicator ${g}.${k}",${k % 4 === 0 ? -1 : 1},1,"Score",NA,NA,"G${g}","Indicator"`);
  }
}
for (let g = 1; g <= GROUPS; g++) meta.push(`2,"G${g}","Group ${g}",1,1,"Score",NA,NA,"Index","Aggregate"`);
meta.push('3,"Index","Benchmark index",1,1,"Score",NA,NA,NA,"Aggregate"');

const data = [['uName', 'uCode', ...ids].map((h) => `"${h}"`).join(',')];
for (let u = 1; u <= n; u++) {
  const row = [`"Unit ${u}"`, `"U${String(u).padStart(5, '0')}"`];
  for (let j = 0; j < ids.length; j++) {
    if (rand() < 0.03) {
      row.push('NA');
    } else {
      // Values like measured data: a few significant digits, various magnitudes.
      const scale = 10 ** ((j % 5) - 1);
      row.push(String(Math.round(rand() * 100000) / 1000 * scale));
    }
  }
  data.push(row.join(','));
}
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'bench_iMeta.csv'), meta.join('\n') + '\n');
writeFileSync(join(dir, 'bench_iData.csv'), data.join('\n') + '\n');
console.log(`${join(dir, 'bench_iData.csv')}: ${n} units x ${ids.length} indicators`);
