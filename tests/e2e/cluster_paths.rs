//! Code-path clustering on the `errpath` fixture: log lines are parsed (Go `log` prefix),
//! mined into templates and each template lists the path the explain engine reconstructs.

use refract_core::cluster::{code_path, LogClusterer, MinerConfig};
use refract_core::explain::{ExplainOptions, Explainer};
use refract_core::logs::parse_line;
use refract_tests::*;

const LOGS: &str = "\
2026/11/21 03:12:44 handle request 42: load user 42: row is corrupt
2026/11/21 03:12:45 handle request 43: load user 43: record not found
2026/11/21 03:12:46 handle request 44: load user 44: row is corrupt
2026/11/21 03:12:47 handle request 45: load user 45: record not found
2026/11/21 03:12:49 startup failed: load config \"/etc/errpath.yaml\": open /etc/errpath.yaml: no such file or directory
this line comes from no code in the repository at all
";

#[test]
fn templates_carry_their_code_paths() {
    let idx = index_repo(&fixture("go/errpath"), 3);
    let ex = Explainer::new(&idx.program, &idx.closure, ExplainOptions::default())
        .with_externals(idx.externals.clone());
    let mut c = LogClusterer::new(MinerConfig::default()).with_paths(|rec, _| code_path(&ex, rec));
    for (i, l) in LOGS.lines().enumerate() {
        c.add(i as u64 + 1, &parse_line(l));
    }
    let clusters = c.finish().0.clusters;
    let root = |tpl: &str| -> (u64, Option<String>, bool) {
        let cl = clusters
            .iter()
            .find(|c| c.template == tpl)
            .unwrap_or_else(|| panic!("no cluster {tpl:?} in {clusters:#?}"));
        assert_eq!(cl.paths.len(), 1, "{tpl}");
        let p = &cl.paths[0];
        (
            p.count,
            p.path
                .as_ref()
                .and_then(|p| p.root())
                .map(|h| h.func.clone()),
            cl.split,
        )
    };
    assert_eq!(
        root("handle request <*>: load user <*>: row is corrupt"),
        (
            2,
            Some("(*example.com/errpath/store.DB).readRow".to_owned()),
            false
        )
    );
    assert_eq!(
        root("handle request <*>: load user <*>: record not found"),
        (2, Some("example.com/errpath/store.find".to_owned()), false)
    );
    assert_eq!(
        root("startup failed: load config \"<*>\": open <*>: no such file or directory"),
        (
            1,
            Some("example.com/errpath/config.readAll".to_owned()),
            false
        )
    );
    assert_eq!(
        root("this line comes from no code in the repository at all"),
        (1, None, false)
    );
}
