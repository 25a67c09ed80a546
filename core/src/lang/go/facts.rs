//! The facts the Go front end extracts from one file.
//!
//! Facts are syntax-level and symbolic: a type is written as the source writes it (`*http.Client`,
//! `T`, `[]error`), and an expression whose type needs other files (the result of a call, a field
//! of a variable) is kept as a small [`Ty`] expression that [`crate::program`] evaluates once every
//! file is known. That keeps the front end per-file and parallel, and keeps the facts compact
//! enough to send from a Web Worker.

use serde::{Deserialize, Serialize};

/// Everything Refract needs from one `.go` file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GoFile {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// The package clause (`package foo` → `foo`).
    pub package: String,
    /// The `//go:build` expression, if any, as written.
    pub build_constraint: Option<String>,
    pub imports: Vec<Import>,
    /// Declared functions and methods, then function literals, in source order.
    pub funcs: Vec<Func>,
    pub types: Vec<TypeDecl>,
    /// Package-level `const` and `var` declarations.
    pub values: Vec<ValueDecl>,
    /// Types the file creates or converts to an interface: composite literals, `new(T)`, `&T{}`,
    /// conversions `I(x)`. Used for RTA-style dispatch.
    pub instantiated: Vec<Ty>,
    /// Stores made by package-level initialisers (struct literal elements), for type flow.
    #[serde(default)]
    pub init_stores: Vec<Store>,
    /// Syntax errors tree-sitter recovered from: (line, column).
    pub syntax_errors: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    pub name: ImportName,
    /// The import path, unquoted.
    pub path: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportName {
    /// `import "a/b"`: the package's own name (assumed to be the last path element).
    Default,
    /// `import c "a/b"`.
    Alias(String),
    /// `import . "a/b"`.
    Dot,
    /// `import _ "a/b"`.
    Blank,
}

