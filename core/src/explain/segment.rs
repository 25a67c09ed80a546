//! Segmentation by parsing: a line explained as a chain of templates, each wrapping the next.
//!
//! The outermost template matches the end of the line (from some start, so unparsed prefixes are
//! tolerated); a hole of it that may hold an error is explained in turn by an inner template,
//! whose owner must be reachable from the outer owner within k calls — the constant-closure
//! condition C_k of ErrorPrism — and so on. A capture no template explains is an unexplained tail
//! (text from the standard library or a dependency) when it looks like an error, or a plain value.
//! Results per (span, outer owner) are memoised, and total work is bounded by a step budget.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::externals::{self, ExternalCalls};
use super::matcher_index::{MatcherIndex, Owner, TplId};
use super::path;
use super::template::{Captures, Hole};
use crate::closure::Closure;
use crate::lang::go::Role;
use crate::program::{FuncId, Program};

/// Deepest chain of templates considered.
const MAX_LINKS: usize = 8;
/// Chains kept per (span, owner).
const KEEP: usize = 4;
/// Matches of one template against one span.
const MATCHES_PER_SPAN: usize = 6;
/// Owners tried per template at the top level (same text in many functions).
const TOP_OWNERS: usize = 64;
/// Total `link` expansions per line.
const BUDGET: usize = 4_000;
/// Functions visited by one extended-reach search, at most.
const REACH_VISITS: usize = 20_000;
/// Best chains a generic outermost template is tried around.
const GENERIC_OUTER_OF: usize = 4;
/// How far beyond C_k an inner owner may be, through error-returning functions.
const EXTENDED_REACH: u32 = 8;

/// One template of a chain, matched on `span` of the line.
#[derive(Debug, Clone)]
pub struct Link {
    pub tpl: TplId,
    pub owner: Owner,
    pub span: (usize, usize),
    /// The capture the next link (or the tail) explains.
    pub inner: Option<(usize, usize)>,
    /// How the owner relates to the outer owner.
    pub reach: Reach,
}

/// How an inner template's owner is reached from the outer owner: within C_k (the closure
/// condition), further through error-returning functions, or not by calls at all (the error came
/// in as an argument, as to an error handler callback). Weaker reaches rank lower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    Closure,
    Extended,
    Unrelated,
}

/// An explanation of (part of) a line.
#[derive(Debug, Clone)]
pub struct Chain {
    pub links: Vec<Link>,
    /// The innermost error text no template explains.
    pub tail: Option<(usize, usize)>,
    /// Bytes of the line accounted for (literals and value holes).
    pub covered: usize,
    /// Bytes matched by literal template text.
    pub literal: usize,
}

impl Chain {
    fn key(
        &self,
    ) -> (
        usize,
        usize,
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
    ) {
        // A function wrapping its own result again is rarer than two functions each wrapping once
        // (`status.Errorf("place order: %v", err)` around `fmt.Errorf("place order: %w", …)`).
        let repeated = self
            .links
            .windows(2)
            .filter(|w| w[0].owner.func == w[1].owner.func)
            .count();
        let weakness = repeated * 2
            + self
                .links
                .iter()
                .map(|l| match l.reach {
                    Reach::Closure => 0,
                    Reach::Extended => 1,
                    Reach::Unrelated => 4,
                })
                .sum::<usize>();
        (
            self.covered,
            self.literal,
            std::cmp::Reverse(weakness),
            std::cmp::Reverse(self.links.len()),
        )
    }
}

/// A per-line cache of shared results.
type Memo<K, V> = RefCell<FxHashMap<K, Rc<V>>>;

pub struct Segmenter<'a> {
    program: &'a Program,
    closure: &'a Closure,
    index: &'a MatcherIndex,
    externals: &'a ExternalCalls,
    line: &'a str,
    hits: FxHashMap<TplId, Vec<(usize, usize)>>,
    memo: Memo<(usize, usize, FuncId), Vec<Chain>>,
    reach: Memo<(FuncId, bool), FxHashSet<FuncId>>,
    generic: RefCell<FxHashMap<FuncId, Rc<Vec<TplId>>>>,
    matches: Memo<(TplId, usize, usize), Vec<Captures>>,
    budget: Cell<usize>,
    /// Every (template, owner) that matched some span: material for the candidate list.
    pub matched: RefCell<Vec<(TplId, Owner, usize)>>,
}

