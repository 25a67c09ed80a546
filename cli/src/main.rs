//! `refract`: the command line over refract-core.

fn main() -> anyhow::Result<()> {
    Ok(())
}
