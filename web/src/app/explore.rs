//! The function explorer: search, the call-graph neighbourhood of the selected function (SVG:
//! callers left, callees right, dynamic edges dashed), its constant closure with the chain to
//! each string, and the source view.

use leptos::prelude::*;
use refract_core::query::{FuncSummary, Neighbourhood};

use super::highlight;
use super::session;
use super::state::{Phase, SourceView, Ui};
use crate::protocol::ToWorker;

const BOX_W: f64 = 250.0;
const BOX_H: f64 = 26.0;
const GAP: f64 = 8.0;
const COLS: [f64; 3] = [10.0, 330.0, 650.0];

/// A display name without the module path (`github.com/x/y/internal/config.Load` →
/// `config.Load`), cut from the left to `max` characters.
fn short(name: &str, max: usize) -> String {
    let name = match name.find('(') {
        // `(*github.com/x/pkg.T).M` → `(*pkg.T).M`
        Some(open) => {
            let (head, rest) = name.split_at(open + 1);
            let rest = rest.trim_start_matches('*');
            let star = if name[open + 1..].starts_with('*') {
                "*"
            } else {
                ""
            };
            let tail = rest.rsplit_once('/').map_or(rest, |(_, t)| t);
            return cut(&format!("{head}{star}{tail}"), max);
        }
        None => name.rsplit_once('/').map_or(name, |(_, t)| t),
    };
    cut(name, max)
}

fn cut(name: &str, max: usize) -> String {
    let n = name.chars().count();
    if n <= max {
        name.to_string()
    } else {
        let tail: String = name.chars().skip(n - (max - 1)).collect();
        format!("…{tail}")
    }
}

