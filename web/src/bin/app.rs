//! The UI's entry point (trunk: `data-bin="app"`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    refract_web::app::start();
}
