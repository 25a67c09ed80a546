//! Calls into packages outside the repository, and which of them an unexplained error text
//! most likely came from; also which functions send on a channel (error hand-offs), and other
//! per-function facts the explainer reads off the syntax: the file names a function builds
//! paths from (an `os` error names its file), format calls filled with plain data or with a
//! string helper's text, and deferred literals that recover a panic or wrap a named result.
//!
//! The linker counts external calls but does not keep them; the explainer needs them to name the
//! origin of a tail like `open /etc/x: permission denied` (`os.Open`, called by the innermost
//! project function). They are read from the front end's facts before linking and attached to
//! functions by (file, line of the function's name).

use rustc_hash::{FxHashMap, FxHashSet};

use super::template::Template;
use crate::intern::{Interner, Sym};
use crate::lang::go::{Callee, FieldSel, Form, Func, GoFile, ImportName, Role, Sink, StrValue, Ty};
use crate::program::{FuncId, FuncKind, Program};

/// One call of a function of an external package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalCall {
    /// Import path of the package (`os`, `net/http`); empty for a method call on a value.
    pub package: String,
    pub name: String,
    /// Line of the call.
    pub line: u32,
}

impl ExternalCall {
    /// `os.Open`, `http.Get`: the package's last path element and the name.
    pub fn display(&self) -> String {
        if self.package.is_empty() {
            return format!(".{}", self.name);
        }
        let last = self.package.rsplit('/').next().unwrap_or(&self.package);
        format!("{last}.{}", self.name)
    }
}

/// A codec's `Decode`/`Encode` on a value (`dec.Decode(&v)`): it reads or writes through a
/// stream the syntax does not show.
pub fn is_codec_call(call: &ExternalCall) -> bool {
    call.package.is_empty() && matches!(call.name.as_str(), "Decode" | "Encode")
}

/// Whether a value of type `ty` is a standard in-memory buffer (`bytes.Buffer`,
/// `strings.Builder`, `bytes.NewBuffer(…)`): its reads and writes never carry an I/O error.
fn in_memory(ty: &Ty, imports: &FxHashMap<&str, &str>) -> bool {
    const TYPES: &[(&str, &str)] = &[
        ("bytes", "Buffer"),
        ("bytes", "Reader"),
        ("strings", "Builder"),
        ("strings", "Reader"),
    ];
    const MAKERS: &[(&str, &str)] = &[
        ("bytes", "NewBuffer"),
        ("bytes", "NewBufferString"),
        ("bytes", "NewReader"),
        ("strings", "NewReader"),
    ];
    let is = |qual: &str, name: &str, table: &[(&str, &str)]| {
        imports
            .get(qual)
            .is_some_and(|path| table.iter().any(|(p, n)| p == path && *n == name))
    };
    match ty {
        Ty::Named {
            qual: Some(q),
            name,
        } => is(q, name, TYPES),
        Ty::Pointer(t) | Ty::Deref(t) => in_memory(t, imports),
        Ty::Local { ty, .. } | Ty::Param { ty, .. } => in_memory(ty, imports),
        Ty::ResultOf {
            callee, index: 0, ..
        } => match callee.as_ref() {
            Callee::Qualified { qual, name } => is(qual, name, MAKERS),
            _ => false,
        },
        _ => false,
    }
}

/// Package-qualified calls per function, before the program says which packages are external.
///
/// Functions are named by their [`Site`]: the index of their file in the facts the program is
/// linked from (`resolve` must get the program linked from the same facts, in the same order)
/// and the line of their name. Calls keep their package and name as indices into tables of
/// distinct strings, so that the calls `resolve` drops (most of them: calls into the
/// repository) cost no allocation.
#[derive(Debug, Clone, Default)]
pub struct RawExternalCalls {
    /// (site, calls).
    funcs: Vec<(Site, Vec<RawCall>)>,
    /// Import paths of the calls' packages ([`NO_PACKAGE`]: a method call on a value).
    packages: Interner,
    /// Names of the called functions and methods.
    names: Interner,
    /// Sites of functions that send on a channel.
    senders: Vec<Site>,
    /// (site, (import path, name)) of package-level values of other packages a function
    /// returns or wraps (`return io.ErrUnexpectedEOF`).
    sentinel_refs: Vec<(Site, Vec<PackageValue>)>,
    /// (site, (call line, name of the function whose result an argument of that call is)):
    /// `fmt.Errorf("…: %w", err)` after `x, err := s.load()`.
    carried: Vec<(Site, Vec<CarriedName>)>,
    /// (site, values of the package-level string constants it passes to calls): the file
    /// names it builds paths from (`filepath.Join(dir, metaFile)`).
    named: Vec<(Site, Vec<String>)>,
    /// (site, lines of its format calls whose arguments are all plain data).
    data_only: Vec<(Site, Vec<u32>)>,
    /// (site, holes filled by a string helper, with the helper's texts compiled).
    helper_holes: Vec<(Site, Vec<CompiledHole>)>,
}

