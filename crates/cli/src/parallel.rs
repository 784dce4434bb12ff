//! Work on every core with results in input order: files are linted in parallel and reported
//! in the order they were given, as soon as each and the ones before it are done.

/// Results a worker may run ahead of the oldest one not yet handed on, per core: enough that
/// one slow file does not idle the others at once, few enough that memory holds a handful of
/// files' results, not the run's.
const AHEAD_PER_CORE: usize = 4;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

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
    let window = Window::new(emit, threads * AHEAD_PER_CORE);
    let next = AtomicUsize::new(0);
    let work = || {
        let _guard = OnPanic(&window.stop, &window.room);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= items.len() || window.stopped() {
                return;
            }
            window.wait_for_room(i);
            if window.stopped() {
                return;
            }
            if !window.hand_on(i, f(&items[i])) {
                return;
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    match window
        .out
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .error
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What the workers share under the lock: the output and the results waiting for it.
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

/// The window of items the workers may run ahead of the output, and the output itself.
struct Window<R, F, E> {
    out: Mutex<Out<R, F, E>>,
    /// `out.emitted`, readable without the lock.
    emitted: AtomicUsize,
    stop: AtomicBool,
    room: Condvar,
    size: usize,
}

impl<R, F: FnMut(usize, R) -> Result<(), E>, E> Window<R, F, E> {
    fn new(emit: F, size: usize) -> Self {
        Window {
            out: Mutex::new(Out {
                emit,
                emitted: 0,
                early: std::collections::BTreeMap::new(),
                waiting: 0,
                error: None,
            }),
            emitted: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            room: Condvar::new(),
            size,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Out<R, F, E>> {
        self.out.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Sleeps while item `i` is a whole window ahead of the output (or until the work stops).
    fn wait_for_room(&self, i: usize) {
        if i < self.emitted.load(Ordering::Acquire) + self.size {
            return;
        }
        let mut g = self.lock();
        g.waiting += 1;
        while i >= g.emitted + self.size && !self.stop.load(Ordering::SeqCst) {
            g = self.room.wait(g).unwrap_or_else(|p| p.into_inner());
        }
        g.waiting -= 1;
    }

    /// Files item `i`'s result and hands on every result now in order; false when the work
    /// has stopped (an output error).
    fn hand_on(&self, i: usize, r: R) -> bool {
        let mut g = self.lock();
        let g = &mut *g;
        if g.error.is_some() {
            return false;
        }
        g.early.insert(i, r);
        let before = g.emitted;
        while let Some(r) = g.early.remove(&g.emitted) {
            if let Err(e) = (g.emit)(g.emitted, r) {
                g.error = Some(e);
                self.stop.store(true, Ordering::SeqCst);
                break;
            }
            g.emitted += 1;
        }
        let stopped = self.stop.load(Ordering::SeqCst);
        if g.emitted != before || stopped {
            self.emitted.store(g.emitted, Ordering::Release);
            if g.waiting > 0 || stopped {
                self.room.notify_all();
            }
        }
        true
    }
}

/// Stops the others when a worker panics, so that none waits for an item that will never come;
/// the scope then re-raises the panic (a lost file would be a silent pass).
struct OnPanic<'a>(&'a AtomicBool, &'a Condvar);

impl Drop for OnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::SeqCst);
            self.1.notify_all();
        }
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
