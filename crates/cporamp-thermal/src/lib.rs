//! cporamp-thermal: heat conduction in packages, steady and transient.
//!
//! - [`network`]: a thermal RC network, solved by sparse Cholesky (steady, backward Euler,
//!   Crank-Nicolson; one factorization per step size);
//! - [`hotspot`]: HotSpot's file formats and a HotSpot-compatible grid model that builds
//!   HotSpot's own network, so HotSpot users get their numbers back.
//!
//! **Architecture invariant:** pure library. Files arrive as text; results leave as data.

pub mod hotspot;
pub mod network;