/// A [`HelperHole`] with the helper's texts compiled.
type CompiledHole = (u32, usize, Vec<Template>);

/// A function by (index of its file in the facts, line of its name).
type Site = (u32, u32);

/// A call of [`RawExternalCalls`]: its package and name interned, and its line.
#[derive(Debug, Clone, Copy)]
struct RawCall {
    package: Sym,
    name: Sym,
    line: u32,
}

/// The package of a method call on a value (interned first, as the empty path).
const NO_PACKAGE: Sym = Sym(0);

/// A hole of a format call filled with the result of a function of the package that returns
/// only constant texts (`LogAddress(from)` → `"from=%s"`): (line of the call, index of the hole,
/// the texts as formats).
pub type HelperHole = (u32, usize, Vec<String>);

/// (line of a call, name of the function whose result is one of its arguments).
type CarriedName = (u32, String);

/// External calls of every function of a program.
#[derive(Debug, Clone, Default)]
pub struct ExternalCalls {
    by_func: FxHashMap<FuncId, Vec<ExternalCall>>,
    senders: FxHashSet<FuncId>,
    /// External sentinels each function returns or wraps: (import path, name).
    sentinels: FxHashMap<FuncId, Vec<PackageValue>>,
    carried: FxHashMap<FuncId, Vec<CarriedName>>,
    named: FxHashMap<FuncId, Vec<String>>,
    data_only: FxHashMap<FuncId, Vec<u32>>,
    /// [`HelperHole`]s with the helper's texts compiled.
    helper_holes: FxHashMap<FuncId, Vec<CompiledHole>>,
}

/// The name of the function whose result `ty` is (through the local holding it).
fn result_of_name(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Local { ty, .. } => result_of_name(ty),
        Ty::ResultOf { callee, .. } => match callee.as_ref() {
            Callee::Method { name, .. } | Callee::Qualified { name, .. } | Callee::Global(name) => {
                Some(name)
            }
            _ => None,
        },
        _ => None,
    }
}

/// A package-level value of another package: (import path, name).
type PackageValue = (String, String);

