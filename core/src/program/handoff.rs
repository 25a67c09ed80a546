//! Hand-offs: errors that leave a function through a channel or a struct field instead of a
//! `return`.
//!
//! Why: a future (`f.respond(err)` stores the error, `f.Error()` returns it to the waiting
//! goroutine), an `errCh <- err` answered by `<-errCh`, or a result struct sent back over a
//! channel (`ch <- result{err: err}` … `r.err`) all move an error between functions that never
//! call each other. The call graph alone cannot follow the error there.
//!
//! How: a *slot* is a place an error value waits: the elements of the channels of `error` of
//! one package (channels are passed around too freely to tell apart by variable; their package
//! is a good enough fence), or an `error` field of a named struct type. A function *writes* a
//! slot when it sends an error on such a channel or stores one into such a field (assignment or
//! composite literal), and *reads* it when an expression of its body receives from the channel
//! or reads the field. A reader is connected to every writer of the slots it reads. When the
//! value a writer stores is one of its own parameters (`func (d *deferError) respond(err
//! error)`), the error came from the writer's callers, which the path search follows next.

use rustc_hash::FxHashMap;

use crate::lang::go::{FieldSel, Sink, Ty};

use super::link::Linker;
use super::types::{Ctx, RType, TypeId};
use super::FuncId;

/// A function that stores an error into a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writer {
    pub func: FuncId,
    /// The stored value is this parameter of `func` (the error came from its callers).
    pub param: Option<u32>,
}

/// The hand-off facts of a program: which writers each function may receive an error from.
#[derive(Debug, Default)]
pub struct Handoffs {
    /// Per slot: its writers.
    writers: Vec<Vec<Writer>>,
    /// Per function: the slots it reads (CSR: `read_start[f]..read_start[f + 1]` of `reads`).
    read_start: Vec<u32>,
    reads: Vec<u32>,
    /// Per function: the parameters it stores into a slot.
    param_writes: FxHashMap<FuncId, Vec<u32>>,
}

impl Handoffs {
    /// The writers whose errors `f` may receive (never `f` itself).
    pub fn writers_read_by(&self, f: FuncId) -> impl Iterator<Item = Writer> + '_ {
        let (a, b) = match (
            self.read_start.get(f.index()),
            self.read_start.get(f.index() + 1),
        ) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        self.reads[a..b]
            .iter()
            .flat_map(move |&s| self.writers[s as usize].iter().copied())
            .filter(move |w| w.func != f)
    }

    /// Whether `f` reads some slot (cheap; the slot may have no other writer).
    pub fn reads_any(&self, f: FuncId) -> bool {
        match (
            self.read_start.get(f.index()),
            self.read_start.get(f.index() + 1),
        ) {
            (Some(&a), Some(&b)) => a < b,
            _ => false,
        }
    }

    /// The parameters of `f` it stores into a slot (`respond(err)` hands `err` on).
    pub fn params_written(&self, f: FuncId) -> &[u32] {
        self.param_writes.get(&f).map_or(&[], |v| v.as_slice())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Slot<'a> {
    /// The elements of every `chan error` of a package.
    Chan(u32),
    /// An `error` field of a named struct type.
    Field(TypeId, &'a str),
}

struct Collector<'l, 'a> {
    l: &'l Linker<'a>,
    ids: FxHashMap<Slot<'a>, u32>,
    writers: Vec<Vec<Writer>>,
}

impl<'a> Collector<'_, 'a> {
    fn id(&mut self, s: Slot<'a>) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(s).or_insert_with(|| {
            self.writers.push(Vec::new());
            next
        })
    }

    fn is_error(&self, t: RType<'a>) -> bool {
        matches!(self.l.underlying(t, 0), RType::Error)
    }

    /// `<-x` / `x <- v` on a channel of errors: the package's channel slot.
    fn chan_slot(&self, x: &'a Ty, ctx: Ctx<'a>) -> Option<Slot<'a>> {
        let rx = self.l.resolve(x, ctx, 0);
        match self.l.underlying(rx, 0) {
            RType::Chan(e) if self.is_error(self.l.ty(e)) => {
                Some(Slot::Chan(self.l.file_package[ctx.file as usize]))
            }
            _ => None,
        }
    }

    /// `x.name` where the field is an error: its field slot.
    fn field_slot(&self, x: &'a Ty, name: &'a str, ctx: Ctx<'a>) -> Option<Slot<'a>> {
        let rx = self.l.resolve(x, ctx, 0);
        let t = self.l.field_owner(&rx, name)?;
        let ft = self.l.member_type(&RType::Named(t), name, 0);
        self.is_error(ft).then_some(Slot::Field(t, name))
    }

    /// Slots an expression reads.
    fn reads(&self, ty: &'a Ty, ctx: Ctx<'a>, out: &mut Vec<Slot<'a>>, depth: u32) {
        if depth > 8 {
            return;
        }
        match ty {
            Ty::Elem(x) => {
                out.extend(self.chan_slot(x, ctx));
                self.reads(x, ctx, out, depth + 1);
            }
            Ty::Member(x, name) => {
                out.extend(self.field_slot(x, name, ctx));
                self.reads(x, ctx, out, depth + 1);
            }
            Ty::Deref(x) | Ty::Assert { x, .. } => self.reads(x, ctx, out, depth + 1),
            _ => {}
        }
    }

    /// The slot a store writes, if it stores an error into one.
    fn written(&self, dst: &'a Sink, ctx: Ctx<'a>) -> Option<Slot<'a>> {
        match dst {
            Sink::Expr(Ty::Elem(x)) => self.chan_slot(x, ctx),
            Sink::Expr(Ty::Member(x, name)) => self.field_slot(x, name, ctx),
            Sink::Field { ty, field } => {
                let t = match self.l.resolve(ty, ctx, 0) {
                    RType::Named(t) => t,
                    RType::Ptr(p) => match self.l.ty(p) {
                        RType::Named(t) => t,
                        _ => return None,
                    },
                    _ => return None,
                };
                let name = match field {
                    FieldSel::Name(n) => n.as_str(),
                    FieldSel::Index(i) => self.l.field_name_at(t, *i)?,
                };
                let ft = self.l.member_type(&RType::Named(t), name, 0);
                self.is_error(ft).then_some(Slot::Field(t, name))
            }
            _ => None,
        }
    }
}