impl<'a> Segmenter<'a> {
    pub fn new(
        program: &'a Program,
        closure: &'a Closure,
        index: &'a MatcherIndex,
        externals: &'a ExternalCalls,
        line: &'a str,
    ) -> Segmenter<'a> {
        Segmenter {
            program,
            closure,
            index,
            externals,
            line,
            hits: index.hits(line),
            memo: RefCell::default(),
            reach: RefCell::default(),
            generic: RefCell::default(),
            matches: RefCell::default(),
            budget: Cell::new(BUDGET),
            matched: RefCell::default(),
        }
    }

    /// The best chains for the whole line, best first (at most `keep`).
    pub fn top(&self, keep: usize) -> Vec<Chain> {
        let mut out: Vec<Chain> = Vec::new();
        let mut tpls: Vec<TplId> = self.hits.keys().copied().collect();
        tpls.sort_unstable();
        for t in tpls {
            let tpl = &self.index.entry(t).template;
            let starts: Vec<usize> = match tpl.leading_literal() {
                Some(l) => self.line.match_indices(l).map(|(p, _)| p).take(8).collect(),
                None => vec![0],
            };
            for s in starts {
                for caps in tpl.match_full(&self.line[s..], MATCHES_PER_SPAN) {
                    let caps = shift(caps, s);
                    let owners = &self.index.entry(t).owners;
                    for &o in owners.iter().take(TOP_OWNERS) {
                        out.extend(self.link(t, o, (s, self.line.len()), &caps, 0, Reach::Closure));
                    }
                }
            }
        }
        rank(&mut out);
        let outer = self.generic_outer(&out[..out.len().min(GENERIC_OUTER_OF)]);
        if !outer.is_empty() {
            out.extend(outer);
            rank(&mut out);
        }
        out.truncate(keep);
        out
    }

    /// Chains that put a template with no literal anchor (`fmt.Fprintf(os.Stderr, "%s: %v\n",
    /// file, err)`) around one of `chains` that leaves a prefix of the line unexplained. Such a
    /// template matches almost anything, so it is only tried as the outermost layer, around a
    /// chain whose first template is in its owner's C_k.
    fn generic_outer(&self, chains: &[Chain]) -> Vec<Chain> {
        let mut out = Vec::new();
        let generic = self.index.generic();
        if generic.is_empty() {
            return out;
        }
        for c in chains {
            let Some(first) = c.links.first() else {
                continue;
            };
            let (start, end) = first.span;
            let role = self
                .program
                .func(first.owner.func)
                .strings
                .get(first.owner.string as usize)
                .map(|s| s.role);
            if start == 0 || end != self.line.len() || role == Some(Role::Log) {
                continue;
            }
            // Only templates whose text before the final hole ends the unexplained prefix.
            let prefix = &self.line[..start];
            let fitting: Vec<TplId> = generic
                .iter()
                .copied()
                .filter(|&t| {
                    self.index
                        .entry(t)
                        .template
                        .literal_before_last_hole()
                        .is_some_and(|l| prefix.ends_with(l))
                })
                .collect();
            if fitting.is_empty() {
                continue;
            }
            let text = self.index.entry(first.tpl).text;
            let reaching: FxHashSet<FuncId> = self
                .closure
                .reaching(self.program, text)
                .into_iter()
                .collect();
            for t in fitting {
                let e = self.index.entry(t);
                let owners: Vec<Owner> = e
                    .owners
                    .iter()
                    .copied()
                    .filter(|o| o.func != first.owner.func && reaching.contains(&o.func))
                    .take(TOP_OWNERS)
                    .collect();
                if owners.is_empty() {
                    continue;
                }
                for caps in e.template.match_full(self.line, MATCHES_PER_SPAN) {
                    let Some(&(_, a, b)) = caps
                        .iter()
                        .find(|&&(h, a, b)| h.may_be_error() && a == start && b == end)
                    else {
                        continue;
                    };
                    // The other holes are values (`file`); text with spaces is not one.
                    let vague: usize = caps
                        .iter()
                        .filter(|&&(_, x, y)| {
                            x != a && self.line[x..y].contains(char::is_whitespace)
                        })
                        .map(|&(_, x, y)| y - x)
                        .sum();
                    for &o in &owners {
                        let mut links = vec![Link {
                            tpl: t,
                            owner: o,
                            span: (0, self.line.len()),
                            inner: Some((a, b)),
                            reach: Reach::Closure,
                        }];
                        links.extend(c.links.iter().cloned());
                        out.push(Chain {
                            links,
                            tail: c.tail,
                            covered: c.covered + (self.line.len() - (b - a)) - vague,
                            literal: c.literal + e.template.literal_len(),
                        });
                    }
                }
            }
        }
        out
    }

    /// Chains starting with template `t` owned by `o`, matched on `span` with `caps`.
    fn link(
        &self,
        t: TplId,
        o: Owner,
        span: (usize, usize),
        caps: &Captures,
        depth: usize,
        reach: Reach,
    ) -> Vec<Chain> {
        let left = self.budget.get();
        if left == 0 {
            return Vec::new();
        }
        self.budget.set(left - 1);
        let tpl = &self.index.entry(t).template;
        self.matched.borrow_mut().push((t, o, span.1 - span.0));
        let literal = tpl.literal_len();
        let base = Link {
            tpl: t,
            owner: o,
            span,
            inner: None,
            reach,
        };
        // A format filled with plain data (a field of a decoded message) wraps no error.
        let data_only = self
            .program
            .func(o.func)
            .strings
            .get(o.string as usize)
            .is_some_and(|s| self.externals.formats_data_only(o.func, s.line));
        // A hole a string helper fills (`LogAddress(from)`) holds one of the helper's texts.
        if let Some(s) = self.program.func(o.func).strings.get(o.string as usize) {
            for (i, texts) in self.externals.helper_holes(o.func, s.line) {
                let Some(&(_, a, b)) = caps.get(i) else {
                    continue;
                };
                let fits = texts
                    .iter()
                    .any(|t| !t.match_full(&self.line[a..b], 1).is_empty());
                if !fits {
                    return Vec::new();
                }
            }
        }
        // Error holes first, then value holes from the last.
        let mut holes: Vec<(Hole, usize, usize)> = caps
            .iter()
            .copied()
            .filter(|&(h, a, b)| h.may_be_error() && b > a && !data_only)
            .collect();
        holes.sort_by_key(|&(h, a, _)| (h != Hole::Error, std::cmp::Reverse(a)));
        holes.truncate(2);
        let whole = span.1 - span.0;
        // A `%v`/`%s` capture with spaces in it is text no template explained, not a value
        // (unless the call fills its holes with data, whatever the text).
        let vague = |&(h, a, b): &(Hole, usize, usize)| {
            !data_only
                && matches!(h, Hole::Value | Hole::Str | Hole::Other | Hole::Error)
                && self.line[a..b].contains(char::is_whitespace)
        };
        let vague_len = |skip: Option<usize>| -> usize {
            caps.iter()
                .filter(|c| Some(c.1) != skip && vague(c))
                .map(|c| c.2 - c.1)
                .sum()
        };
        // An unexplained capture is an error from outside when the verb says so (`%w`), when it
        // is a `%v` that reads like an error, or when it names a known external error (`%s` is
        // usually a plain string: a message from a response body).
        let is_tail = |h: Hole, text: &str| match h {
            Hole::Error => true,
            Hole::Value => externals::looks_like_error(text),
            _ => !externals::likely_sources(text).is_empty(),
        };
        let any_tail = holes.iter().any(|&(h, a, b)| is_tail(h, &self.line[a..b]));
        let mut out = Vec::new();
        if holes.is_empty() {
            out.push(Chain {
                links: vec![base.clone()],
                tail: None,
                covered: whole - vague_len(None),
                literal,
            });
        }
        for (h, a, b) in holes {
            let others = vague_len(Some(a));
            // A logger's fields after the message (`peer=x error="dial tcp …"`): the error is
            // the `error`/`err` field's value; the other fields are values.
            let (a, b) = match error_field(&self.line[a..b]) {
                Some((x, y)) if h == Hole::Error => (a + x, a + y),
                _ => (a, b),
            };
            if depth + 1 < MAX_LINKS {
                for sub in self.inner((a, b), o.func, depth + 1).iter().take(KEEP) {
                    let mut links = vec![Link {
                        inner: Some((a, b)),
                        ..base.clone()
                    }];
                    links.extend(sub.links.iter().cloned());
                    out.push(Chain {
                        links,
                        tail: sub.tail,
                        covered: whole - (b - a) - others + sub.covered,
                        literal: literal + sub.literal,
                    });
                }
            }
            if is_tail(h, &self.line[a..b]) {
                out.push(Chain {
                    links: vec![Link {
                        inner: Some((a, b)),
                        ..base.clone()
                    }],
                    tail: Some((a, b)),
                    covered: whole - (b - a) - others,
                    literal,
                });
            } else if !any_tail {
                // A plain value — unless another hole holds the error, whose reading is better.
                out.push(Chain {
                    links: vec![base.clone()],
                    tail: None,
                    covered: whole - vague_len(None),
                    literal,
                });
            }
        }
        out
    }

    /// Chains that explain exactly `span`, whose first owner the function `outer` reaches.
    fn inner(&self, span: (usize, usize), outer: FuncId, depth: usize) -> Rc<Vec<Chain>> {
        if let Some(v) = self.memo.borrow().get(&(span.0, span.1, outer)) {
            return v.clone();
        }
        let reach = self.reachable(outer, false);
        let extended = self.reachable(outer, true);
        // A deferred literal that formats a recovered panic or wraps its enclosing function's
        // named result holds an error from anywhere below that function: its reach is its reach.
        let unwound = self
            .externals
            .deferred_scope(self.program, outer)
            .map(|(g, _)| g);
        let (reach_up, extended_up) = match unwound {
            Some(g) => (
                Some(self.reachable(g, false)),
                Some(self.reachable(g, true)),
            ),
            None => (None, None),
        };
        let in_reach =
            |f: FuncId| reach.contains(&f) || reach_up.as_ref().is_some_and(|r| r.contains(&f));
        let in_extended = |f: FuncId| {
            extended.contains(&f) || extended_up.as_ref().is_some_and(|r| r.contains(&f))
        };
        let mut tpls: Vec<TplId> = self
            .hits
            .iter()
            .filter(|(_, occ)| occ.iter().any(|&(a, b)| a >= span.0 && b <= span.1))
            .map(|(&t, _)| t)
            .collect();
        tpls.sort_unstable();
        let anchored = tpls.len();
        tpls.extend(self.generic(outer).iter().copied());
        let text = &self.line[span.0..span.1];
        let mut out = Vec::new();
        for (i, t) in tpls.into_iter().enumerate() {
            let e = self.index.entry(t);
            let in_ck = self.closure.contains(outer, e.text)
                || unwound.is_some_and(|g| self.closure.contains(g, e.text));
            if !in_ck && i >= anchored {
                continue;
            }
            let owners: Vec<(Owner, Reach)> = e
                .owners
                .iter()
                // A log call's message goes to the log, never into an error a caller formats.
                .filter(|o| {
                    let f = self.program.func(o.func);
                    f.strings
                        .get(o.string as usize)
                        .is_none_or(|s| s.role != Role::Log)
                })
                .take(TOP_OWNERS)
                .map(|&o| {
                    if in_ck && in_reach(o.func) {
                        (o, Reach::Closure)
                    } else if i < anchored && in_extended(o.func) {
                        // Generic templates (`"%v: %v"`) match almost anything: only within C_k.
                        (o, Reach::Extended)
                    } else {
                        (o, Reach::Unrelated)
                    }
                })
                // Unrelated owners only directly inside the outermost template: an error handed
                // to a logging callback, not anywhere in a chain.
                .filter(|&(_, r)| r != Reach::Unrelated || (i < anchored && depth == 1))
                .filter(|&(_, r)| i < anchored || r == Reach::Closure)
                .collect();
            if owners.is_empty() {
                continue;
            }
            // At the start of the capture, or after a prefix no template explains (the
            // `tls: ` an `Error()` method puts before a message).
            let mut starts = vec![0usize];
            if let Some(l) = e.template.leading_literal() {
                starts.extend(
                    text.match_indices(l)
                        .map(|(p, _)| p)
                        .filter(|&p| p > 0)
                        .take(4),
                );
            }
            for st in starts {
                let sub = (span.0 + st, span.1);
                for caps in self.matches_on(t, sub).iter() {
                    for &(o, beyond) in &owners {
                        out.extend(self.link(t, o, sub, caps, depth, beyond));
                    }
                }
            }
        }
        rank(&mut out);
        out.truncate(KEEP * 2);
        let out = Rc::new(out);
        self.memo
            .borrow_mut()
            .insert((span.0, span.1, outer), out.clone());
        out
    }

    /// Functions within k calls of `f` (f included); `extended`: within [`EXTENDED_REACH`]
    /// calls through functions that can pass an error on.
    fn reachable(&self, f: FuncId, extended: bool) -> Rc<FxHashSet<FuncId>> {
        if let Some(r) = self.reach.borrow().get(&(f, extended)) {
            return r.clone();
        }
        let mut seen: FxHashSet<FuncId> = FxHashSet::default();
        seen.insert(f);
        let mut frontier = vec![f];
        let depth = if extended {
            EXTENDED_REACH
        } else {
            self.closure.k
        };
        for _ in 0..depth {
            let mut next = Vec::new();
            for g in frontier {
                if extended && g != f && !path::may_pass_error(self.program, g) {
                    continue;
                }
                for (c, _) in self.program.callees(g) {
                    if seen.insert(c) {
                        next.push(c);
                    }
                }
                if extended {
                    // Errors handed over a channel or a field: the writer, and when it stores
                    // a parameter, the callers that passed the error in.
                    for w in self.program.handoffs.writers_read_by(g) {
                        if seen.insert(w.func) {
                            next.push(w.func);
                        }
                        if w.param.is_some() {
                            for (c, _) in self.program.callers(w.func) {
                                if seen.insert(c) {
                                    next.push(c);
                                }
                            }
                        }
                    }
                }
                if seen.len() > REACH_VISITS {
                    break;
                }
            }
            frontier = next;
        }
        let r = Rc::new(seen);
        self.reach.borrow_mut().insert((f, extended), r.clone());
        r
    }

    /// Matches of template `t` on exactly `span`, with absolute offsets (memoised).
    fn matches_on(&self, t: TplId, span: (usize, usize)) -> Rc<Vec<Captures>> {
        if let Some(m) = self.matches.borrow().get(&(t, span.0, span.1)) {
            return m.clone();
        }
        let m: Vec<Captures> = self
            .index
            .entry(t)
            .template
            .match_full(&self.line[span.0..span.1], MATCHES_PER_SPAN)
            .into_iter()
            .map(|c| shift(c, span.0))
            .collect();
        let m = Rc::new(m);
        self.matches
            .borrow_mut()
            .insert((t, span.0, span.1), m.clone());
        m
    }

    fn generic(&self, f: FuncId) -> Rc<Vec<TplId>> {
        if let Some(g) = self.generic.borrow().get(&f) {
            return g.clone();
        }
        let g = Rc::new(self.index.generic_in_closure(self.closure, f));
        self.generic.borrow_mut().insert(f, g.clone());
        g
    }
}

