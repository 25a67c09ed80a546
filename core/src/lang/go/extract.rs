//! Walks one tree-sitter-go syntax tree and produces [`GoFile`] facts.
//!
//! The walker keeps a lexical scope of local variables with their symbolic types, so that
//! `c := &http.Client{}; c.Do(req)` records a method call on `*http.Client`, and a flat list of
//! functions in source order, so that function literals get go/ssa names (`F$1`, `F$1$1`).
//!
//! Cost: almost all of the walker's time is tree-sitter's node API (every child or field lookup
//! re-scans the node's children in C, hidden nodes included), so it asks for each node as few
//! times as it can: children by index rather than with heap-allocated cursors ([`named_kids`]),
//! a selector's or call's parts looked up once and passed on, leaves not asked for children,
//! a call's callee remembered for when the call is typed again. A full copy of the tree into a
//! Rust array was tried and lost: one cursor walk over every node costs more than all of this.

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::apis::{self, ApiSpec};
use super::facts::*;

/// Extracts the facts of one parsed file.
pub(crate) fn extract(path: &str, src: &str, root: Node<'_>) -> GoFile {
    let mut x = Extractor {
        src,
        file: GoFile {
            path: path.to_string(),
            ..GoFile::default()
        },
        imports: FxHashMap::default(),
        scope: Vec::new(),
        local_strings: Vec::new(),
        literal_of_node: FxHashMap::default(),
        callees: FxHashMap::default(),
        literal_counts: Vec::new(),
        local_counts: Vec::new(),
        named_results: Vec::new(),
        init_literals: 0,
    };
    x.file.build_constraint = build_constraint(src, root);
    x.source_file(root);
    collect_syntax_errors(root, &mut x.file.syntax_errors);
    x.file
}

struct Extractor<'s> {
    src: &'s str,
    file: GoFile,
    /// Import name → import path, for the names usable as qualifiers.
    imports: FxHashMap<String, String>,
    /// Local variables, innermost last; scopes are truncation marks.
    scope: Vec<(String, Ty)>,
    /// Locals bound to string constants (`msg := "…"`), for error texts held in variables.
    local_strings: Vec<(String, String)>,
    /// Function literal node id → index in `file.funcs`.
    literal_of_node: FxHashMap<usize, u32>,
    /// Call node id → its callee, as [`Extractor::call`] found it. The same call is typed
    /// again right after by whatever contains it (an argument, a right-hand side, a returned
    /// value), in the same scope; reading the callee back spares re-walking its syntax.
    callees: FxHashMap<usize, Callee>,
    /// Per function in `file.funcs`: how many literals it directly contains so far.
    literal_counts: Vec<u32>,
    /// Per function in `file.funcs`: how many locals got a [`Ty::Local`] identity so far.
    local_counts: Vec<u32>,
    /// Per function in `file.funcs`: its named results as locals (what a bare return returns).
    named_results: Vec<Vec<Ty>>,
    /// Literals in package-level initialisers (`init$N`).
    init_literals: u32,
}

/// The function a statement belongs to while walking a body.
#[derive(Clone, Copy)]
struct Ctx {
    func: u32,
    /// Inside an `Error() string` method: returned strings are error text.
    error_method: bool,
}

/// The Go grammar's field ids, looked up once. `child_by_field_name` resolves the name with a
/// linear strncmp scan over the grammar's field names on every call, which showed up as a few
/// per cent of the whole index.
struct Fields {
    alias: u16,
    arguments: u16,
    body: u16,
    channel: u16,
    element: u16,
    field: u16,
    function: u16,
    initializer: u16,
    key: u16,
    left: u16,
    name: u16,
    operand: u16,
    operator: u16,
    package: u16,
    parameters: u16,
    path: u16,
    receiver: u16,
    result: u16,
    right: u16,
    type_: u16,
    type_parameters: u16,
    value: u16,
}

fn fields() -> &'static Fields {
    static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        // An unknown name maps to 0, which `child_by_field_id` answers with no node, exactly as
        // `child_by_field_name` does.
        let id = |name: &str| lang.field_id_for_name(name).map_or(0, |f| f.get());
        Fields {
            alias: id("alias"),
            arguments: id("arguments"),
            body: id("body"),
            channel: id("channel"),
            element: id("element"),
            field: id("field"),
            function: id("function"),
            initializer: id("initializer"),
            key: id("key"),
            left: id("left"),
            name: id("name"),
            operand: id("operand"),
            operator: id("operator"),
            package: id("package"),
            parameters: id("parameters"),
            path: id("path"),
            receiver: id("receiver"),
            result: id("result"),
            right: id("right"),
            type_: id("type"),
            type_parameters: id("type_parameters"),
            value: id("value"),
        }
    })
}

/// `Node::kind` measures and UTF-8-checks the grammar's C string on every call, a tenth of the
/// extractor's time; the names are read once per grammar symbol instead. (A node's symbol and
/// its public symbol, which `kind_id` gives, share their name by construction of the grammar
/// tables; ids past the table, like the builtin `ERROR`, fall back to `Node::kind`.)
trait KindExt<'t> {
    fn kind_str(&self) -> &'t str;
}

impl<'t> KindExt<'t> for Node<'t> {
    fn kind_str(&self) -> &'t str {
        match kind_names().get(self.kind_id() as usize) {
            Some(Some(k)) => k.as_str(),
            _ => self.kind(),
        }
    }
}

/// Named children, in order, without a `TreeCursor`. `Node::named_children` allocates a cursor
/// (a C heap allocation per call) and each cursor step re-scans hidden nodes with a depth
/// stack; `ts_node_named_child(i)` skips hidden subtrees by their visible-child counts. Each
/// call starts again from the first child, so past [`INDEXED_MAX`] children (long literals, big
/// blocks) the cursor is used instead. Measured on the extractor (callgrind, six stdlib
/// packages): 625M instructions with cursors everywhere, 405M with this; any threshold
/// between 12 and 64 gives within 0.5% of that.
fn named_kids<'t>(n: Node<'t>) -> Kids<'t> {
    let count = n.named_child_count();
    if count > INDEXED_MAX {
        let mut cursor = n.walk();
        return Kids::Listed(
            n.named_children(&mut cursor)
                .collect::<Vec<_>>()
                .into_iter(),
        );
    }
    Kids::Indexed {
        node: n,
        named: true,
        next: 0,
        count: count as u32,
    }
}

/// All children (named or not), in order; as [`named_kids`].
fn all_kids<'t>(n: Node<'t>) -> Kids<'t> {
    let count = n.child_count() as usize;
    if count > INDEXED_MAX {
        let mut cursor = n.walk();
        return Kids::Listed(n.children(&mut cursor).collect::<Vec<_>>().into_iter());
    }
    Kids::Indexed {
        node: n,
        named: false,
        next: 0,
        count: count as u32,
    }
}

/// Children with a field (`name` of `a, b int`): tree-sitter reports fields per cursor step only.
fn children_with_field<'t>(n: Node<'t>, field: u16) -> std::vec::IntoIter<Node<'t>> {
    let Some(field) = std::num::NonZeroU16::new(field) else {
        return Vec::new().into_iter();
    };
    let mut cursor = n.walk();
    let kids: Vec<Node<'t>> = n.children_by_field_id(field, &mut cursor).collect();
    kids.into_iter()
}

/// The `name` children of a declaration whose names are all of one node kind that its other
/// children never have (`a, b int`: identifiers, then a type; a struct field's names are field
/// identifiers, its type and tag other kinds). In a tree without errors those are exactly the
/// children of that kind, found without the field cursor [`children_with_field`] needs; a tree
/// with errors reads the field.
fn names_of<'t>(n: Node<'t>, name_kind: &'static str) -> NameKids<'t> {
    if n.has_error() {
        return NameKids::Listed(children_with_field(n, fields().name));
    }
    NameKids::Kind(named_kids(n), name_kind)
}

/// What [`names_of`] returns.
enum NameKids<'t> {
    Kind(Kids<'t>, &'static str),
    Listed(std::vec::IntoIter<Node<'t>>),
}

impl<'t> Iterator for NameKids<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            NameKids::Kind(kids, kind) => kids.find(|c| c.kind_str() == *kind),
            NameKids::Listed(it) => it.next(),
        }
    }
}

/// Above this many children, [`named_kids`] walks a cursor instead of indexing.
const INDEXED_MAX: usize = 24;

enum Kids<'t> {
    /// Child `next` and on of `node`: its named children only, or all of them.
    Indexed {
        node: Node<'t>,
        named: bool,
        next: u32,
        count: u32,
    },
    Listed(std::vec::IntoIter<Node<'t>>),
}

impl<'t> Iterator for Kids<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            Kids::Indexed {
                node,
                named,
                next,
                count,
            } => {
                while *next < *count {
                    *next += 1;
                    let i = *next - 1;
                    let child = if *named {
                        node.named_child(i)
                    } else {
                        node.child(i)
                    };
                    if child.is_some() {
                        return child;
                    }
                }
                None
            }
            Kids::Listed(it) => it.next(),
        }
    }
}

