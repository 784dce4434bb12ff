//! Work on every core with results in input order: files are linted in parallel and reported
//! in the order they were given, as soon as each and the ones before it are done.

/// Results a worker may run ahead of the oldest one not yet handed on, per core: enough that
/// one slow file does not idle the others at once, few enough that memory holds a handful of
/// files' results, not the run's.
const AHEAD_PER_CORE: usize = 4;

/// `f` over `items` on every core, handing each result to `emit` in the items' order as soon as
/// it and every earlier one are done. Work is handed out one item at a time, so a few large files
/// do not hold up the rest; no worker runs more than a small window ahead of `emit`. An error
/// from `emit` stops the work and is returned.
///
/// The workers hand results on themselves: the one that finishes the oldest outstanding item
/// emits it, and any later ones already done, under a lock. There is no collecting thread to wake
/// per item, and a worker only sleeps when it is a whole window ahead.
pub fn par_for_each_ordered<T: Sync, R: Send, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    emit: impl FnMut(usize, R) -> Result<(), E> + Send,
) -> Result<(), E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, MutexGuard};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        let mut emit = emit;
        for (i, item) in items.iter().enumerate() {
            emit(i, f(item))?;
        }
        return Ok(());
    }
    let window = threads * AHEAD_PER_CORE;
    struct Out<R, F, E> {
        emit: F,
        /// Items handed on so far.
        emitted: usize,
        /// Results done before an earlier item.
        early: std::collections::BTreeMap<usize, R>,
        /// Workers asleep until the window moves.
        waiting: usize,
        error: Option<E>,
    }
    let out = Mutex::new(Out {
        emit,
        emitted: 0,
        early: std::collections::BTreeMap::new(),
        waiting: 0,
        error: None,
    });
    let next = AtomicUsize::new(0);
    // `out.emitted`, readable without the lock.
    let emitted = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let room = Condvar::new();
    let lock = || out.lock().unwrap_or_else(|p| p.into_inner());
    /// Stops the others when a worker panics, so that none waits for an item that will never
    /// come; the scope then re-raises the panic (a lost file would be a silent pass).
    struct OnPanic<'a>(&'a AtomicBool, &'a Condvar);
    impl Drop for OnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::SeqCst);
                self.1.notify_all();
            }
        }
    }
    let work = || {
        let _guard = OnPanic(&stop, &room);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= items.len() || stop.load(Ordering::Relaxed) {
                return;
            }
            if i >= emitted.load(Ordering::Acquire) + window {
                let mut g: MutexGuard<'_, Out<R, _, E>> = lock();
                g.waiting += 1;
                while i >= g.emitted + window && !stop.load(Ordering::SeqCst) {
                    g = room.wait(g).unwrap_or_else(|p| p.into_inner());
                }
                g.waiting -= 1;
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let r = f(&items[i]);
            let mut g = lock();
            let g = &mut *g;
            if g.error.is_some() {
                return;
            }
            g.early.insert(i, r);
            let before = g.emitted;
            while let Some(r) = g.early.remove(&g.emitted) {
                if let Err(e) = (g.emit)(g.emitted, r) {
                    g.error = Some(e);
                    stop.store(true, Ordering::SeqCst);
                    break;
                }
                g.emitted += 1;
            }
            if g.emitted != before || stop.load(Ordering::SeqCst) {
                emitted.store(g.emitted, Ordering::Release);
                if g.waiting > 0 || stop.load(Ordering::SeqCst) {
                    room.notify_all();
                }
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    match out.into_inner().unwrap_or_else(|p| p.into_inner()).error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Results come out in order whatever order the workers finish in, and no worker runs more
    /// than the window ahead of what has been handed on.
    #[test]
    fn ordered_results_within_a_window() {
        let items: Vec<u64> = (0..300).collect();
        let started = AtomicUsize::new(0);
        let handed = AtomicUsize::new(0);
        let ahead = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let r: Result<(), ()> = par_for_each_ordered(
            &items,
            |&i| {
                let n = started.fetch_add(1, Ordering::SeqCst);
                ahead.fetch_max(n - handed.load(Ordering::SeqCst), Ordering::SeqCst);
                // Early items are slow, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros((300 - i) * 20));
                i * 2
            },
            |i, r| {
                assert_eq!(r, i as u64 * 2);
                seen.push(i);
                handed.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
        assert!(
            ahead.load(Ordering::SeqCst) <= threads * AHEAD_PER_CORE,
            "{} ahead",
            ahead.load(Ordering::SeqCst)
        );
    }

    /// An error from the output stops the work: it is returned, and the items after the window
    /// are never started.
    #[test]
    fn an_output_error_stops_the_work() {
        let items: Vec<usize> = (0..10_000).collect();
        let started = AtomicUsize::new(0);
        let r = par_for_each_ordered(
            &items,
            |_| started.fetch_add(1, Ordering::SeqCst),
            |i, _| if i == 5 { Err("disk full") } else { Ok(()) },
        );
        assert_eq!(r, Err("disk full"));
        assert!(started.load(Ordering::SeqCst) < 1_000);
    }

    /// A worker that panics on the oldest item takes the run down: the others do not wait for it
    /// forever, and the panic reaches the caller (exit 101, never a silent pass or a hang).
    #[test]
    fn a_worker_panic_is_raised_not_hung() {
        let items: Vec<usize> = (0..1_000).collect();
        let r = std::panic::catch_unwind(|| {
            par_for_each_ordered(
                &items,
                |&i| {
                    if i == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        panic!("boom");
                    }
                    i
                },
                |_, _| Ok::<(), ()>(()),
            )
        });
        assert!(r.is_err());
    }
}
