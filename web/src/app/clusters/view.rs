//! Drawing the `ClusterReport`: inputs and progress, log template clusters (with time histograms
//! and code-path splits), trace error-chain clusters, the drill-down trees, the icicle and the
//! broken-trace report. Every number shown comes from the report as core computed it.

use std::sync::Arc;

use leptos::prelude::*;
use refract_core::cluster::{ClusterReport, CodePath, LogAnalysis, LogCluster};
use refract_core::logs::Level;

use crate::log_order::{shown, worst, LogOrder};
use refract_core::traces::drill::DrillNode;
use refract_core::traces::TraceAnalysis;
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};

use super::flame::Flame;
use super::{Cl, Kind, Status};
use crate::app::session;
use crate::app::state::{Phase, Tab, Ui};

fn time(ns: Option<i64>) -> String {
    match ns {
        None => "—".into(),
        Some(ns) => {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ns as f64 / 1e6));
            String::from(d.to_iso_string())
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_string()
        }
    }
}

fn ms(ns: i64) -> String {
    format!("{:.1} ms", ns as f64 / 1e6)
}

fn histogram(h: &[u32]) -> impl IntoView {
    let max = h.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = 120.0 / h.len().max(1) as f64;
    view! {
        <svg class="hist" width="120" height="24" viewBox="0 0 120 24">
            {h.iter().enumerate().map(|(i, &v)| {
                let bh = v as f64 / max * 24.0;
                view! {
                    <rect x=format!("{:.2}", i as f64 * w) y=format!("{:.2}", 24.0 - bh)
                        width=format!("{:.2}", (w - 0.4).max(0.4)) height=format!("{bh:.2}")>
                        <title>{v.to_string()}</title>
                    </rect>
                }
            }).collect_view()}
        </svg>
    }
}

fn path_view(p: &CodePath) -> impl IntoView {
    view! {
        <ol class="code-path">
            {p.hops.iter().map(|h| view! {
                <li><code>{h.func.clone()}</code>" "<small>{format!("{}:{} ({})", h.file, h.line, h.kind)}</small></li>
            }).collect_view()}
        </ol>
    }
}

/// One line for a collapsed path: how many hops, and where the error was born.
fn path_summary(p: &CodePath) -> String {
    match p.hops.last() {
        Some(root) => format!(
            "code path: {} hops, born at {}:{}",
            p.hops.len(),
            root.file,
            root.line
        ),
        None => "code path".to_string(),
    }
}

fn explain_example(ui: Ui, line: String) {
    ui.logs.set(line.clone());
    session::explain(ui, vec![line]);
    ui.tab.set(Tab::Explain);
}

fn file_list(e: &web_sys::Event) -> Vec<web_sys::File> {
    let input: HtmlInputElement = event_target(e);
    let files = input
        .files()
        .map(|l| crate::app::inputs::file_list(&l))
        .unwrap_or_default();
    input.set_value("");
    files
}

