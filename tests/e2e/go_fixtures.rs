//! The `shop` fixture: a small Go module with exact expected edges, roles and closures.

use refract_core::program::EdgeKind::{Dynamic, Static};
use refract_core::source::SkipReason;
use refract_tests::*;

const STORE: &str = "example.com/shop/store";
const SVC: &str = "example.com/shop/svc";

fn shop() -> refract_core::index::Index {
    index_repo(&fixture("go/shop"), 3)
}

fn e(
    name: String,
    kind: refract_core::program::EdgeKind,
) -> (String, refract_core::program::EdgeKind) {
    (name, kind)
}

#[test]
fn package_calls_resolve_through_imports_and_aliases() {
    let idx = shop();
    let p = &idx.program;
    assert_eq!(
        callees(p, "example.com/shop.main"),
        vec![
            e(format!("(*{SVC}.Service).Lookup"), Static),
            e(format!("{STORE}.NewDB"), Static),
            e(format!("{SVC}.New"), Static),
            e(format!("{SVC}.Promoted"), Static),
        ]
    );
}

#[test]
fn interface_dispatch_follows_the_types_that_flow() {
    let idx = shop();
    let p = &idx.program;
    // `s.store.Get` through the `st.Store` field: DB and Cache are instantiated (RTA would take
    // both), but only the *DB that `main` passes to `svc.New` reaches the field.
    assert_eq!(
        callees(p, &format!("(*{SVC}.Service).Lookup")),
        vec![e(format!("(*{STORE}.DB).Get"), Dynamic)]
    );
}

#[test]
fn methods_resolve_through_fields_and_embedding() {
    let idx = shop();
    let p = &idx.program;
    assert_eq!(
        callees(p, &format!("(*{STORE}.DB).Get")),
        vec![e(format!("(*{STORE}.Conn).Query"), Static)]
    );
    assert_eq!(
        callees(p, &format!("{SVC}.Promoted")),
        vec![
            e(format!("(*{STORE}.DB).Get"), Static),
            e(format!("({STORE}.base).Close"), Static),
            e(format!("{STORE}.NewDB"), Static),
        ]
    );
}

#[test]
fn function_literals_are_named_like_go_ssa_and_linked() {
    let idx = shop();
    let p = &idx.program;
    let run_all = format!("(*{SVC}.Service).RunAll");
    assert_eq!(
        callees(p, &run_all),
        vec![
            e(format!("{run_all}$1"), Static),
            e(format!("{run_all}$2"), Static)
        ]
    );
    assert_eq!(
        callees(p, &format!("{run_all}$1")),
        vec![e(format!("(*{SVC}.Service).Lookup"), Static)]
    );
    let lit = func(p, &format!("{run_all}$1"));
    assert_eq!(p.func(lit).parent, Some(func(p, &run_all)));
    assert_eq!(p.func(lit).line, 30, "line of the `func` keyword");
    let go_edge = p
        .callees(func(p, &run_all))
        .find(|(c, _)| *c == lit)
        .map(|(_, e)| e.is_go);
    assert_eq!(go_edge, Some(true));
}

#[test]
fn error_and_log_strings_with_roles() {
    let idx = shop();
    let p = &idx.program;
    let s = |text: &str, role| (text.to_string(), role);
    assert_eq!(
        strings_of(p, &format!("(*{STORE}.Conn).Query")),
        vec![s("connection reset by peer", "error_new")],
        "const indirection through msgAlias → msgConnReset"
    );
    assert_eq!(
        strings_of(p, &format!("(*{STORE}.DB).Get")),
        vec![
            s("query %q: %w", "error_wrap"),
            s("record not found", "sentinel")
        ]
    );
    assert_eq!(
        strings_of(p, &format!("({STORE}.Cache).Get")),
        vec![s("cache miss", "error_new")]
    );
    assert_eq!(
        strings_of(p, &format!("(*{STORE}.TimeoutError).Error")),
        vec![s("%s: timed out", "error_method")]
    );
    assert_eq!(
        strings_of(p, &format!("(*{SVC}.Service).RunAll")),
        vec![s("run failed: %v", "log")]
    );
    assert_eq!(
        strings_of(p, &format!("(*{SVC}.Service).RunAll$2")),
        vec![s("report: %v", "log")],
        "concatenation becomes a format"
    );
    let get = func(p, &format!("(*{STORE}.DB).Get"));
    let sentinel = p
        .func(get)
        .strings
        .iter()
        .find(|o| o.role.as_str() == "sentinel")
        .map(|o| o.api);
    assert_eq!(sentinel.map(|a| p.strings.resolve(a)), Some("ErrNotFound"));
}

#[test]
fn constant_closure_and_chains() {
    let idx = shop();
    let p = &idx.program;
    let main = func(p, "example.com/shop.main");
    let mut texts: Vec<&str> = idx
        .closure
        .of(main)
        .iter()
        .map(|&s| p.strings.resolve(s))
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        // "cache miss" (Cache.Get) is not reachable: no Cache flows into the Store field.
        vec![
            "connection reset by peer",
            "lookup %s: %w",
            "query %q: %w",
            "record not found",
            "request failed: %v",
        ]
    );
    let reset = p.strings.get("connection reset by peer").expect("interned");
    let chain: Vec<&str> = idx
        .closure
        .chain(p, main, reset)
        .expect("chain")
        .iter()
        .map(|&f| p.name(f))
        .collect();
    assert_eq!(
        chain,
        vec![
            "example.com/shop.main",
            "(*example.com/shop/svc.Service).Lookup",
            "(*example.com/shop/store.DB).Get",
            "(*example.com/shop/store.Conn).Query",
        ]
    );
    // With k = 1, main sees only its own strings and those of its direct callees.
    let k1 = index_repo(&fixture("go/shop"), 1);
    let main1 = func(&k1.program, "example.com/shop.main");
    let mut t1: Vec<&str> = k1
        .closure
        .of(main1)
        .iter()
        .map(|&s| k1.program.strings.resolve(s))
        .collect();
    t1.sort();
    assert_eq!(t1, vec!["lookup %s: %w", "request failed: %v"]);
    let owners = k1.closure.owners(reset);
    assert_eq!(
        owners
            .iter()
            .map(|&f| k1.program.name(f))
            .collect::<Vec<_>>(),
        vec!["(*example.com/shop/store.Conn).Query"]
    );
}