/// The specs of a declaration (`import`, `const`, `var`) in source order, with a parenthesised
/// `( … )` list node flattened.
fn specs_of<'t>(n: Node<'t>, list_kind: &str, spec_kinds: &[&str]) -> Vec<Node<'t>> {
    let mut specs = Vec::new();
    for c in named_kids(n) {
        let kind = c.kind_str();
        if kind == list_kind {
            specs.extend(named_kids(c).filter(|s| spec_kinds.contains(&s.kind_str())));
        } else if spec_kinds.contains(&kind) {
            specs.push(c);
        }
    }
    specs
}

fn kind_names() -> &'static [Option<String>] {
    static KINDS: std::sync::OnceLock<Vec<Option<String>>> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        (0..lang.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| lang.node_kind_for_id(id))
                    .map(str::to_string)
            })
            .collect()
    })
}

fn line(n: Node<'_>) -> u32 {
    n.start_position().row as u32 + 1
}

impl<'s> Extractor<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        // Node ranges of a parsed `&str` lie on char boundaries; `get` checks that much without
        // re-validating the UTF-8 of every slice.
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn source_file(&mut self, root: Node<'_>) {
        let children: Vec<Node<'_>> = named_kids(root).collect();
        // Imports first: qualifiers must be known before any body is read.
        for n in &children {
            match n.kind_str() {
                "package_clause" => {
                    if let Some(id) = n.named_child(0) {
                        self.file.package = self.text(id).to_string();
                    }
                }
                "import_declaration" => self.import_declaration(*n),
                _ => {}
            }
        }
        for n in children {
            match n.kind_str() {
                "function_declaration" | "method_declaration" => self.function_declaration(n),
                "type_declaration" => self.type_declaration(n, true),
                "const_declaration" => self.value_declaration(n, true),
                "var_declaration" => self.value_declaration(n, false),
                _ => {}
            }
        }
    }

    fn import_declaration(&mut self, n: Node<'_>) {
        let specs = specs_of(n, "import_spec_list", &["import_spec"]);
        for spec in specs {
            let Some(path_node) = spec.child_by_field_id(fields().path) else {
                continue;
            };
            let path = string_literal_value(self.text(path_node)).unwrap_or_default();
            let name = match spec.child_by_field_id(fields().name) {
                None => ImportName::Default,
                Some(nm) => match nm.kind_str() {
                    "dot" => ImportName::Dot,
                    "blank_identifier" => ImportName::Blank,
                    _ => ImportName::Alias(self.text(nm).to_string()),
                },
            };
            let qualifier = match &name {
                ImportName::Default => Some(default_import_name(&path).to_string()),
                ImportName::Alias(a) => Some(a.clone()),
                ImportName::Dot | ImportName::Blank => None,
            };
            if let Some(q) = qualifier {
                self.imports.insert(q, path.clone());
            }
            self.file.imports.push(Import {
                name,
                path,
                line: line(spec),
            });
        }
    }

    // ---- declarations -------------------------------------------------------------------

    fn function_declaration(&mut self, n: Node<'_>) {
        let Some(name_node) = n.child_by_field_id(fields().name) else {
            return;
        };
        let name = self.text(name_node).to_string();
        let mut type_params = Vec::new();
        if let Some(tp) = n.child_by_field_id(fields().type_parameters) {
            type_params = self.type_param_names(tp);
        }
        let mut receiver = None;
        let mark = self.scope.len();
        if let Some(recv) = n.child_by_field_id(fields().receiver) {
            let params = self.parameters(recv);
            if let Some((rname, rty)) = params.into_iter().next() {
                let (pointer, base) = match &rty {
                    Ty::Pointer(inner) => (true, inner.as_ref()),
                    other => (false, other),
                };
                let type_name = match base {
                    Ty::Named { name, .. } => name.clone(),
                    _ => String::new(),
                };
                // Receiver type parameters (`func (l *List[T]) …`) are the receiver's.
                type_params.extend(self.receiver_type_params(recv));
                receiver = Some(Receiver { type_name, pointer });
                if let Some(rname) = rname {
                    self.scope.push((rname, rty));
                }
            }
        }
        let sig = self.signature_and_bind(n);
        let error_method = receiver.is_some()
            && name == "Error"
            && sig.params.is_empty()
            && matches!(sig.results.as_slice(), [Ty::Named { qual: None, name }] if name == "string");
        let idx = self.push_func(Func {
            name,
            receiver,
            parent: None,
            line: line(name_node),
            end_line: n.end_position().row as u32 + 1,
            span: (n.start_byte() as u32, n.end_byte() as u32),
            type_params,
            sig,
            calls: Vec::new(),
            strings: Vec::new(),
            error_refs: Vec::new(),
            sends: false,
            returns: Vec::new(),
            string_returns: Vec::new(),
            stores: Vec::new(),
        });
        if let Some(body) = n.child_by_field_id(fields().body) {
            let ctx = Ctx {
                func: idx,
                error_method,
            };
            let strings_mark = self.local_strings.len();
            self.block(body, ctx);
            self.local_strings.truncate(strings_mark);
        }
        self.scope.truncate(mark);
    }

    fn push_func(&mut self, f: Func) -> u32 {
        self.file.funcs.push(f);
        let n = self.file.funcs.len();
        self.literal_counts.resize(n, 0);
        self.local_counts.resize(n, 0);
        self.named_results.resize(n, Vec::new());
        (self.file.funcs.len() - 1) as u32
    }

    fn type_param_names(&self, list: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for decl in named_kids(list) {
            for nm in names_of(decl, "identifier") {
                out.push(self.text(nm).to_string());
            }
        }
        out
    }

    fn receiver_type_params(&self, recv: Node<'_>) -> Vec<String> {
        // `(l *List[T])`: the receiver type is a generic_type whose arguments are names.
        let mut out = Vec::new();
        let mut stack = vec![recv];
        while let Some(n) = stack.pop() {
            if n.kind_str() == "type_arguments" {
                for arg in named_kids(n) {
                    out.push(self.text(arg).trim().to_string());
                }
                continue;
            }
            stack.extend(named_kids(n));
        }
        out
    }

    /// Parameters as (name, type); unnamed parameters have no name.
    fn parameters(&self, list: Node<'_>) -> Vec<(Option<String>, Ty)> {
        self.parameters_variadic(list).0
    }

    /// [`Self::parameters`], and whether the list has a variadic parameter.
    fn parameters_variadic(&self, list: Node<'_>) -> (Vec<(Option<String>, Ty)>, bool) {
        let mut out = Vec::new();
        let mut any_variadic = false;
        for p in named_kids(list) {
            let kind = p.kind_str();
            let variadic = kind == "variadic_parameter_declaration";
            any_variadic |= variadic;
            if kind != "parameter_declaration" && !variadic {
                continue;
            }
            let mut ty = p
                .child_by_field_id(fields().type_)
                .map_or(Ty::Unknown, |t| self.ty(t));
            if variadic {
                ty = Ty::Slice(Box::new(ty));
            }
            let names: Vec<String> = names_of(p, "identifier")
                .map(|nm| self.text(nm).to_string())
                .collect();
            if names.is_empty() {
                out.push((None, ty));
            } else {
                for nm in names {
                    out.push((Some(nm), ty.clone()));
                }
            }
        }
        (out, any_variadic)
    }

    /// The signature of a function-like node; binds named parameters and results in scope.
    /// Parameters are bound as [`Ty::Param`] of the function about to be pushed, so that the
    /// type-flow pass can follow what callers pass; named results as their declared types.
    fn signature_and_bind(&mut self, n: Node<'_>) -> Signature {
        let (sig, names) = self.signature_with_names(n);
        let func = self.file.funcs.len() as u32;
        // The function is pushed right after its signature is read.
        let mut results = Vec::new();
        for (name, ty, param) in names {
            let ty = match param {
                Some(index) => Ty::Param {
                    func,
                    index,
                    ty: Box::new(ty),
                },
                None => {
                    let local = self.new_local(func, ty);
                    results.push(local.clone());
                    local
                }
            };
            self.scope.push((name, ty));
        }
        if self.named_results.len() <= func as usize {
            self.named_results.resize(func as usize + 1, Vec::new());
        }
        self.named_results[func as usize] = results;
        sig
    }

    /// A fresh local identity in function `func`.
    fn new_local(&mut self, func: u32, ty: Ty) -> Ty {
        if self.local_counts.len() <= func as usize {
            self.local_counts.resize(func as usize + 1, 0);
        }
        let slot = &mut self.local_counts[func as usize];
        let id = *slot;
        *slot += 1;
        Ty::Local {
            func,
            id,
            ty: Box::new(ty),
        }
    }

    fn signature(&self, n: Node<'_>) -> Signature {
        self.signature_with_names(n).0
    }

    /// The signature, and the named parameters (with their index) and results with their types.
    #[allow(clippy::type_complexity)]
    fn signature_with_names(&self, n: Node<'_>) -> (Signature, Vec<(String, Ty, Option<u32>)>) {
        let mut sig = Signature::default();
        let mut names = Vec::new();
        if let Some(params) = n.child_by_field_id(fields().parameters) {
            let (list, variadic) = self.parameters_variadic(params);
            sig.variadic = variadic;
            for (i, (name, ty)) in list.into_iter().enumerate() {
                if let Some(name) = name {
                    names.push((name, ty.clone(), Some(i as u32)));
                }
                sig.params.push(ty);
            }
        }
        if let Some(result) = n.child_by_field_id(fields().result) {
            if result.kind_str() == "parameter_list" {
                for (name, ty) in self.parameters(result) {
                    if let Some(name) = name {
                        names.push((name, ty.clone(), None));
                    }
                    sig.results.push(ty);
                }
            } else {
                sig.results.push(self.ty(result));
            }
        }
        (sig, names)
    }

    fn type_declaration(&mut self, n: Node<'_>, package_level: bool) {
        for spec in named_kids(n) {
            let alias = spec.kind_str() == "type_alias";
            if spec.kind_str() != "type_spec" && !alias {
                continue;
            }
            let (Some(name), Some(ty)) = (
                spec.child_by_field_id(fields().name),
                spec.child_by_field_id(fields().type_),
            ) else {
                continue;
            };
            let type_params = spec
                .child_by_field_id(fields().type_parameters)
                .map(|tp| self.type_param_names(tp))
                .unwrap_or_default();
            let underlying = self.ty(ty);
            if package_level {
                self.file.types.push(TypeDecl {
                    name: self.text(name).to_string(),
                    line: line(name),
                    alias,
                    type_params,
                    underlying,
                });
            }
        }
    }

    fn value_declaration(&mut self, n: Node<'_>, is_const: bool) {
        let specs = specs_of(n, "var_spec_list", &["const_spec", "var_spec"]);
        // Constants without a value repeat the previous spec's type and expression (iota).
        let mut previous_ty = Ty::Unknown;
        for spec in specs {
            let names: Vec<Node<'_>> = names_of(spec, "identifier")
                .filter(|nm| nm.kind_str() == "identifier")
                .collect();
            let declared = spec.child_by_field_id(fields().type_).map(|t| self.ty(t));
            let values: Vec<Node<'_>> = spec
                .child_by_field_id(fields().value)
                .map(|v| named_kids(v).collect())
                .unwrap_or_default();
            // Function literals in package-level initialisers are functions of `init`.
            for v in &values {
                self.package_initialiser(*v);
            }
            // `var a, b = f()`: one call, several results.
            let spread = (names.len() > 1 && values.len() == 1 && !is_const)
                .then(|| self.right_types(names.len(), &values));
            for (i, nm) in names.iter().enumerate() {
                let value = values.get(i).copied();
                let ty = match (&declared, value, &spread) {
                    (Some(t), _, _) => t.clone(),
                    (None, _, Some(tys)) => tys[i].clone(),
                    (None, Some(v), None) => self.expr_ty(v),
                    (None, None, None) => previous_ty.clone(),
                };
                previous_ty = ty.clone();
                let init = match (&declared, value) {
                    (Some(_), Some(v)) if !is_const => Some(self.expr_ty(v)),
                    _ => None,
                };
                let mut decl = ValueDecl {
                    name: self.text(*nm).to_string(),
                    line: line(*nm),
                    is_const,
                    ty,
                    string: None,
                    alias_of: None,
                    sentinel: None,
                    init,
                    zero: !is_const && declared.is_some() && values.is_empty(),
                };
                if let Some(v) = value {
                    match self.string_expr(v) {
                        Some(StrExpr::Literal(s)) => decl.string = Some(s),
                        Some(StrExpr::Ref(r)) => decl.alias_of = Some(r),
                        _ => {}
                    }
                    if !is_const && v.kind_str() == "call_expression" {
                        decl.sentinel = self.error_creation(v);
                    }
                }
                self.file.values.push(decl);
            }
        }
    }

    /// Walks a package-level initialiser for function literals and instantiated types.
    fn package_initialiser(&mut self, n: Node<'_>) {
        let mut literals = Vec::new();
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            match n.kind_str() {
                "func_literal" => {
                    self.init_literals += 1;
                    let name = format!("init${}", self.init_literals);
                    self.func_literal_named(n, name, None);
                    continue;
                }
                "composite_literal" => {
                    if let Some(t) = n.child_by_field_id(fields().type_) {
                        let ty = self.ty(t);
                        literals.push((ty.clone(), n));
                        self.file.instantiated.push(ty);
                    }
                }
                _ => {}
            }
            stack.extend(named_kids(n));
        }
        // After the walk, so that the function literals among the elements are known.
        for (ty, n) in literals {
            let stores = self.composite_stores(&ty, n);
            self.file.init_stores.extend(stores);
        }
    }

    // ---- types --------------------------------------------------------------------------

    fn ty(&self, n: Node<'_>) -> Ty {
        match n.kind_str() {
            "type_identifier" | "identifier" => Ty::Named {
                qual: None,
                name: self.text(n).to_string(),
            },
            "qualified_type" => Ty::Named {
                qual: n
                    .child_by_field_id(fields().package)
                    .map(|p| self.text(p).to_string()),
                name: n
                    .child_by_field_id(fields().name)
                    .map(|p| self.text(p).to_string())
                    .unwrap_or_default(),
            },
            "generic_type" => n
                .child_by_field_id(fields().type_)
                .map_or(Ty::Unknown, |t| self.ty(t)),
            "pointer_type" => Ty::Pointer(Box::new(self.first_named_ty(n))),
            "parenthesized_type" | "type_elem" | "type_constraint" => self.first_named_ty(n),
            "slice_type" => Ty::Slice(Box::new(
                n.child_by_field_id(fields().element)
                    .map_or(Ty::Unknown, |t| self.ty(t)),
            )),
            "array_type" | "implicit_length_array_type" => Ty::Array(Box::new(
                n.child_by_field_id(fields().element)
                    .map_or(Ty::Unknown, |t| self.ty(t)),
            )),
            "map_type" => Ty::Map(
                Box::new(
                    n.child_by_field_id(fields().key)
                        .map_or(Ty::Unknown, |t| self.ty(t)),
                ),
                Box::new(
                    n.child_by_field_id(fields().value)
                        .map_or(Ty::Unknown, |t| self.ty(t)),
                ),
            ),
            "channel_type" => Ty::Chan(Box::new(
                n.child_by_field_id(fields().value)
                    .map_or(Ty::Unknown, |t| self.ty(t)),
            )),
            "function_type" => Ty::Func(Box::new(self.signature(n))),
            "interface_type" => Ty::Interface(Box::new(self.interface_type(n))),
            "struct_type" => Ty::Struct(self.struct_fields(n)),
            _ => Ty::Unknown,
        }
    }

    fn first_named_ty(&self, n: Node<'_>) -> Ty {
        n.named_child(0).map_or(Ty::Unknown, |c| self.ty(c))
    }

    fn interface_type(&self, n: Node<'_>) -> InterfaceType {
        let mut it = InterfaceType::default();
        for c in named_kids(n) {
            match c.kind_str() {
                "method_elem" | "method_spec" => {
                    if let Some(nm) = c.child_by_field_id(fields().name) {
                        it.methods.push(MethodSpec {
                            name: self.text(nm).to_string(),
                            sig: self.signature(c),
                        });
                    }
                }
                // A single named type is an embedded interface; unions are constraints.
                "type_elem" | "constraint_elem" if c.named_child_count() == 1 => {
                    it.embeds.push(self.first_named_ty(c));
                }
                _ => {}
            }
        }
        it
    }

    fn struct_fields(&self, n: Node<'_>) -> Vec<Field> {
        let mut out = Vec::new();
        let Some(list) = n.named_child(0) else {
            return out;
        };
        for fd in named_kids(list) {
            if fd.kind_str() != "field_declaration" {
                continue;
            }
            let Some(tn) = fd.child_by_field_id(fields().type_) else {
                continue;
            };
            let mut ty = self.ty(tn);
            let names: Vec<String> = names_of(fd, "field_identifier")
                .map(|nm| self.text(nm).to_string())
                .collect();
            if names.is_empty() {
                // Embedded: `T`, `*T`, `pkg.T`.
                if all_kids(fd).any(|c| c.kind_str() == "*") {
                    ty = Ty::Pointer(Box::new(ty));
                }
                out.push(Field { name: None, ty });
            } else {
                for nm in names {
                    out.push(Field {
                        name: Some(nm),
                        ty: ty.clone(),
                    });
                }
            }
        }
        out
    }

    // ---- statements ---------------------------------------------------------------------

    fn block(&mut self, n: Node<'_>, ctx: Ctx) {
        let mark = self.scope.len();
        let smark = self.local_strings.len();
        for c in named_kids(n) {
            self.statement(c, ctx);
        }
        self.scope.truncate(mark);
        self.local_strings.truncate(smark);
    }

    fn statement(&mut self, n: Node<'_>, ctx: Ctx) {
        match n.kind_str() {
            "statement_list" | "block" => self.block(n, ctx),
            "short_var_declaration" => self.short_var_declaration(n, ctx),
            "var_declaration" => self.local_var_declaration(n, ctx),
            "const_declaration" => self.local_const_declaration(n, ctx),
            "type_declaration" => {}
            "go_statement" | "defer_statement" => {
                let is_go = n.kind_str() == "go_statement";
                if let Some(e) = n.named_child(0) {
                    if e.kind_str() == "call_expression" {
                        self.call(e, ctx, is_go, !is_go);
                    } else {
                        self.expr(e, ctx);
                    }
                }
            }
            "return_statement" => self.return_statement(n, ctx),
            "assignment_statement" => {
                // `err = ErrX` then a bare return: the function produces the sentinel.
                let right = self.expr_list_owned(n.child_by_field_id(fields().right));
                for r in &right {
                    self.expr(*r, ctx);
                    self.note_error_ref(*r, ctx);
                }
                let left = self.expr_list_owned(n.child_by_field_id(fields().left));
                for l in &left {
                    self.expr(*l, ctx);
                }
                let plain = n
                    .child_by_field_id(fields().operator)
                    .is_none_or(|o| self.text(o) == "=");
                if plain {
                    self.assignment_stores(&left, &right, ctx);
                }
            }
            "if_statement"
            | "for_statement"
            | "expression_switch_statement"
            | "select_statement" => {
                let mark = self.scope.len();
                self.walk_children(n, ctx);
                self.scope.truncate(mark);
            }
            "type_switch_statement" => self.type_switch(n, ctx),
            "send_statement" => {
                self.file.funcs[ctx.func as usize].sends = true;
                self.walk_children(n, ctx);
                if let (Some(ch), Some(v)) = (
                    n.child_by_field_id(fields().channel),
                    n.child_by_field_id(fields().value),
                ) {
                    let dst = Ty::Elem(Box::new(self.expr_ty(ch)));
                    let src = self.expr_ty(v);
                    self.file.funcs[ctx.func as usize].stores.push(Store {
                        dst: Sink::Expr(dst),
                        src,
                    });
                }
            }
            "range_clause" => self.range_clause(n, ctx),
            "receive_statement" => self.receive_statement(n, ctx),
            // A `for` clause's variables are in scope in the loop body (the enclosing
            // `for_statement` ends their scope).
            "for_clause" => self.walk_children(n, ctx),
            "expression_case" | "default_case" | "communication_case" | "labeled_statement" => {
                let mark = self.scope.len();
                self.walk_children(n, ctx);
                self.scope.truncate(mark);
            }
            _ => self.expr(n, ctx),
        }
    }

    fn walk_children(&mut self, n: Node<'_>, ctx: Ctx) {
        for c in named_kids(n) {
            self.statement(c, ctx);
        }
    }

    fn short_var_declaration(&mut self, n: Node<'_>, ctx: Ctx) {
        let left = self.expr_list_owned(n.child_by_field_id(fields().left));
        let right = self.expr_list_owned(n.child_by_field_id(fields().right));
        for r in &right {
            self.expr(*r, ctx);
        }
        self.bind(&left, &right, Some(ctx));
    }

    fn expr_list_owned<'t>(&self, n: Option<Node<'t>>) -> Vec<Node<'t>> {
        let Some(n) = n else { return Vec::new() };
        named_kids(n)
            .filter(|c| c.kind_str() != "comment")
            .collect()
    }

    /// Binds the identifiers on the left to the types of the expressions on the right. In a
    /// function body (`ctx`), a variable that can hold an interface or func value gets a
    /// [`Ty::Local`] identity and its definition is recorded as a store.
    fn bind(&mut self, left: &[Node<'_>], right: &[Node<'_>], ctx: Option<Ctx>) {
        let tys = self.right_types(left.len(), right);
        for (l, ty) in left.iter().zip(tys) {
            if l.kind_str() != "identifier" {
                continue;
            }
            let name = self.text(*l);
            if name == "_" {
                continue;
            }
            let ty = match ctx {
                Some(ctx) if may_hold_dynamic(&ty) => {
                    let local = self.new_local(ctx.func, ty.clone());
                    self.file.funcs[ctx.func as usize].stores.push(Store {
                        dst: Sink::Expr(local.clone()),
                        src: ty,
                    });
                    local
                }
                _ => ty,
            };
            self.scope.push((name.to_string(), ty));
        }
        if left.len() == right.len() {
            for (l, r) in left.iter().zip(right) {
                if l.kind_str() == "identifier" {
                    if let Some(StrExpr::Literal(s)) = self.string_expr(*r) {
                        self.local_strings.push((self.text(*l).to_string(), s));
                    }
                }
            }
        }
    }

    fn right_types(&self, n_left: usize, right: &[Node<'_>]) -> Vec<Ty> {
        if right.len() == 1 && n_left > 1 {
            let r = right[0];
            let r = strip_parens(r);
            return match r.kind_str() {
                "call_expression" => match self.call_callee(r) {
                    Some(callee) => (0..n_left)
                        .map(|i| Ty::ResultOf {
                            callee: Box::new(callee.clone()),
                            index: i as u32,
                            operand: None,
                        })
                        .collect(),
                    None => vec![Ty::Unknown; n_left],
                },
                "index_expression" | "type_assertion_expression" | "unary_expression" => {
                    let mut v = vec![self.expr_ty(r)];
                    v.resize(
                        n_left,
                        Ty::Named {
                            qual: None,
                            name: "bool".into(),
                        },
                    );
                    v
                }
                _ => vec![Ty::Unknown; n_left],
            };
        }
        right.iter().map(|r| self.expr_ty(*r)).collect()
    }

    fn local_var_declaration(&mut self, n: Node<'_>, ctx: Ctx) {
        let specs = specs_of(n, "var_spec_list", &["var_spec"]);
        for spec in specs {
            let names: Vec<Node<'_>> = names_of(spec, "identifier")
                .filter(|nm| nm.kind_str() == "identifier")
                .collect();
            let values = self.expr_list_owned(spec.child_by_field_id(fields().value));
            for v in &values {
                self.expr(*v, ctx);
            }
            if let Some(t) = spec.child_by_field_id(fields().type_) {
                let ty = self.ty(t);
                if matches!(ty, Ty::Named { .. }) {
                    self.file.instantiated.push(ty.clone());
                }
                let inits = if values.is_empty() {
                    Vec::new()
                } else {
                    self.right_types(names.len(), &values)
                };
                for (i, nm) in names.iter().enumerate() {
                    let name = self.text(*nm).to_string();
                    let local = if may_hold_dynamic(&ty) {
                        let local = self.new_local(ctx.func, ty.clone());
                        if let Some(init) = inits.get(i) {
                            self.file.funcs[ctx.func as usize].stores.push(Store {
                                dst: Sink::Expr(local.clone()),
                                src: init.clone(),
                            });
                        }
                        local
                    } else {
                        ty.clone()
                    };
                    self.scope.push((name, local));
                }
            } else {
                self.bind(&names, &values, Some(ctx));
            }
        }
    }

    fn local_const_declaration(&mut self, n: Node<'_>, ctx: Ctx) {
        let specs: Vec<Node<'_>> = named_kids(n).collect();
        for spec in specs {
            if spec.kind_str() != "const_spec" {
                continue;
            }
            let names: Vec<Node<'_>> = names_of(spec, "identifier")
                .filter(|nm| nm.kind_str() == "identifier")
                .collect();
            let values = self.expr_list_owned(spec.child_by_field_id(fields().value));
            for v in &values {
                self.expr(*v, ctx);
            }
            self.bind(&names, &values, None);
        }
    }

    fn range_clause(&mut self, n: Node<'_>, ctx: Ctx) {
        let Some(right) = n.child_by_field_id(fields().right) else {
            return;
        };
        self.expr(right, ctx);
        let left = self.expr_list_owned(n.child_by_field_id(fields().left));
        let over = self.expr_ty(right);
        // `range ch` yields elements in the first position.
        let tys = [Ty::Key(Box::new(over.clone())), Ty::Elem(Box::new(over))];
        for (l, ty) in left.iter().zip(tys) {
            if l.kind_str() == "identifier" && self.text(*l) != "_" {
                let name = self.text(*l).to_string();
                self.scope.push((name, ty));
            }
        }
    }

    fn receive_statement(&mut self, n: Node<'_>, ctx: Ctx) {
        let Some(right) = n.child_by_field_id(fields().right) else {
            return;
        };
        self.expr(right, ctx);
        let left = self.expr_list_owned(n.child_by_field_id(fields().left));
        self.bind(&left, &[right], Some(ctx));
    }

    fn type_switch(&mut self, n: Node<'_>, ctx: Ctx) {
        let mark = self.scope.len();
        if let Some(init) = n.child_by_field_id(fields().initializer) {
            self.statement(init, ctx);
        }
        let alias = self
            .expr_list_owned(n.child_by_field_id(fields().alias))
            .first()
            .map(|a| self.text(*a).to_string());
        let value = n.child_by_field_id(fields().value);
        let value_ty = value.map_or(Ty::Unknown, |v| {
            // `x.(type)` parses as the operand; its static type applies in multi-type cases.
            self.expr_ty(v)
        });
        if let Some(v) = value {
            self.expr(v, ctx);
        }
        let cases: Vec<Node<'_>> = named_kids(n).collect();
        for case in cases {
            if case.kind_str() != "type_case" && case.kind_str() != "default_case" {
                continue;
            }
            let case_mark = self.scope.len();
            if let Some(alias) = &alias {
                let types: Vec<Node<'_>> = children_with_field(case, fields().type_).collect();
                let ty = match types.as_slice() {
                    [one] if self.text(*one) != "nil" => Ty::Assert {
                        x: Box::new(value_ty.clone()),
                        ty: Box::new(self.ty(*one)),
                    },
                    _ => value_ty.clone(),
                };
                self.scope.push((alias.clone(), ty));
            }
            let body: Vec<Node<'_>> = named_kids(case)
                .filter(|c| c.kind_str() == "statement_list")
                .collect();
            for b in body {
                self.block(b, ctx);
            }
            self.scope.truncate(case_mark);
        }
        self.scope.truncate(mark);
    }

    fn return_statement(&mut self, n: Node<'_>, ctx: Ctx) {
        let Some(list) = n.named_child(0) else {
            // A bare return returns the named results (empty when there are none).
            let named = self.named_results[ctx.func as usize].clone();
            self.file.funcs[ctx.func as usize].returns.push(named);
            return;
        };
        let exprs = self.expr_list_owned(Some(list));
        let returns_string = matches!(
            self.file.funcs[ctx.func as usize].sig.results.as_slice(),
            [Ty::Named { qual: None, name }] if name == "string"
        );
        if let (true, [e]) = (returns_string, exprs.as_slice()) {
            let text = match self.string_expr(*e) {
                Some(StrExpr::Literal(t)) => Some(t.replace('%', "%%")),
                Some(StrExpr::Format(t)) => Some(t),
                Some(StrExpr::Concat(parts)) => Some(StrExpr::concat_format(&parts, false)),
                _ => None,
            };
            self.file.funcs[ctx.func as usize].string_returns.push(text);
        }
        for e in &exprs {
            self.expr(*e, ctx);
            self.note_error_ref(*e, ctx);
            if ctx.error_method {
                if let Some(s) = self.string_expr(*e) {
                    self.push_error_method_string(s, line(*e), ctx);
                }
            }
        }
        // After the walk: a returned function literal is known only once walked.
        let n_results = self.file.funcs[ctx.func as usize].sig.results.len();
        let tys = self.right_types(n_results.max(exprs.len()), &exprs);
        self.file.funcs[ctx.func as usize].returns.push(tys);
    }

    fn push_error_method_string(&mut self, s: StrExpr, at: u32, ctx: Ctx) {
        let (value, form) = match s {
            StrExpr::Literal(t) => (StrValue::Literal(t), Form::Plain),
            StrExpr::Format(t) => (StrValue::Literal(t), Form::Printf),
            StrExpr::Concat(parts) => (
                StrValue::Literal(StrExpr::concat_format(&parts, false)),
                Form::Printf,
            ),
            StrExpr::Ref(r) => (StrValue::Const(r), Form::Plain),
        };
        if matches!(&value, StrValue::Literal(t) if t.is_empty()) {
            return;
        }
        self.file.funcs[ctx.func as usize].strings.push(StringUse {
            line: at,
            role: Role::ErrorMethod,
            form,
            api: "Error".into(),
            value,
        });
    }

    /// Records a package-level identifier that is returned or wrapped: a possible sentinel.
    fn note_error_ref(&mut self, e: Node<'_>, ctx: Ctx) {
        let e = strip_parens(e);
        let r = match e.kind_str() {
            "identifier" if !self.is_local(self.text(e)) => ValueRef {
                qual: None,
                name: self.text(e).to_string(),
            },
            "selector_expression" => match self.package_selector(e) {
                Some((qual, name)) => ValueRef { qual, name },
                None => return,
            },
            _ => return,
        };
        if matches!(r.name.as_str(), "nil" | "true" | "false") {
            return;
        }
        self.file.funcs[ctx.func as usize]
            .error_refs
            .push((r, line(e)));
    }

    // ---- expressions --------------------------------------------------------------------

    /// Walks an expression (or any node) for calls and function literals.
    fn expr(&mut self, n: Node<'_>, ctx: Ctx) {
        match n.kind_str() {
            "call_expression" => self.call(n, ctx, false, false),
            "func_literal" => {
                self.func_literal(n, ctx);
            }
            "composite_literal" => {
                let ty = n.child_by_field_id(fields().type_).map(|t| self.ty(t));
                if let Some(body) = n.child_by_field_id(fields().body) {
                    self.expr(body, ctx);
                }
                // After the body, so that the function literals among the elements are known.
                if let Some(ty) = ty {
                    let stores = self.composite_stores(&ty, n);
                    self.file.funcs[ctx.func as usize].stores.extend(stores);
                    self.file.instantiated.push(ty);
                }
            }
            "block" | "statement_list" => self.block(n, ctx),
            "short_var_declaration"
            | "var_declaration"
            | "if_statement"
            | "for_statement"
            | "return_statement"
            | "go_statement"
            | "defer_statement"
            | "range_clause"
            | "type_switch_statement"
            | "expression_switch_statement"
            | "select_statement"
            | "receive_statement"
            | "const_declaration" => self.statement(n, ctx),
            // Nothing below these can call or instantiate: skip asking for their children.
            "identifier"
            | "field_identifier"
            | "type_identifier"
            | "package_identifier"
            | "label_name"
            | "comment"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "imaginary_literal"
            | "rune_literal"
            | "true"
            | "false"
            | "nil"
            | "iota" => {}
            // `x.f`: the field is a name, so only the operand needs walking (unless the parser
            // recovered from an error here, when anything may hang below).
            "selector_expression" if !n.has_error() => {
                if let Some(operand) = n.child_by_field_id(fields().operand) {
                    self.expr(operand, ctx);
                }
            }
            _ => {
                for c in named_kids(n) {
                    self.expr(c, ctx);
                }
            }
        }
    }

    fn func_literal(&mut self, n: Node<'_>, ctx: Ctx) -> u32 {
        let parent = ctx.func;
        self.literal_counts[parent as usize] += 1;
        let name = format!(
            "{}${}",
            self.file.funcs[parent as usize].name, self.literal_counts[parent as usize]
        );
        self.func_literal_named(n, name, Some(parent))
    }

    fn func_literal_named(&mut self, n: Node<'_>, name: String, parent: Option<u32>) -> u32 {
        let mark = self.scope.len();
        let sig = self.signature_and_bind(n);
        let receiver = parent.and_then(|p| self.file.funcs[p as usize].receiver.clone());
        let idx = self.push_func(Func {
            name,
            receiver,
            parent,
            line: line(n),
            end_line: n.end_position().row as u32 + 1,
            span: (n.start_byte() as u32, n.end_byte() as u32),
            type_params: Vec::new(),
            sig,
            calls: Vec::new(),
            strings: Vec::new(),
            error_refs: Vec::new(),
            sends: false,
            returns: Vec::new(),
            string_returns: Vec::new(),
            stores: Vec::new(),
        });
        self.literal_of_node.insert(n.id(), idx);
        if let Some(body) = n.child_by_field_id(fields().body) {
            self.block(
                body,
                Ctx {
                    func: idx,
                    error_method: false,
                },
            );
        }
        self.scope.truncate(mark);
        idx
    }

    fn call(&mut self, n: Node<'_>, ctx: Ctx, is_go: bool, is_defer: bool) {
        let function = n.child_by_field_id(fields().function);
        // `x.M(…)`, `pkg.F(…)`: the selector's parts serve both the walk and the callee.
        let selector = function
            .filter(|f| f.kind_str() == "selector_expression" && !f.has_error())
            .map(selector_parts);
        // Walk the callee first: `a.b().c()` contains the call `a.b()`; `func(){}()` a literal.
        match (function, selector) {
            // As `expr` walks an error-free selector: its operand only.
            (_, Some((operand, _))) => {
                if let Some(operand) = operand {
                    self.expr(operand, ctx);
                }
            }
            (Some(f), None) => self.expr(f, ctx),
            (None, None) => {}
        }
        let args = self.expr_list_owned(n.child_by_field_id(fields().arguments));
        for a in &args {
            self.expr(*a, ctx);
        }
        let callee = match selector {
            Some((operand, field)) => Some(self.callee_of_selector(operand, field)),
            None => self.callee_of_function(function),
        };
        let Some(callee) = callee else {
            return;
        };
        self.callees.insert(n.id(), callee.clone());
        if let Callee::Global(name) = &callee {
            match name.as_str() {
                "new" => {
                    if let Some(a) = args.first() {
                        let ty = self.ty(*a);
                        self.file.instantiated.push(ty);
                    }
                    return;
                }
                "panic" => {
                    if let Some(a) = args.first() {
                        self.push_string(ctx, line(n), "panic", Role::Panic, Form::Plain, *a);
                    }
                }
                _ => {}
            }
        }
        if let Some((api, form)) = self.stderr_print(&callee, &args) {
            if let Some(a) = args.get(1) {
                self.push_string(ctx, line(n), &api, Role::Log, form, *a);
            }
        }
        if let Some((api, spec)) = self.api_of(&callee) {
            if let Some(a) = args.get(spec.text_arg) {
                let mut role = spec.role;
                if spec.form == Form::Printf && role == Role::ErrorNew {
                    if let Some(StrExpr::Literal(f)) = self.string_expr(*a) {
                        if f.contains("%w") {
                            role = Role::ErrorWrap;
                        }
                    }
                }
                self.push_string(ctx, line(n), &api, role, spec.form, *a);
            }
            if matches!(spec.role, Role::ErrorNew | Role::ErrorWrap) {
                for a in &args {
                    self.note_error_ref(*a, ctx);
                }
            }
        }
        let args = args.iter().map(|a| self.expr_ty(*a)).collect();
        self.file.funcs[ctx.func as usize].calls.push(Call {
            line: line(n),
            callee,
            args,
            is_go,
            is_defer,
        });
    }

    /// `fmt.Fprintf(os.Stderr, "…", …)` (and `Fprint`, `Fprintln`): a command-line tool's log
    /// line. Writes to any other writer are output, not log. Returns the call as written and
    /// the text's form.
    fn stderr_print(&self, callee: &Callee, args: &[Node<'_>]) -> Option<(String, Form)> {
        let Callee::Qualified { qual, name } = callee else {
            return None;
        };
        if self.imports.get(qual).map(String::as_str) != Some("fmt") {
            return None;
        }
        let form = match name.as_str() {
            "Fprintf" => Form::Printf,
            "Fprint" | "Fprintln" => Form::Plain,
            _ => return None,
        };
        let to_stderr = matches!(
            args.first().map(|a| self.expr_ty(*a)),
            Some(Ty::PkgMember { qual: q, name: n })
                if n == "Stderr" && self.imports.get(&q).map(String::as_str) == Some("os")
        );
        to_stderr.then(|| (format!("{qual}.{name}"), form))
    }

    /// The error/log API a call is, with its name as written.
    fn api_of(&self, callee: &Callee) -> Option<(String, ApiSpec)> {
        match callee {
            Callee::Qualified { qual, name } => {
                let path = self.imports.get(qual)?;
                apis::package_api(path, name).map(|s| (format!("{qual}.{name}"), s))
            }
            Callee::Method { name, .. } => apis::method_api(name).map(|s| (name.clone(), s)),
            Callee::Global(name) => apis::local_api(name).map(|s| (name.clone(), s)),
            _ => None,
        }
    }

    fn push_string(&mut self, ctx: Ctx, at: u32, api: &str, role: Role, form: Form, arg: Node<'_>) {
        let Some(s) = self.string_expr(arg) else {
            return;
        };
        let (value, form) = match s {
            StrExpr::Literal(t) => (StrValue::Literal(t), form),
            StrExpr::Ref(r) => (StrValue::Const(r), form),
            // Text built by Sprintf or concatenation is a format whatever the API.
            StrExpr::Format(t) => (StrValue::Literal(t), as_format(form)),
            StrExpr::Concat(parts) => {
                let raw = matches!(form, Form::Printf | Form::WrapPrefixf);
                (
                    StrValue::Literal(StrExpr::concat_format(&parts, raw)),
                    as_format(form),
                )
            }
        };
        if matches!(&value, StrValue::Literal(t) if t.trim().is_empty()) {
            return;
        }
        self.file.funcs[ctx.func as usize].strings.push(StringUse {
            line: at,
            role,
            form,
            api: api.to_string(),
            value,
        });
    }

    /// `var ErrX = errors.New("…")`: the error text, if the initialiser creates an error.
    fn error_creation(&mut self, call: Node<'_>) -> Option<StringUse> {
        let callee = self.call_callee(call)?;
        let (api, spec) = self.api_of(&callee)?;
        if !matches!(spec.role, Role::ErrorNew | Role::ErrorWrap) {
            return None;
        }
        let args = self.expr_list_owned(call.child_by_field_id(fields().arguments));
        let arg = args.get(spec.text_arg)?;
        let (value, form) = match self.string_expr(*arg)? {
            StrExpr::Literal(t) => (StrValue::Literal(t), spec.form),
            StrExpr::Ref(r) => (StrValue::Const(r), spec.form),
            StrExpr::Format(t) => (StrValue::Literal(t), as_format(spec.form)),
            StrExpr::Concat(parts) => {
                let raw = matches!(spec.form, Form::Printf | Form::WrapPrefixf);
                (
                    StrValue::Literal(StrExpr::concat_format(&parts, raw)),
                    as_format(spec.form),
                )
            }
        };
        Some(StringUse {
            line: line(call),
            role: Role::Sentinel,
            form,
            api,
            value,
        })
    }

    /// Stores of an assignment `left = right` into fields, package variables and parameters.
    fn assignment_stores(&mut self, left: &[Node<'_>], right: &[Node<'_>], ctx: Ctx) {
        let tys = self.right_types(left.len(), right);
        for (l, src) in left.iter().zip(tys) {
            let dst = self.expr_ty(strip_parens(*l));
            if matches!(
                dst,
                Ty::Member(..)
                    | Ty::Global(_)
                    | Ty::PkgMember { .. }
                    | Ty::Param { .. }
                    | Ty::Local { .. }
                    | Ty::Elem(_)
            ) {
                self.file.funcs[ctx.func as usize].stores.push(Store {
                    dst: Sink::Expr(dst),
                    src,
                });
            }
        }
    }

    /// Stores of a struct literal's elements into its fields (keyed or positional).
    fn composite_stores(&self, ty: &Ty, lit: Node<'_>) -> Vec<Store> {
        let mut out = Vec::new();
        let container = matches!(ty, Ty::Slice(_) | Ty::Array(_) | Ty::Map(..));
        if !matches!(ty, Ty::Named { .. }) && !container {
            return out;
        }
        let Some(body) = lit.child_by_field_id(fields().body) else {
            return out;
        };
        let elements = named_kids(body).filter(|c| c.kind_str() != "comment");
        for (i, el) in elements.enumerate() {
            match el.kind_str() {
                "keyed_element" => {
                    let (Some(k), Some(v)) = (el.named_child(0), el.named_child(1)) else {
                        continue;
                    };
                    let key = match k.kind_str() {
                        "literal_element" => k.named_child(0).unwrap_or(k),
                        _ => k,
                    };
                    let value = match v.kind_str() {
                        "literal_element" => v.named_child(0).unwrap_or(v),
                        _ => v,
                    };
                    if container || !matches!(key.kind_str(), "identifier" | "field_identifier") {
                        // An element of a slice, array or map literal.
                        out.push(Store {
                            dst: Sink::Field {
                                ty: ty.clone(),
                                field: FieldSel::Index(i as u32),
                            },
                            src: self.expr_ty(value),
                        });
                        continue;
                    }
                    out.push(Store {
                        dst: Sink::Field {
                            ty: ty.clone(),
                            field: FieldSel::Name(self.text(key).to_string()),
                        },
                        src: self.expr_ty(value),
                    });
                }
                "literal_element" => {
                    let value = el.named_child(0).unwrap_or(el);
                    out.push(Store {
                        dst: Sink::Field {
                            ty: ty.clone(),
                            field: FieldSel::Index(i as u32),
                        },
                        src: self.expr_ty(value),
                    });
                }
                _ => {}
            }
        }
        out
    }

    fn is_local(&self, name: &str) -> bool {
        self.scope.iter().rev().any(|(n, _)| n == name)
    }

    fn local_ty(&self, name: &str) -> Option<&Ty> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }

    /// `pkg.Name` where `pkg` is an import (not shadowed by a local): (qualifier, name).
    fn package_selector(&self, n: Node<'_>) -> Option<(Option<String>, String)> {
        let (operand, field) = selector_parts(n);
        self.package_member(operand, field)
            .map(|(qual, name)| (Some(qual), name))
    }

    /// [`Self::package_selector`] from a selector's operand and field, which callers that
    /// fall back to a member access need too (each field lookup re-scans the node's children).
    fn package_member(
        &self,
        operand: Option<Node<'_>>,
        field: Option<Node<'_>>,
    ) -> Option<(String, String)> {
        let (operand, field) = (operand?, field?);
        if operand.kind_str() != "identifier" {
            return None;
        }
        let q = self.text(operand);
        // The import table first: a hash probe, where the scope is a scan.
        if !self.imports.contains_key(q) || self.is_local(q) {
            return None;
        }
        Some((q.to_string(), self.text(field).to_string()))
    }

    /// The callee shape of a call expression.
    fn call_callee(&self, call: Node<'_>) -> Option<Callee> {
        if let Some(callee) = self.callees.get(&call.id()) {
            return Some(callee.clone());
        }
        self.callee_of_function(call.child_by_field_id(fields().function))
    }

    /// The callee shape from a call's `function` child.
    fn callee_of_function(&self, function: Option<Node<'_>>) -> Option<Callee> {
        Some(self.callee_of(strip_parens(function?)))
    }

    /// The callee `operand.field(…)`: a package function or a method.
    fn callee_of_selector(&self, operand: Option<Node<'_>>, field: Option<Node<'_>>) -> Callee {
        if let Some((qual, name)) = self.package_member(operand, field) {
            return Callee::Qualified { qual, name };
        }
        let recv = operand.map_or(Ty::Unknown, |o| self.expr_ty(o));
        let name = field.map(|n| self.text(n).to_string()).unwrap_or_default();
        Callee::Method { recv, name }
    }

    fn callee_of(&self, f: Node<'_>) -> Callee {
        match f.kind_str() {
            "identifier" => {
                let name = self.text(f);
                match self.local_ty(name) {
                    Some(Ty::FuncLit(i)) => Callee::Literal(*i),
                    Some(ty) => Callee::Value(ty.clone()),
                    None => Callee::Global(name.to_string()),
                }
            }
            "selector_expression" => {
                let (operand, field) = selector_parts(f);
                self.callee_of_selector(operand, field)
            }
            "func_literal" => match self.literal_of_node.get(&f.id()) {
                Some(i) => Callee::Literal(*i),
                None => Callee::Value(Ty::Unknown),
            },
            // Generic instantiation `F[int](…)`.
            "index_expression" | "type_instantiation_expression" => {
                let operand = f
                    .child_by_field_id(fields().operand)
                    .or_else(|| f.named_child(0));
                match operand {
                    Some(o) if matches!(o.kind_str(), "identifier" | "selector_expression") => {
                        self.callee_of(o)
                    }
                    _ => Callee::Value(self.expr_ty(f)),
                }
            }
            _ => Callee::Value(self.expr_ty(f)),
        }
    }

    /// The symbolic type of an expression.
    fn expr_ty(&self, n: Node<'_>) -> Ty {
        match n.kind_str() {
            "identifier" => {
                let name = self.text(n);
                match self.local_ty(name) {
                    Some(t) => t.clone(),
                    None => Ty::Global(name.to_string()),
                }
            }
            "selector_expression" => {
                let (operand, field) = selector_parts(n);
                if let Some((qual, name)) = self.package_member(operand, field) {
                    return Ty::PkgMember { qual, name };
                }
                let operand = operand.map_or(Ty::Unknown, |o| self.expr_ty(o));
                let field = field.map(|f| self.text(f).to_string()).unwrap_or_default();
                Ty::Member(Box::new(operand), field)
            }
            "call_expression" => {
                let Some(callee) = self.call_callee(n) else {
                    return Ty::Unknown;
                };
                if !matches!(callee, Callee::Global(_) | Callee::Qualified { .. }) {
                    return Ty::ResultOf {
                        callee: Box::new(callee),
                        index: 0,
                        operand: None,
                    };
                }
                let args = n.child_by_field_id(fields().arguments);
                if let Callee::Global(name) = &callee {
                    let first_arg = || args.and_then(|a| a.named_child(0));
                    match name.as_str() {
                        "new" => {
                            return Ty::Pointer(Box::new(
                                first_arg().map_or(Ty::Unknown, |a| self.ty(a)),
                            ))
                        }
                        "make" => return first_arg().map_or(Ty::Unknown, |a| self.ty(a)),
                        "append" => return first_arg().map_or(Ty::Unknown, |a| self.expr_ty(a)),
                        "len" | "cap" | "copy" => return named("int"),
                        _ => {}
                    }
                }
                // `T(x)` may be a conversion (the front end cannot tell a type name from a
                // function name across files): keep the operand.
                let mut list = args
                    .into_iter()
                    .flat_map(named_kids)
                    .filter(|c| c.kind_str() != "comment");
                let operand = match (list.next(), list.next()) {
                    (Some(x), None) if x.kind_str() != "variadic_argument" => {
                        let t = self.expr_ty(x);
                        let basic =
                            matches!(&t, Ty::Named { qual: None, name } if is_basic_name(name));
                        (!basic && t != Ty::Unknown).then(|| Box::new(t))
                    }
                    _ => None,
                };
                Ty::ResultOf {
                    callee: Box::new(callee),
                    index: 0,
                    operand,
                }
            }
            "composite_literal" => n
                .child_by_field_id(fields().type_)
                .map_or(Ty::Unknown, |t| self.ty(t)),
            "unary_expression" => {
                let operand = n
                    .child_by_field_id(fields().operand)
                    .map_or(Ty::Unknown, |o| self.expr_ty(o));
                match n.child_by_field_id(fields().operator).map(|o| self.text(o)) {
                    Some("&") => Ty::Pointer(Box::new(operand)),
                    Some("*") => Ty::Deref(Box::new(operand)),
                    Some("<-") => Ty::Elem(Box::new(operand)),
                    Some("!") => named("bool"),
                    _ => operand,
                }
            }
            "index_expression" => {
                let operand = n
                    .child_by_field_id(fields().operand)
                    .map_or(Ty::Unknown, |o| self.expr_ty(o));
                Ty::Elem(Box::new(operand))
            }
            "slice_expression" => n
                .child_by_field_id(fields().operand)
                .map_or(Ty::Unknown, |o| self.expr_ty(o)),
            "type_assertion_expression" => {
                let ty = n
                    .child_by_field_id(fields().type_)
                    .map_or(Ty::Unknown, |t| self.ty(t));
                let x = n
                    .child_by_field_id(fields().operand)
                    .map_or(Ty::Unknown, |o| self.expr_ty(o));
                Ty::Assert {
                    x: Box::new(x),
                    ty: Box::new(ty),
                }
            }
            "type_conversion_expression" => n
                .child_by_field_id(fields().type_)
                .map_or(Ty::Unknown, |t| self.ty(t)),
            "parenthesized_expression" => n.named_child(0).map_or(Ty::Unknown, |c| self.expr_ty(c)),
            "func_literal" => match self.literal_of_node.get(&n.id()) {
                Some(i) => Ty::FuncLit(*i),
                None => Ty::Func(Box::new(self.signature(n))),
            },
            "interpreted_string_literal" | "raw_string_literal" => named("string"),
            "int_literal" => named("int"),
            "float_literal" => named("float64"),
            "rune_literal" => named("rune"),
            "true" | "false" => named("bool"),
            "binary_expression" => {
                match n.child_by_field_id(fields().operator).map(|o| self.text(o)) {
                    Some("==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||") => named("bool"),
                    _ => n
                        .child_by_field_id(fields().left)
                        .map_or(Ty::Unknown, |l| self.expr_ty(l)),
                }
            }
            // `nil` is a package-level name as far as resolution goes (it resolves to nothing).
            "nil" => Ty::Global("nil".into()),
            // `f(xs...)`: the slice.
            "variadic_argument" => n.named_child(0).map_or(Ty::Unknown, |c| self.expr_ty(c)),
            // An element literal with an elided type: a struct, slice or map value.
            "literal_value" => Ty::Struct(Vec::new()),
            _ => Ty::Unknown,
        }
    }

    /// Reads a string-valued expression: a literal, a named constant, a concatenation or a
    /// `fmt.Sprintf` format.
    fn string_expr(&self, n: Node<'_>) -> Option<StrExpr> {
        let n = strip_parens(n);
        match n.kind_str() {
            "interpreted_string_literal" | "raw_string_literal" => {
                string_literal_value(self.text(n)).map(StrExpr::Literal)
            }
            "identifier" => {
                let name = self.text(n);
                if let Some((_, s)) = self.local_strings.iter().rev().find(|(l, _)| l == name) {
                    return Some(StrExpr::Literal(s.clone()));
                }
                if self.is_local(name) {
                    return None;
                }
                Some(StrExpr::Ref(ValueRef {
                    qual: None,
                    name: name.to_string(),
                }))
            }
            "selector_expression" => {
                let (qual, name) = self.package_selector(n)?;
                Some(StrExpr::Ref(ValueRef { qual, name }))
            }
            "call_expression" => {
                let Callee::Qualified { qual, name } = self.call_callee(n)? else {
                    return None;
                };
                let path = self.imports.get(&qual)?;
                if !apis::is_sprintf(path, &name) {
                    return None;
                }
                let first = n.child_by_field_id(fields().arguments)?.named_child(0)?;
                match self.string_expr(first)? {
                    StrExpr::Literal(s) | StrExpr::Format(s) => Some(StrExpr::Format(s)),
                    StrExpr::Concat(parts) => {
                        Some(StrExpr::Format(StrExpr::concat_format(&parts, true)))
                    }
                    StrExpr::Ref(_) => None,
                }
            }
            "binary_expression" => {
                if n.child_by_field_id(fields().operator).map(|o| self.text(o)) != Some("+") {
                    return None;
                }
                let mut parts = Vec::new();
                self.concat_parts(n, &mut parts);
                if parts.iter().all(|p| p.is_some()) {
                    return Some(StrExpr::Literal(parts.into_iter().flatten().collect()));
                }
                // At least one literal piece is needed for the text to be worth matching.
                if parts.iter().all(|p| p.is_none()) {
                    return None;
                }
                Some(StrExpr::Concat(parts))
            }
            _ => None,
        }
    }

    fn concat_parts(&self, n: Node<'_>, out: &mut Vec<Option<String>>) {
        let n = strip_parens(n);
        if n.kind_str() == "binary_expression"
            && n.child_by_field_id(fields().operator).map(|o| self.text(o)) == Some("+")
        {
            if let Some(l) = n.child_by_field_id(fields().left) {
                self.concat_parts(l, out);
            }
            if let Some(r) = n.child_by_field_id(fields().right) {
                self.concat_parts(r, out);
            }
            return;
        }
        match n.kind_str() {
            "interpreted_string_literal" | "raw_string_literal" => {
                out.push(string_literal_value(self.text(n)))
            }
            _ => out.push(None),
        }
    }
}