#[component]
fn Inputs(c: Cl) -> impl IntoView {
    let on_drop = move |e: DragEvent| {
        e.prevent_default();
        e.stop_propagation();
        if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
            super::add_files(crate::app::inputs::file_list(&list));
        }
    };
    let pasted = NodeRef::<leptos::html::Textarea>::new();
    let paste = move |k: Kind| {
        if let Some(t) = pasted.get_untracked() {
            let t: HtmlTextAreaElement = t;
            super::add_text(k, &t.value());
            t.set_value("");
        }
    };
    view! {
        <div class="cluster-inputs" id="cluster-drop"
            on:dragover=move |e: DragEvent| e.prevent_default() on:drop=on_drop>
            <p>"Drop log files (.log, .txt, .jsonl) and trace files (OTLP / Jaeger / Zipkin JSON, CSV) here, pick them, or paste."</p>
            <label class="button">"Open logs / traces"
                <input id="pick-cluster" type="file" multiple accept=".log,.txt,.jsonl,.json,.csv"
                    on:change=move |e| super::add_files(file_list(&e)) />
            </label>
            <textarea id="cluster-paste" node_ref=pasted rows="3" placeholder="Paste log lines or a trace JSON document"></textarea>
            <button id="paste-logs" on:click=move |_| paste(Kind::Logs)>"Add as logs"</button>
            <button id="paste-traces" on:click=move |_| paste(Kind::Traces)>"Add as traces"</button>
            <button id="cluster-clear" on:click=move |_| super::clear()>"Clear"</button>
            <ul class="cluster-files">
                {move || c.inputs.get().into_iter().map(|i| view! {
                    <li>{match i.kind { Kind::Logs => "logs: ", Kind::Traces => "traces: " }}
                        <code>{i.name}</code>{format!(" ({} bytes)", i.bytes)}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn StatusLine(c: Cl) -> impl IntoView {
    move || {
        match c.status.get() {
        Status::Idle => view! { <p class="empty">"No logs or traces yet."</p> }.into_any(),
        Status::Running { step, done, total } => {
            let pct = if total > 0 {
                done as f64 / total as f64 * 100.0
            } else {
                0.0
            };
            view! {
                <div class="stage" id="cluster-progress">
                    <span class="label">{format!("clustering ({step})")}</span>
                    <span class="bar"><span style=format!("width:{pct:.0}%")></span></span>
                    <span class="count">{format!("{done} / {total} bytes")}</span>
                    <button id="cluster-cancel" on:click=move |_| super::cancel()>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        Status::Done { ms, timing } => view! {
            <p class="elapsed" id="cluster-elapsed" data-ms=format!("{ms:.1}")
                data-logs-ms=format!("{:.1}", timing.logs_ms)
                data-traces-ms=format!("{:.1}", timing.traces_ms)
                data-finish-ms=format!("{:.1}", timing.finish_ms)>
                {format!("clustered in {ms:.0} ms (in the worker: logs {:.0} ms, traces {:.0} ms, clustering {:.0} ms)",
                    timing.logs_ms, timing.traces_ms, timing.finish_ms)}
                {move || if c.with_repo.get() { ", log clusters split by code path" } else { "" }}
            </p>
        }
        .into_any(),
        Status::Cancelled => view! {
            <div class="error" role="status"><p>"Cancelled. Your inputs are kept."</p>
                <button on:click=move |_| super::start()>"Cluster again"</button></div>
        }
        .into_any(),
        Status::Failed(m) => {
            view! { <div class="error" id="cluster-error" role="alert"><p>{m}</p></div> }.into_any()
        }
    }
    }
}

#[component]
pub fn ClustersView(ui: Ui) -> impl IntoView {
    let Some(c) = super::cl() else {
        return view! { <p class="empty">"Clusters are not available."</p> }.into_any();
    };
    let _ = ui;
    let state = move || match c.status.get() {
        Status::Idle => "idle",
        Status::Running { .. } => "running",
        Status::Done { .. } => "done",
        Status::Cancelled => "cancelled",
        Status::Failed(_) => "failed",
    };
    view! {
        <section class="clusters" id="clusters" data-state=state
            data-paths=move || if c.with_repo.get() { "1" } else { "0" }
            data-stale=move || c.stale.get()>
            <Inputs c=c />
            <StatusLine c=c />
            {move || c.report.get().map(|r| view! { <Report c=c r=r /> })}
        </section>
    }
    .into_any()
}

#[component]
fn Report(c: Cl, r: Arc<ClusterReport>) -> impl IntoView {
    let logs = r.logs.clone();
    let traces = r.traces.clone();
    view! {
        {logs.map(|l| view! { <LogSection c=c l=Arc::new(l) /> })}
        {traces.map(|t| view! { <TraceSection c=c t=Arc::new(t) /> })}
    }
}

#[component]
fn LogSection(c: Cl, l: Arc<LogAnalysis>) -> impl IntoView {
    let ui = c.ui;
    let ing = &l.ingest;
    let summary = format!(
        "{} clusters from {} records ({} lines, {} malformed)",
        l.clusters.len(),
        ing.records,
        ing.lines,
        ing.malformed_count
    );
    let order = RwSignal::new(LogOrder::Severity);
    let at_least = RwSignal::new(None::<Level>);
    let hidden = {
        let l = l.clone();
        Memo::new(move |_| l.clusters.len() - shown(&l.clusters, order.get(), at_least.get()).len())
    };
    let table_rows = {
        let l = l.clone();
        move || {
            shown(&l.clusters, order.get(), at_least.get())
                .into_iter()
                .map(|i| cluster_row(ui, &l.clusters[i]))
                .collect_view()
        }
    };
    view! {
        <section class="log-clusters">
            <h2>"Log clusters"</h2>
            <p id="log-summary" data-clusters=l.clusters.len() data-records=ing.records
                data-malformed=ing.malformed_count>{summary}</p>
            <p class="log-controls">
                <label>"Order "
                    <select id="log-order" on:change=move |e| {
                        order.set(if event_target_value(&e) == "lines" { LogOrder::Lines } else { LogOrder::Severity });
                    }>
                        <option value="severity" selected=true>"most severe first"</option>
                        <option value="lines">"most lines first"</option>
                    </select>
                </label>
                " "
                <label>"Levels "
                    <select id="log-min-level" on:change=move |e| {
                        at_least.set(Level::parse(&event_target_value(&e)));
                    }>
                        <option value="" selected=true>"all"</option>
                        <option value="warn">"warn and worse"</option>
                        <option value="error">"error and worse"</option>
                    </select>
                </label>
                " "
                <span id="log-hidden" data-hidden=move || hidden.get()>
                    {move || match hidden.get() {
                        0 => String::new(),
                        n => format!("{n} clusters below that level hidden"),
                    }}
                </span>
            </p>
            <table id="log-clusters">
                <thead><tr><th>"Lines"</th><th>"Template"</th><th>"Levels"</th><th>"Services"</th>
                    <th>"First seen"</th><th>"Last seen"</th><th>"Over time"</th></tr></thead>
                <tbody>{table_rows}</tbody>
            </table>
            <details class="malformed" open=!ing.malformed.is_empty()>
                <summary>{format!("Malformed lines: {}", ing.malformed_count)}</summary>
                <ul id="malformed">
                    {ing.malformed.iter().map(|m| {
                        let at = match &m.file {
                            Some(f) => format!("{f}:{}", m.line),
                            None => format!("line {}", m.line),
                        };
                        view! {
                            <li data-line=m.line data-file=m.file.clone().unwrap_or_default()>
                                {format!("{at}: {:?} — ", m.problem)}<code>{m.excerpt.clone()}</code></li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

fn cluster_row(ui: Ui, k: &LogCluster) -> impl IntoView {
    let example = k.example.clone();
    let levels = k
        .levels
        .iter()
        .map(|(lv, n)| format!("{} {n}", lv.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let worst = worst(k).map_or("", |l| l.as_str());
    let paths = k.paths.clone();
    let split = k.split;
    view! {
        <tr class="log-cluster" data-count=k.count data-split=if split { "1" } else { "0" } data-worst=worst>
            <td class="count">{k.count.to_string()}</td>
            <td>
                <code class="template">{k.template.clone()}</code>
                <Show when=move || ui.phase.get() != Phase::Idle>
                    " "
                    <a href="#" class="explain-example" title=example.clone()
                        on:click={
                            let example = example.clone();
                            move |e| { e.prevent_default(); explain_example(ui, example.clone()); }
                        }>
                        "explain an example"
                    </a>
                </Show>
                {(!paths.is_empty()).then(|| view! {
                    <details class="paths" open=split>
                        <summary>{if split { format!("split over {} code paths", paths.len()) } else { "code path".to_string() }}</summary>
                        <ul>
                        {paths.iter().map(|p| view! {
                            <li class="path-split" data-count=p.count>
                                <b>{format!("{} lines", p.count)}</b>
                                {match &p.path {
                                    Some(cp) => path_view(cp).into_any(),
                                    None => view! { <span>" (not explained by the repository)"</span> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                        </ul>
                    </details>
                })}
            </td>
            <td>{levels}</td>
            <td>{k.services.join(", ")}</td>
            <td>{time(k.first_seen_ns)}</td>
            <td>{time(k.last_seen_ns)}</td>
            <td>{histogram(&k.histogram)}</td>
        </tr>
    }
}

fn drill_list(nodes: &[DrillNode], depth: usize) -> AnyView {
    view! {
        <ul class="drill">
            {nodes.iter().map(|n| view! {
                <li>
                    <details open=depth < 1>
                        <summary><b>{n.count.to_string()}</b>" "{n.name.clone()}</summary>
                        {(!n.children.is_empty()).then(|| drill_list(&n.children, depth + 1))}
                    </details>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn TraceSection(c: Cl, t: Arc<TraceAnalysis>) -> impl IntoView {
    let ch = &t.chains;
    let b = &t.broken;
    let row = |k: &'static str, label: &'static str, v: String| {
        view! { <dt>{label}</dt><dd data-k=k>{v}</dd> }
    };
    view! {
        <section class="trace-clusters">
            <h2>"Trace error chains"</h2>
            <p id="trace-summary" data-clusters=ch.clusters.len() data-traces=ch.traces data-errors=ch.error_traces>
                {format!("{} clusters of {} error traces ({} traces, {} spans)",
                    ch.clusters.len(), ch.error_traces, ch.traces, t.input.spans)}
            </p>
            <table id="trace-clusters">
                <thead><tr><th>"Traces"</th><th>"Error chain (root first)"</th><th>"Services affected"</th>
                    <th>"First / last seen"</th><th>"p50 / p99"</th><th>"Examples"</th><th>"Log templates"</th></tr></thead>
                <tbody>
                {ch.clusters.iter().map(|k| view! {
                    <tr class="trace-cluster" data-count=k.count>
                        <td class="count">{k.count.to_string()}</td>
                        <td><ol class="err-chain">
                            {k.signature.iter().map(|s| view! {
                                <li><b>{s.service.clone()}</b>" / "{s.operation.clone()}" "<span class="step-status">{s.status.clone()}</span></li>
                            }).collect_view()}
                        </ol></td>
                        <td>{k.services_affected.join(", ")}</td>
                        <td>{time(Some(k.first_seen_ns))}<br/>{time(Some(k.last_seen_ns))}</td>
                        <td>{format!("{} / {}", ms(k.latency_p50_ns), ms(k.latency_p99_ns))}</td>
                        <td>{k.example_trace_ids.iter().map(|id| view! { <code class="trace-id">{id.clone()}</code><br/> }).collect_view()}</td>
                        <td><ul>{k.logs.iter().map(|l| view! {
                            <li><code>{l.template.clone()}</code>{format!(" ({} lines)", l.lines)}
                                {l.paths.first().map(|p| view! {
                                    // Collapsed: a trace cluster can join many templates, and
                                    // their full paths made each row a screen tall.
                                    <details class="trace-log-path">
                                        <summary>{path_summary(p)}</summary>
                                        {path_view(p)}
                                    </details>
                                })}</li>
                        }).collect_view()}</ul></td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
            <h3>"Drill-down"</h3>
            <div class="drills">
                <div id="drill-error"><h4>"Error type → call path → HTTP status"</h4>{drill_list(&t.by_error_type.children, 0)}</div>
                <div id="drill-service"><h4>"Service → error type → operation"</h4>{drill_list(&t.by_service.children, 0)}</div>
            </div>
            <h3>"Flame graph of the error chains"</h3>
            <Flame c=c root=Arc::new(t.flame.clone()) />
            <h3>"Broken traces"</h3>
            <dl id="broken">
                {row("traces", "Traces", b.traces.to_string())}
                {row("spans", "Spans", b.spans.to_string())}
                {row("complete_traces", "Complete traces", format!("{} ({:.1} %)", b.complete_traces, b.complete_share * 100.0))}
                {row("no_root_traces", "Traces without a root", b.no_root_traces.to_string())}
                {row("traces_with_orphans", "Traces with orphan spans", b.traces_with_orphans.to_string())}
                {row("orphan_spans", "Orphan spans", b.orphan_spans.to_string())}
                {row("multiple_root_traces", "Traces with several roots", b.multiple_root_traces.to_string())}
                {row("cycle_traces", "Traces with a parent cycle", b.cycle_traces.to_string())}
                {row("spans_in_cycles", "Spans in cycles", b.spans_in_cycles.to_string())}
                {row("nonpositive_duration_spans", "Spans with zero or negative duration", b.nonpositive_duration_spans.to_string())}
                {row("duplicate_span_ids", "Duplicate span ids", b.duplicate_span_ids.to_string())}
            </dl>
            <table id="broken-services">
                <thead><tr><th>"Service"</th><th>"Spans"</th><th>"Orphans"</th><th>"Extra roots"</th><th>"In cycles"</th>
                    <th>"≤ 0 duration"</th><th>"Traces"</th><th>"Broken"</th><th>"Complete"</th></tr></thead>
                <tbody>
                {b.per_service.iter().map(|s| view! {
                    <tr><td>{s.service.clone()}</td><td>{s.spans.to_string()}</td><td>{s.orphan_spans.to_string()}</td>
                        <td>{s.extra_roots.to_string()}</td><td>{s.spans_in_cycles.to_string()}</td>
                        <td>{s.nonpositive_duration_spans.to_string()}</td><td>{s.traces.to_string()}</td>
                        <td>{s.broken_traces.to_string()}</td><td>{format!("{:.1} %", s.complete_share * 100.0)}</td></tr>
                }).collect_view()}
                </tbody>
            </table>
            <details class="broken-examples">
                <summary>"Example trace ids"</summary>
                <ul>
                    <li>{format!("no root: {}", b.examples.no_root.join(", "))}</li>
                    <li>{format!("orphans: {}", b.examples.orphans.join(", "))}</li>
                    <li>{format!("several roots: {}", b.examples.multiple_roots.join(", "))}</li>
                    <li>{format!("cycles: {}", b.examples.cycles.join(", "))}</li>
                    <li>{format!("≤ 0 durations: {}", b.examples.nonpositive_durations.join(", "))}</li>
                </ul>
            </details>
        </section>
    }
}
