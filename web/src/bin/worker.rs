//! The workers' entry point (trunk: `data-bin="worker" data-type="worker"`); one binary serves
//! as coordinator and as parser, by the messages it receives.

fn main() {
    #[cfg(target_arch = "wasm32")]
    refract_web::worker::start();
}