enum StrExpr {
    Literal(String),
    /// A printf format (the format of a `fmt.Sprintf`).
    Format(String),
    /// A concatenation with non-literal parts (`None`): `"open " + path + ": failed"`.
    Concat(Vec<Option<String>>),
    Ref(ValueRef),
}

impl StrExpr {
    /// The concatenation as a printf format: when the text is itself a format (`raw_format`),
    /// literal parts keep their verbs; otherwise `%` is escaped. Non-literal parts become `%v`.
    fn concat_format(parts: &[Option<String>], raw_format: bool) -> String {
        let mut f = String::new();
        for p in parts {
            match p {
                Some(lit) if raw_format => f.push_str(lit),
                Some(lit) => f.push_str(&lit.replace('%', "%%")),
                None => f.push_str("%v"),
            }
        }
        f
    }
}

/// The form of a text that turned out to be a format.
/// Whether a variable of this (symbolic) type may hold an interface or func value, so that
/// it needs a flow identity: types written as composite or basic types cannot, and a local
/// that merely aliases another identity keeps it.
fn may_hold_dynamic(ty: &Ty) -> bool {
    match ty {
        Ty::Named { qual: None, name } => !is_basic_name(name),
        Ty::Pointer(_)
        | Ty::Slice(_)
        | Ty::Array(_)
        | Ty::Map(..)
        | Ty::Chan(_)
        | Ty::Struct(_)
        | Ty::FuncLit(_)
        | Ty::Param { .. }
        | Ty::Local { .. }
        | Ty::Unknown => false,
        _ => true,
    }
}

