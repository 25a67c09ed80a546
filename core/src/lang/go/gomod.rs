//! `go.mod`: the module path that prefixes every package's import path, and local `replace`
//! directives that map a module path onto a directory of the same repository.

/// The parts of a `go.mod` Refract uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    pub module: String,
    pub replaces: Vec<Replace>,
}

/// `replace old => ./local/dir` (only replacements by a local directory matter here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub module: String,
    /// Relative to the directory of the `go.mod`, as written.
    pub local_dir: String,
}

/// Reads a `go.mod` file. Unknown directives are ignored; a missing `module` gives an empty path.
pub fn parse_go_mod(text: &str) -> GoMod {
    let mut m = GoMod::default();
    let mut in_replace_block = false;
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if in_replace_block {
            if line == ")" {
                in_replace_block = false;
            } else {
                push_replace(&mut m, line);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("module") {
            m.module = unquote(rest.trim()).to_string();
        } else if let Some(rest) = line.strip_prefix("replace") {
            let rest = rest.trim();
            if rest == "(" {
                in_replace_block = true;
            } else {
                push_replace(&mut m, rest);
            }
        }
    }
    m
}

fn push_replace(m: &mut GoMod, spec: &str) {
    let Some((old, new)) = spec.split_once("=>") else {
        return;
    };
    let old_module = old.split_whitespace().next().map(unquote).unwrap_or("");
    let new_path = new.split_whitespace().next().map(unquote).unwrap_or("");
    if new_path.starts_with("./") || new_path.starts_with("../") || new_path == "." {
        m.replaces.push(Replace {
            module: old_module.to_string(),
            local_dir: new_path.to_string(),
        });
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches('"').trim_matches('`')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_and_local_replaces() {
        let m = parse_go_mod(
            "module example.com/svc // the service\n\ngo 1.21\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n)\n\
             replace example.com/lib => ./lib\nreplace (\n\tgithub.com/x/y v1.0.0 => ../y\n\tgithub.com/z v1 => github.com/z2 v2\n)\n",
        );
        assert_eq!(m.module, "example.com/svc");
        assert_eq!(
            m.replaces,
            vec![
                Replace {
                    module: "example.com/lib".into(),
                    local_dir: "./lib".into()
                },
                Replace {
                    module: "github.com/x/y".into(),
                    local_dir: "../y".into()
                },
            ]
        );
    }
}