impl RawExternalCalls {
    /// Reads the `pkg.F(…)` calls of every function of every file.
    pub fn collect(files: &[GoFile]) -> RawExternalCalls {
        let mut funcs = Vec::new();
        let mut senders = Vec::new();
        let mut sentinel_refs = Vec::new();
        let mut carried = Vec::new();
        let mut packages = Interner::new();
        packages.intern("");
        let mut names_table = Interner::new();
        for (fi, file) in files.iter().enumerate() {
            let fi = fi as u32;
            let imports: FxHashMap<&str, &str> = file
                .imports
                .iter()
                .filter_map(|i| match &i.name {
                    ImportName::Default => Some((i.path.rsplit('/').next()?, i.path.as_str())),
                    ImportName::Alias(a) => Some((a.as_str(), i.path.as_str())),
                    ImportName::Dot | ImportName::Blank => None,
                })
                .collect();
            for f in &file.funcs {
                if f.sends {
                    senders.push((fi, f.line));
                }
                let refs: Vec<PackageValue> = f
                    .error_refs
                    .iter()
                    .filter_map(|(r, _)| {
                        let q = r.qual.as_deref()?;
                        Some((imports.get(q)?.to_string(), r.name.clone()))
                    })
                    .collect();
                if !refs.is_empty() {
                    sentinel_refs.push(((fi, f.line), refs));
                }
                let names: Vec<CarriedName> = f
                    .calls
                    .iter()
                    .flat_map(|c| {
                        c.args
                            .iter()
                            .filter_map(result_of_name)
                            .map(move |n| (c.line, n.to_string()))
                    })
                    .collect();
                if !names.is_empty() {
                    carried.push(((fi, f.line), names));
                }
                let calls: Vec<RawCall> = f
                    .calls
                    .iter()
                    .filter_map(|c| match &c.callee {
                        Callee::Qualified { qual, name } => Some(RawCall {
                            package: packages.intern(imports.get(qual.as_str())?),
                            name: names_table.intern(name),
                            line: c.line,
                        }),
                        // A method of a value whose type the syntax does not show: kept by name
                        // (`conn.Write`, `db.QueryRowContext`); `package` stays empty.
                        // Writes to an in-memory buffer cannot fail the way I/O does.
                        Callee::Method { recv, .. } if in_memory(recv, &imports) => None,
                        Callee::Method { name, .. } => Some(RawCall {
                            package: NO_PACKAGE,
                            name: names_table.intern(name),
                            line: c.line,
                        }),
                        _ => None,
                    })
                    .collect();
                if !calls.is_empty() {
                    funcs.push(((fi, f.line), calls));
                }
            }
        }
        let helper_holes = helper_holes(files)
            .into_iter()
            .map(|(site, holes)| {
                let compiled = holes
                    .into_iter()
                    .map(|(line, i, texts)| {
                        let t = texts
                            .iter()
                            .map(|t| Template::compile(t, Form::Printf, Role::ErrorNew))
                            .collect();
                        (line, i, t)
                    })
                    .collect();
                (site, compiled)
            })
            .collect();
        RawExternalCalls {
            funcs,
            packages,
            names: names_table,
            senders,
            sentinel_refs,
            carried,
            named: named_files(files),
            data_only: data_only_formats(files),
            helper_holes,
        }
    }

    /// Keeps the calls of packages the program does not hold, attached to function ids.
    /// `program` is the one linked from the facts these were collected from.
    pub fn resolve(self, program: &Program) -> ExternalCalls {
        let internal: FxHashSet<&str> = program.packages.iter().map(|p| p.path.as_str()).collect();
        let external: Vec<bool> = (0..self.packages.len() as u32)
            .map(|i| !internal.contains(self.packages.resolve(Sym(i))))
            .collect();
        // A function answers for its (file path, line): the first one there.
        let mut first_file: FxHashMap<&str, u32> = FxHashMap::default();
        let canon: Vec<u32> = (0..program.files.len() as u32)
            .map(|i| {
                *first_file
                    .entry(program.files[i as usize].path.as_str())
                    .or_insert(i)
            })
            .collect();
        let mut by_site: FxHashMap<Site, FuncId> = FxHashMap::default();
        by_site.reserve(program.funcs.len());
        for (i, f) in program.funcs.iter().enumerate() {
            by_site
                .entry((canon[f.file.0 as usize], f.line))
                .or_insert(FuncId(i as u32));
        }
        let find = |(file, line): Site| -> Option<FuncId> {
            by_site.get(&(*canon.get(file as usize)?, line)).copied()
        };
        let mut by_func: FxHashMap<FuncId, Vec<ExternalCall>> = FxHashMap::default();
        let mut linked: Vec<u32> = Vec::new();
        for (site, calls) in self.funcs {
            let Some(id) = find(site) else {
                continue;
            };
            // Method calls the linker resolved into the repository are not external.
            linked.clear();
            if calls.iter().any(|c| c.package == NO_PACKAGE) {
                linked.extend(program.callees(id).map(|(_, e)| e.line));
                linked.sort_unstable();
            }
            let ext: Vec<ExternalCall> = calls
                .into_iter()
                .filter(|c| {
                    if c.package == NO_PACKAGE {
                        linked.binary_search(&c.line).is_err()
                    } else {
                        external[c.package.0 as usize]
                    }
                })
                .map(|c| ExternalCall {
                    package: self.packages.resolve(c.package).to_string(),
                    name: self.names.resolve(c.name).to_string(),
                    line: c.line,
                })
                .collect();
            if !ext.is_empty() {
                by_func.entry(id).or_default().extend(ext);
            }
        }
        let senders = self.senders.iter().filter_map(|&s| find(s)).collect();
        let mut sentinels: FxHashMap<FuncId, Vec<PackageValue>> = FxHashMap::default();
        for (site, refs) in &self.sentinel_refs {
            if let Some(id) = find(*site) {
                let ext = refs
                    .iter()
                    .filter(|(pkg, _)| !internal.contains(pkg.as_str()));
                sentinels.entry(id).or_default().extend(ext.cloned());
            }
        }
        ExternalCalls {
            by_func,
            senders,
            sentinels,
            carried: attach(self.carried, &find),
            named: attach(self.named, &find),
            data_only: attach(self.data_only, &find),
            helper_holes: attach(self.helper_holes, &find),
        }
    }
}

