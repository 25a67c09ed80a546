//! Getting bytes into the page: a dropped folder (directory entries, read recursively), a dropped
//! or picked `.zip` / `.tar.gz`, picked folders, log files, and URLs (the demo, `?repo=`).
//! Everything is read asynchronously so the page never blocks; nothing is parsed here.

use js_sys::{Array, ArrayBuffer, Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemDirectoryReader,
    FileSystemEntry, FileSystemFileEntry, Response,
};

use super::session::{self, RepoInput};
use super::state::Ui;
use crate::protocol::Stage;

const ARCHIVE_SUFFIXES: [&str; 4] = [".zip", ".tar.gz", ".tgz", ".tar"];
const LOG_SUFFIXES: [&str; 4] = [".log", ".txt", ".jsonl", ".json"];

pub fn is_archive(name: &str) -> bool {
    let n = name.to_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| n.ends_with(s))
}

fn is_log(name: &str) -> bool {
    let n = name.to_lowercase();
    LOG_SUFFIXES.iter().any(|s| n.ends_with(s))
}

async fn array_buffer(file: &File) -> Result<ArrayBuffer, String> {
    let v = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{}: could not be read: {e:?}", file.name()))?;
    v.dyn_into::<ArrayBuffer>()
        .map_err(|_| format!("{}: could not be read", file.name()))
}

async fn text(file: &File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("{}: could not be read as text", file.name()))
}

/// Resolves a callback-style API: `f(resolve, reject)`.
async fn callback_promise(f: impl FnOnce(&Function, &Function)) -> Result<JsValue, JsValue> {
    let mut f = Some(f);
    let p = Promise::new(&mut |resolve, reject| {
        if let Some(f) = f.take() {
            f(&resolve, &reject);
        }
    });
    JsFuture::from(p).await
}

async fn entry_file(e: &FileSystemFileEntry) -> Result<File, String> {
    callback_promise(|ok, err| e.file_with_callback_and_callback(ok, err))
        .await
        .ok()
        .and_then(|v| v.dyn_into::<File>().ok())
        .ok_or_else(|| format!("{}: could not be read", e.full_path()))
}

async fn read_batch(r: &FileSystemDirectoryReader) -> Result<Array, String> {
    callback_promise(|ok, err| {
        let _ = r.read_entries_with_callback_and_callback(ok, err);
    })
    .await
    .ok()
    .and_then(|v| v.dyn_into::<Array>().ok())
    .ok_or_else(|| "a directory could not be listed".to_string())
}

/// Every file under the dropped entries, with paths relative to the drop.
async fn walk(ui: Ui, roots: Vec<FileSystemEntry>) -> Result<Vec<(String, File)>, String> {
    let mut out = Vec::new();
    let mut stack = roots;
    while let Some(e) = stack.pop() {
        if e.is_directory() {
            let dir: FileSystemDirectoryEntry = e.unchecked_into();
            let reader = dir.create_reader();
            loop {
                let batch = read_batch(&reader).await?;
                if batch.length() == 0 {
                    break;
                }
                for v in batch.iter() {
                    stack.push(v.unchecked_into());
                }
            }
        } else if e.is_file() {
            let path = e.full_path().trim_start_matches('/').to_string();
            let f: FileSystemFileEntry = e.unchecked_into();
            out.push((path, entry_file(&f).await?));
            let n = out.len() as u32;
            ui.progress.update(|p| p[Stage::Read.index()] = (n, 0));
        }
    }
    Ok(out)
}

/// Files of a folder (dropped or picked) → a repository input; log files among them are not
/// treated specially (a repository may contain `.txt` files).
async fn folder_input(
    ui: Ui,
    name: String,
    files: Vec<(String, File)>,
) -> Result<RepoInput, String> {
    let mut paths = Vec::with_capacity(files.len());
    let mut buffers = Vec::with_capacity(files.len());
    for (i, (path, f)) in files.iter().enumerate() {
        buffers.push(array_buffer(f).await?);
        paths.push(path.clone());
        if i % 64 == 0 {
            let n = i as u32 + 1;
            ui.progress
                .update(|p| p[Stage::Read.index()] = (n, files.len() as u32));
        }
    }
    Ok(RepoInput {
        name,
        archive: false,
        paths,
        buffers,
    })
}

/// Loose files: archives are analysed, log files appended to the log box, others reported.
async fn loose_files(ui: Ui, files: Vec<File>) -> Result<(), String> {
    let mut repo = None;
    for f in files {
        let name = f.name();
        if is_archive(&name) && repo.is_none() {
            repo = Some(RepoInput {
                buffers: vec![array_buffer(&f).await?],
                name,
                archive: true,
                paths: Vec::new(),
            });
        } else if is_log(&name) {
            let t = text(&f).await?;
            append_logs(ui, &t);
        } else {
            ui.notes.update(|n| {
                n.push(format!(
                    "{name}: skipped (not a .zip/.tar.gz repository or a .log/.txt/.jsonl log file)"
                ))
            });
        }
    }
    if let Some(r) = repo {
        session::analyse(ui, r);
    }
    Ok(())
}

