//! Drill-down data for the UI: hierarchies of error clusters and an error-aware icicle.
//!
//! Pure functions of [`ChainReport`]; the web app draws these trees as they are (a sunburst or
//! nested list for [`DrillNode`], an icicle for [`FlameNode`]), so no counting happens in the UI.

use serde::{Deserialize, Serialize};

use super::chains::{ChainReport, ErrorChainCluster, OK};

/// A node of a counted hierarchy. Children are sorted by count (descending), then name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillNode {
    pub name: String,
    /// Traces under this node.
    pub count: u64,
    /// Clusters under this node.
    pub clusters: Vec<u32>,
    pub children: Vec<DrillNode>,
}

impl DrillNode {
    fn new(name: &str) -> DrillNode {
        DrillNode {
            name: name.to_owned(),
            count: 0,
            clusters: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds `count` traces of `cluster` along `path` below this node.
    fn add(&mut self, path: &[String], count: u64, cluster: u32) {
        self.count += count;
        if !self.clusters.contains(&cluster) {
            self.clusters.push(cluster);
        }
        let Some((head, rest)) = path.split_first() else {
            return;
        };
        let i = match self.children.iter().position(|c| &c.name == head) {
            Some(i) => i,
            None => {
                self.children.push(DrillNode::new(head));
                self.children.len() - 1
            }
        };
        self.children[i].add(rest, count, cluster);
    }

    fn sort(&mut self) {
        self.children
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        for c in &mut self.children {
            c.sort();
        }
    }
}

fn http_label(c: &ErrorChainCluster) -> Vec<(String, u64)> {
    let with: u64 = c.http_statuses.iter().map(|h| h.1).sum();
    let mut out: Vec<(String, u64)> = c
        .http_statuses
        .iter()
        .map(|(code, n)| (format!("HTTP {code}"), *n))
        .collect();
    if with < c.count {
        out.push(("no HTTP status".to_owned(), c.count - with));
    }
    out
}

/// error type → call path → HTTP status.
pub fn by_error_type(report: &ChainReport) -> DrillNode {
    let mut root = DrillNode::new("all errors");
    for c in &report.clusters {
        for (http, n) in http_label(c) {
            root.add(&[c.error_type.clone(), c.path(), http], n, c.id);
        }
    }
    root.sort();
    root
}

/// origin service → error type → origin operation.
pub fn by_service(report: &ChainReport) -> DrillNode {
    let mut root = DrillNode::new("all services");
    for c in &report.clusters {
        let Some(origin) = c.signature.last() else {
            continue;
        };
        root.add(
            &[
                origin.service.clone(),
                c.error_type.clone(),
                origin.operation.clone(),
            ],
            c.count,
            c.id,
        );
    }
    root.sort();
    root
}

/// An icicle node: one (service, operation, status) step of the clustered chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlameNode {
    pub service: String,
    pub operation: String,
    /// Error kind of this step, or `ok`.
    pub status: String,
    pub error: bool,
    /// Traces through this node (the width).
    pub count: u64,
    /// Traces whose chain ends here (this step is their origin).
    pub self_count: u64,
    pub clusters: Vec<u32>,
    pub children: Vec<FlameNode>,
}

/// The icicle of all clusters' chains, rooted at a synthetic `all` node.
pub fn flame(report: &ChainReport) -> FlameNode {
    let mut root = FlameNode {
        service: String::new(),
        operation: "all".to_owned(),
        status: OK.to_owned(),
        error: false,
        count: 0,
        self_count: 0,
        clusters: Vec::new(),
        children: Vec::new(),
    };
    for c in &report.clusters {
        root.count += c.count;
        root.clusters.push(c.id);
        let mut node = &mut root;
        for step in &c.signature {
            let i = match node.children.iter().position(|n| {
                n.service == step.service
                    && n.operation == step.operation
                    && n.status == step.status
            }) {
                Some(i) => i,
                None => {
                    node.children.push(FlameNode {
                        service: step.service.clone(),
                        operation: step.operation.clone(),
                        status: step.status.clone(),
                        error: step.status != OK,
                        count: 0,
                        self_count: 0,
                        clusters: Vec::new(),
                        children: Vec::new(),
                    });
                    node.children.len() - 1
                }
            };
            node = &mut node.children[i];
            node.count += c.count;
            node.clusters.push(c.id);
        }
        node.self_count += c.count;
    }
    sort_flame(&mut root);
    root
}

fn sort_flame(n: &mut FlameNode) {
    n.children.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.operation.cmp(&b.operation))
    });
    for c in &mut n.children {
        sort_flame(c);
    }
}
