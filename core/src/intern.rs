//! String interning: every error/log string and every name is stored once and referred to by a
//! `u32` id. Closures over large repositories hold millions of (function, string) pairs; with
//! interning they are plain integer sets.

use rustc_hash::FxHashMap;
use serde::Serialize;

/// An interned string. Only meaningful with the [`Interner`] that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Sym(pub u32);

/// Owns the interned strings.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: FxHashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.strings.len()).expect("more than 4G interned strings"));
        self.strings.push(s.into());
        self.ids.insert(s.into(), sym);
        sym
    }

    /// The id of `s` if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        &self.strings[sym.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Bytes held by the string data (for memory reports).
    pub fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len()).sum::<usize>() * 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_idempotent_and_reversible() {
        let mut i = Interner::new();
        let a = i.intern("open %s: %w");
        let b = i.intern("other");
        assert_ne!(a, b);
        assert_eq!(i.intern("open %s: %w"), a);
        assert_eq!(i.resolve(b), "other");
        assert_eq!(i.get("missing"), None);
        assert_eq!(i.len(), 2);
    }
}
