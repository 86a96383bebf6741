//! statelab: an AWS Step Functions (Amazon States Language) simulator.
//!
//! The engine knows nothing about WebAssembly: the CLI (`src/bin/statelab.rs`) and the
//! wasm bindings are thin layers over this library.

pub mod choice;
pub mod intrinsics;
pub mod path;
pub mod rng;
pub mod timestamp;
pub mod validate;
