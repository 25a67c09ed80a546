//! The error-aware icicle of the clustered trace chains (core's `FlameNode` tree): width is the
//! trace count, error steps are red, a click zooms into a node. Layout only; counts are core's.

use std::sync::Arc;

use leptos::prelude::*;
use refract_core::traces::drill::FlameNode;

use super::Cl;

const WIDTH: f64 = 1000.0;
const ROW: f64 = 22.0;

struct Cell {
    x: f64,
    w: f64,
    depth: usize,
    label: String,
    title: String,
    error: bool,
    path: Vec<usize>,
}

/// The node at `path` (child indices from the root); the root if the path no longer exists.
fn node_at<'a>(root: &'a FlameNode, path: &[usize]) -> &'a FlameNode {
    let mut n = root;
    for &i in path {
        match n.children.get(i) {
            Some(c) => n = c,
            None => return root,
        }
    }
    n
}

fn label(n: &FlameNode) -> String {
    if n.service.is_empty() {
        n.operation.clone()
    } else {
        format!("{}: {}", n.service, n.operation)
    }
}

fn layout(n: &FlameNode, x: f64, w: f64, depth: usize, path: &mut Vec<usize>, out: &mut Vec<Cell>) {
    if w < 0.5 {
        return;
    }
    out.push(Cell {
        x,
        w,
        depth,
        label: label(n),
        title: format!(
            "{} [{}] — {} traces, {} end here",
            label(n),
            n.status,
            n.count,
            n.self_count
        ),
        error: n.error,
        path: path.clone(),
    });
    let total = n.count.max(1) as f64;
    let mut cx = x;
    for (i, c) in n.children.iter().enumerate() {
        let cw = w * c.count as f64 / total;
        path.push(i);
        layout(c, cx, cw, depth + 1, path, out);
        path.pop();
        cx += cw;
    }
}

#[component]
pub fn Flame(c: Cl, root: Arc<FlameNode>) -> impl IntoView {
    move || {
        let zoom = c.zoom.get();
        let base = node_at(&root, &zoom);
        let mut path = if std::ptr::eq(base, &*root) {
            Vec::new()
        } else {
            zoom.clone()
        };
        let mut cells = Vec::new();
        layout(base, 0.0, WIDTH, 0, &mut path, &mut cells);
        let rows = cells.iter().map(|c| c.depth + 1).max().unwrap_or(1);
        let height = rows as f64 * ROW;
        let zoomed = !zoom.is_empty();
        view! {
            <div class="flame">
                <p class="flame-bar">
                    <span>{format!("{} traces under {}", base.count, label(base))}</span>
                    <Show when=move || zoomed>
                        <button id="flame-reset" on:click=move |_| c.zoom.set(Vec::new())>"Zoom out"</button>
                    </Show>
                </p>
                <svg id="flame" viewBox=format!("0 0 {WIDTH} {height}") width="100%" height=format!("{height}")
                    preserveAspectRatio="none">
                    {cells.into_iter().map(|cell| {
                        let p = cell.path.clone();
                        let y = cell.depth as f64 * ROW;
                        let chars = (cell.w / 7.0) as usize;
                        let text: String = if chars >= 4 { cell.label.chars().take(chars).collect() } else { String::new() };
                        view! {
                            <g class=if cell.error { "cell error" } else { "cell ok" }
                                on:click=move |_| c.zoom.set(p.clone())>
                                <rect x=format!("{:.2}", cell.x) y=format!("{y:.1}")
                                    width=format!("{:.2}", (cell.w - 1.0).max(0.5)) height=format!("{:.1}", ROW - 2.0)>
                                    <title>{cell.title}</title>
                                </rect>
                                <text x=format!("{:.2}", cell.x + 3.0) y=format!("{:.1}", y + ROW - 8.0)>{text}</text>
                            </g>
                        }
                    }).collect_view()}
                </svg>
            </div>
        }
    }
}