#[component]
pub fn Explore(ui: Ui) -> impl IntoView {
    let search = move |q: String| {
        ui.query.set(q.clone());
        session::query(ToWorker::Search { query: q });
    };
    view! {
        <Show when=move || ui.phase.get() == Phase::Ready fallback=|| view! {
            <p class="empty">"Analyse a repository first."</p>
        }>
            <section class="explore">
                <div class="search">
                    <input id="func-search" type="search" placeholder="Search functions (name contains…)"
                        prop:value=move || ui.query.get()
                        on:input=move |e| search(event_target_value(&e)) />
                    <ul class="hits">
                        {move || ui.hits.get().into_iter().map(|f| {
                            let f2 = f.clone();
                            view! {
                                <li><a href="#" on:click=move |e| { e.prevent_default(); session::select_function(ui, f2.clone()); }>
                                    <code>{f.name.clone()}</code>
                                    <span class="where">{format!(" {}:{} · {} strings", f.file, f.line, f.strings)}</span>
                                </a></li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
                {move || ui.selected.get().map(|f| view! {
                    <h2 id="selected-func"><code>{f.name.clone()}</code>
                        <span class="where">{format!(" {}:{}", f.file, f.line)}</span></h2>
                })}
                {move || ui.neighbourhood.get().map(|n| graph(ui, n))}
                <Closure ui=ui />
                <SourcePane ui=ui />
            </section>
        </Show>
    }
}

fn graph(ui: Ui, n: Neighbourhood) -> impl IntoView {
    let center = n.center;
    let callers: Vec<&FuncSummary> = n
        .nodes
        .iter()
        .filter(|f| f.id != center && n.edges.iter().any(|e| e.from == f.id && e.to == center))
        .collect();
    let callees: Vec<&FuncSummary> = n
        .nodes
        .iter()
        .filter(|f| f.id != center && !callers.iter().any(|c| c.id == f.id))
        .collect();
    let rows = callers.len().max(callees.len()).max(1);
    let height = rows as f64 * (BOX_H + GAP) + GAP;
    let mut pos = std::collections::HashMap::new();
    let mut placed: Vec<(FuncSummary, f64, f64, bool)> = Vec::new();
    let place = |list: &[&FuncSummary],
                 x: f64,
                 placed: &mut Vec<_>,
                 pos: &mut std::collections::HashMap<u32, (f64, f64)>| {
        let top = (height - list.len() as f64 * (BOX_H + GAP)) / 2.0;
        for (i, f) in list.iter().enumerate() {
            let y = top + i as f64 * (BOX_H + GAP) + GAP / 2.0;
            pos.insert(f.id, (x, y));
            placed.push(((*f).clone(), x, y, false));
        }
    };
    place(&callers, COLS[0], &mut placed, &mut pos);
    place(&callees, COLS[2], &mut placed, &mut pos);
    if let Some(c) = n.nodes.iter().find(|f| f.id == center) {
        let y = (height - BOX_H) / 2.0;
        pos.insert(c.id, (COLS[1], y));
        placed.push((c.clone(), COLS[1], y, true));
    }
    let edges: Vec<_> = n
        .edges
        .iter()
        .filter_map(|e| {
            let (x1, y1) = *pos.get(&e.from)?;
            let (x2, y2) = *pos.get(&e.to)?;
            Some((
                x1 + BOX_W,
                y1 + BOX_H / 2.0,
                x2,
                y2 + BOX_H / 2.0,
                e.dynamic,
                e.line,
            ))
        })
        .collect();
    let width = COLS[2] + BOX_W + 10.0;
    view! {
        <figure class="graph">
            <figcaption>
                {format!("Call graph neighbourhood: {} callers, {} callees", callers.len(), callees.len())}
                {(n.truncated > 0).then(|| format!(" ({} more not shown)", n.truncated))}
                " — dashed: dynamic dispatch"
            </figcaption>
            <svg id="callgraph" viewBox=format!("0 0 {width} {height}") width=width.to_string() height=height.to_string()>
                {edges.into_iter().map(|(x1, y1, x2, y2, dynamic, line)| view! {
                    <line x1=x1.to_string() y1=y1.to_string() x2=x2.to_string() y2=y2.to_string()
                        class=if dynamic { "edge dynamic" } else { "edge" }>
                        <title>{format!("call at line {line}")}</title>
                    </line>
                }).collect_view()}
                {placed.into_iter().map(|(f, x, y, is_center)| {
                    let label = short(&f.name, 38);
                    let title = format!("{} — {}:{}", f.name, f.file, f.line);
                    let f2 = f.clone();
                    view! {
                        <g class=if is_center { "node center" } else { "node" }
                            on:click=move |_| session::select_function(ui, f2.clone())>
                            <rect x=x.to_string() y=y.to_string() width=BOX_W.to_string() height=BOX_H.to_string() rx="4" />
                            <text x=(x + 6.0).to_string() y=(y + 17.0).to_string()>{label}</text>
                            <title>{title}</title>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[component]
fn Closure(ui: Ui) -> impl IntoView {
    view! {
        <Show when=move || ui.selected.get().is_some()>
            <section class="closure">
                <h3>{move || format!("Constant closure C_k: {} strings", ui.closure.get().len())}</h3>
                <ul id="closure">
                    {move || ui.closure.get().into_iter().map(|e| {
                        let owner = e.chain.last().cloned();
                        let line = e.line;
                        let text = e.text.clone();
                        view! {
                            <li>
                                <span class=format!("role {}", e.role)>{e.role.clone()}</span>
                                <q>{e.text.clone()}</q>
                                <span class="chain">
                                    {e.chain.iter().enumerate().map(|(i, f)| {
                                        let f2 = f.clone();
                                        view! {
                                            {(i > 0).then_some(" → ")}
                                            <a href="#" title=format!("{}:{}", f.file, f.line)
                                                on:click=move |ev| { ev.prevent_default(); session::select_function(ui, f2.clone()); }>
                                                {short(&f.name, 40)}
                                            </a>
                                        }
                                    }).collect_view()}
                                </span>
                                {owner.map(|o| {
                                    let text = text.clone();
                                    view! {
                                        <a class="at" href="#" on:click=move |ev| {
                                            ev.prevent_default();
                                            session::show_source(ui, SourceView {
                                                path: o.file.clone(), text: None, mark: Some(line),
                                                span: Some((o.line, o.end_line)), fragment: Some(text.clone()),
                                            });
                                        }>{format!("{}:{}", o.file, line)}</a>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// The source view of `ui.source`, scrolled to the marked line.
#[component]
pub fn SourcePane(ui: Ui) -> impl IntoView {
    Effect::new(move |_| {
        let mark = ui
            .source
            .with(|s| s.as_ref().filter(|s| s.text.is_some()).and_then(|s| s.mark));
        if let Some(m) = mark {
            request_scroll(m);
        }
    });
    view! {
        {move || ui.source.get().map(|s| {
            let html = s.text.as_deref().map(|t| highlight::render(t, s.mark, s.span, s.fragment.as_deref()));
            view! {
                <section class="source">
                    <h3 id="source-path">{s.path.clone()}{s.mark.map(|m| format!(":{m}"))}</h3>
                    {match html {
                        Some(h) => view! { <div class="code" id="source-code" inner_html=h></div> }.into_any(),
                        None => view! { <p>"Loading…"</p> }.into_any(),
                    }}
                </section>
            }
        })}
    }
}

fn request_scroll(line: u32) {
    let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("L{line}")));
        if let Some(el) = el {
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&cb));
    }
}
