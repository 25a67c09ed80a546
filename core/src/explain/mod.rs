//! Explain a log line: which function logged it, every function the error passed through, and
//! the function where it was born, with the text each one contributed.
//!
//! ```text
//! template       one σ string → literals + typed holes
//! matcher_index  all templates + Aho-Corasick over their anchors
//! segment        the line as a chain of templates, each wrapping the next, consistent with C_k
//! path           pass-through functions between consecutive owners; external origin of a tail
//! candidates     fuzzy nearest templates for drifted or unmatched lines
//! externals      calls into packages outside the repository
//! ```
//!
//! [`Explainer`] is built once per indexed repository and answers any number of lines.

pub mod candidates;
pub mod eval;
pub mod externals;
pub mod matcher_index;
pub mod path;
pub mod samples;
pub mod segment;
pub mod template;

use serde::Serialize;

use crate::closure::Closure;
use crate::lang::go::{Form, Role};
use crate::program::{FuncId, FuncKind, Program};
use candidates::FuzzyIndex;
use externals::{Deferred, ExternalCalls};
use matcher_index::{MatcherIndex, Owner};
use segment::{Chain, Segmenter};

/// Settings of the explainer.
#[derive(Debug, Clone)]
pub struct ExplainOptions {
    /// Candidate functions listed per line.
    pub max_candidates: usize,
    /// Minimum word similarity for a fuzzy candidate.
    pub fuzzy_threshold: f64,
    /// Complete explanations returned per line (when close in score).
    pub max_paths: usize,
    /// Longer lines are cut to this many bytes before matching.
    pub max_line_bytes: usize,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            max_candidates: 50,
            fuzzy_threshold: 0.8,
            max_paths: 5,
            max_line_bytes: 64 * 1024,
        }
    }
}

/// A log line, normalised: the message, the error field if the logger kept it apart, and the
/// caller the logger printed (strong evidence for the logging site).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogInput<'a> {
    pub message: &'a str,
    pub error: Option<&'a str>,
    /// (file, line) as the logger printed it; the file may be a suffix of the repo path.
    pub caller: Option<(&'a str, u32)>,
}

impl<'a> LogInput<'a> {
    pub fn text(message: &'a str) -> LogInput<'a> {
        LogInput {
            message,
            ..LogInput::default()
        }
    }
}

/// What one function did to the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopKind {
    Log,
    Wrap,
    Passthrough,
    Origin,
    OriginExternal,
    OriginSentinel,
    Convert,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Log => "log",
            HopKind::Wrap => "wrap",
            HopKind::Passthrough => "passthrough",
            HopKind::Origin => "origin",
            HopKind::OriginExternal => "origin_external",
            HopKind::OriginSentinel => "origin_sentinel",
            HopKind::Convert => "convert",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub func: String,
    pub file: String,
    /// Line of the function's name.
    pub line: u32,
    pub kind: HopKind,
    /// The part of the line this hop contributed.
    pub text: Option<String>,
    /// The format or message constant it contributed it with.
    pub fmt: Option<String>,
    /// The call that used the constant.
    pub site: Option<Site>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedPath {
    pub score: f64,
    /// Outermost (logger) first, root cause last.
    pub hops: Vec<Hop>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Root {
    pub func: String,
    pub file: String,
    pub line: u32,
    /// The external API the innermost text came from (`os.Open`), when it came from outside.
    pub external_origin: Option<String>,
    /// The sentinel's name when the root error is a sentinel.
    pub sentinel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub func: String,
    pub file: String,
    pub line: u32,
    pub score: f64,
    pub template: String,
    pub site: Site,
    /// The template matched exactly (else: fuzzily).
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub log: String,
    pub paths: Vec<ExplainedPath>,
    pub root: Option<Root>,
    pub candidates: Vec<Candidate>,
    /// Why there is no path, or what was done to the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The explainer over one indexed repository.
pub struct Explainer<'a> {
    program: &'a Program,
    closure: &'a Closure,
    index: MatcherIndex,
    fuzzy: FuzzyIndex,
    externals: ExternalCalls,
    opts: ExplainOptions,
}

/// Pass-through paths already searched while explaining one line.
type PathCache = std::cell::RefCell<rustc_hash::FxHashMap<PathKey, Option<path::CallPath>>>;
/// (from, lines of the calls in `from` whose error it holds, to, the chain's functions before
/// `from`).
type PathKey = (FuncId, Vec<u32>, FuncId, Vec<FuncId>);

/// A path under construction, with what ranks it.
struct Built {
    hops: Vec<Hop>,
    root: Root,
    score: f64,
    /// Bytes of the text the chain explains.
    covered: usize,
}

impl<'a> Explainer<'a> {
    pub fn new(program: &'a Program, closure: &'a Closure, opts: ExplainOptions) -> Explainer<'a> {
        let index = MatcherIndex::build(program);
        let fuzzy = FuzzyIndex::build(&index);
        Explainer {
            program,
            closure,
            index,
            fuzzy,
            externals: ExternalCalls::default(),
            opts,
        }
    }

    /// Adds the repository's external calls, which name the origin of unexplained tails.
    pub fn with_externals(mut self, externals: ExternalCalls) -> Explainer<'a> {
        self.externals = externals;
        self
    }

