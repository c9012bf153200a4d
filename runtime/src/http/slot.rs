//! `Slot<T>`: a value set at most once and then read without a lock, as `OnceLock`, for the
//! request's lazily filled parts (the session, CSRF state, messages and user the middleware
//! give it, the parsed query string and cookies, the resolver match).
//!
//! Why not `OnceLock`: its first set goes through `Once`, whose general machinery (poisoning,
//! a queue of waiting threads) costs about 90 instructions, and every request sets six of
//! them (bench/http's callgrind profile). Here a set is one compare-and-swap. A request is
//! shared between threads only when a view hands it to one, so racing first reads are rare;
//! when they happen each computes the value and the first to store it wins, as in
//! `once_cell::race` (the computations here have no side effects).

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU8, Ordering};

const EMPTY: u8 = 0;
/// A thread is writing the value.
const WRITING: u8 = 1;
const FULL: u8 = 2;

pub(crate) struct Slot<T> {
    state: AtomicU8,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the value is written once, by the thread that moved the state from EMPTY to
// WRITING, and read only after the state is FULL (Release store, Acquire load), so every
// reader sees it whole. Sharing the slot shares `&T` (T: Sync) and lets another thread move a
// `T` in (T: Send).
unsafe impl<T: Send + Sync> Sync for Slot<T> {}
// SAFETY: sending the slot sends the `T` it may hold.
unsafe impl<T: Send> Send for Slot<T> {}

impl<T> Slot<T> {
    pub(crate) const fn new() -> Self {
        Slot {
            state: AtomicU8::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        if self.state.load(Ordering::Acquire) == FULL {
            // SAFETY: FULL means the value was written, and it is never written again.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    /// Stores `value` unless the slot holds one (or is being given one): then it comes back.
    pub(crate) fn set(&self, value: T) -> Result<(), T> {
        if self
            .state
            .compare_exchange(EMPTY, WRITING, Ordering::Acquire, Ordering::Acquire)
            .is_err()
        {
            return Err(value);
        }
        // SAFETY: only the thread that moved the state to WRITING writes, and no reader reads
        // before FULL.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(FULL, Ordering::Release);
        Ok(())
    }

    /// The value, computed by `f` when there is none yet.
    pub(crate) fn get_or_init(&self, f: impl FnOnce() -> T) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        // Another thread's value may have landed meanwhile: then ours is dropped.
        let _ = self.set(f());
        loop {
            if let Some(value) = self.get() {
                return value;
            }
            // Another thread is between its compare-and-swap and its store: a write away.
            std::hint::spin_loop();
        }
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        if *self.state.get_mut() == FULL {
            // SAFETY: FULL means written; `&mut self` means no reader is left.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn set_once_then_read() {
        let slot = Slot::new();
        assert_eq!(slot.get(), None);
        assert_eq!(slot.set(String::from("a")), Ok(()));
        assert_eq!(slot.set(String::from("b")), Err(String::from("b")));
        assert_eq!(slot.get().map(String::as_str), Some("a"));
        assert_eq!(slot.get_or_init(|| unreachable!()), "a");
    }

    #[test]
    fn get_or_init_computes_once_when_alone_and_nests() {
        let slot: Slot<Vec<u8>> = Slot::new();
        let calls = AtomicUsize::new(0);
        for _ in 0..3 {
            slot.get_or_init(|| {
                calls.fetch_add(1, Ordering::Relaxed);
                vec![1]
            });
        }
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        // A computation that fills the slot itself keeps the inner value, without deadlock.
        let nested: Slot<u8> = Slot::new();
        let got = nested.get_or_init(|| {
            nested.set(1).unwrap();
            2
        });
        assert_eq!(*got, 1);
    }

    #[test]
    fn the_value_is_dropped_once() {
        struct Counted(Arc<AtomicUsize>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let drops = Arc::new(AtomicUsize::new(0));
        let slot = Slot::new();
        let _ = slot.set(Counted(drops.clone()));
        let _ = slot.set(Counted(drops.clone())); // refused: dropped here
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        drop(slot);
        assert_eq!(drops.load(Ordering::Relaxed), 2);
        drop(Slot::<Counted>::new()); // empty: nothing to drop
        assert_eq!(drops.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn racing_threads_all_read_the_one_value() {
        for _ in 0..200 {
            let slot = Arc::new(Slot::new());
            let seen: Vec<usize> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|i| {
                        let slot = slot.clone();
                        s.spawn(move || *slot.get_or_init(|| i))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(seen.iter().all(|v| *v == seen[0]), "{seen:?}");
            assert_eq!(slot.get(), Some(&seen[0]));
        }
    }
}
