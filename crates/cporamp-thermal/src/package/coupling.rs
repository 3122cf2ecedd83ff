//! The package coupled to a 3D-ICE microchannel plate: the fixed point on the lid's fluid
//! field, solved by GMRES.

use super::PackageError;
use crate::channel_plate::ChannelPlate;
use crate::native::{Model, StackError};
use crate::network::SteadySolver;

/// GMRES iterations of the plate coupling before giving up.
const COUPLING_MAX_ITERATIONS: usize = 120;
/// The coupling stops when the fixed point's residual is below this fraction of its
/// right-hand side.
const COUPLING_TOLERANCE: f64 = 1e-12;

/// The package coupled to a 3D-ICE plate for one unit input `rhs` (see
/// [`crate::channel_plate`]): the rise above the inlet of every node and the virtual fluid
/// field, per node. The fixed point $x = F(x) = Mx + c$ on the top cells' fluid field is
/// affine, so it is solved as $(I - M)x = c$ by GMRES (deterministic, no restart).
pub(super) fn couple(
    model: &Model,
    solver: &SteadySolver,
    plate: &ChannelPlate,
    top: &[usize],
    rhs: &[f64],
    cell_area_m2: f64,
) -> Result<(Vec<f64>, Vec<f64>), PackageError> {
    let g = model.network().ambient_conductances();
    let n_nodes = g.len();
    let solve = |input: &[f64], field: &[f64]| -> Result<Vec<f64>, PackageError> {
        let mut input = input.to_vec();
        for (&node, value) in top.iter().zip(field) {
            input[node] += g[node] * value;
        }
        Ok(solver.solve(&input).map_err(StackError::from)?)
    };
    // F(x) for the input `input` (the affine map's constant part with `rhs`, its linear part
    // with zeros).
    let map = |input: &[f64], field: &[f64]| -> Result<Vec<f64>, PackageError> {
        let theta = solve(input, field)?;
        let heat: Vec<f64> =
            top.iter().zip(field).map(|(&node, value)| g[node] * (theta[node] - value)).collect();
        let solution = plate.solve(&heat).map_err(|e| PackageError::Plate(e.0))?;
        Ok(solution
            .base_rise_k
            .iter()
            .zip(&heat)
            .map(|(base, q)| base - plate.local_r_m2k_per_w * q / cell_area_m2)
            .collect())
    };
    let zeros = vec![0.0; n_nodes];
    let n = top.len();
    let c = map(rhs, &vec![0.0; n])?;
    let operator = |x: &[f64]| -> Result<Vec<f64>, PackageError> {
        let mx = map(&zeros, x)?;
        Ok(x.iter().zip(&mx).map(|(x, m)| x - m).collect())
    };
    let x = gmres(operator, &c, COUPLING_TOLERANCE, COUPLING_MAX_ITERATIONS)?;
    let mut fluid = vec![0.0; n_nodes];
    for (&node, value) in top.iter().zip(&x) {
        fluid[node] = *value;
    }
    Ok((solve(rhs, &x)?, fluid))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// GMRES from a zero start (Arnoldi with modified Gram-Schmidt, Givens rotations) until
/// the residual is below `tolerance` times $\Vert b\Vert$.
fn gmres(
    operator: impl Fn(&[f64]) -> Result<Vec<f64>, PackageError>,
    b: &[f64],
    tolerance: f64,
    max_iterations: usize,
) -> Result<Vec<f64>, PackageError> {
    let norm_b = dot(b, b).sqrt();
    if norm_b == 0.0 {
        return Ok(vec![0.0; b.len()]);
    }
    let mut basis: Vec<Vec<f64>> = vec![b.iter().map(|v| v / norm_b).collect()];
    let mut hessenberg: Vec<Vec<f64>> = Vec::new();
    let (mut cosines, mut sines): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut residuals = vec![norm_b];
    for k in 0..max_iterations {
        let mut w = operator(&basis[k])?;
        let mut column = vec![0.0; k + 2];
        for (i, v) in basis.iter().enumerate() {
            column[i] = dot(&w, v);
            for (w, v) in w.iter_mut().zip(v) {
                *w -= column[i] * v;
            }
        }
        column[k + 1] = dot(&w, &w).sqrt();
        for i in 0..k {
            let (c, s) = (cosines[i], sines[i]);
            let (a, b) = (column[i], column[i + 1]);
            column[i] = c * a + s * b;
            column[i + 1] = -s * a + c * b;
        }
        let radius = column[k].hypot(column[k + 1]);
        let (c, s) = (column[k] / radius, column[k + 1] / radius);
        let next = column[k + 1];
        column[k] = radius;
        column[k + 1] = 0.0;
        cosines.push(c);
        sines.push(s);
        residuals.push(-s * residuals[k]);
        residuals[k] *= c;
        hessenberg.push(column);
        if residuals[k + 1].abs() <= tolerance * norm_b || next == 0.0 {
            // Back substitution on the triangle, then the combination of the basis.
            let m = k + 1;
            let mut y = vec![0.0; m];
            for i in (0..m).rev() {
                let mut sum = residuals[i];
                for j in i + 1..m {
                    sum -= hessenberg[j][i] * y[j];
                }
                y[i] = sum / hessenberg[i][i];
            }
            let mut x = vec![0.0; b.len()];
            for (v, coefficient) in basis.iter().zip(&y) {
                for (x, v) in x.iter_mut().zip(v) {
                    *x += coefficient * v;
                }
            }
            return Ok(x);
        }
        basis.push(w.iter().map(|v| v / next).collect());
    }
    Err(PackageError::Plate(format!(
        "the plate and the package did not converge in {max_iterations} GMRES iterations"
    )))
}
