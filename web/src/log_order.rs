//! How the Clusters tab lists log clusters: most severe first or most lines first, optionally
//! hiding clusters below a level. Presentation only (core's clusters stay in the miner's
//! most-lines-first order); plain Rust so that it is tested natively.

use refract_core::cluster::LogCluster;
use refract_core::logs::Level;

/// How the log clusters are listed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LogOrder {
    /// Most severe level first (an error cluster of 3 lines above an info cluster of 3,000),
    /// then most lines: what an incident needs to see first.
    Severity,
    /// Most lines first, as the miner counted them.
    Lines,
}

/// The most severe level among a cluster's lines; `None` when no line carried a level.
pub fn worst(k: &LogCluster) -> Option<Level> {
    k.levels.iter().map(|(l, _)| *l).max()
}

/// Indices of the clusters to show, in display order. `at_least` hides clusters whose lines all
/// carried a level below it; clusters without levels stay (their severity is unknown). In
/// severity order they rank between warnings and infos.
pub fn shown(clusters: &[LogCluster], order: LogOrder, at_least: Option<Level>) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..clusters.len())
        .filter(|&i| match (at_least, worst(&clusters[i])) {
            (Some(min), Some(w)) => w >= min,
            _ => true,
        })
        .collect();
    if order == LogOrder::Severity {
        // Unknown severity ranks just below a warning: above info and debug noise.
        let rank = |k: &LogCluster| match worst(k) {
            Some(l) if l >= Level::Warn => 2 * (l as u8) + 1,
            Some(l) => 2 * (l as u8),
            None => 2 * (Level::Warn as u8),
        };
        // Stable: ties keep the miner's most-lines-first order.
        idx.sort_by_key(|&i| std::cmp::Reverse(rank(&clusters[i])));
    }
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: u32, count: u64, levels: &[(Level, u64)]) -> LogCluster {
        LogCluster {
            id,
            template: format!("t{id}"),
            count,
            levels: levels.to_vec(),
            services: Vec::new(),
            first_seen_ns: None,
            last_seen_ns: None,
            example_lines: Vec::new(),
            example: String::new(),
            with_trace_id: 0,
            histogram: Vec::new(),
            paths: Vec::new(),
            split: false,
        }
    }

    #[test]
    fn severity_order_puts_errors_above_noise_and_unknown_between_warn_and_info() {
        // The miner's order: most lines first.
        let cs = vec![
            cluster(0, 3000, &[(Level::Info, 3000)]),
            cluster(1, 500, &[]),
            cluster(2, 40, &[(Level::Warn, 40)]),
            cluster(3, 7, &[(Level::Error, 5), (Level::Info, 2)]),
            cluster(4, 3, &[(Level::Error, 3)]),
            cluster(5, 1, &[(Level::Fatal, 1)]),
        ];
        assert_eq!(shown(&cs, LogOrder::Lines, None), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(shown(&cs, LogOrder::Severity, None), vec![5, 3, 4, 2, 1, 0]);
        assert_eq!(
            shown(&cs, LogOrder::Severity, Some(Level::Error)),
            vec![5, 3, 4, 1]
        );
        assert_eq!(
            shown(&cs, LogOrder::Lines, Some(Level::Warn)),
            vec![1, 2, 3, 4, 5]
        );
    }
}