/// Per-site facts keyed by the function at each site (sites with none are dropped).
fn attach<T>(v: Vec<(Site, T)>, find: &impl Fn(Site) -> Option<FuncId>) -> FxHashMap<FuncId, T> {
    v.into_iter()
        .filter_map(|(site, x)| Some((find(site)?, x)))
        .collect()
}

impl ExternalCalls {
    pub fn of(&self, f: FuncId) -> &[ExternalCall] {
        self.by_func.get(&f).map_or(&[], |v| v.as_slice())
    }

    /// Whether `f` returns or wraps the external sentinel `package.name`.
    pub fn returns_sentinel(&self, f: FuncId, package: &str, name: &str) -> bool {
        self.sentinels
            .get(&f)
            .is_some_and(|v| v.iter().any(|(p, n)| p == package && n == name))
    }

    /// Names of the functions whose results are arguments of the calls of `f` at line `line`.
    pub fn carried_at(&self, f: FuncId, line: u32) -> impl Iterator<Item = &str> + '_ {
        self.carried
            .get(&f)
            .into_iter()
            .flatten()
            .filter(move |(l, _)| *l == line)
            .map(|(_, n)| n.as_str())
    }

    /// Whether `f` passes a string constant equal to `name` to some call: it builds a path
    /// ending in that file name.
    pub fn names_file(&self, f: FuncId, name: &str) -> bool {
        self.named
            .get(&f)
            .is_some_and(|v| v.iter().any(|s| s.trim_start_matches('/') == name))
    }

    /// Whether the format call of `f` at line `line` fills its holes with plain data only
    /// (`fmt.Errorf("remote error: %v", resp.Error)`, a `string` field of a decoded message): the
    /// text in its holes is no error of this program's, so the template wraps nothing.
    pub fn formats_data_only(&self, f: FuncId, line: u32) -> bool {
        self.data_only.get(&f).is_some_and(|v| v.contains(&line))
    }

    /// The holes of the format call of `f` at line `line` that a string helper fills: (index of
    /// the hole, the helper's texts as formats).
    pub fn helper_holes(&self, f: FuncId, line: u32) -> impl Iterator<Item = (usize, &[Template])> {
        self.helper_holes
            .get(&f)
            .into_iter()
            .flatten()
            .filter(move |(l, _, _)| *l == line)
            .map(|(_, i, t)| (*i, t.as_slice()))
    }

    /// Whether `f`'s body sends on a channel.
    pub fn sends(&self, f: FuncId) -> bool {
        self.senders.contains(&f)
    }

    /// Whether `f` hands the value `recover()` returned to some call (`fmt.Errorf("panic: %v",
    /// r)` in a deferred literal): a panic anywhere below its enclosing function can surface
    /// in `f`'s text.
    pub fn recovers(&self, f: FuncId) -> bool {
        self.carried
            .get(&f)
            .is_some_and(|v| v.iter().any(|(_, n)| n == RECOVER))
    }

    /// For a deferred function literal whose text is about an error its enclosing function
    /// holds, that function and how: the literal formats what `recover()` returned (a panic
    /// raised by anything the enclosing function calls), or it wraps the enclosing function's
    /// named error result (`defer func() { if err != nil { err = fmt.Errorf("…: %w", err) }
    /// }()`, the error some call of the enclosing function returned).
    pub fn deferred_scope(&self, program: &Program, f: FuncId) -> Option<(FuncId, Deferred)> {
        let func = program.func(f);
        if func.kind != FuncKind::Literal {
            return None;
        }
        let parent = func.parent?;
        if self.recovers(f) {
            return Some((parent, Deferred::Recovered));
        }
        let deferred = program.callees(parent).any(|(c, e)| c == f && e.is_defer);
        let wraps = !func.returns_error && func.strings.iter().any(|s| s.role == Role::ErrorWrap);
        (deferred && wraps).then_some((parent, Deferred::NamedResult))
    }

    /// Whether the call of `f` at line `line` is given the value `recover()` returned: the
    /// text it makes converts a panic into an error.
    pub fn formats_recovered(&self, f: FuncId, line: u32) -> bool {
        self.carried_at(f, line).any(|n| n == RECOVER)
    }
}