/// A predeclared basic type name: its values carry no methods.
fn is_basic_name(name: &str) -> bool {
    matches!(
        name,
        "string"
            | "int"
            | "bool"
            | "byte"
            | "rune"
            | "float64"
            | "int64"
            | "uint64"
            | "uint32"
            | "int32"
            | "uint8"
            | "uint16"
            | "int16"
            | "int8"
            | "uint"
            | "uintptr"
            | "float32"
    )
}

fn as_format(form: Form) -> Form {
    match form {
        Form::WrapPrefix | Form::WrapPrefixf => Form::WrapPrefixf,
        _ => Form::Printf,
    }
}

fn named(name: &str) -> Ty {
    Ty::Named {
        qual: None,
        name: name.to_string(),
    }
}

/// A selector expression's operand and field.
fn selector_parts(n: Node<'_>) -> (Option<Node<'_>>, Option<Node<'_>>) {
    (
        n.child_by_field_id(fields().operand),
        n.child_by_field_id(fields().field),
    )
}

fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while n.kind_str() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

/// The package name an import path gets by default: its last element, without a `/vN` major
/// version suffix and with `go-` / `.go` decorations removed as the go tool's convention suggests.
pub fn default_import_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() >= 2 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit()) {
        if let Some(prev) = parts.next() {
            last = prev;
        }
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix(".go").unwrap_or(last);
    last.strip_suffix("-go").unwrap_or(last)
}

