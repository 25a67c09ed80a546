//! Per-cluster time histograms over shared, growing bounds, in bounded memory.
//!
//! Logs stream in and the time range is not known in advance, so every cluster keeps
//! [`BUCKETS`] counters over one shared window `[start, start + BUCKETS·width)`. When a
//! timestamp falls outside, the width doubles (neighbouring buckets of every cluster are merged
//! and the window re-aligned) until it fits: at most 64 doublings, each O(clusters · BUCKETS).

use serde::{Deserialize, Serialize};

pub const BUCKETS: usize = 48;

/// The shared bounds (nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub start_ns: i64,
    pub bucket_ns: i64,
    pub buckets: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// `None` until the first timestamp.
    bounds: Option<(i64, i64)>,
    rows: Vec<[u32; BUCKETS]>,
}

impl Timeline {
    /// Counts one event of cluster `row` at `t`.
    pub fn add(&mut self, row: usize, t: i64) {
        if self.rows.len() <= row {
            self.rows.resize(row + 1, [0; BUCKETS]);
        }
        let (mut start, mut width) = *self
            .bounds
            .get_or_insert((t - t.rem_euclid(1_000_000_000), 1_000_000_000));
        while t < start || t >= start.saturating_add(width.saturating_mul(BUCKETS as i64)) {
            if width > i64::MAX / 4 {
                break;
            }
            let new_width = width * 2;
            // keep the window aligned to the new width; make room on the side `t` is on
            let new_start = if t < start {
                (start - width * BUCKETS as i64).div_euclid(new_width) * new_width
            } else {
                start.div_euclid(new_width) * new_width
            };
            for r in &mut self.rows {
                let mut merged = [0u32; BUCKETS];
                for (i, &n) in r.iter().enumerate() {
                    let t0 = start + i as i64 * width;
                    let j = ((t0 - new_start) / new_width).clamp(0, BUCKETS as i64 - 1);
                    merged[j as usize] += n;
                }
                *r = merged;
            }
            start = new_start;
            width = new_width;
        }
        self.bounds = Some((start, width));
        let i = ((t - start) / width).clamp(0, BUCKETS as i64 - 1);
        self.rows[row][i as usize] += 1;
    }

    pub fn bounds(&self) -> Option<Bounds> {
        self.bounds.map(|(start_ns, bucket_ns)| Bounds {
            start_ns,
            bucket_ns,
            buckets: BUCKETS as u32,
        })
    }

    /// The counters of `row` (all zero if it never had a timestamp).
    pub fn row(&self, row: usize) -> Vec<u32> {
        self.rows
            .get(row)
            .map_or_else(|| vec![0; BUCKETS], |r| r.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_counts() {
        let s = 1_000_000_000i64;
        let mut tl = Timeline::default();
        tl.add(0, 100 * s);
        tl.add(1, 100 * s + s / 2);
        tl.add(0, 130 * s);
        assert_eq!(tl.bounds().unwrap().bucket_ns, s);
        tl.add(1, 1000 * s); // needs a 32 s width
        tl.add(0, 10 * s); // earlier than the window
        let b = tl.bounds().unwrap();
        for t in [10, 100, 130, 1000] {
            assert!(b.start_ns <= t * s && t * s < b.start_ns + b.bucket_ns * BUCKETS as i64);
        }
        assert_eq!(tl.row(0).iter().sum::<u32>(), 3);
        assert_eq!(tl.row(1).iter().sum::<u32>(), 2);
        assert_eq!(tl.row(7).iter().sum::<u32>(), 0);
        // the two events of cluster 1 are in different buckets, in time order
        let r1 = tl.row(1);
        let first = r1.iter().position(|&n| n > 0).unwrap();
        let last = r1.iter().rposition(|&n| n > 0).unwrap();
        assert!(first < last);
        assert_eq!(first as i64, (100 * s + s / 2 - b.start_ns) / b.bucket_ns);
    }
}
