//! What every CLI contract test needs: the real `refract` binary, run with arguments.

use std::process::Command;

/// Runs the built `refract` with `args`: (exit status success, stdout, stderr).
pub fn refract(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refract"))
        .args(args)
        .output()
        .expect("run refract");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
