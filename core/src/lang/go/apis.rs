//! Which calls create errors or log messages, and where their text is.
//!
//! Package-level APIs are recognised by import path (so `import e "github.com/pkg/errors"` works);
//! logger *methods* (`logger.Errorw`, `log.WithError(err).Error`, `log.Error().Msg`) are recognised
//! by method name, because the logger's type is rarely visible in the syntax and custom loggers
//! follow the same naming conventions.

use super::facts::{Form, Role};

/// How one API uses its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiSpec {
    pub role: Role,
    pub form: Form,
    /// Index of the argument that carries the text.
    pub text_arg: usize,
}

const fn spec(role: Role, form: Form, text_arg: usize) -> Option<ApiSpec> {
    Some(ApiSpec {
        role,
        form,
        text_arg,
    })
}

/// A function `name` of the package imported as `path`.
pub fn package_api(path: &str, name: &str) -> Option<ApiSpec> {
    use Form::*;
    use Role::*;
    match path {
        "errors" => match name {
            "New" => spec(ErrorNew, Plain, 0),
            _ => None,
        },
        "fmt" => match name {
            // Wrap vs new is decided from the format (`%w`) by the caller.
            "Errorf" => spec(ErrorNew, Printf, 0),
            _ => None,
        },
        "github.com/pkg/errors" | "github.com/cockroachdb/errors" | "golang.org/x/xerrors" => {
            match name {
                "New" => spec(ErrorNew, Plain, 0),
                "Errorf" | "Newf" => spec(ErrorNew, Printf, 0),
                "Wrap" | "WithMessage" => spec(ErrorWrap, WrapPrefix, 1),
                "Wrapf" | "WithMessagef" => spec(ErrorWrap, WrapPrefixf, 1),
                "AssertionFailedf" => spec(ErrorNew, Printf, 0),
                _ => None,
            }
        }
        "google.golang.org/grpc/status" => match name {
            "Error" | "New" => spec(ErrorNew, Plain, 1),
            "Errorf" | "Newf" => spec(ErrorNew, Printf, 1),
            _ => None,
        },
        "log" => log_function(name, 0),
        "log/slog" | "golang.org/x/exp/slog" => match name {
            "Error" | "Warn" | "Info" | "Debug" => spec(Log, Plain, 0),
            "ErrorContext" | "WarnContext" | "InfoContext" | "DebugContext" => spec(Log, Plain, 1),
            "Log" => spec(Log, Plain, 2),
            _ => None,
        },
        "k8s.io/klog" | "k8s.io/klog/v2" | "github.com/golang/glog" => match name {
            "ErrorS" => spec(Log, Plain, 1),
            "InfoS" => spec(Log, Plain, 0),
            "ErrorDepth" | "InfoDepth" | "WarningDepth" | "FatalDepth" => spec(Log, Plain, 1),
            _ => log_function(name, 0),
        },
        "github.com/sirupsen/logrus" | "github.com/rs/zerolog/log" | "go.uber.org/zap" => {
            log_function(name, 0)
        }
        _ => None,
    }
}

/// Printf/Print-style logging function names shared by `log`, klog, glog and logrus.
fn log_function(name: &str, arg: usize) -> Option<ApiSpec> {
    let (stem, printf) = match name.strip_suffix('f') {
        Some(stem) => (stem, true),
        None => (name.strip_suffix("ln").unwrap_or(name), false),
    };
    let known = matches!(
        stem,
        "Print"
            | "Fatal"
            | "Panic"
            | "Error"
            | "Warn"
            | "Warning"
            | "Info"
            | "Debug"
            | "Trace"
            | "Exit"
    );
    if !known {
        return None;
    }
    let form = if printf { Form::Printf } else { Form::Plain };
    spec(Role::Log, form, arg)
}

/// A method `name` called on some value, judged by name alone: loggers (zap, logrus entries,
/// hclog, zerolog events, `*log.Logger`, klog verbosity).
pub fn method_api(name: &str) -> Option<ApiSpec> {
    use Form::*;
    use Role::*;
    match name {
        // zerolog events.
        "Msg" => spec(Log, Plain, 0),
        "Msgf" => spec(Log, Printf, 0),
        // zap sugared `…w`, structured zap/hclog: message then key-value pairs.
        "Errorw" | "Warnw" | "Infow" | "Debugw" | "Fatalw" | "Panicw" | "DPanicw" => {
            spec(Log, Plain, 0)
        }
        "DPanic" => spec(Log, Plain, 0),
        "DPanicf" => spec(Log, Printf, 0),
        // klog structured.
        "ErrorS" => spec(Log, Plain, 1),
        "InfoS" => spec(Log, Plain, 0),
        // slog methods with a context first.
        "ErrorContext" | "WarnContext" | "InfoContext" | "DebugContext" => spec(Log, Plain, 1),
        // Printf-style logging wrappers (`srv.logf`, `t.Logf`, `c.vlogf`).
        "logf" | "Logf" | "vlogf" => spec(Log, Printf, 0),
        // Report-and-return helpers (`f.failf("invalid value %q for flag -%s: %v", …)` prints
        // the message and returns it as the error).
        "failf" => spec(Log, Printf, 0),
        _ => log_function(name, 0),
    }
}

/// A package-level function of the file's own package, judged by name: the printf-style
/// wrappers packages define for logging (`logf`) and for errors (`errorf`).
pub fn local_api(name: &str) -> Option<ApiSpec> {
    match name {
        "logf" | "vlogf" => spec(Role::Log, Form::Printf, 0),
        "errorf" => spec(Role::ErrorNew, Form::Printf, 0),
        _ => None,
    }
}

/// Functions whose first argument is a printf format producing text for an enclosing call:
/// `errors.New(fmt.Sprintf("…", x))` has the text of the format.
pub fn is_sprintf(path: &str, name: &str) -> bool {
    path == "fmt" && name == "Sprintf"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_package_apis_by_path() {
        assert_eq!(
            package_api("errors", "New").map(|s| s.role),
            Some(Role::ErrorNew)
        );
        let wrap = package_api("github.com/pkg/errors", "Wrapf").expect("Wrapf");
        assert_eq!((wrap.form, wrap.text_arg), (Form::WrapPrefixf, 1));
        assert_eq!(
            package_api("k8s.io/klog/v2", "Errorf").map(|s| s.form),
            Some(Form::Printf)
        );
        assert_eq!(
            package_api("k8s.io/klog/v2", "ErrorS").map(|s| s.text_arg),
            Some(1)
        );
        assert_eq!(
            package_api("log", "Println").map(|s| s.form),
            Some(Form::Plain)
        );
        assert_eq!(package_api("strings", "Errorf"), None);
        assert_eq!(package_api("fmt", "Sprintf"), None);
    }

    #[test]
    fn recognises_logger_methods_by_name() {
        assert_eq!(method_api("Infow").map(|s| s.role), Some(Role::Log));
        assert_eq!(method_api("Msgf").map(|s| s.form), Some(Form::Printf));
        assert_eq!(method_api("Warning").map(|s| s.form), Some(Form::Plain));
        assert_eq!(method_api("Close"), None);
        assert_eq!(method_api("Printer"), None);
        assert_eq!(method_api("logf").map(|s| s.form), Some(Form::Printf));
        assert_eq!(local_api("errorf").map(|s| s.role), Some(Role::ErrorNew));
        assert_eq!(local_api("format"), None);
    }
}
