//! Two pieces of work at once (feature `threads`: the CLI; the browser's engine has one thread
//! and runs them one after the other).

/// Runs `low` on this thread and `high` on a scoped second thread, and returns both results; a
/// panic in either is passed on. Without feature `threads`, `low` then `high` here.
pub fn join<A: Send, B: Send>(low: impl FnOnce() -> A + Send, high: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(feature = "threads")]
    {
        std::thread::scope(|s| {
            let handle = s.spawn(high);
            let a = low();
            (a, handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }
    #[cfg(not(feature = "threads"))]
    {
        (low(), high())
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_results_in_order() {
        let mut data = vec![1u64; 1000];
        let (a, b) = data.split_at_mut(400);
        let (sa, sb) = join(
            || {
                a.iter_mut().for_each(|x| *x += 1);
                a.iter().sum::<u64>()
            },
            || {
                b.iter_mut().for_each(|x| *x *= 3);
                b.iter().sum::<u64>()
            },
        );
        assert_eq!((sa, sb), (800, 1800));
        assert_eq!(&data[399..401], &[2, 3]);
    }

    #[test]
    #[should_panic(expected = "high half")]
    fn a_panic_on_the_second_thread_is_passed_on() {
        let _ = join(|| 1, || -> u8 { panic!("high half") });
    }
}
