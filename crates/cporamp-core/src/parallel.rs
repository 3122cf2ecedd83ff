//! One work queue for every parallel loop of the workspace: items handed to whichever of
//! the caller's threads is free, results returned in item order, so that a result never
//! depends on the thread count (each item's work must depend only on the item).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `job` of every item of `items` on at most `threads` scoped threads (the calling thread
/// alone for 1), in item order. A panic in a job is resumed on the caller.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = threads.min(items.len());
    if workers <= 1 {
        return items.iter().map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let finished: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        mine.push((index, job(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    for (index, result) in finished.into_iter().flatten() {
        slots[index] = Some(result);
    }
    slots.into_iter().map(|slot| slot.expect("every item was taken by a worker")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_item_order_at_any_thread_count() {
        let items: Vec<u64> = (0..257).collect();
        let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
        for threads in [0, 1, 2, 3, 8, 1000] {
            assert_eq!(super::map_in_order(&items, threads, |x| x * x), expected, "{threads}");
        }
        assert!(super::map_in_order(&[] as &[u8], 4, |x| *x).is_empty());
    }
}
