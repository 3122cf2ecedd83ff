//! cporamp-thermal: heat conduction in packages, steady and transient.
//!
//! - [`network`]: a thermal RC network, solved by sparse Cholesky (steady, backward Euler,
//!   Crank-Nicolson; one factorization per step size);
//! - [`multigrid`]: conjugate gradients with an aggregation multigrid preconditioner, for steady
//!   solves of grids too large to factor;
//! - [`native`]: cell-centred finite volumes over a layer stack, converging to the continuum;
//! - [`package`]: the co-packaged switch package on a liquid cold plate (named correlations,
//!   or [`channel_plate`]: 3D-ICE's 4-resistor microchannel model coupled to the package);
//! - [`reduced`]: reduced-order transients (Krylov projection on the steady factor, exact
//!   time integration of the small model);
//! - [`cycling`]: rainflow counting (ASTM E1049) and Norris-Landzberg solder fatigue;
//! - [`hotspot`]: HotSpot's file formats and HotSpot-compatible block and grid models that
//!   build HotSpot's own networks, so HotSpot users get their numbers back;
//! - [`threedice`]: 3D-ICE's stack and floorplan files and its compact model (solid layers,
//!   heat sinks, 4- and 2-resistor microchannels, pin fins), steady and backward Euler,
//!   with 3D-ICE's output files;
//! - [`leakage`]: temperature-dependent (leakage) power solved self-consistently.
//!
//! **Architecture invariant:** pure library. Files arrive as text; results leave as data.

pub mod channel_plate;
pub mod cycling;
pub mod hotspot;
pub mod leakage;
pub mod multigrid;
pub mod native;
pub mod network;
pub mod package;
pub mod reduced;
pub mod settings;
pub mod threedice;
