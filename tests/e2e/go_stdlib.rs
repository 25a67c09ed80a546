//! Real code: the Go standard library from Debian's `golang-go` (`cargo xtask install` puts it
//! at /usr/lib/go-1.19/src). Facts checked here were read off the source by hand; they fail on
//! an extractor or linker that loses calls, types, literals, constants or sentinels.

use std::path::Path;
use std::sync::OnceLock;

use refract_core::index::Index;
use refract_core::program::EdgeKind;
use refract_tests::*;

const GOROOT_SRC: &str = "/usr/lib/go-1.19/src";

fn stdlib() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        assert!(
            Path::new(GOROOT_SRC).join("net/http/client.go").exists(),
            "{GOROOT_SRC} is missing: run `cargo xtask install` (apt-get install golang-go)"
        );
        index_repo(Path::new(GOROOT_SRC), 3)
    })
}

fn has_edge(idx: &Index, caller: &str, callee: &str, kind: EdgeKind) -> bool {
    let p = &idx.program;
    let (a, b) = (func(p, caller), func(p, callee));
    p.callees(a).any(|(c, e)| c == b && e.kind == kind)
}

#[test]
fn counts_are_those_of_a_real_code_base() {
    let idx = stdlib();
    let p = &idx.program;
    assert!(p.funcs.len() > 25_000, "functions: {}", p.funcs.len());
    let (st, dy) = p.edge_counts();
    assert!(st > 90_000, "static edges: {st}");
    assert!(dy > 10_000, "dynamic edges: {dy}");
    let strings: usize = p.funcs.iter().map(|f| f.strings.len()).sum();
    assert!(strings > 4_000, "error/log strings: {strings}");
    assert!(p
        .packages
        .iter()
        .any(|pk| pk.path == "net/http" && pk.name == "http"));
    // Most calls of the standard library resolve to something or are builtins/conversions.
    let u = &p.unresolved;
    assert!(
        u.unknown_receiver + u.unknown_name < st / 20,
        "too many unresolved: {u:?}"
    );
}

#[test]
fn functions_have_go_ssa_names_and_name_lines() {
    let p = &stdlib().program;
    let open = func(p, "os.Open");
    assert_eq!((p.file_path(open), p.func(open).line), ("os/file.go", 317));
    let do_ = func(p, "(*net/http.Client).Do");
    assert_eq!(p.file_path(do_), "net/http/client.go");
    // A build-constrained pair: only the Linux definition is linked from callers.
    assert!(has_edge(
        stdlib(),
        "archive/zip.OpenReader",
        "os.Open",
        EdgeKind::Static
    ));
}

#[test]
fn methods_resolve_via_receivers_fields_and_constructors() {
    let idx = stdlib();
    // `c.Do(req)` inside (*Client).Get: receiver is the method's own receiver.
    assert!(has_edge(
        idx,
        "(*net/http.Client).Get",
        "(*net/http.Client).Do",
        EdgeKind::Static
    ));
    // `http.Get` calls DefaultClient.Get: a package-level var's declared type.
    assert!(has_edge(
        idx,
        "net/http.Get",
        "(*net/http.Client).Get",
        EdgeKind::Static
    ));
    // `json.NewDecoder(r).Decode(v)` style chains: constructor result types.
    assert!(has_edge(
        idx,
        "(*encoding/json.Decoder).Decode",
        "(*encoding/json.decodeState).unmarshal",
        EdgeKind::Static
    ));
}

#[test]
fn interface_calls_dispatch_to_implementations() {
    let idx = stdlib();
    // io.Copy's `dst.Write` reaches a concrete writer of the standard library.
    let p = &idx.program;
    let copy_buffer = func(p, "io.copyBuffer");
    let dynamic: Vec<&str> = p
        .callees(copy_buffer)
        .filter(|(_, e)| e.kind == EdgeKind::Dynamic)
        .map(|(c, _)| p.name(c))
        .collect();
    assert!(
        dynamic.contains(&"(*bytes.Buffer).Write"),
        "io.copyBuffer dynamic callees: {dynamic:?}"
    );
    assert!(
        dynamic.contains(&"(*os.File).Write"),
        "io.copyBuffer dynamic callees: {dynamic:?}"
    );
}

#[test]
fn strings_roles_constants_and_sentinels() {
    let p = &stdlib().program;
    let s = |name: &str| strings_of(p, name);
    // fs.PathError's Error method concatenates fields.
    assert!(s("(*io/fs.PathError).Error").contains(&("%v %v: %v".to_string(), "error_method")));
    // io.ReadFull returns io.ErrUnexpectedEOF through ReadAtLeast; ReadAtLeast owns the sentinel.
    assert!(s("io.ReadAtLeast").contains(&("unexpected EOF".to_string(), "sentinel")));
    // A panic with a literal.
    assert!(s("strings.Repeat")
        .iter()
        .any(|(t, r)| *r == "panic" && t.contains("negative Repeat count")));
    // fmt.Errorf with %w.
    assert!(p
        .funcs
        .iter()
        .flat_map(|f| &f.strings)
        .any(|o| o.role.as_str() == "error_wrap"));
}