/// The span of the value of an `error=`/`err=` field in logfmt-style `key=value` text.
pub fn error_field(text: &str) -> Option<(usize, usize)> {
    if !text.contains('=') {
        return None;
    }
    for key in ["error=", "err="] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let at = from + i;
            from = at + key.len();
            if at > 0 && !text[..at].ends_with(' ') {
                continue;
            }
            let v = at + key.len();
            let rest = &text[v..];
            if let Some(q) = rest.strip_prefix('"') {
                let mut end = None;
                let mut escaped = false;
                for (j, c) in q.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(j);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let end = end?;
                return (end > 0).then_some((v + 1, v + 1 + end));
            }
            let end = rest.find(' ').unwrap_or(rest.len());
            return (end > 0).then_some((v, v + end));
        }
    }
    None
}

fn shift(caps: Captures, by: usize) -> Captures {
    caps.into_iter()
        .map(|(h, a, b)| (h, a + by, b + by))
        .collect()
}

/// Best first; ties keep their order.
fn rank(chains: &mut [Chain]) {
    chains.sort_by_key(|c| std::cmp::Reverse(c.key()));
}

#[cfg(test)]
mod tests {
    use super::error_field;

    #[test]
    fn finds_the_error_field_of_logger_fields() {
        let t = r#"peer=10.0.0.7:8300 error="dial tcp 10.0.0.7:8300: connect: refused""#;
        let (a, b) = error_field(t).expect("error field");
        assert_eq!(&t[a..b], "dial tcp 10.0.0.7:8300: connect: refused");
        let u = "err=EOF from=x";
        let (a, b) = error_field(u).expect("err field");
        assert_eq!(&u[a..b], "EOF");
        assert_eq!(error_field("no fields: here"), None);
        assert_eq!(error_field("myerror=x"), None);
    }
}
