//! The UI thread: a Leptos CSR app. It reads inputs, starts and cancels the workers
//! ([`session`]), draws the overview, the explain view, the function explorer (call-graph
//! neighbourhood and constant closure) and the source view, and answers an embedding host
//! ([`embed`]). URL parameters: `demo=1`, `embed=1`, `repo=<url>`, `log=<line>`, `origins=a,b`.

mod clusters;
mod embed;
mod explain_view;
mod explore;
mod hash;
mod highlight;
mod inputs;
mod pool;
mod session;
mod state;
mod timeline;
mod trace;

use leptos::prelude::*;
use web_sys::{DragEvent, HtmlInputElement};

use crate::protocol::Stage;
use state::{Phase, Tab, Ui};

fn url_params() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// Mounts the app and acts on the URL parameters.
pub fn start() {
    let params = url_params();
    let get = |k: &str| params.as_ref().and_then(|p| p.get(k));
    let embed = get("embed").as_deref() == Some("1");
    let demo = get("demo").as_deref() == Some("1");
    let repo = get("repo");
    let log = get("log");
    if embed {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.class_list().add_1("embed");
        }
    }
    leptos::mount::mount_to_body(move || {
        let ui = Ui::new(embed);
        embed::install(ui);
        clusters::install(ui);
        session::install(ui);
        if let Some(line) = hash::read().or(log) {
            ui.logs.set(line);
            ui.tab.set(Tab::Explain);
        }
        if demo {
            inputs::load_demo(ui);
        } else if let Some(url) = repo {
            inputs::load_url(ui, url);
        }
        view! { <App ui=ui /> }
    });
}

#[component]
fn App(ui: Ui) -> impl IntoView {
    let on_drop = move |e: DragEvent| {
        e.prevent_default();
        if let Some(dt) = e.data_transfer() {
            inputs::on_drop(ui, dt);
        }
    };
    view! {
        <div
            class="app"
            on:dragover=move |e: DragEvent| e.prevent_default()
            on:drop=on_drop
        >
            <Header ui=ui />
            <Progress ui=ui />
            <Notes ui=ui />
            <Tabs ui=ui />
            <main>
                {move || match ui.tab.get() {
                    Tab::Overview => view! { <OverviewView ui=ui /> }.into_any(),
                    Tab::Explain => view! { <explain_view::ExplainView ui=ui /> }.into_any(),
                    Tab::Functions => view! { <explore::Explore ui=ui /> }.into_any(),
                    Tab::Clusters => view! { <clusters::ClustersView ui=ui /> }.into_any(),
                }}
            </main>
        </div>
    }
}

fn picked(e: &web_sys::Event) -> Vec<web_sys::File> {
    let input: HtmlInputElement = event_target(e);
    let files = input
        .files()
        .map(|l| inputs::file_list(&l))
        .unwrap_or_default();
    input.set_value("");
    files
}

#[component]
fn Header(ui: Ui) -> impl IntoView {
    view! {
        <header>
            <h1>"Refract" <small>"where did this error really come from?"</small></h1>
            <div class="actions">
                <button id="demo" on:click=move |_| inputs::load_demo(ui)>"Try the demo"</button>
                <label class="button">
                    "Open .zip / .tar.gz"
                    <input id="pick-repo" type="file" accept=".zip,.tar.gz,.tgz,.tar"
                        on:change=move |e| inputs::on_pick(ui, picked(&e), false) />
                </label>
                <label class="button">
                    "Open folder"
                    <input id="pick-folder" type="file" multiple prop:webkitdirectory=true
                        on:change=move |e| inputs::on_pick(ui, picked(&e), true) />
                </label>
                <label class="button">
                    "Open logs"
                    <input id="pick-logs" type="file" multiple accept=".log,.txt,.jsonl,.json"
                        on:change=move |e| inputs::on_pick(ui, picked(&e), false) />
                </label>
            </div>
            <p class="hint">
                "Drop a repository folder, a .zip or .tar.gz, and log files anywhere on this page. "
                "Everything runs in your browser; nothing is uploaded."
            </p>
        </header>
    }
}