    pub fn templates(&self) -> usize {
        self.index.len()
    }

    /// `n` error lines rendered from this repository's templates (for benchmarks).
    pub fn sample_lines(&self, n: usize) -> Vec<String> {
        samples::sample_lines(&self.index, n)
    }

    /// Explains a raw log line: [`crate::logs::parse_line`] strips the format's decoration and
    /// finds the message, error field and caller. `log` in the answer is the line as given.
    pub fn explain_line(&self, raw: &str) -> Explanation {
        let rec = crate::logs::parse_line(raw);
        let caller = rec.caller.as_ref().map(|c| (c.file.as_str(), c.line));
        let (mut e, covered) = self.explain_covered(LogInput {
            message: &rec.message,
            error: rec.error.as_deref(),
            caller,
        });
        // Normalisation may strip text the format string holds (`log.Printf("[ERR] x: %v")`
        // loses its `[ERR] `); the raw line, prefix and all, is tried too and wins when its
        // explanation accounts for more of the text.
        let raw_text = raw.trim();
        if raw_text != e.log && !raw_text.starts_with('{') {
            let (r, raw_covered) = self.explain_covered(LogInput {
                message: raw_text,
                error: None,
                caller,
            });
            if raw_covered > covered {
                e = r;
            }
        }
        e.log = raw.to_string();
        e
    }

    pub fn explain(&self, input: LogInput<'_>) -> Explanation {
        self.explain_covered(input).0
    }

    /// The explanation and how many bytes of the text its best path explains.
    fn explain_covered(&self, input: LogInput<'_>) -> (Explanation, usize) {
        let mut text = input.message.trim().to_string();
        if let Some(e) = input.error.map(str::trim).filter(|e| !e.is_empty()) {
            if !text.contains(e) {
                if text.is_empty() {
                    text = e.to_string();
                } else {
                    text = format!("{text}: {e}");
                }
            }
        }
        let mut note = None;
        if text.len() > self.opts.max_line_bytes {
            let mut cut = self.opts.max_line_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            note = Some(format!(
                "line of {} bytes cut to its first {cut} bytes for matching",
                text.len()
            ));
            text.truncate(cut);
        }
        if text.is_empty() {
            let e = Explanation {
                log: text,
                paths: Vec::new(),
                root: None,
                candidates: Vec::new(),
                note: Some("empty log line".into()),
            };
            return (e, 0);
        }
        let seg = Segmenter::new(
            self.program,
            self.closure,
            &self.index,
            &self.externals,
            &text,
        );
        let paths_cache = PathCache::default();
        let chains = seg.top(32);
        let mut built: Vec<Built> = chains
            .iter()
            .map(|c| self.build(&text, c, input.caller, &paths_cache))
            .collect();
        if built.is_empty() {
            built.extend(self.build_from_caller(&text, input.caller));
        }
        built.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut paths: Vec<Built> = Vec::new();
        for b in built {
            let best = paths.first().map_or(b.score, |p| p.score);
            if paths.len() >= self.opts.max_paths || b.score < best - 0.1 {
                break;
            }
            if !paths.iter().any(|p| same_hops(&p.hops, &b.hops)) {
                paths.push(b);
            }
        }
        let candidates = self.candidates(&text, &seg, &paths);
        if paths.is_empty() && note.is_none() {
            note = Some(if candidates.is_empty() {
                "no template matched, and no template is near".into()
            } else {
                "no template matched; the candidates are the nearest templates".into()
            });
        }
        let covered = paths.first().map_or(0, |b| b.covered);
        let e = Explanation {
            log: text.clone(),
            root: paths.first().map(|p| p.root.clone()),
            paths: paths
                .into_iter()
                .map(|b| ExplainedPath {
                    score: round3(b.score),
                    hops: b.hops,
                })
                .collect(),
            candidates,
            note,
        };
        (e, covered)
    }

