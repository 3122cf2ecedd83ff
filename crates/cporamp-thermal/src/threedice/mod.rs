//! 3D-ICE compatibility: reads 3D-ICE's stack description (`.stk`) and floorplan (`.flp`)
//! files and computes what 3D-ICE 4 computes for them on its uniform grid: the same cells,
//! the same conductances, capacities and sources, the same system matrix, solved directly
//! (sparse LU), steady or backward Euler, with the output files in 3D-ICE's layouts (`T`,
//! `Tflp`, `Tflpel`, `Tmap` with `xaxis.txt`/`yaxis.txt`, `Tcoolant`).
//!
//! 3D-ICE (ESL, EPFL; GPL-3.0) was read for its equations and conventions; no code or text
//! of it is copied here.
//!
//! `scripts/check-3d-ice.sh` compares this module with 3D-ICE's own regression outputs (the
//! stacks of its `test/` folder, steady and transient, every printed temperature): all agree
//! within the 0.0005 K of their three printed decimals.
//!
//! # Grid
//! Lengths in µm. The chip (`L × W`) is cut into `rows = ⌊W / w⌋` rows of width `w` and
//! `columns = ⌊L / l⌋` columns of length `l`, except with a 4-resistor (4RM) cavity, where
//! the columns follow the channels: a first wall `l_f`, then channel `l_c` and wall `l_w`
//! alternately, the last column being the last wall `l_l`; `columns = 2n + 3` with
//! `n = (L − l_f − l_l − l_c)/(l_c + l_w)` whole. Odd columns are channels.
//! Every stack element is one or more grid layers, bottom first: a layer is one grid layer,
//! a die one per declared layer (one of which is its source layer), a 4RM channel one, a 2RM
//! or pin-fin channel four (bottom wall, virtual wall, coolant, top wall). Cells are numbered
//! `(layer · rows + row) · columns + column`.
//!
//! # Conductances
//! For a cell of size `l × w × h` with material conductivities `k_x, k_y, k_z`, each face has
//! a half-cell conductance, and two neighbours are joined by the series ("parallel" in
//! 3D-ICE's naming) combination `g_a g_b / (g_a + g_b)`:
//! - east/west: `k_x · w · h / (l/2)`; north/south: `k_y · l · h / (w/2)`;
//! - top/bottom: `k_z · l · w / (h/2)`, except that the bottom-most layer's top face and the
//!   top-most layer's bottom face use the whole height `h` (3D-ICE's convention when that
//!   layer has no sink), and a face with no neighbour is 0;
//! - to a heat sink of coefficient `h_s` at `T_s` (the top-most layer for the top sink, the
//!   bottom-most for the bottom sink): `G_s = 2 k_z h_s l w / (h h_s + 2 k_z)` on the
//!   diagonal and `G_s T_s` in the sources.
//!
//! Where one side's face conductance is 0 (a 2RM wall node), the other side's is used alone.
//!
//! # 4-resistor microchannels
//! In the channel layer, wall columns are solid cells of the wall material. A coolant cell
//! exchanges heat with its top and bottom neighbours through `h_top · l · w` and
//! `h_bottom · l · w` (in series with their half-cells), with the walls east and west through
//! `h_side · w · h`, and is advected along the rows (south → north) by the central scheme of
//! 3D-ICE: with `C = c_v · Q / (2 N)` (`c_v` coolant volumetric heat capacity, `Q` total flow
//! in µm³/s = ml/min · 10¹²/60, `N = (columns − 1)/2` channels), the row-`r` cell gets
//! `+C` at its north neighbour and `−C` at its south neighbour, i.e. `2C·(T_out − T_in)` of
//! the cell's faces with face temperatures the means of neighbours, plus `C` on the diagonal
//! in the first and last row, and `2 C T_in` in the first row's sources. Summed over a
//! channel, the advection telescopes to `2C (T_last_row − T_in)`: the coolant carries away
//! exactly `ṁ c_p (T_outlet − T_in)` with the outlet at the last row's temperature.
//!
//! # 2-resistor channels and pin fins
//! A porous-medium cavity of porosity `φ` (`l_c/(l_c + l_w)` for channels,
//! `1 − π d²/(4 p²)` for pins of diameter `d` and pitch `p`): the bottom and top wall nodes
//! have no capacity and no resistance of their own; the virtual wall joins them through
//! `k_z l w/(h/2) · (1 − φ)` on each side (and conducts north-south with `(1 − φ)` for
//! channels, not for pins); the coolant node joins the bottom wall through `h_bottom l w`
//! and the top wall through `h_top l w` (pin fins: both `h_eff l w`, with
//! `h_eff = 10⁻¹² / (2.527·10⁻⁵ / (v/10⁶ + 1.35)^e + 1.533·10⁻⁶)`, `e` = 0.64 inline, 1.52
//! staggered, `v` the Darcy velocity in µm/s). Advection as in 4RM with
//! `C = c_v Q φ l / (2 N l_c)` (`N = round(L/(l_c + l_w))`) for channels and
//! `C = c_v v l h / 2` for pins, in every column.
//!
//! # Capacities, powers, time
//! Solid cells `c_v,solid · l w h`; coolant cells `c_v · l w h` (4RM) or `c_v φ l w h`
//! (2RM); the virtual wall `c_v,wall (1 − φ) l w h`; the wall nodes 0. A floorplan element
//! of power `P` and rectangles of total area `A` gives each source-layer cell it overlaps
//! `P · overlap/A`. Steady: `G T = b` with each element's first power value. Transient:
//! backward Euler, `(G + C/Δt) T⁺ = b + (C/Δt) T`, from the initial temperature, each power
//! value lasting one slot (`slot/step` steps), until the shortest power trace ends.
//!
//! # Outputs
//! Outputs report a stack element's source layer (a die's source, a channel's coolant layer,
//! a layer itself). `T`: the cell holding (x, y); `Tflp`/`Tflpel`: per floorplan element the
//! maximum, minimum, or the mean over its rectangles of each rectangle's mean cell
//! temperature; `Tmap`: every row, south first; `Tcoolant`: the last row of the coolant
//! columns, kept as 3D-ICE computes it (see [`model`]).

pub mod model;
pub mod parse;
pub mod summary;

pub use model::{EnergyBalance, Model, ModelError, OutputFile, Run};
pub use parse::{Floorplan, ParseError, StackFile};
pub use summary::{ElementSummary, element_summaries};

#[cfg(test)]
mod tests;