#[component]
fn Progress(ui: Ui) -> impl IntoView {
    let bar = move |stage: Stage| {
        move || {
            let (done, total) = ui.progress.get()[stage.index()];
            let pct = if total > 0 {
                (done as f64 / total as f64 * 100.0).min(100.0)
            } else if done > 0 {
                100.0
            } else {
                0.0
            };
            let count = if total > 0 {
                format!("{done} / {total}")
            } else {
                format!("{done}")
            };
            view! {
                <div class="stage" data-stage=stage.as_str()>
                    <span class="label">{stage.label()}</span>
                    <span class="bar"><span style=format!("width:{pct:.0}%")></span></span>
                    <span class="count">{count}</span>
                </div>
            }
        }
    };
    view! {
        <section class="progress">
            <div class="repo">
                {move || ui.repo_name.get().map(|n| view! { <span>"Repository: " <b>{n}</b></span> })}
                {move || ui.elapsed_ms.get().map(|ms| view! {
                    <span class="elapsed" id="elapsed">{format!(" analysed in {:.0} ms", ms)}</span>
                })}
            </div>
            <Show when=move || ui.phase.get() != Phase::Idle>
                {bar(Stage::Read)}
                {bar(Stage::Parse)}
                {bar(Stage::Link)}
                {bar(Stage::Closure)}
            </Show>
            {move || match ui.phase.get() {
                Phase::Running => view! {
                    <button id="cancel" on:click=move |_| session::cancel(ui)>"Cancel"</button>
                }.into_any(),
                Phase::Failed(msg) => view! {
                    <div class="error" id="error" role="alert">
                        <p>{msg}</p>
                        <button on:click=move |_| session::retry(ui)>"Retry"</button>
                    </div>
                }.into_any(),
                Phase::Cancelled => view! {
                    <div class="error" role="status">
                        <p>"Cancelled. Your inputs are kept."</p>
                        <Show when=session::has_input>
                            <button on:click=move |_| session::retry(ui)>"Analyse again"</button>
                        </Show>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}

#[component]
fn Notes(ui: Ui) -> impl IntoView {
    view! {
        <Show when=move || !ui.notes.get().is_empty()>
            <section class="notes">
                <ul>{move || ui.notes.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button on:click=move |_| ui.notes.set(Vec::new())>"Dismiss"</button>
            </section>
        </Show>
    }
}

#[component]
fn Tabs(ui: Ui) -> impl IntoView {
    let tab = move |t: Tab, label: &'static str, id: &'static str| {
        view! {
            <button id=id class:active=move || ui.tab.get() == t on:click=move |_| ui.tab.set(t)>
                {label}
            </button>
        }
    };
    view! {
        <nav class="tabs">
            {tab(Tab::Overview, "Overview", "tab-overview")}
            {tab(Tab::Explain, "Explain", "tab-explain")}
            {tab(Tab::Functions, "Functions", "tab-functions")}
            {tab(Tab::Clusters, "Clusters", "tab-clusters")}
        </nav>
    }
}

#[component]
fn OverviewView(ui: Ui) -> impl IntoView {
    move || match ui.overview.get() {
        None => view! {
            <p class="empty">
                {move || if ui.phase.get() == Phase::Running { "Analysing…" } else {
                    "No repository yet: drop one, or try the demo."
                }}
            </p>
        }
        .into_any(),
        Some(o) => {
            let languages = o
                .languages
                .iter()
                .map(|(l, n)| format!("{l} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let row = |key: &'static str, label: &'static str, value: String| {
                view! { <dt>{label}</dt><dd data-k=key>{value}</dd> }
            };
            let skipped = o.skipped.clone();
            let failures = o.parse_failures.clone();
            view! {
                <section class="overview">
                    <dl id="overview">
                        {row("files", "Files", o.files.to_string())}
                        {row("go_files", "Go files", o.go_files.to_string())}
                        {row("packages", "Packages", o.packages.to_string())}
                        {row("functions", "Functions", o.functions.to_string())}
                        {row("edges", "Call edges", format!("{} ({} static, {} dynamic)",
                            o.static_edges + o.dynamic_edges, o.static_edges, o.dynamic_edges))}
                        {row("unresolved", "Unresolved calls", o.unresolved_calls.to_string())}
                        {row("error_strings", "Error strings", o.error_strings.to_string())}
                        {row("languages", "Languages", languages)}
                        {row("skipped", "Skipped", o.skipped.len().to_string())}
                        {row("other", "Other files", o.other_files.to_string())}
                        {row("syntax", "Files with syntax errors", o.files_with_syntax_errors.to_string())}
                        {row("k", "Closure depth k", o.closure_k.to_string())}
                    </dl>
                    <Show when={let n = skipped.len(); move || n > 0}>
                        <details class="skipped">
                            <summary>"Skipped files and why"</summary>
                            <ul>
                                {skipped.iter().map(|s| view! {
                                    <li><code>{s.path.clone()}</code>" — "{s.reason.clone()}</li>
                                }).collect_view()}
                            </ul>
                        </details>
                    </Show>
                    <Show when={let n = failures.len(); move || n > 0}>
                        <details class="skipped">
                            <summary>"Files that could not be parsed"</summary>
                            <ul>{failures.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul>
                        </details>
                    </Show>
                    <p class="next">
                        <button on:click=move |_| ui.tab.set(Tab::Functions)>"Explore functions →"</button>
                    </p>
                </section>
            }
            .into_any()
        }
    }
}
