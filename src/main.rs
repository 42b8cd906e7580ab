//! The PyRoad app, compiled to wasm by Trunk. Natively this binary does nothing: the pure core
//! in the library is what native builds and tests exercise.

#[cfg(target_arch = "wasm32")]
mod app;

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::start();
}