/// A symbolic type or type-of-expression, settled by the linker.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ty {
    /// `T` or `pkg.T` as written; `qual` is the package qualifier (an import name), if any.
    Named {
        qual: Option<String>,
        name: String,
    },
    Pointer(Box<Ty>),
    Slice(Box<Ty>),
    Array(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Chan(Box<Ty>),
    Func(Box<Signature>),
    /// An inline `interface { … }` type.
    Interface(Box<InterfaceType>),
    /// An inline `struct { … }` type.
    Struct(Vec<Field>),
    /// An identifier that is not a local: a package-level var, const or func of this package
    /// (or of a dot import).
    Global(String),
    /// `pkg.Name` where `pkg` is an import: a var, const or func of that package.
    PkgMember {
        qual: String,
        name: String,
    },
    /// Result number `index` of a call.
    ResultOf {
        callee: Box<Callee>,
        index: u32,
        /// The argument of a one-argument call whose callee may name a type (`T(x)`,
        /// `pkg.T(x)`, `error(x)`): when the call is a conversion, the value is the argument's.
        /// Always serialised: facts travel between workers in postcard, which is not
        /// self-describing, so a skipped field would shift every later byte.
        #[serde(default)]
        operand: Option<Box<Ty>>,
    },
    /// `x.name` where x is not a package: a field, or a method value.
    Member(Box<Ty>, String),
    /// `x[i]`, `<-x`, the value of `range x`.
    Elem(Box<Ty>),
    /// The key of `range x` over a map (int for slices).
    Key(Box<Ty>),
    /// `*x`.
    Deref(Box<Ty>),
    /// A function literal (index into [`GoFile::funcs`]).
    FuncLit(u32),
    /// Parameter `index` of function `func` (index into [`GoFile::funcs`]; a literal's captured
    /// parameter names its enclosing function), declared with type `ty`. Typed as `ty`; the
    /// type-flow pass ([`crate::program`]) uses the identity to follow what callers pass.
    Param {
        func: u32,
        index: u32,
        ty: Box<Ty>,
    },
    /// `x.(T)` (and a type switch's variable in a one-type case): typed as `ty`; when `ty` is an
    /// interface, the values are those of `x`.
    Assert {
        x: Box<Ty>,
        ty: Box<Ty>,
    },
    /// Local variable number `id` of function `func` (index into [`GoFile::funcs`]), typed as
    /// `ty` (its declared type, or the type of the expression that defined it). What is
    /// assigned to it is recorded as [`Store`]s, for the type-flow pass.
    Local {
        func: u32,
        id: u32,
        ty: Box<Ty>,
    },
    /// Type of a literal or an expression the front end could not read.
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signature {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
    pub variadic: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InterfaceType {
    pub methods: Vec<MethodSpec>,
    /// Embedded interfaces (and type-set terms of constraints, which are ignored).
    pub embeds: Vec<Ty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MethodSpec {
    pub name: String,
    pub sig: Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Field {
    /// `None` for an embedded field.
    pub name: Option<String>,
    pub ty: Ty,
}

/// `type Name …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDecl {
    pub name: String,
    pub line: u32,
    /// `type A = B`.
    pub alias: bool,
    /// Names of type parameters (generic types).
    pub type_params: Vec<String>,
    pub underlying: Ty,
}

/// A package-level `const` or `var`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueDecl {
    pub name: String,
    pub line: u32,
    pub is_const: bool,
    /// Declared type, or the type of the initialiser.
    pub ty: Ty,
    /// The value when it is a string constant expression (`"a"`, `"a" + "b"`, `` `raw` ``).
    pub string: Option<String>,
    /// The value is another constant: `const A = B` / `pkg.B`.
    pub alias_of: Option<ValueRef>,
    /// `var ErrX = errors.New("…")` and friends: the error text this sentinel carries.
    pub sentinel: Option<StringUse>,
    /// The initialiser's type when a type is also declared (`var w io.Writer = os.Stdout`):
    /// what flows into the variable, for the type-flow pass.
    #[serde(default)]
    pub init: Option<Ty>,
    /// A `var` declared with a type and no value (`var errCache error`): it starts as the
    /// zero value, so nothing flows into it but what is assigned later.
    #[serde(default)]
    pub zero: bool,
}

/// A reference to a package-level value: `Name` (this package) or `qual.Name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ValueRef {
    pub qual: Option<String>,
    pub name: String,
}

/// A function, method or function literal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Func {
    /// `F`, `M`, or for literals the go/ssa name relative to the outermost declaration (`F$1`,
    /// `F$1$2`). Methods: the method name; see `receiver`.
    pub name: String,
    pub receiver: Option<Receiver>,
    /// Enclosing function (index into [`GoFile::funcs`]) for a literal.
    pub parent: Option<u32>,
    /// Line of the name (declared) or of the `func` keyword (literal). 1-based.
    pub line: u32,
    pub end_line: u32,
    /// Byte range of the whole declaration in the file.
    pub span: (u32, u32),
    pub type_params: Vec<String>,
    pub sig: Signature,
    pub calls: Vec<Call>,
    /// Error and log strings used in this function's body.
    pub strings: Vec<StringUse>,
    /// Package-level values this function returns or wraps: sentinel candidates.
    pub error_refs: Vec<(ValueRef, u32)>,
    /// The body sends on a channel (`errCh <- err`): a hand-off point for errors.
    #[serde(default)]
    pub sends: bool,
    /// One entry per `return` statement: the types of the returned expressions, one per result
    /// (`return f()` with several results is spread as `ResultOf` indices). Empty for a bare
    /// `return`. Read by the type-flow pass.
    #[serde(default)]
    pub returns: Vec<Vec<Ty>>,
    /// For a function whose one result is a `string`: per `return`, the returned text as a
    /// printf format (`"from=%s"` for `fmt.Sprintf("from=%s", a)`, `%` escaped in a literal), or
    /// `None` when it is not a constant expression. A value such a function makes can only read
    /// like one of these.
    #[serde(default)]
    pub string_returns: Vec<Option<String>>,
    /// Values stored into fields, package variables and parameters: assignments and struct
    /// literal elements. Read by the type-flow pass.
    #[serde(default)]
    pub stores: Vec<Store>,
}

