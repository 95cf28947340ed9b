//! Number formatting (`fmt::push_number`, docs/BENCHMARKS.md, issue 12): one million numbers shaped
//! like the COINr-style job's output (`scripts/bench/native.sh`): a third z-scores (17 significant
//! digits, both signs), a third data values with a few significant digits (`6744.7`, `0.0757`), a
//! third whole numbers (`66653`), and one in fifty missing (written as nothing).
//!
//! Run: `cargo bench -p nagar-core --bench fmt`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nagar_core::fmt::push_number;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

const N: usize = 1_000_000;

fn values() -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (0..N)
        .map(|i| {
            let u = unit();
            match i % 50 {
                0 => f64::NAN,
                k if k % 3 == 0 => (u - 0.5) * 6.0,
                k if k % 3 == 1 => (u * 99_999.0).round() / 10f64.powi((i % 5) as i32),
                _ => (u * 100_000.0).round(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let xs = values();
    let mut g = c.benchmark_group("fmt");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    let mut out = String::with_capacity(20 * N);
    g.bench_function("push_number, 1M numbers", |b| {
        b.iter(|| {
            out.clear();
            for &x in &xs {
                push_number(&mut out, black_box(x));
                out.push(',');
            }
            black_box(out.len())
        })
    });
    g.bench_function("zmij only (floor), 1M numbers", |b| {
        b.iter(|| {
            out.clear();
            let mut buf = zmij::Buffer::new();
            for &x in &xs {
                if x.is_finite() {
                    out.push_str(buf.format_finite(black_box(x)));
                }
                out.push(',');
            }
            black_box(out.len())
        })
    });
    g.bench_function("Display (before zmij), 1M numbers", |b| {
        use std::fmt::Write;
        b.iter(|| {
            out.clear();
            for &x in &xs {
                if x.is_finite() {
                    let _ = write!(out, "{}", black_box(x));
                }
                out.push(',');
            }
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