pub fn append_logs(ui: Ui, t: &str) {
    ui.logs.update(|l| {
        if !l.is_empty() && !l.ends_with('\n') {
            l.push('\n');
        }
        l.push_str(t);
    });
}

fn report(ui: Ui, r: Result<(), String>) {
    if let Err(e) = r {
        ui.notes.update(|n| n.push(e));
    }
}

/// A drop on the page: folders via directory entries, files as loose files.
pub fn on_drop(ui: Ui, dt: DataTransfer) {
    let items = dt.items();
    let mut dirs = Vec::new();
    let mut loose = Vec::new();
    // Entries must be taken synchronously, while the drop event is being handled.
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(e)) if e.is_directory() => dirs.push(e),
            _ => {
                if let Ok(Some(f)) = item.get_as_file() {
                    loose.push(f);
                }
            }
        }
    }
    if items.length() == 0 {
        if let Some(list) = dt.files() {
            loose.extend(file_list(&list));
        }
    }
    leptos::task::spawn_local(async move {
        if !dirs.is_empty() {
            let name = dirs.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ");
            let r = async {
                let files = walk(ui, dirs).await?;
                let input = folder_input(ui, name, files).await?;
                session::analyse(ui, input);
                Ok(())
            }
            .await;
            report(ui, r);
        }
        if !loose.is_empty() {
            report(ui, loose_files(ui, loose).await);
        }
    });
}

pub fn file_list(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Files from a picker: a folder picker (`webkitdirectory`) gives relative paths.
pub fn on_pick(ui: Ui, files: Vec<File>, folder: bool) {
    leptos::task::spawn_local(async move {
        if folder {
            let with_paths: Vec<(String, File)> = files
                .into_iter()
                .map(|f| {
                    let rel = Reflect::get(&f, &"webkitRelativePath".into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| f.name());
                    (rel, f)
                })
                .collect();
            let name = with_paths
                .first()
                .and_then(|(p, _)| p.split('/').next().map(str::to_string))
                .unwrap_or_else(|| "folder".into());
            let r = async {
                let input = folder_input(ui, name, with_paths).await?;
                session::analyse(ui, input);
                Ok(())
            }
            .await;
            report(ui, r);
        } else {
            report(ui, loose_files(ui, files).await);
        }
    });
}

pub async fn fetch_bytes(url: &str) -> Result<ArrayBuffer, String> {
    let win = web_sys::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(win.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: could not be fetched: {e:?}"))?
        .unchecked_into();
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{url}: {e:?}"))?)
        .await
        .map_err(|e| format!("{url}: could not be read: {e:?}"))?;
    buf.dyn_into::<ArrayBuffer>()
        .map_err(|_| format!("{url}: not binary"))
}

/// A repository archive by URL (same origin only: the page's CSP allows no other).
pub async fn fetch_archive(url: &str) -> Result<RepoInput, String> {
    let buf = fetch_bytes(url).await?;
    let name = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|n| !n.is_empty())
        .unwrap_or("repository")
        .to_string();
    Ok(RepoInput {
        name,
        archive: true,
        paths: Vec::new(),
        buffers: vec![buf],
    })
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let buf = fetch_bytes(url).await?;
    String::from_utf8(Uint8Array::new(&buf).to_vec()).map_err(|_| format!("{url}: not UTF-8"))
}

/// The bundled demo: `demo/repo.tar.gz` and `demo/logs.txt`, relative to the page.
pub fn load_demo(ui: Ui) {
    super::clusters::load_demo();
    leptos::task::spawn_local(async move {
        match fetch_text("demo/logs.txt").await {
            Ok(t) => ui.logs.set(t),
            Err(e) => ui.notes.update(|n| n.push(format!("demo logs: {e}"))),
        }
        match fetch_archive("demo/repo.tar.gz").await {
            Ok(mut input) => {
                input.name = "demo: checkoutd".into();
                session::analyse(ui, input);
                session::explain(ui, ui.log_lines());
            }
            Err(e) => ui.notes.update(|n| n.push(format!("demo repository: {e}"))),
        }
    });
}

/// `?repo=<url>`.
pub fn load_url(ui: Ui, url: String) {
    leptos::task::spawn_local(async move {
        match fetch_archive(&url).await {
            Ok(input) => {
                session::analyse(ui, input);
                session::explain(ui, ui.log_lines());
            }
            Err(e) => ui.notes.update(|n| n.push(e)),
        }
    });
}