/// `dst = src` as far as type flow is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub dst: Sink,
    pub src: Ty,
}

/// Where a stored value goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sink {
    /// The left-hand side of an assignment, as an expression type (`x.f`, a package var, a
    /// parameter).
    Expr(Ty),
    /// An element of a composite literal of type `ty`: a keyed field or the field at a position
    /// (for slice, array and map literals: an element).
    Field { ty: Ty, field: FieldSel },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldSel {
    Name(String),
    Index(u32),
}

impl Func {
    /// Whether the last result is the `error` interface.
    pub fn returns_error(&self) -> bool {
        matches!(self.sig.results.last(), Some(Ty::Named { qual: None, name }) if name == "error")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    /// The receiver type's name (`T` for both `T` and `*T`).
    pub type_name: String,
    pub pointer: bool,
}

/// One call expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub line: u32,
    pub callee: Callee,
    /// The argument expressions' types, in order (for the type-flow pass).
    #[serde(default)]
    pub args: Vec<Ty>,
    /// `go f()`.
    pub is_go: bool,
    /// `defer f()`.
    pub is_defer: bool,
}

/// The shape of the called expression, symbolically.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Callee {
    /// `F(…)`: a package-level function of this package, a builtin, or a conversion.
    Global(String),
    /// `pkg.F(…)` where `pkg` is an import name.
    Qualified { qual: String, name: String },
    /// `x.M(…)` where x is a value; `recv` is the type of x.
    Method { recv: Ty, name: String },
    /// A call of a function value: a local variable, parameter, field or call result.
    Value(Ty),
    /// `func(){…}(…)`: index of the literal in [`GoFile::funcs`].
    Literal(u32),
}

/// What a string does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates a new error (`errors.New`, `fmt.Errorf` without `%w`, `status.Error`).
    ErrorNew,
    /// Wraps another error (`fmt.Errorf` with `%w`, `errors.Wrap`, `WithMessage`).
    ErrorWrap,
    /// Text produced by an `Error() string` method of a custom error type.
    ErrorMethod,
    /// A log call's message.
    Log,
    /// `panic("…")`.
    Panic,
    /// A sentinel `var ErrX = errors.New("…")`, attributed to a function that returns or wraps it.
    Sentinel,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::ErrorNew,
        Role::ErrorWrap,
        Role::ErrorMethod,
        Role::Log,
        Role::Panic,
        Role::Sentinel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ErrorNew => "error_new",
            Role::ErrorWrap => "error_wrap",
            Role::ErrorMethod => "error_method",
            Role::Log => "log",
            Role::Panic => "panic",
            Role::Sentinel => "sentinel",
        }
    }
}

/// How the text combines with its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// Taken as is (`errors.New`, `log.Print`).
    Plain,
    /// A printf format (`fmt.Errorf`, `log.Printf`); holes are fmt verbs.
    Printf,
    /// pkg/errors `Wrap`: the text, then `": "`, then the wrapped error.
    WrapPrefix,
    /// pkg/errors `Wrapf`: a printf format, then `": "`, then the wrapped error.
    WrapPrefixf,
}

/// An error or log string in a function (or a sentinel's initialiser).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StringUse {
    /// Line of the call that uses the string.
    pub line: u32,
    pub role: Role,
    pub form: Form,
    /// The call as written, e.g. `fmt.Errorf`, `klog.Errorf`, `logger.Error`.
    pub api: String,
    pub value: StrValue,
}

/// The string itself, or the named constant that holds it (resolved by the linker).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StrValue {
    Literal(String),
    Const(ValueRef),
}