/// Decodes a Go string literal (interpreted `"…"` or raw `` `…` ``).
pub fn string_literal_value(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(raw.replace('\r', ""));
    }
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&h, 16).ok()?));
            }
            'u' => {
                let h: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'U' => {
                let h: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            d @ '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&format!("{d}{rest}"), 8).ok()?;
                out.push(char::from_u32(v)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The build constraint among the comments before the package clause: the `//go:build`
/// expression, or else the legacy `// +build` lines translated into one (Go 1.17+ reads the
/// former and falls back to the latter; much packaged code still carries only `+build`).
fn build_constraint(src: &str, root: Node<'_>) -> Option<String> {
    let mut legacy: Vec<String> = Vec::new();
    // By index, not [`all_kids`]: only the leading comments are read, and a file has more
    // top-level children than a cursor walk of all of them is worth.
    let leading = (0..root.child_count()).map_while(|i| root.child(i));
    for c in leading {
        if c.kind_str() != "comment" {
            break;
        }
        let Some(t) = src.get(c.byte_range()) else {
            break;
        };
        if let Some(expr) = t.strip_prefix("//go:build ") {
            return Some(expr.trim().to_string());
        }
        if let Some(line) = t.strip_prefix("// +build ") {
            legacy.push(plus_build_to_expr(line));
        }
    }
    match legacy.len() {
        0 => None,
        1 => legacy.pop(),
        _ => Some(
            legacy
                .iter()
                .map(|e| format!("({e})"))
                .collect::<Vec<_>>()
                .join(" && "),
        ),
    }
}

/// `// +build a,!b c` → `(a && !b) || (c)`: spaces separate alternatives, commas conjuncts.
fn plus_build_to_expr(line: &str) -> String {
    line.split_whitespace()
        .map(|alt| format!("({})", alt.split(',').collect::<Vec<_>>().join(" && ")))
        .collect::<Vec<_>>()
        .join(" || ")
}

fn collect_syntax_errors(root: Node<'_>, out: &mut Vec<(u32, u32)>) {
    if !root.has_error() {
        return;
    }
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            out.push((line(n), n.start_position().column as u32 + 1));
            if out.len() >= 100 {
                return;
            }
            continue;
        }
        if n.has_error() {
            stack.extend(all_kids(n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_string_literals() {
        assert_eq!(
            string_literal_value(r#""a\tb\n\"q\"""#).as_deref(),
            Some("a\tb\n\"q\"")
        );
        assert_eq!(
            string_literal_value(r#""\x41\u00e9\101""#).as_deref(),
            Some("AéA")
        );
        assert_eq!(
            string_literal_value("`raw %s\\n`").as_deref(),
            Some("raw %s\\n")
        );
        assert_eq!(string_literal_value("\"bad\\q\""), None);
    }

    #[test]
    fn a_print_to_stderr_is_a_log_line_and_to_another_writer_is_not() {
        let src = "package a\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc F(w *os.File, err error) {\n\tfmt.Fprintf(os.Stderr, \"%s: %v\\n\", \"f\", err)\n\tfmt.Fprintln(os.Stderr, \"stopped\")\n\tfmt.Fprintf(w, \"report %v\\n\", err)\n\tfmt.Fprintf(os.Stdout, \"out %v\\n\", err)\n}\n";
        let file = crate::lang::go::parse_file("a/a.go", src).expect("parses");
        let strings: Vec<(Role, Form, String)> = file.funcs[0]
            .strings
            .iter()
            .map(|s| match &s.value {
                StrValue::Literal(t) => (s.role, s.form, t.clone()),
                StrValue::Const(r) => (s.role, s.form, r.name.clone()),
            })
            .collect();
        assert_eq!(
            strings,
            vec![
                (Role::Log, Form::Printf, "%s: %v\n".to_string()),
                (Role::Log, Form::Plain, "stopped".to_string()),
            ]
        );
    }

    #[test]
    fn build_constraints_from_go_build_and_legacy_plus_build() {
        let parse =
            |src: &str| crate::lang::go::parse_file("x/a.go", src).map(|f| f.build_constraint);
        assert_eq!(
            parse("// Copyright\n\n//go:build linux && !cgo\n// +build linux,!cgo\n\npackage a\n")
                .ok()
                .flatten()
                .as_deref(),
            Some("linux && !cgo")
        );
        assert_eq!(
            parse("// +build darwin dragonfly freebsd\n// +build !appengine\n\npackage a\n")
                .ok()
                .flatten()
                .as_deref(),
            Some("((darwin) || (dragonfly) || (freebsd)) && ((!appengine))")
        );
        assert_eq!(parse("// Package a.\npackage a\n").ok().flatten(), None);
    }

    #[test]
    fn default_import_names() {
        assert_eq!(default_import_name("net/http"), "http");
        assert_eq!(default_import_name("k8s.io/klog/v2"), "klog");
        assert_eq!(
            default_import_name("github.com/mattn/go-sqlite3"),
            "sqlite3"
        );
        assert_eq!(default_import_name("fmt"), "fmt");
    }
}
