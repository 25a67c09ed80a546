//! Evaluating symbolic types ([`Ty`]) against the whole program, method sets with embedding,
//! and interface dispatch.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::lang::go::{Callee, Field, ImportName, InterfaceType, Signature, Ty, TypeDecl};

use super::link::Linker;
use super::FuncId;

/// Index of a named type declaration in [`Linker::types`].
pub(crate) type TypeId = u32;

/// Where a symbolic type is evaluated: the file (for import qualifiers and the package) and the
/// type parameters in scope (which stand for unknown types).
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub file: u32,
    pub tparams: &'a [String],
}

/// A resolved type. `Copy`: the parts of composite types are interned in a [`TypeTable`]
/// ([`Linker::ty`] reads one), so building, copying and dropping a type never allocates (boxed
/// parts made malloc/free a large share of the link stage).
#[derive(Clone, Copy, Debug)]
pub(crate) enum RType<'a> {
    Named(TypeId),
    Ptr(TRef),
    /// Slice or array.
    Seq(TRef),
    Map(TRef, TRef),
    Chan(TRef),
    Func(&'a Signature, u32),
    Iface(&'a InterfaceType, u32),
    Struct(&'a [Field], u32),
    /// The predeclared `error` interface.
    Error,
    /// `string`, `int`, …
    Basic(&'a str),
    /// A type from a package outside the program.
    External,
    /// A value that is known to be this function.
    FuncVal(FuncId),
    Unknown,
}

/// An interned part of a composite [`RType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TRef(u32);

/// Hash-consed parts of composite types: each distinct type is stored once, so the table stays
/// as small as the set of types the program spells.
#[derive(Default)]
pub(crate) struct TypeTable<'a> {
    types: Vec<RType<'a>>,
    ids: FxHashMap<(u8, u64, u64), TRef>,
}

impl<'a> TypeTable<'a> {
    fn intern(&mut self, t: RType<'a>) -> TRef {
        // Identity: ids, and addresses of the facts (which outlive the table).
        let addr = |p: *const u8| p as usize as u64;
        let key = match t {
            RType::Named(id) => (0, u64::from(id), 0),
            RType::Ptr(r) => (1, u64::from(r.0), 0),
            RType::Seq(r) => (2, u64::from(r.0), 0),
            RType::Map(k, v) => (3, u64::from(k.0), u64::from(v.0)),
            RType::Chan(r) => (4, u64::from(r.0), 0),
            RType::Func(sig, file) => (5, addr((sig as *const Signature).cast()), u64::from(file)),
            RType::Iface(it, file) => (
                6,
                addr((it as *const InterfaceType).cast()),
                u64::from(file),
            ),
            RType::Struct(fields, file) => (
                7,
                addr(fields.as_ptr().cast()),
                (u64::from(file) << 32) | fields.len() as u64,
            ),
            RType::Error => (8, 0, 0),
            RType::Basic(b) => (9, addr(b.as_ptr()), b.len() as u64),
            RType::External => (10, 0, 0),
            RType::FuncVal(f) => (11, u64::from(f.0), 0),
            RType::Unknown => (12, 0, 0),
        };
        if let Some(&r) = self.ids.get(&key) {
            return r;
        }
        let r = TRef(self.types.len() as u32);
        self.types.push(t);
        self.ids.insert(key, r);
        r
    }
}

/// An interface, by identity, for dispatch.
#[derive(Clone, Copy, Debug)]
pub(crate) enum IfaceRef<'a> {
    Error,
    Inline(&'a InterfaceType, u32),
}

/// What a method name means on a type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MethodEntry<'a> {
    Concrete(FuncId),
    /// The method comes from an interface (the type is an interface, or embeds one).
    Abstract(IfaceRef<'a>),
}

pub(crate) type MethodSet<'a> = FxHashMap<&'a str, MethodEntry<'a>>;

/// A method set, borrowed from the shared tables (no reference count to touch on the hot path)
/// or, while they are being filled, shared with the memo.
pub(crate) enum MsRef<'s, 'a> {
    Shared(&'s MethodSet<'a>),
    Owned(Arc<MethodSet<'a>>),
}

impl<'a> std::ops::Deref for MsRef<'_, 'a> {
    type Target = MethodSet<'a>;
    fn deref(&self) -> &MethodSet<'a> {
        match self {
            MsRef::Shared(ms) => ms,
            MsRef::Owned(ms) => ms,
        }
    }
}

const MAX_DEPTH: u32 = 24;

const BASIC: &[&str] = &[
    "bool",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "byte",
    "rune",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "any",
    "comparable",
];

/// The position of a predeclared basic type name in [`BASIC`] (a `match`, not a scan: most
/// type names the linker looks up are these).
fn basic_index(name: &str) -> Option<usize> {
    Some(match name {
        "bool" => 0,
        "string" => 1,
        "int" => 2,
        "int8" => 3,
        "int16" => 4,
        "int32" => 5,
        "int64" => 6,
        "uint" => 7,
        "uint8" => 8,
        "uint16" => 9,
        "uint32" => 10,
        "uint64" => 11,
        "uintptr" => 12,
        "byte" => 13,
        "rune" => 14,
        "float32" => 15,
        "float64" => 16,
        "complex64" => 17,
        "complex128" => 18,
        "any" => 19,
        "comparable" => 20,
        _ => return None,
    })
}

impl<'a> Linker<'a> {
    /// The type an interned part stands for.
    pub(crate) fn ty(&self, r: TRef) -> RType<'a> {
        self.type_table.borrow().types[r.0 as usize]
    }

    fn tref(&self, t: RType<'a>) -> TRef {
        self.type_table.borrow_mut().intern(t)
    }

    /// `t` without one level of pointer.
    pub(crate) fn pointee(&self, t: &RType<'a>) -> RType<'a> {
        match t {
            RType::Ptr(inner) => self.ty(*inner),
            other => *other,
        }
    }

    pub(crate) fn ctx_of_type(&self, t: TypeId) -> Ctx<'a> {
        let info = &self.types[t as usize];
        Ctx {
            file: info.file,
            tparams: &info.decl.type_params,
        }
    }

    pub(crate) fn ctx_of_func(&self, f: FuncId) -> Ctx<'a> {
        let (file, idx) = self.func_origin[f.index()];
        let func = &self.files[file as usize].funcs[idx as usize];
        // Literals see their outermost function's type parameters.
        let mut tparams: &'a [String] = &func.type_params;
        let mut p = func.parent;
        while let Some(pi) = p {
            let pf = &self.files[file as usize].funcs[pi as usize];
            if !pf.type_params.is_empty() {
                tparams = &pf.type_params;
            }
            p = pf.parent;
        }
        Ctx { file, tparams }
    }

    /// A type name as written in `file`.
    fn lookup_type_name(&self, ctx: Ctx<'a>, qual: Option<&str>, name: &str) -> RType<'a> {
        match qual {
            None => {
                if ctx.tparams.iter().any(|t| t == name) {
                    return RType::Unknown;
                }
                let pkg = self.file_package[ctx.file as usize];
                if let Some(&t) = self.pkg_types[pkg as usize].get(name) {
                    return RType::Named(t);
                }
                for &dp in &self.dot_imports[ctx.file as usize] {
                    if let Some(&t) = self.pkg_types[dp as usize].get(name) {
                        return RType::Named(t);
                    }
                }
                match name {
                    "error" => RType::Error,
                    _ => match basic_index(name) {
                        Some(i) => RType::Basic(BASIC[i]),
                        None => RType::Unknown,
                    },
                }
            }
            Some(q) => match self.import_target(ctx.file, q) {
                Some(Some(pkg)) => match self.pkg_types[pkg as usize].get(name) {
                    Some(&t) => RType::Named(t),
                    None => RType::Unknown,
                },
                Some(None) => RType::External,
                None => RType::Unknown,
            },
        }
    }

    pub(crate) fn resolve(&self, ty: &'a Ty, ctx: Ctx<'a>, depth: u32) -> RType<'a> {
        if depth > MAX_DEPTH {
            return RType::Unknown;
        }
        let d = depth + 1;
        match ty {
            Ty::Named { qual, name } => self.lookup_type_name(ctx, qual.as_deref(), name),
            Ty::Pointer(t) => RType::Ptr(self.tref(self.resolve(t, ctx, d))),
            Ty::Slice(t) | Ty::Array(t) => RType::Seq(self.tref(self.resolve(t, ctx, d))),
            Ty::Map(k, v) => {
                let k = self.resolve(k, ctx, d);
                let v = self.resolve(v, ctx, d);
                RType::Map(self.tref(k), self.tref(v))
            }
            Ty::Chan(t) => RType::Chan(self.tref(self.resolve(t, ctx, d))),
            Ty::Func(sig) => RType::Func(sig, ctx.file),
            Ty::Interface(it) => RType::Iface(it, ctx.file),
            Ty::Struct(fields) => RType::Struct(fields, ctx.file),
            Ty::Global(name) => {
                let r = self.resolve_value_name(ctx, name, d);
                if !matches!(r, RType::Unknown) {
                    return r;
                }
                // Not a package member: maybe a type (conversion) or a builtin type name.
                self.lookup_type_name(ctx, None, name)
            }
            Ty::PkgMember { qual, name } => match self.import_target(ctx.file, qual) {
                Some(Some(pkg)) => self.package_member(pkg, name, d),
                Some(None) => RType::External,
                None => RType::Unknown,
            },
            Ty::ResultOf { callee, index, .. } => self.result_type(callee, *index, ctx, d),
            Ty::Member(x, name) => {
                let rx = self.resolve(x, ctx, d);
                self.member_type(&rx, name, d)
            }
            Ty::Elem(x) => {
                let rx = self.resolve(x, ctx, d);
                self.elem_type(rx, d)
            }
            Ty::Key(x) => match self.underlying(self.resolve(x, ctx, d), d) {
                RType::Map(k, _) => self.ty(k),
                // `for v := range ch`: a channel yields its elements in the first position.
                RType::Chan(e) => self.ty(e),
                _ => RType::Basic("int"),
            },
            Ty::Deref(x) => match self.resolve(x, ctx, d) {
                RType::Ptr(t) => self.ty(t),
                other => other,
            },
            Ty::FuncLit(i) => RType::FuncVal(self.func_of(ctx.file, *i)),
            Ty::Param { ty, .. } | Ty::Local { ty, .. } | Ty::Assert { ty, .. } => {
                self.resolve(ty, ctx, d)
            }
            Ty::Unknown => RType::Unknown,
        }
    }

    fn elem_type(&self, rx: RType<'a>, d: u32) -> RType<'a> {
        match self.underlying(rx, d) {
            RType::Seq(e) | RType::Chan(e) | RType::Map(_, e) => self.ty(e),
            RType::Ptr(p) => match self.underlying(self.ty(p), d) {
                RType::Seq(e) => self.ty(e),
                _ => RType::Unknown,
            },
            RType::Basic("string") => RType::Basic("byte"),
            _ => RType::Unknown,
        }
    }

    /// A package-level name of package `pkg` used as a value: a variable's type, a function.
    fn package_member(&self, pkg: u32, name: &str, d: u32) -> RType<'a> {
        if let Some(&f) = self.pkg_funcs[pkg as usize].get(name) {
            return RType::FuncVal(f);
        }
        if let Some(&(file, idx)) = self.pkg_values[pkg as usize].get(name) {
            let v = &self.files[file as usize].values[idx as usize];
            return self.resolve(&v.ty, Ctx { file, tparams: &[] }, d);
        }
        if let Some(&t) = self.pkg_types[pkg as usize].get(name) {
            return RType::Named(t);
        }
        RType::Unknown
    }

    /// The structure under named types (`type A B` → B's structure).
    pub(crate) fn underlying(&self, t: RType<'a>, d: u32) -> RType<'a> {
        let mut t = t;
        let mut depth = d;
        while let RType::Named(id) = t {
            if depth > MAX_DEPTH {
                return RType::Unknown;
            }
            depth += 1;
            let decl: &'a TypeDecl = self.types[id as usize].decl;
            t = self.resolve(&decl.underlying, self.ctx_of_type(id), depth);
        }
        t
    }

    /// The type of `x.name` where x has type `rx`: a field, or a method value.
    pub(crate) fn member_type(&self, rx: &RType<'a>, name: &str, d: u32) -> RType<'a> {
        if d > MAX_DEPTH {
            return RType::Unknown;
        }
        let base = self.pointee(rx);
        if let RType::Named(t) = base {
            if let Some(MethodEntry::Concrete(f)) = self.method_set(t).get(name) {
                return RType::FuncVal(*f);
            }
        }
        match self.field_type(&base, name, d, 0) {
            Some(t) => t,
            None => RType::Unknown,
        }
    }

    /// Field `name` of a struct type, looking through embedded fields (shallowest first).
    fn field_type(&self, t: &RType<'a>, name: &str, d: u32, embed_depth: u32) -> Option<RType<'a>> {
        if embed_depth > 4 {
            return None;
        }
        let (fields, file) = match self.underlying(*t, d) {
            RType::Struct(fields, file) => (fields, file),
            RType::Ptr(inner) => match self.underlying(self.ty(inner), d) {
                RType::Struct(fields, file) => (fields, file),
                _ => return None,
            },
            _ => return None,
        };
        let ctx = self.struct_ctx(t, file);
        for f in fields {
            if f.name.as_deref() == Some(name) {
                return Some(self.resolve(&f.ty, ctx, d + 1));
            }
            if f.name.is_none() && embedded_name(&f.ty) == Some(name) {
                return Some(self.resolve(&f.ty, ctx, d + 1));
            }
        }
        for f in fields {
            if f.name.is_none() {
                let et = self.resolve(&f.ty, ctx, d + 1);
                if let Some(found) = self.field_type(&et, name, d + 1, embed_depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Field types of a named struct resolve in the declaring file with its type parameters.
    fn struct_ctx(&self, t: &RType<'a>, file: u32) -> Ctx<'a> {
        match self.pointee(t) {
            RType::Named(id) => self.ctx_of_type(id),
            _ => Ctx { file, tparams: &[] },
        }
    }

    /// Result `index` of calling `callee` (or the type, for a conversion).
    pub(crate) fn result_type(
        &self,
        callee: &'a Callee,
        index: u32,
        ctx: Ctx<'a>,
        d: u32,
    ) -> RType<'a> {
        match self.callee_shape(callee, ctx, d) {
            CalleeShape::Func(f) => {
                let (file, idx) = self.func_origin[f.index()];
                let func = &self.files[file as usize].funcs[idx as usize];
                match func.sig.results.get(index as usize) {
                    Some(r) => self.resolve(r, self.ctx_of_func(f), d),
                    None => RType::Unknown,
                }
            }
            CalleeShape::Sig(sig, file) => match sig.results.get(index as usize) {
                Some(r) => self.resolve(r, Ctx { file, tparams: &[] }, d),
                None => RType::Unknown,
            },
            CalleeShape::Conversion(t) => t,
            CalleeShape::Opaque => RType::Unknown,
        }
    }

    /// What a callee expression is, for typing purposes (no edges).
    fn callee_shape(&self, callee: &'a Callee, ctx: Ctx<'a>, d: u32) -> CalleeShape<'a> {
        let value = match callee {
            Callee::Global(name) => {
                if matches!(name.as_str(), "error" | "string") {
                    return CalleeShape::Conversion(self.lookup_type_name(ctx, None, name));
                }
                self.resolve_value_name(ctx, name, d)
            }
            Callee::Qualified { qual, name } => match self.import_target(ctx.file, qual) {
                Some(Some(pkg)) => self.package_member(pkg, name, d),
                _ => RType::Unknown,
            },
            Callee::Literal(i) => RType::FuncVal(self.func_of(ctx.file, *i)),
            Callee::Value(t) => self.resolve(t, ctx, d),
            Callee::Method { recv, name } => {
                let r = self.resolve(recv, ctx, d);
                return match self.find_method(&r, name) {
                    Some(MethodEntry::Concrete(f)) => CalleeShape::Func(f),
                    Some(MethodEntry::Abstract(iface)) => {
                        match self.iface_method_sig(iface, name) {
                            Some((sig, file)) => CalleeShape::Sig(sig, file),
                            None => CalleeShape::Opaque,
                        }
                    }
                    None => match self.member_type(&r, name, d) {
                        RType::Func(sig, file) => CalleeShape::Sig(sig, file),
                        RType::FuncVal(f) => CalleeShape::Func(f),
                        _ => CalleeShape::Opaque,
                    },
                };
            }
        };
        match value {
            RType::FuncVal(f) => CalleeShape::Func(f),
            RType::Named(t) if matches!(callee, Callee::Global(_) | Callee::Qualified { .. }) => {
                // `T(x)` with T a type name is a conversion.
                if self.is_type_name(callee, ctx) {
                    CalleeShape::Conversion(RType::Named(t))
                } else {
                    match self.underlying(RType::Named(t), d) {
                        RType::Func(sig, file) => CalleeShape::Sig(sig, file),
                        _ => CalleeShape::Opaque,
                    }
                }
            }
            other => match self.underlying(other, d) {
                RType::Func(sig, file) => CalleeShape::Sig(sig, file),
                _ => CalleeShape::Opaque,
            },
        }
    }

    pub(crate) fn is_type_name(&self, callee: &Callee, ctx: Ctx<'a>) -> bool {
        match callee {
            Callee::Global(name) => {
                let pkg = self.file_package[ctx.file as usize];
                self.pkg_types[pkg as usize].contains_key(name.as_str())
                    && !self.pkg_funcs[pkg as usize].contains_key(name.as_str())
                    && !self.pkg_values[pkg as usize].contains_key(name.as_str())
            }
            Callee::Qualified { qual, name } => match self.import_target(ctx.file, qual) {
                Some(Some(pkg)) => {
                    self.pkg_types[pkg as usize].contains_key(name.as_str())
                        && !self.pkg_funcs[pkg as usize].contains_key(name.as_str())
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// A package-level value name seen from `ctx` (own package, then dot imports).
    pub(crate) fn resolve_value_name(&self, ctx: Ctx<'a>, name: &str, d: u32) -> RType<'a> {
        let pkg = self.file_package[ctx.file as usize];
        let r = self.package_member(pkg, name, d);
        if !matches!(r, RType::Unknown) {
            return r;
        }
        for &dp in &self.dot_imports[ctx.file as usize] {
            let r = self.package_member(dp, name, d);
            if !matches!(r, RType::Unknown) {
                return r;
            }
        }
        RType::Unknown
    }

    /// The method `name` of a value of type `t`, if the type is known well enough to tell.
    pub(crate) fn find_method(&self, t: &RType<'a>, name: &str) -> Option<MethodEntry<'a>> {
        match t {
            RType::Named(id) => self.method_set(*id).get(name).copied(),
            RType::Ptr(inner) => match self.ty(*inner) {
                RType::Named(id) => self.method_set(id).get(name).copied(),
                _ => None,
            },
            RType::Error => (name == "Error").then_some(MethodEntry::Abstract(IfaceRef::Error)),
            RType::Iface(it, file) => Some(MethodEntry::Abstract(IfaceRef::Inline(it, *file))),
            RType::Struct(fields, file) => {
                // Anonymous struct with embedded fields.
                let ctx = Ctx {
                    file: *file,
                    tparams: &[],
                };
                for f in fields.iter().filter(|f| f.name.is_none()) {
                    let et = self.resolve(&f.ty, ctx, 1);
                    if let Some(m) = self.find_method(&et, name) {
                        return Some(m);
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// The full method set of a named type (value and pointer receivers together), including
    /// methods promoted from embedded fields. Memoised.
    pub(crate) fn method_set(&self, t: TypeId) -> MsRef<'_, 'a> {
        match self.method_sets.get(t as usize) {
            Some(ms) => MsRef::Shared(ms),
            None => MsRef::Owned(self.method_set_arc(t)),
        }
    }

    /// [`Linker::method_set`], computed (while [`super::link::Tables::method_sets`] is being filled).
    pub(crate) fn method_set_arc(&self, t: TypeId) -> Arc<MethodSet<'a>> {
        if let Some(ms) = self.method_sets.get(t as usize) {
            return ms.clone();
        }
        if let Some(ms) = self.method_memo.borrow().get(&t) {
            return ms.clone();
        }
        // Break cycles (a struct embedding itself through a pointer) with an empty placeholder.
        self.method_memo
            .borrow_mut()
            .insert(t, Arc::new(MethodSet::default()));
        let mut ms: MethodSet<'a> = MethodSet::default();
        for (name, f) in self.methods[t as usize].iter() {
            ms.insert(name, MethodEntry::Concrete(*f));
        }
        match self.underlying(RType::Named(t), 0) {
            RType::Iface(it, file) => {
                for m in self.iface_method_names(IfaceRef::Inline(it, file)) {
                    ms.entry(m)
                        .or_insert(MethodEntry::Abstract(IfaceRef::Inline(it, file)));
                }
            }
            RType::Error => {
                ms.entry("Error")
                    .or_insert(MethodEntry::Abstract(IfaceRef::Error));
            }
            RType::Struct(fields, _) => {
                let ctx = self.ctx_of_type(t);
                // Promoted methods: shallower wins; same depth from two fields is ambiguous.
                let mut promoted: FxHashMap<&'a str, Option<MethodEntry<'a>>> =
                    FxHashMap::default();
                for f in fields.iter().filter(|f| f.name.is_none()) {
                    let et = self.resolve(&f.ty, ctx, 1);
                    let base = self.pointee(&et);
                    let entries: Vec<(&'a str, MethodEntry<'a>)> = match base {
                        RType::Named(id) => {
                            self.method_set(id).iter().map(|(k, v)| (*k, *v)).collect()
                        }
                        RType::Iface(it, file) => self
                            .iface_method_names(IfaceRef::Inline(it, file))
                            .into_iter()
                            .map(|m| (m, MethodEntry::Abstract(IfaceRef::Inline(it, file))))
                            .collect(),
                        RType::Error => vec![("Error", MethodEntry::Abstract(IfaceRef::Error))],
                        _ => Vec::new(),
                    };
                    for (name, entry) in entries {
                        if ms.contains_key(name) {
                            continue;
                        }
                        promoted
                            .entry(name)
                            .and_modify(|e| *e = None)
                            .or_insert(Some(entry));
                    }
                }
                for (name, entry) in promoted {
                    if let Some(e) = entry {
                        ms.insert(name, e);
                    }
                }
            }
            _ => {}
        }
        let ms = Arc::new(ms);
        self.method_memo.borrow_mut().insert(t, ms.clone());
        ms
    }

    /// Method names of an interface, embedded interfaces included.
    pub(crate) fn iface_method_names(&self, iface: IfaceRef<'a>) -> Vec<&'a str> {
        let mut out = Vec::new();
        self.collect_iface_methods(iface, &mut out, 0);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect_iface_methods(&self, iface: IfaceRef<'a>, out: &mut Vec<&'a str>, depth: u32) {
        if depth > 8 {
            return;
        }
        match iface {
            IfaceRef::Error => out.push("Error"),
            IfaceRef::Inline(it, file) => {
                out.extend(it.methods.iter().map(|m| m.name.as_str()));
                let ctx = Ctx { file, tparams: &[] };
                for e in &it.embeds {
                    match self.underlying(self.resolve(e, ctx, 1), 1) {
                        RType::Iface(inner, f) => {
                            self.collect_iface_methods(IfaceRef::Inline(inner, f), out, depth + 1)
                        }
                        RType::Error => out.push("Error"),
                        RType::External => {
                            if let Some(names) = self.external_std_iface(e, file) {
                                out.extend_from_slice(names);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// The method names of an embedded `pkg.Iface` whose package is outside the program, when it
    /// is a standard interface (`io.WriteCloser`, …).
    fn external_std_iface(&self, embed: &Ty, file: u32) -> Option<&'static [&'static str]> {
        let Ty::Named {
            qual: Some(qual),
            name,
        } = embed
        else {
            return None;
        };
        let path = self.files[file as usize].imports.iter().find_map(|imp| {
            let q = match &imp.name {
                ImportName::Default => crate::lang::go::default_import_name(&imp.path),
                ImportName::Alias(a) => a.as_str(),
                ImportName::Dot | ImportName::Blank => return None,
            };
            (q == qual).then_some(imp.path.as_str())
        })?;
        super::std_ifaces::method_names(path, name)
    }

    fn iface_method_sig(&self, iface: IfaceRef<'a>, name: &str) -> Option<(&'a Signature, u32)> {
        self.find_iface_method_sig(iface, name, 0)
    }

    /// The shape (parameter count, result count, variadic) of method `name` of an interface,
    /// when its declaration is in the program (`Error() string` for `error`).
    pub(crate) fn iface_method_shape(&self, iface: IfaceRef<'a>, name: &str) -> Option<Shape> {
        match iface {
            IfaceRef::Error => Some((0, 1, false)),
            IfaceRef::Inline(..) => self
                .iface_method_sig(iface, name)
                .map(|(s, _)| (s.params.len(), s.results.len(), s.variadic)),
        }
    }

    /// Whether method `f` can be the implementation of an interface method of shape `want`:
    /// Go requires identical signatures, so a method with another number of parameters or
    /// results (`(*http.Response).Write(io.Writer) error` for `io.Writer`) cannot be one.
    pub(crate) fn method_fits(&self, f: FuncId, want: Option<Shape>) -> bool {
        let Some((np, nr, variadic)) = want else {
            return true;
        };
        let (fi, i) = self.func_origin[f.index()];
        let sig = &self.files[fi as usize].funcs[i as usize].sig;
        sig.params.len() == np && sig.results.len() == nr && sig.variadic == variadic
    }

    fn find_iface_method_sig(
        &self,
        iface: IfaceRef<'a>,
        name: &str,
        depth: u32,
    ) -> Option<(&'a Signature, u32)> {
        let IfaceRef::Inline(it, file) = iface else {
            return None;
        };
        if depth > 8 {
            return None;
        }
        if let Some(m) = it.methods.iter().find(|m| m.name == name) {
            return Some((&m.sig, file));
        }
        let ctx = Ctx { file, tparams: &[] };
        for e in &it.embeds {
            if let RType::Iface(inner, f) = self.underlying(self.resolve(e, ctx, 1), 1) {
                if let Some(found) =
                    self.find_iface_method_sig(IfaceRef::Inline(inner, f), name, depth + 1)
                {
                    return Some(found);
                }
            }
        }
        None
    }
}

/// A method's parameter count, result count and whether it is variadic.
pub(crate) type Shape = (usize, usize, bool);

/// What a call's callee is, for typing its result.
enum CalleeShape<'a> {
    Func(FuncId),
    Sig(&'a Signature, u32),
    Conversion(RType<'a>),
    Opaque,
}

/// The field name an embedded field gets: the type's name.
fn embedded_name(t: &Ty) -> Option<&str> {
    match t {
        Ty::Named { name, .. } => Some(name),
        Ty::Pointer(inner) => embedded_name(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_index_matches_the_table() {
        for (i, b) in BASIC.iter().enumerate() {
            assert_eq!(basic_index(b), Some(i), "{b}");
        }
        assert_eq!(basic_index("error"), None);
        assert_eq!(basic_index("Int"), None);
    }
}
