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
/// emits it, and any later ones already done. A worker that finishes while another is emitting
/// leaves its result for that one and goes on working: only a worker a whole window ahead ever
/// sleeps, never one waiting for the output (which, for human output, is a fifth of the work).
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
            window.hand_on(i, f(&items[i]));
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    // Every result was handed on by the workers (whoever lets go of the output looks again);
    // one more look costs nothing and makes a lost file impossible.
    window.drain(&mut locked(&window.sink));
    match window
        .sink
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .error
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Results done before an earlier item, and the workers asleep until the window moves.
struct Early<R> {
    done: std::collections::BTreeMap<usize, R>,
    waiting: usize,
}

/// The output, held by the one worker emitting.
struct Sink<F, E> {
    emit: F,
    error: Option<E>,
}

/// The window of items the workers may run ahead of the output, and the output itself.
struct Window<R, F, E> {
    early: Mutex<Early<R>>,
    sink: Mutex<Sink<F, E>>,
    /// Items handed on so far (written by the worker holding `sink`).
    emitted: AtomicUsize,
    stop: AtomicBool,
    room: Condvar,
    size: usize,
}

/// The lock of `m`, also when a thread panicked holding it: every user of a lock here either
/// leaves its data whole or stops the run (a panic is passed on, never swallowed).
pub(crate) fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<R, F: FnMut(usize, R) -> Result<(), E>, E> Window<R, F, E> {
    fn new(emit: F, size: usize) -> Self {
        Window {
            early: Mutex::new(Early {
                done: std::collections::BTreeMap::new(),
                waiting: 0,
            }),
            sink: Mutex::new(Sink { emit, error: None }),
            emitted: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            room: Condvar::new(),
            size,
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Sleeps while item `i` is a whole window ahead of the output (or until the work stops).
    fn wait_for_room(&self, i: usize) {
        if i < self.emitted.load(Ordering::Acquire) + self.size {
            return;
        }
        let mut g = locked(&self.early);
        g.waiting += 1;
        while i >= self.emitted.load(Ordering::Acquire) + self.size
            && !self.stop.load(Ordering::SeqCst)
        {
            g = self.room.wait(g).unwrap_or_else(|p| p.into_inner());
        }
        g.waiting -= 1;
    }

    /// Files item `i`'s result, then hands on every result now in order unless another worker
    /// is at it (which then hands this one on too).
    fn hand_on(&self, i: usize, r: R) {
        locked(&self.early).done.insert(i, r);
        // Whoever holds the output looks again once it lets go, so a result filed while it was
        // busy is never left behind.
        while let Ok(mut sink) = self.sink.try_lock() {
            self.drain(&mut sink);
            drop(sink);
            let next = self.emitted.load(Ordering::Acquire);
            if self.stopped() || !locked(&self.early).done.contains_key(&next) {
                return;
            }
        }
    }

    /// Emits the results in order from the oldest not yet handed on, while they are done.
    fn drain(&self, sink: &mut Sink<F, E>) {
        if sink.error.is_some() {
            return;
        }
        loop {
            let at = self.emitted.load(Ordering::Acquire);
            let Some(r) = locked(&self.early).done.remove(&at) else {
                return;
            };
            if let Err(e) = (sink.emit)(at, r) {
                sink.error = Some(e);
                self.stop.store(true, Ordering::SeqCst);
                let _g = locked(&self.early);
                self.room.notify_all();
                return;
            }
            self.emitted.store(at + 1, Ordering::Release);
            let g = locked(&self.early);
            if g.waiting > 0 {
                self.room.notify_all();
            }
        }
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

    /// Many quick items, finished in any order by workers that often meet at the output: each
    /// is handed on once, in order (a result filed while another worker emits is not lost).
    #[test]
    fn every_result_is_handed_on_once_in_order() {
        let items: Vec<u64> = (0..50_000).collect();
        let mut seen = Vec::with_capacity(items.len());
        let r: Result<(), ()> = par_for_each_ordered(
            &items,
            |&i| {
                // Uneven work, so workers overtake each other.
                let mut x = i;
                for _ in 0..(i * 7919 % 64) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                (i, x)
            },
            |i, (item, _)| {
                assert_eq!(item, i as u64);
                seen.push(i);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen.len(), items.len());
        assert!(seen.iter().enumerate().all(|(n, &i)| n == i));
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