    fn site(&self, o: Owner) -> Site {
        let f = self.program.func(o.func);
        Site {
            file: self.program.file_path(o.func).to_string(),
            line: f.strings[o.string as usize].line,
        }
    }

    /// Every line where the owner's function uses the owner's text (a function often wraps with
    /// the same format after several calls).
    fn sites_of(&self, o: Owner) -> Vec<u32> {
        let f = self.program.func(o.func);
        let Some(s) = f.strings.get(o.string as usize) else {
            return Vec::new();
        };
        f.strings
            .iter()
            .filter(|t| t.text == s.text)
            .map(|t| t.line)
            .collect()
    }

    /// Lines of the calls of `f` whose error it holds at the lines `sites`: the call of the
    /// function whose result the site's arguments are (`auth, err := s.authorize(…)` … `Errorf(
    /// "…: %w", err)`), else the last error-returning call before the site.
    fn carriers(&self, f: FuncId, sites: &[u32]) -> Vec<u32> {
        let p = self.program;
        let mut out = Vec::new();
        for &site in sites {
            let names: Vec<&str> = self.externals.carried_at(f, site).collect();
            let named: Vec<u32> = p
                .callees(f)
                .filter(|(c, e)| {
                    e.line <= site && p.func(*c).returns_error && {
                        let full = p.name(*c);
                        names.iter().any(|n| {
                            full.strip_suffix(n)
                                .is_some_and(|rest| rest.ends_with('.') || rest.ends_with(')'))
                        })
                    }
                })
                .map(|(_, e)| e.line)
                .collect();
            match named.iter().max() {
                Some(&l) => out.push(l),
                None => out.extend(path::carrier_lines(p, f, &[site])),
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The functions of a call path below its first (which already has a hop): pass-throughs,
    /// and `origin` for the last.
    fn push_path_below(&self, hops: &mut Vec<Hop>, funcs: &[FuncId], origin: HopKind) {
        let Some((&last, between)) = funcs.get(1..).and_then(<[FuncId]>::split_last) else {
            return;
        };
        for &g in between {
            hops.push(self.hop(g, HopKind::Passthrough));
        }
        hops.push(self.hop(last, origin));
    }

    fn hop(&self, f: FuncId, kind: HopKind) -> Hop {
        Hop {
            func: self.program.name(f).to_string(),
            file: self.program.file_path(f).to_string(),
            line: self.program.func(f).line,
            kind,
            text: None,
            fmt: None,
            site: None,
        }
    }

    /// Turns a chain of templates into hops: pass-through functions between owners, kinds, the
    /// root cause.
    fn build(
        &self,
        line: &str,
        chain: &Chain,
        caller: Option<(&str, u32)>,
        cache: &PathCache,
    ) -> Built {
        let p = self.program;
        let between = |a: FuncId,
                       carriers: &[u32],
                       b: FuncId,
                       context: &[FuncId]|
         -> Option<path::CallPath> {
            let key = (a, carriers.to_vec(), b, context.to_vec());
            if let Some(r) = cache.borrow().get(&key) {
                return r.clone();
            }
            let r = path::between_at(p, a, carriers, b, context);
            cache.borrow_mut().insert(key, r.clone());
            r
        };
        let mut hops: Vec<Hop> = Vec::new();
        let mut dynamic = 0u32;
        let mut broken = 0u32;
        let extended = chain
            .links
            .iter()
            .filter(|l| l.reach == segment::Reach::Extended)
            .count();
        let unrelated = chain
            .links
            .iter()
            .filter(|l| l.reach == segment::Reach::Unrelated)
            .count();
        let n = chain.links.len();
        // The caller the logger printed names the logging function even when its message is not
        // a constant (`log.Print(err)`): it becomes the first hop when it reaches the chain.
        let mut caller_hit = false;
        let caller_sites: Vec<u32> = caller
            .and_then(|c| Some(self.carriers(self.func_at(c)?, &[c.1])))
            .unwrap_or_default();
        // Paths that leave a function through another call than the one whose error it holds.
        let mut off_carrier = 0u32;
        if let (Some(cf), Some(first)) = (caller.and_then(|c| self.func_at(c)), chain.links.first())
        {
            if cf == first.owner.func {
                caller_hit = true;
            } else if let Some(cp) = between(cf, &caller_sites, first.owner.func, &[]) {
                caller_hit = true;
                off_carrier += u32::from(!path::leaves_by_carrier(p, &cp, &caller_sites));
                dynamic += cp.dynamic_edges;
                hops.push(self.hop(cf, HopKind::Log));
                for &g in interior(&cp.funcs) {
                    if self.carries_error(g) {
                        hops.push(self.hop(g, HopKind::Passthrough));
                    }
                }
            }
        }
        for (i, link) in chain.links.iter().enumerate() {
            let f = link.owner.func;
            if i > 0 {
                let prev = chain.links[i - 1].owner;
                let context: Vec<FuncId> =
                    chain.links[..i - 1].iter().map(|l| l.owner.func).collect();
                // A deferred literal's error was raised below its enclosing function: a
                // recovered panic unwound through it; a named result it wraps was returned to it
                // (so the enclosing function is the next hop).
                let (from, prev_sites) = match self.externals.deferred_scope(p, prev.func) {
                    Some((g, how)) => {
                        if how == Deferred::NamedResult {
                            hops.push(self.hop(g, HopKind::Passthrough));
                        }
                        (g, Vec::new())
                    }
                    None => (prev.func, self.carriers(prev.func, &self.sites_of(prev))),
                };
                // Into a literal that wraps a named result, the path runs through its enclosing
                // function, which comes after it (above).
                let wraps_result = self
                    .externals
                    .deferred_scope(p, f)
                    .filter(|&(_, how)| how == Deferred::NamedResult)
                    .map(|(g, _)| g);
                match between(from, &prev_sites, f, &context) {
                    Some(cp) => {
                        off_carrier += u32::from(!path::leaves_by_carrier(p, &cp, &prev_sites));
                        dynamic += cp.dynamic_edges;
                        broken += u32::from(cp.relaxed);
                        let inside = interior(&cp.funcs);
                        let inside = match (inside.split_last(), wraps_result) {
                            (Some((&g, rest)), Some(parent)) if g == parent => rest,
                            _ => inside,
                        };
                        for &g in inside {
                            if self.carries_error(g) {
                                hops.push(self.hop(g, HopKind::Passthrough));
                            }
                        }
                    }
                    None => broken += u32::from(link.reach != segment::Reach::Unrelated),
                }
            }
            let owned = &p.func(f).strings[link.owner.string as usize];
            let innermost = i + 1 == n;
            let kind = if i == 0 && hops.is_empty() && owned.role == Role::Log {
                HopKind::Log
            } else if innermost && chain.tail.is_none() {
                match owned.role {
                    Role::Sentinel => HopKind::OriginSentinel,
                    _ => HopKind::Origin,
                }
            } else if innermost {
                HopKind::OriginExternal
            } else if self.externals.formats_recovered(f, owned.line) {
                // The text is made from a recovered panic value: a panic turned into an error.
                HopKind::Convert
            } else {
                self.wrap_kind(owned.role, owned.form, p.strings.resolve(owned.api))
            };
            let mut contributed = String::new();
            match link.inner {
                Some((a, b)) => {
                    contributed.push_str(&line[link.span.0..a]);
                    contributed.push_str(&line[b..link.span.1]);
                }
                None => contributed.push_str(&line[link.span.0..link.span.1]),
            }
            // A sentinel's text is its declaration's, not something this function formats.
            let fmt = (kind != HopKind::OriginSentinel)
                .then(|| p.strings.resolve(owned.text).to_string());
            let hop = Hop {
                text: Some(contributed),
                fmt,
                site: Some(self.site(link.owner)),
                ..self.hop(f, kind)
            };
            // One hop per function: a function that both wraps and creates (`fmt.Errorf("%w:
            // %s", ErrSentinel, x)`) is one hop with the innermost kind and the outer text.
            if let Some(last) = hops
                .last_mut()
                .filter(|h| h.func == hop.func && h.file == hop.file)
            {
                if innermost && last.kind != HopKind::Log {
                    last.kind = hop.kind;
                }
                continue;
            }
            hops.push(hop);
        }
        let innermost = chain.links.last().map(|l| l.owner.func);
        let mut external_origin = None;
        let mut std_sentinel: Option<String> = None;
        let innermost_site = chain.links.last().map(|l| self.site(l.owner).line);
        if let (Some((a, b)), Some(last)) = (chain.tail, innermost) {
            let tail = &line[a..b];
            if let Some((cp, name)) =
                path::sentinel_origin(p, &self.externals, last, innermost_site, tail)
            {
                // `unexpected EOF`: the function returning `io.ErrUnexpectedEOF` is the root.
                if let Some(h) = hops.last_mut() {
                    if h.kind == HopKind::OriginExternal {
                        h.kind = if cp.funcs.len() > 1 {
                            let o = chain.links[n - 1].owner;
                            let s = &p.func(o.func).strings[o.string as usize];
                            self.wrap_kind(s.role, s.form, p.strings.resolve(s.api))
                        } else {
                            HopKind::OriginSentinel
                        };
                    }
                }
                self.push_path_below(&mut hops, &cp.funcs, HopKind::OriginSentinel);
                std_sentinel = Some(name);
            }
        }
        if let (Some((a, b)), Some(last), None) = (chain.tail, innermost, &std_sentinel) {
            let tail = &line[a..b];
            match path::external_origin(p, &self.externals, last, innermost_site, tail) {
                Some((cp, api)) if cp.funcs.len() > 1 => {
                    if let Some(h) = hops.last_mut() {
                        if h.kind == HopKind::OriginExternal {
                            let o = chain.links[n - 1].owner;
                            let s = &p.func(o.func).strings[o.string as usize];
                            h.kind = self.wrap_kind(s.role, s.form, p.strings.resolve(s.api));
                        }
                    }
                    self.push_path_below(&mut hops, &cp.funcs, HopKind::OriginExternal);
                    external_origin = Some(api);
                }
                Some((_, api)) => external_origin = Some(api),
                None => {
                    external_origin = externals::likely_sources(tail).first().map(|(pkg, names)| {
                        match names.first() {
                            Some(n) => format!("{}.{n}", pkg.rsplit('/').next().unwrap_or(pkg)),
                            None => (*pkg).to_string(),
                        }
                    })
                }
            }
        }
        // A literal that returns no error (`rawConn.Read(func(fd uintptr) bool { sysErr = ErrX
        // })`) only stores it: the error is born where a function returns it, the enclosing one.
        if let (None, Some(f)) = (chain.tail, innermost) {
            if let Some(parent) = self.storing_literal_parent(f) {
                let parent_hop = self.hop(parent, HopKind::Passthrough);
                let n_hops = hops.len();
                let prev_is_parent = n_hops >= 2
                    && same_func(&hops[n_hops - 2], &parent_hop)
                    && hops[n_hops - 2].kind == HopKind::Passthrough;
                if prev_is_parent {
                    if let Some(h) = hops.pop() {
                        if let Some(prev) = hops.last_mut() {
                            prev.kind = h.kind;
                            prev.fmt = h.fmt;
                            prev.site = h.site;
                            prev.text = h.text;
                        }
                    }
                } else if let Some(h) = hops.last_mut().filter(|h| h.kind != HopKind::Log) {
                    h.func = parent_hop.func;
                    h.file = parent_hop.file;
                    h.line = parent_hop.line;
                }
            }
        }
        let last = hops.last();
        let root = Root {
            func: last.map(|h| h.func.clone()).unwrap_or_default(),
            file: last.map(|h| h.file.clone()).unwrap_or_default(),
            line: last.map_or(0, |h| h.line),
            external_origin: if chain.tail.is_some() && std_sentinel.is_none() {
                external_origin.or_else(|| Some("unknown".into()))
            } else {
                None
            },
            sentinel: std_sentinel.clone().or_else(|| {
                chain.links.last().and_then(|l| {
                    let s = &p.func(l.owner.func).strings[l.owner.string as usize];
                    (s.role == Role::Sentinel && chain.tail.is_none())
                        .then(|| p.strings.resolve(s.api).to_string())
                })
            }),
        };
        let coverage = chain.covered as f64 / line.len().max(1) as f64;
        let caller_bonus = match (caller, chain.links.first()) {
            _ if caller_hit => 0.3,
            (Some((file, cl)), Some(l)) => {
                let f = l.owner.func;
                let path = p.file_path(f);
                let func = p.func(f);
                let same_file = path.ends_with(file) || file.ends_with(path);
                if same_file && func.strings[l.owner.string as usize].line == cl {
                    0.3
                } else if same_file && func.line <= cl && cl <= func.end_line {
                    0.2
                } else {
                    0.0
                }
            }
            _ => 0.0,
        };
        // A tail whose origin was found in the code is explained further than a tail not looked
        // into or a value.
        let origin_bonus = if root
            .external_origin
            .as_deref()
            .is_some_and(|o| o != "unknown")
        {
            0.03
        } else {
            0.0
        };
        // Of two readings covering the same text, the one whose templates spell more of it out
        // (rather than filling holes) is the better one: `%w: %s` explains almost nothing.
        let literal = chain.literal as f64 / line.len().max(1) as f64;
        let score = coverage + caller_bonus + origin_bonus + 0.15 * literal
            - 0.01 * hops.len() as f64
            - 0.02 * f64::from(dynamic)
            - 0.1 * f64::from(broken)
            - 0.05 * f64::from(off_carrier)
            - 0.03 * extended as f64
            - 0.12 * unrelated as f64;
        Built {
            hops,
            root,
            score,
            covered: chain.covered,
        }
    }

    /// No template matched, but the logger printed its caller (`packets.go:36: unexpected EOF`
    /// from `errLog.Print(err)`): the caller is the logging hop and the whole message is the
    /// error, traced to the function returning a standard sentinel or calling an external API.
    fn build_from_caller(&self, text: &str, caller: Option<(&str, u32)>) -> Option<Built> {
        let p = self.program;
        let cf = self.func_at(caller?)?;
        let site = caller.map(|c| c.1);
        let (cp, sentinel, external) =
            match path::sentinel_origin(p, &self.externals, cf, site, text) {
                Some((cp, name)) => (cp, Some(name), None),
                None => {
                    let (cp, api) = path::external_origin(p, &self.externals, cf, site, text)?;
                    (cp, None, Some(api))
                }
            };
        if cp.funcs.len() < 2 {
            return None;
        }
        let mut hops = vec![self.hop(cf, HopKind::Log)];
        let origin = if sentinel.is_some() {
            HopKind::OriginSentinel
        } else {
            HopKind::OriginExternal
        };
        self.push_path_below(&mut hops, &cp.funcs, origin);
        let last = hops.last()?;
        let root = Root {
            func: last.func.clone(),
            file: last.file.clone(),
            line: last.line,
            external_origin: external,
            sentinel,
        };
        Some(Built {
            score: 0.5 - 0.01 * hops.len() as f64,
            hops,
            root,
            covered: 0,
        })
    }

    /// Whether a function on a call path is a hop of the error: it returns one, or it is a
    /// literal that hands one on over a channel. A `go func() { p.work(errCh) }()` that only
    /// starts the sender is not.
    fn carries_error(&self, g: FuncId) -> bool {
        let f = self.program.func(g);
        f.returns_error || self.externals.sends(g)
    }

    /// For a literal that cannot hand an error on (it returns none and sends none), the
    /// nearest enclosing function that returns one.
    fn storing_literal_parent(&self, f: FuncId) -> Option<FuncId> {
        let p = self.program;
        if p.func(f).kind != FuncKind::Literal || self.carries_error(f) {
            return None;
        }
        let mut g = p.func(f).parent?;
        loop {
            if self.carries_error(g) {
                return Some(g);
            }
            g = p.func(g).parent?;
        }
    }

    /// The innermost function whose lines hold a caller `file:line` the logger printed; the
    /// file may be a suffix of the repository path (`packets.go`, `pkg/x.go`).
    fn func_at(&self, (file, line): (&str, u32)) -> Option<FuncId> {
        let p = self.program;
        let file = file.trim_start_matches("./");
        let mut best: Option<(u32, FuncId)> = None;
        for (i, f) in p.funcs.iter().enumerate() {
            if f.line > line || line > f.end_line {
                continue;
            }
            let path = &p.files[f.file.0 as usize].path;
            let same = path == file
                || path.ends_with(file) && path.as_bytes()[path.len() - file.len() - 1] == b'/'
                || file.ends_with(path.as_str())
                    && file.as_bytes()[file.len() - path.len() - 1] == b'/';
            if !same {
                continue;
            }
            let size = f.end_line - f.line;
            if best.is_none_or(|(s, _)| size < s) {
                best = Some((size, FuncId(i as u32)));
            }
        }
        best.map(|(_, f)| f)
    }

    fn wrap_kind(&self, role: Role, form: Form, api: &str) -> HopKind {
        let converts = api.contains("status.") || api.contains("Status");
        match (role, form) {
            _ if converts => HopKind::Convert,
            _ => HopKind::Wrap,
        }
    }

    fn candidates(&self, line: &str, seg: &Segmenter<'_>, paths: &[Built]) -> Vec<Candidate> {
        let p = self.program;
        let mut out: Vec<Candidate> = Vec::new();
        let push = |o: Owner, score: f64, exact: bool, out: &mut Vec<Candidate>| {
            let f = p.func(o.func);
            let s = &f.strings[o.string as usize];
            let c = Candidate {
                func: p.name(o.func).to_string(),
                file: p.file_path(o.func).to_string(),
                line: f.line,
                score: round3(score),
                template: p.strings.resolve(s.text).to_string(),
                site: self.site(o),
                exact,
            };
            if let Some(old) = out
                .iter_mut()
                .find(|x| x.func == c.func && x.template == c.template)
            {
                if old.score < c.score {
                    *old = c;
                }
            } else {
                out.push(c);
            }
        };
        let best = paths.first().map_or(0.0, |b| b.score);
        let path_funcs: Vec<&str> = paths
            .iter()
            .flat_map(|b| b.hops.iter().map(|h| h.func.as_str()))
            .collect();
        for &(t, o, len) in seg.matched.borrow().iter() {
            let name = p.name(o.func);
            let in_path = path_funcs.contains(&name);
            let frac = len as f64 / line.len().max(1) as f64;
            let score = if in_path { best.max(frac) } else { 0.5 * frac };
            let _ = t;
            push(o, score, true, &mut out);
        }
        for (t, sim) in
            self.fuzzy
                .nearest(line, self.opts.fuzzy_threshold, self.opts.max_candidates)
        {
            for &o in self.index.entry(t).owners.iter().take(8) {
                push(o, 0.9 * sim, false, &mut out);
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.func.cmp(&b.func))
        });
        out.truncate(self.opts.max_candidates);
        out
    }
}

/// The functions strictly between the ends of a path.
fn interior(funcs: &[FuncId]) -> &[FuncId] {
    if funcs.len() < 2 {
        &[]
    } else {
        &funcs[1..funcs.len() - 1]
    }
}

fn same_func(a: &Hop, b: &Hop) -> bool {
    a.func == b.func && a.file == b.file
}

fn same_hops(a: &[Hop], b: &[Hop]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.func == y.func && x.kind == y.kind && x.fmt == y.fmt)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