#[test]
fn vendor_is_skipped_and_reported() {
    let files =
        refract_core::source::load_path(&fixture("go/shop"), &Default::default()).expect("load");
    assert!(files
        .skipped
        .iter()
        .any(|s| s.path == "vendor" && s.reason == SkipReason::ExcludedDir));
    assert!(files.files.iter().all(|f| !f.path.starts_with("vendor/")));
}

/// The `flows` fixture: the type-flow pass narrows interface dispatch to the types that reach
/// the receiver and resolves func values from what reaches them (each answer differs from
/// what RTA, or no flow at all, would give).
mod flows {
    use super::*;

    const M: &str = "example.com/flows";

    fn flows() -> refract_core::index::Index {
        index_repo(&fixture("go/flows"), 3)
    }

    #[test]
    fn param_flow_narrows_dispatch() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.measure")),
            vec![e(format!("({M}.Square).Area"), Dynamic)]
        );
    }

    #[test]
    fn methods_of_an_embedded_standard_interface_resolve_without_the_standard_library() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.finish")),
            vec![e(format!("(*{M}.fileSink).Close"), Dynamic)]
        );
    }

    #[test]
    fn field_flow_narrows_dispatch() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("(*{M}.Holder).area")),
            vec![e(format!("(*{M}.Circle).Area"), Dynamic)]
        );
    }

    #[test]
    fn return_flow_narrows_dispatch() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.viaReturn")),
            vec![
                e(format!("({M}.Tri).Area"), Dynamic),
                e(format!("{M}.makeShape"), Static),
            ]
        );
    }

    #[test]
    fn callbacks_resolve_to_the_functions_passed() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.each")),
            vec![e(format!("{M}.onSquare"), Dynamic)]
        );
    }

    #[test]
    fn method_values_and_func_fields_resolve() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.apply")),
            vec![e(format!("(*{M}.Circle).Area"), Dynamic)]
        );
        assert_eq!(
            callees(&idx.program, &format!("(*{M}.Hooks).fire")),
            vec![e(format!("{M}.finished"), Dynamic)]
        );
    }

    #[test]
    fn a_method_of_another_signature_is_no_implementation() {
        let idx = flows();
        // `(*Doc).Area(int) int` is instantiated but is no `Shape`.
        assert!(!callees(&idx.program, &format!("{M}.fromOutside"))
            .iter()
            .any(|c| c.0.contains("Doc")));
    }

    #[test]
    fn values_without_methods_carry_nothing_untracked() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.describe")),
            vec![e(format!("({M}.Square).Area"), Dynamic)]
        );
    }

    #[test]
    fn variadic_any_arguments_are_slice_elements() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.describeAll")),
            vec![e(format!("({M}.Tri).Area"), Dynamic)]
        );
    }

    #[test]
    fn for_clause_variables_are_in_scope_in_the_body() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.loopVar")),
            vec![
                e(format!("({M}.Tri).Area"), Dynamic),
                e(format!("{M}.makeShape"), Static),
            ]
        );
    }

    #[test]
    fn returned_function_literals_are_called_through_the_result() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.callPicked")),
            vec![
                e(format!("{M}.pick"), Static),
                e(format!("{M}.pick$1"), Dynamic),
            ]
        );
    }

    #[test]
    fn package_variables_without_a_value_hold_what_is_assigned() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.useCurrent")),
            vec![e(format!("(*{M}.Circle).Area"), Dynamic)]
        );
    }

    #[test]
    fn multi_value_package_variables_take_their_own_result() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.useSecond")),
            vec![e(format!("({M}.Tri).Area"), Dynamic)]
        );
    }

    #[test]
    fn conversions_carry_the_operand() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.viaConversion")),
            vec![e(format!("(*{M}.Circle).Area"), Dynamic)]
        );
    }

    #[test]
    fn interface_method_values_are_the_implementations() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.methodValue")),
            vec![
                e(format!("(*{M}.Circle).Area"), Dynamic),
                e(format!("({M}.Square).Area"), Dynamic),
                e(format!("({M}.Tri).Area"), Dynamic),
            ]
        );
    }

    #[test]
    fn containers_of_different_func_types_do_not_mix() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.runDone")),
            vec![e(format!("{M}.finished"), Dynamic)]
        );
    }

    #[test]
    fn reassigned_func_locals_call_every_function_assigned() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.reassigned")),
            vec![
                e(format!("{M}.one"), Dynamic),
                e(format!("{M}.two"), Dynamic)
            ]
        );
    }

    #[test]
    fn files_of_another_build_add_no_flows() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.usePlatform")),
            vec![e(format!("({M}.Square).Area"), Dynamic)]
        );
    }

    #[test]
    fn untracked_receivers_fall_back_to_rta() {
        let idx = flows();
        assert_eq!(
            callees(&idx.program, &format!("{M}.fromOutside")),
            vec![
                e(format!("(*{M}.Circle).Area"), Dynamic),
                e(format!("({M}.Square).Area"), Dynamic),
                e(format!("({M}.Tri).Area"), Dynamic),
            ]
        );
    }
}
