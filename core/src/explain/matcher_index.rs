//! Every string of σ compiled once, and an Aho-Corasick automaton over their literal anchors.
//!
//! A template can only match a line that contains its longest literal piece, so one pass of the
//! automaton over the line names the few templates worth verifying with the backtracking matcher,
//! however many templates the repository has. Templates with no literal of at least
//! [`MIN_ANCHOR`] bytes (`"%s: %w"`) would hit every line; they are kept apart as *generic* and
//! only tried inside a wrap whose owner's closure holds them.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashMap;

use super::template::Template;
use crate::closure::Closure;
use crate::intern::Sym;
use crate::lang::go::{Form, Role};
use crate::program::{FuncId, Program};

/// Shortest literal worth indexing.
pub const MIN_ANCHOR: usize = 3;

/// A template's index in [`MatcherIndex::entries`].
pub type TplId = u32;

/// A function that owns a template, and which of its strings it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub func: FuncId,
    /// Index into the function's `strings`.
    pub string: u32,
}

#[derive(Debug, Clone)]
pub struct TemplateEntry {
    pub text: Sym,
    pub form: Form,
    pub template: Template,
    pub owners: Vec<Owner>,
}

/// The templates of a program and the anchor automaton.
#[derive(Debug, Clone)]
pub struct MatcherIndex {
    pub entries: Vec<TemplateEntry>,
    ac: Option<AhoCorasick>,
    /// Per automaton pattern: the templates anchored on it.
    pattern_tpls: Vec<Vec<TplId>>,
    generic: Vec<TplId>,
}

impl MatcherIndex {
    pub fn build(program: &Program) -> MatcherIndex {
        let mut key_to_id: FxHashMap<(Sym, Form, bool), TplId> = FxHashMap::default();
        let mut entries: Vec<TemplateEntry> = Vec::new();
        for (fi, f) in program.funcs.iter().enumerate() {
            for (si, s) in f.strings.iter().enumerate() {
                let open_tail = s.role == Role::Log && s.form == Form::Plain;
                let id = *key_to_id
                    .entry((s.text, s.form, open_tail))
                    .or_insert_with(|| {
                        entries.push(TemplateEntry {
                            text: s.text,
                            form: s.form,
                            template: Template::compile(
                                program.strings.resolve(s.text),
                                s.form,
                                s.role,
                            ),
                            owners: Vec::new(),
                        });
                        (entries.len() - 1) as TplId
                    });
                // One owner per function: a text used at several sites of one function (five
                // `return fmt.Errorf("place order: %w", err)`) is one hypothesis, not five.
                let owners = &mut entries[id as usize].owners;
                if owners.last().is_none_or(|o| o.func != FuncId(fi as u32)) {
                    owners.push(Owner {
                        func: FuncId(fi as u32),
                        string: si as u32,
                    });
                }
            }
        }
        let mut pattern_of: FxHashMap<&str, usize> = FxHashMap::default();
        let mut patterns: Vec<&str> = Vec::new();
        let mut pattern_tpls: Vec<Vec<TplId>> = Vec::new();
        let mut generic = Vec::new();
        for (id, e) in entries.iter().enumerate() {
            match e.template.anchor() {
                Some(a) if a.len() >= MIN_ANCHOR => {
                    let p = *pattern_of.entry(a).or_insert_with(|| {
                        patterns.push(a);
                        pattern_tpls.push(Vec::new());
                        patterns.len() - 1
                    });
                    pattern_tpls[p].push(id as TplId);
                }
                _ => generic.push(id as TplId),
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        MatcherIndex {
            entries,
            ac,
            pattern_tpls,
            generic,
        }
    }

    pub fn entry(&self, id: TplId) -> &TemplateEntry {
        &self.entries[id as usize]
    }

    /// Templates whose anchor occurs in `text`, each with the byte range of every occurrence.
    pub fn hits(&self, text: &str) -> FxHashMap<TplId, Vec<(usize, usize)>> {
        let mut out: FxHashMap<TplId, Vec<(usize, usize)>> = FxHashMap::default();
        let Some(ac) = &self.ac else {
            return out;
        };
        for m in ac.find_overlapping_iter(text) {
            for &t in &self.pattern_tpls[m.pattern().as_usize()] {
                out.entry(t).or_default().push((m.start(), m.end()));
            }
        }
        out
    }

    /// Generic (anchor-less) templates that some function in C_k(`f`) owns.
    /// Templates with no literal anchor (`"%s: %v"`).
    pub fn generic(&self) -> &[TplId] {
        &self.generic
    }

    pub fn generic_in_closure(&self, closure: &Closure, f: FuncId) -> Vec<TplId> {
        self.generic
            .iter()
            .copied()
            .filter(|&t| closure.contains(f, self.entries[t as usize].text))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