/// How a deferred literal comes by the error it formats ([`ExternalCalls::deferred_scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    /// From `recover()`: a panic turned into an error.
    Recovered,
    /// From the enclosing function's named error result, which the literal wraps.
    NamedResult,
}

/// The builtin that stops a panic and returns its value.
const RECOVER: &str = "recover";

/// Per function, the values of the package-level string constants it passes to calls
/// (`filepath.Join(dir, metaFile)`), and those of the file handles it uses through a field
/// (`s.stateFile.Sync()`) that some function of the package opened with a path built from
/// such a constant and stored there (`fh, err := os.Create(filepath.Join(dir, stateFile))` …
/// `sink.stateFile = fh`).
fn named_files(files: &[GoFile]) -> Vec<(Site, Vec<String>)> {
    let mut consts: FxHashMap<(&str, &str), &str> = FxHashMap::default();
    for file in files {
        for v in &file.values {
            if let Some(text) = v.string.as_deref().filter(|_| v.is_const) {
                consts.insert((dir_of(&file.path), v.name.as_str()), text);
            }
        }
    }
    let own = |dir: &str, f: &crate::lang::go::Func| -> Vec<&str> {
        f.calls
            .iter()
            .flat_map(|c| c.args.iter())
            .filter_map(|a| match a {
                Ty::Global(n) => consts.get(&(dir, n.as_str())).copied(),
                _ => None,
            })
            .collect()
    };
    // Fields that hold a handle a package-qualified call opened: (dir, field) → file names.
    let mut fields: FxHashMap<(&str, &str), Vec<&str>> = FxHashMap::default();
    for file in files {
        let dir = dir_of(&file.path);
        for f in &file.funcs {
            let names = own(dir, f);
            if names.is_empty() {
                continue;
            }
            for st in &f.stores {
                let field = match &st.dst {
                    Sink::Expr(Ty::Member(_, field)) => field.as_str(),
                    Sink::Field {
                        field: FieldSel::Name(field),
                        ..
                    } => field.as_str(),
                    _ => continue,
                };
                if opened_by_package_call(&st.src) {
                    fields.entry((dir, field)).or_default().extend(&names);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let dir = dir_of(&file.path);
        for f in &file.funcs {
            let mut names: Vec<String> = own(dir, f).into_iter().map(str::to_string).collect();
            for c in &f.calls {
                if let Callee::Method {
                    recv: Ty::Member(_, field),
                    ..
                } = &c.callee
                {
                    if let Some(v) = fields.get(&(dir, field.as_str())) {
                        names.extend(v.iter().map(|s| s.to_string()));
                    }
                }
            }
            names.sort_unstable();
            names.dedup();
            if !names.is_empty() {
                out.push(((fi as u32, f.line), names));
            }
        }
    }
    out
}

/// Per function, the lines of its printf-style error and log calls whose hole arguments are all
/// fields of a struct declared in the package with a basic type (`resp.Error` of `type errResp
/// struct { Error string }`): data read from somewhere, not an error value.
fn data_only_formats(files: &[GoFile]) -> Vec<(Site, Vec<u32>)> {
    // (dir, struct type, field) → the field's type.
    let mut fields: FxHashMap<(&str, &str, &str), &Ty> = FxHashMap::default();
    for file in files {
        let dir = dir_of(&file.path);
        for t in &file.types {
            if let Ty::Struct(fs) = &t.underlying {
                for f in fs {
                    if let Some(n) = &f.name {
                        fields.insert((dir, t.name.as_str(), n.as_str()), &f.ty);
                    }
                }
            }
        }
    }
    let basic = |ty: &Ty| {
        matches!(ty, Ty::Named { qual: None, name } if matches!(name.as_str(),
            "string" | "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16"
                | "uint32" | "uint64" | "bool" | "float32" | "float64" | "byte" | "rune"))
    };
    fn struct_name(ty: &Ty) -> Option<&str> {
        match ty {
            Ty::Named { qual: None, name } => Some(name),
            Ty::Pointer(t) | Ty::Deref(t) => struct_name(t),
            Ty::Local { ty, .. } | Ty::Param { ty, .. } => struct_name(ty),
            _ => None,
        }
    }
    let mut out = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let dir = dir_of(&file.path);
        for f in &file.funcs {
            let mut lines = Vec::new();
            for (line, args) in printf_hole_args(f) {
                let data = args.iter().all(|a| match a {
                    Ty::Member(base, field) => struct_name(base)
                        .and_then(|t| fields.get(&(dir, t, field.as_str())))
                        .is_some_and(|ty| basic(ty)),
                    _ => false,
                });
                if data {
                    lines.push(line);
                }
            }
            if !lines.is_empty() {
                out.push(((fi as u32, f.line), lines));
            }
        }
    }
    out
}

/// Per function, the holes of its printf-style calls that a string helper of the package fills
/// ([`HelperHole`]).
fn helper_holes(files: &[GoFile]) -> Vec<(Site, Vec<HelperHole>)> {
    let mut helpers: FxHashMap<(&str, &str), Vec<String>> = FxHashMap::default();
    for file in files {
        for f in &file.funcs {
            let complete =
                !f.string_returns.is_empty() && f.string_returns.iter().all(Option::is_some);
            if f.receiver.is_none() && f.parent.is_none() && complete {
                let texts = f.string_returns.iter().flatten().cloned().collect();
                helpers.insert((dir_of(&file.path), f.name.as_str()), texts);
            }
        }
    }
    let mut out = Vec::new();
    if helpers.is_empty() {
        return out;
    }
    for (fi, file) in files.iter().enumerate() {
        let dir = dir_of(&file.path);
        for f in &file.funcs {
            let mut found = Vec::new();
            for (line, args) in printf_hole_args(f) {
                for (i, a) in args.iter().enumerate() {
                    if let Ty::ResultOf {
                        callee, index: 0, ..
                    } = a
                    {
                        if let Callee::Global(name) = callee.as_ref() {
                            if let Some(t) = helpers.get(&(dir, name.as_str())) {
                                found.push((line, i, t.clone()));
                            }
                        }
                    }
                }
            }
            if !found.is_empty() {
                out.push(((fi as u32, f.line), found));
            }
        }
    }
    out
}

/// The printf-style calls of `f` with holes: (line, the arguments that fill the holes). The
/// outermost call of a line is recorded after the calls in its arguments, hence the last one.
fn printf_hole_args(f: &Func) -> impl Iterator<Item = (u32, &[Ty])> {
    f.strings.iter().filter_map(|s| {
        let (Form::Printf, StrValue::Literal(text)) = (s.form, &s.value) else {
            return None;
        };
        let holes = super::template::parse_printf(text)
            .iter()
            .filter(|p| matches!(p, super::template::Piece::Hole(_)))
            .count();
        let call = f.calls.iter().rfind(|c| c.line == s.line)?;
        if holes == 0 || call.args.len() <= holes {
            return None;
        }
        Some((s.line, &call.args[call.args.len() - holes..]))
    })
}

/// Whether `ty` is the first result of a package-qualified call (`os.Create(…)`), directly or
/// through the local holding it.
fn opened_by_package_call(ty: &Ty) -> bool {
    match ty {
        Ty::Local { ty, .. } => opened_by_package_call(ty),
        Ty::ResultOf {
            callee, index: 0, ..
        } => matches!(callee.as_ref(), Callee::Qualified { .. }),
        _ => false,
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The file name an `os` error names (`open /var/x/meta.json: too many open files` →
/// `meta.json`): the last element of the path after the operation, when it is a file name.
pub fn named_file(text: &str) -> Option<&str> {
    const OPS: [&str; 12] = [
        "open", "stat", "lstat", "mkdir", "remove", "rename", "readlink", "chmod", "read", "write",
        "sync", "close",
    ];
    let (op, rest) = text.trim_start().split_once(' ')?;
    if !OPS.contains(&op) {
        return None;
    }
    let (path, _) = rest.split_once(": ")?;
    if !path.contains('/') || path.contains(' ') {
        return None;
    }
    let base = path.rsplit('/').next()?;
    (!base.is_empty()).then_some(base)
}

/// The external APIs whose errors read like `text`: (import path, function names; empty = any).
pub fn likely_sources(text: &str) -> Vec<(&'static str, &'static [&'static str])> {
    let t = text.trim_start();
    let mut out: Vec<(&'static str, &'static [&'static str])> = Vec::new();
    let word = t.split(' ').next().unwrap_or("");
    match word {
        "open" => {
            out.push((
                "os",
                &[
                    "Open",
                    "OpenFile",
                    "ReadFile",
                    "Create",
                    "ReadDir",
                    "WriteFile",
                ],
            ));
            out.push(("io/ioutil", &["ReadFile", "ReadDir", "WriteFile"]));
        }
        "stat" | "lstat" => out.push(("os", &["Stat", "Lstat"])),
        "mkdir" => out.push(("os", &["Mkdir", "MkdirAll", "MkdirTemp"])),
        "remove" | "unlinkat" => out.push(("os", &["Remove", "RemoveAll"])),
        "rename" => out.push(("os", &["Rename"])),
        "readlink" => out.push(("os", &["Readlink"])),
        "chmod" => out.push(("os", &["Chmod"])),
        "read" if matches!(t.split(' ').nth(1), Some("udp" | "ip")) => {
            out.push(("", &["ReadFrom", "ReadFromUDP", "ReadMsgUDP"]));
        }
        "write" if matches!(t.split(' ').nth(1), Some("udp" | "ip")) => {
            out.push(("", &["WriteTo", "WriteToUDP", "WriteMsgUDP"]));
        }
        "read" if matches!(t.split(' ').nth(1), Some("tcp" | "unix")) => {
            out.push((
                "",
                &["Read", "ReadFull", "ReadFrom", "Decode", "Peek", "ReadByte"],
            ));
            out.push(("io", &["ReadFull", "ReadAll", "Copy", "CopyN"]));
        }
        "write" if matches!(t.split(' ').nth(1), Some("tcp" | "unix")) => {
            out.push(("", &["Write", "WriteTo", "Flush", "Encode", "WriteString"]));
            out.push(("io", &["Copy", "CopyN", "WriteString"]));
        }
        "read" | "write" => out.push(("", &["Read", "Write", "ReadAt", "WriteAt", "WriteString"])),
        "sync" => out.push(("", &["Sync"])),
        "close" => out.push(("", &["Close"])),
        "seek" => out.push(("", &["Seek"])),
        "dial" => {
            out.push((
                "net",
                &[
                    "Dial",
                    "DialTimeout",
                    "DialTCP",
                    "DialUDP",
                    "DialIP",
                    "DialUnix",
                ],
            ));
            out.push(("", &["Dial", "DialContext"]));
            out.push(("google.golang.org/grpc", &["Dial", "DialContext"]));
        }
        "lookup" => out.push(("net", &[])),
        "listen" => out.push(("net", &["Listen", "ListenPacket", "ListenTCP", "ListenUDP"])),
        "parse" => out.push(("net/url", &["Parse", "ParseRequestURI"])),
        "exec:" | "fork/exec" => out.push(("os/exec", &[])),
        "Get" | "Post" | "Head" | "Put" | "Delete" | "Patch" => out.push(("net/http", &[])),
        _ => {}
    }
    if t.starts_with("strconv.") {
        out.push(("strconv", &[]));
    }
    if t.starts_with("json: ")
        || t.starts_with("invalid character")
        || t.starts_with("unexpected end of JSON input")
    {
        out.push(("encoding/json", &[]));
    }
    if t.starts_with("yaml: ") {
        out.push(("gopkg.in/yaml.v2", &[]));
        out.push(("gopkg.in/yaml.v3", &[]));
        out.push(("sigs.k8s.io/yaml", &[]));
    }
    if t.starts_with("x509: ") {
        out.push(("crypto/x509", &[]));
    }
    if t.starts_with("tls: ") {
        out.push(("crypto/tls", &[]));
    }
    // `driver: bad connection` (driver.ErrBadConn) reaches the caller through database/sql.
    if t.starts_with("sql: ")
        || t.starts_with("pq: ")
        || t.starts_with("driver: ")
        || t.starts_with("Error ") && t.contains("(")
    {
        out.push(("database/sql", &[]));
        out.push(("", SQL_METHODS));
    }
    if t == "EOF" || t == "unexpected EOF" {
        out.push(("io", &[]));
        out.push(("bufio", &[]));
    }
    // A context error surfaces from the call that observed it (a query, a request), not from
    // `context.WithTimeout`.
    if t.starts_with("context deadline exceeded") || t.starts_with("context canceled") {
        out.push(("", SQL_METHODS));
        out.push(("net/http", &[]));
    }
    if t.starts_with("rpc error: ") {
        out.push(("google.golang.org/grpc", &[]));
    }
    out
}

/// Methods of `*sql.DB`, `*sql.Tx`, `*sql.Row(s)` and `*sql.Stmt`.
const SQL_METHODS: &[&str] = &[
    "Exec",
    "ExecContext",
    "Query",
    "QueryContext",
    "QueryRow",
    "QueryRowContext",
    "Scan",
    "Prepare",
    "PrepareContext",
    "Begin",
    "BeginTx",
    "Commit",
    "Rollback",
];

/// The standard-library sentinel whose text this is exactly: (import path, name).
pub fn known_sentinel(text: &str) -> Option<(&'static str, &'static str)> {
    Some(match text.trim() {
        "EOF" => ("io", "EOF"),
        "unexpected EOF" => ("io", "ErrUnexpectedEOF"),
        "short write" => ("io", "ErrShortWrite"),
        "io: read/write on closed pipe" => ("io", "ErrClosedPipe"),
        "context canceled" => ("context", "Canceled"),
        "context deadline exceeded" => ("context", "DeadlineExceeded"),
        "sql: no rows in result set" => ("database/sql", "ErrNoRows"),
        "sql: connection is already closed" => ("database/sql", "ErrConnDone"),
        "sql: transaction has already been committed or rolled back" => {
            ("database/sql", "ErrTxDone")
        }
        "file already closed" => ("os", "ErrClosed"),
        "http: server closed" => ("net/http", "ErrServerClosed"),
        "driver: bad connection" => ("database/sql/driver", "ErrBadConn"),
        _ => return None,
    })
}

/// Whether `call` is one of `sources`.
pub fn call_matches(call: &ExternalCall, sources: &[(&str, &[&str])]) -> bool {
    sources.iter().any(|(p, names)| {
        call.package == *p && (names.is_empty() || names.contains(&call.name.as_str()))
    })
}

/// Whether a captured value reads like an error message rather than a plain value.
pub fn looks_like_error(text: &str) -> bool {
    const WORDS: [&str; 14] = [
        "error",
        "failed",
        "denied",
        "refused",
        "not found",
        "no such",
        "timeout",
        "timed out",
        "invalid",
        "cannot",
        "can't",
        "unexpected",
        "EOF",
        "exceeded",
    ];
    text.contains(": ")
        || !likely_sources(text).is_empty()
        || WORDS.iter().any(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sources_of_common_stdlib_errors() {
        let s = likely_sources("open /etc/x: permission denied");
        assert!(s.iter().any(|(p, n)| *p == "os" && n.contains(&"Open")));
        assert!(
            likely_sources("dial tcp 1.2.3.4:80: connect: connection refused")
                .iter()
                .any(|(p, _)| *p == "net")
        );
        assert!(likely_sources("hello world").is_empty());
    }

    #[test]
    fn an_os_error_names_its_file() {
        assert_eq!(
            named_file("open /var/lib/x/1.tmp/meta.json: too many open files"),
            Some("meta.json")
        );
        assert_eq!(
            named_file("sync /data/state.bin: input/output error"),
            Some("state.bin")
        );
        assert_eq!(named_file("open x: no such file or directory"), None);
        assert_eq!(named_file("dial tcp 1.2.3.4:80: connect: refused"), None);
        assert_eq!(named_file("load /etc/x.yaml: bad"), None);
    }

    #[test]
    fn error_like_text() {
        assert!(looks_like_error("open x: no such file or directory"));
        assert!(looks_like_error("EOF"));
        assert!(!looks_like_error("user-42"));
    }
}
