//! The explain view: log lines in, one explained path per line out. The chain runs top-down from
//! the logging function to the root cause; each hop's contributed text is highlighted in the
//! message (same colour as its hop) and, on click, in the source view at the format call.
//! Alternatives and candidates are one click away; Markdown and JSON exports; the line and the
//! selected hop go into the URL hash.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::explore::SourcePane;
use super::hash;
use super::session;
use super::state::{Phase, SourceView, Ui};
use super::trace::{self, Hop, Trace};

const COLOURS: usize = 6;

fn hop_source(ui: Ui, h: &Hop) {
    let (path, mark) = match &h.site {
        Some(s) => (s.file.clone(), s.line),
        None => (h.file.clone(), h.line),
    };
    session::show_source(
        ui,
        SourceView {
            path,
            text: None,
            mark: Some(mark),
            span: None,
            fragment: h.text.clone(),
        },
    );
}

fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let a = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = a {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn copy(text: String, status: RwSignal<String>) {
    let Some(win) = web_sys::window() else { return };
    let p = win.navigator().clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(p).await {
            Ok(_) => status.set("Copied as Markdown.".into()),
            Err(_) => status.set(format!("Clipboard not available; here it is:\n\n{text}")),
        }
    });
}

#[component]
pub fn ExplainView(ui: Ui) -> impl IntoView {
    let status = RwSignal::new(String::new());
    // Keep the source view and the URL hash on the selected hop.
    Effect::new(move |_| {
        let hop = ui.hop.get();
        let traces = ui.traces.get();
        let Some(t) = traces.get(ui.current.get()) else {
            return;
        };
        hash::write(&t.view.log, hop);
        if let Some(h) =
            hop.and_then(|i| t.view.paths.get(ui.alt_path.get_untracked())?.hops.get(i))
        {
            hop_source(ui, h);
        }
    });
    view! {
        <section class="explain">
            <div class="logbox">
                <textarea id="logs" rows="4" placeholder="Paste one or more log lines (one per line), or drop .log/.txt/.jsonl files"
                    prop:value=move || ui.logs.get()
                    on:input=move |e| ui.logs.set(event_target_value(&e))></textarea>
                <button id="explain" disabled=move || ui.phase.get() != Phase::Ready
                    on:click=move |_| session::explain(ui, ui.log_lines())>
                    {move || if ui.explaining.get() { "Explaining…" } else { "Explain" }}
                </button>
            </div>
            {move || {
                let traces = ui.traces.get();
                (traces.len() > 1).then(|| view! {
                    <ol class="lines" id="lines">
                        {traces.iter().enumerate().map(|(i, t)| {
                            let found = !t.view.paths.is_empty();
                            view! {
                                <li class:current=move || ui.current.get() == i class:nopath=!found>
                                    <a href="#" on:click=move |e| { e.prevent_default(); ui.current.set(i); ui.alt_path.set(0); ui.hop.set(None); }>
                                        <span class="badge">{if found { format!("{} hops", t.view.paths[0].hops.len()) } else { "no path".into() }}</span>
                                        <code>{t.view.log.clone()}</code>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                })
            }}
            {move || ui.traces.get().get(ui.current.get()).cloned().map(|t| result(ui, t, status))}
            <p class="status">{move || status.get()}</p>
            <SourcePane ui=ui />
        </section>
    }
}

fn result(ui: Ui, t: Trace, status: RwSignal<String>) -> impl IntoView {
    let v = t.view.clone();
    let p = ui.alt_path.get().min(v.paths.len().saturating_sub(1));
    let hops = v.paths.get(p).map(|x| x.hops.clone()).unwrap_or_default();
    let segs = trace::segments(&v.log, &hops);
    // The message with each hop's text highlighted.
    let mut parts = Vec::new();
    let mut at = 0;
    for (s, e, i) in segs {
        if s > at {
            parts.push((v.log[at..s].to_string(), None));
        }
        parts.push((v.log[s..e].to_string(), Some(i)));
        at = e;
    }
    if at < v.log.len() {
        parts.push((v.log[at..].to_string(), None));
    }
    let md = trace::markdown(&v, p);
    let paths = v.paths.clone();
    let n_paths = paths.len();
    let candidates = v.candidates.clone();
    let n_candidates = candidates.len();
    let raw = t.raw.clone();
    let all = ui.traces.get_untracked();
    view! {
        <div class="result" id="result">
            <p class="message" id="message">
                {parts.into_iter().map(|(text, hop)| match hop {
                    Some(i) => view! {
                        <mark class=format!("h{}", i % COLOURS) class:sel=move || ui.hop.get() == Some(i)
                            on:click=move |_| ui.hop.set(Some(i))>{text}</mark>
                    }.into_any(),
                    None => view! { <span>{text}</span> }.into_any(),
                }).collect_view()}
            </p>
            {if hops.is_empty() {
                view! { <p class="nopath" id="nopath">"No propagation path was found for this line. "
                    {v.note.clone().unwrap_or_default()}</p> }.into_any()
            } else {
                view! {
                    <ol class="chain" id="chain">
                        {hops.iter().enumerate().map(|(i, h)| {
                            let h2 = h.clone();
                            view! {
                                <li class=format!("hop {} h{}", h.kind, i % COLOURS) class:sel=move || ui.hop.get() == Some(i)
                                    on:click=move |_| { ui.hop.set(Some(i)); hop_source(ui, &h2); }>
                                    <span class="kind">{h.kind.clone()}</span>
                                    <code class="func">{h.func.clone()}</code>
                                    <span class="where">{format!("{}:{}", h.file, h.line)}</span>
                                    {h.site.as_ref().map(|s| view! { <span class="site">{format!(" · at line {}", s.line)}</span> })}
                                    {h.text.clone().map(|x| view! { <q>{x}</q> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {v.root.clone().map(|r| view! {
                <p class="root" id="root">"Root cause: " <code>{r.func}</code>
                    {format!(" at {}:{}", r.file, r.line)}
                    {r.external_origin.map(|x| format!(" (error from {x})"))}
                </p>
            })}
            <Show when=move || { n_paths > 1 }>
                <details class="alternatives">
                    <summary>{format!("{} alternative paths", n_paths.saturating_sub(1))}</summary>
                    <ol>
                        {paths.iter().enumerate().map(|(i, alt)| {
                            let desc = alt.hops.iter().map(|h| h.func.as_str()).collect::<Vec<_>>().join(" → ");
                            view! {
                                <li class:current=move || ui.alt_path.get() == i>
                                    <a href="#" on:click=move |e| { e.prevent_default(); ui.alt_path.set(i); ui.hop.set(None); }>
                                        {format!("score {:.2}: {desc}", alt.score)}
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </details>
            </Show>
            <Show when=move || { n_candidates > 0 }>
                <details class="candidates">
                    <summary>{format!("{} candidate functions", n_candidates)}</summary>
                    <ul>
                        {candidates.iter().map(|c| {
                            let get = |k: &str| c.get(k).map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
                            let label = match (get("func"), get("file"), get("line")) {
                                (Some(f), Some(file), Some(line)) => format!(
                                    "{f} {file}:{line} — {}", get("template").unwrap_or_default()),
                                _ => c.to_string(),
                            };
                            view! { <li><code>{label}</code></li> }
                        }).collect_view()}
                    </ul>
                </details>
            </Show>
            <div class="exports">
                <button id="copy-md" on:click=move |_| copy(md.clone(), status)>"Copy as Markdown"</button>
                <button id="export-json" on:click=move |_| {
                    let arr: Vec<serde_json::Value> = all.iter().map(|t| t.raw.clone()).collect();
                    let text = serde_json::to_string_pretty(&arr).unwrap_or_default();
                    download("refract-results.json", "application/json", &text);
                }>"Export JSON"</button>
                <button on:click=move |_| {
                    let text = serde_json::to_string_pretty(&raw).unwrap_or_default();
                    download("refract-line.json", "application/json", &text);
                }>"This line as JSON"</button>
            </div>
        </div>
    }
}
