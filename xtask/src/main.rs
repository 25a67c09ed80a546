//! `cargo xtask …`: project scripts.

fn main() -> anyhow::Result<()> {
    Ok(())
}