/// Whether a stored value is certainly no error (`nil`).
fn is_nil(src: &Ty) -> bool {
    matches!(src, Ty::Global(n) if n == "nil") || matches!(src, Ty::Unknown)
}

/// Collects the hand-off facts of every function.
pub(crate) fn collect(l: &Linker<'_>, n_funcs: usize) -> Handoffs {
    let mut c = Collector {
        l,
        ids: FxHashMap::default(),
        writers: Vec::new(),
    };
    let mut reads: Vec<Vec<u32>> = vec![Vec::new(); n_funcs];
    let mut param_writes: FxHashMap<FuncId, Vec<u32>> = FxHashMap::default();
    let mut found = Vec::new();
    for (fi, file) in l.files.iter().enumerate() {
        for (i, func) in file.funcs.iter().enumerate() {
            let f = l.func_of(fi as u32, i as u32);
            let ctx = l.ctx_of_func(f);
            found.clear();
            for s in &func.stores {
                c.reads(&s.src, ctx, &mut found, 0);
            }
            for r in func.returns.iter().flatten() {
                c.reads(r, ctx, &mut found, 0);
            }
            for call in &func.calls {
                for a in &call.args {
                    c.reads(a, ctx, &mut found, 0);
                }
            }
            for s in std::mem::take(&mut found) {
                let id = c.id(s);
                reads[f.index()].push(id);
            }
            for s in &func.stores {
                if is_nil(&s.src) {
                    continue;
                }
                let Some(slot) = c.written(&s.dst, ctx) else {
                    continue;
                };
                let param = match &s.src {
                    Ty::Param {
                        func: pf, index, ..
                    } if *pf == i as u32 => Some(*index),
                    _ => None,
                };
                let id = c.id(slot) as usize;
                let w = Writer { func: f, param };
                if !c.writers[id].contains(&w) {
                    c.writers[id].push(w);
                }
                if let Some(p) = param {
                    let v = param_writes.entry(f).or_default();
                    if !v.contains(&p) {
                        v.push(p);
                    }
                }
            }
        }
    }
    let mut read_start = Vec::with_capacity(n_funcs + 1);
    let mut flat = Vec::new();
    for mut r in reads {
        r.sort_unstable();
        r.dedup();
        read_start.push(flat.len() as u32);
        flat.extend(r);
    }
    read_start.push(flat.len() as u32);
    Handoffs {
        writers: c.writers,
        read_start,
        reads: flat,
        param_writes,
    }
}
