//! The system matrix: conductances between neighbouring cells and the coolant's
//! central-difference advection (non-symmetric).

use super::conductance::parallel;
use super::{LayerKind, Model};
use faer::sparse::Triplet;

impl Model {
    /// The system matrix as triplets `(row, column, value)`: `A T = b` with `A` holding the
    /// conductances, the advection terms and, when `step_s` is given, `C/Δt` on the diagonal.
    #[must_use]
    pub fn matrix(&self, step_s: Option<f64>) -> Vec<Triplet<usize, usize, f64>> {
        let nl = self.layers.len();
        let nr = self.rows;
        let nc = self.columns();
        let mut t = Vec::with_capacity(self.cells() * 7);
        let mut push = |row: usize, col: usize, v: f64| t.push(Triplet::new(row, col, v));
        for l in 0..nl {
            for r in 0..nr {
                for c in 0..nc {
                    let me = self.index(l, r, c);
                    let mut diagonal = step_s.map_or(0.0, |dt| self.capacity(l, c) / dt);
                    let kind = self.layers[l].kind;
                    let liquid4 = kind == LayerKind::Channel4rm && self.is_channel_column(c);
                    match kind {
                        LayerKind::Solid | LayerKind::Source | LayerKind::Channel4rm
                            if !liquid4 =>
                        {
                            self.solid_couplings(l, r, c, &mut diagonal, &mut push);
                        }
                        LayerKind::Solid | LayerKind::Source | LayerKind::Channel4rm => {
                            self.coolant_4rm_couplings(l, r, c, &mut diagonal, &mut push);
                        }
                        LayerKind::Channel2rm | LayerKind::PinFin { .. } => {
                            let cc = self.convective(l, c);
                            let g = self.g_bottom(l, c);
                            push(self.index(l - 2, r, c), me, -g);
                            diagonal += g;
                            if r > 0 {
                                push(self.index(l, r - 1, c), me, cc);
                            }
                            if r + 1 < nr {
                                push(self.index(l, r + 1, c), me, -cc);
                            }
                            let g = self.g_top(l, c);
                            push(self.index(l + 1, r, c), me, -g);
                            diagonal += g;
                            if r == 0 || r + 1 == nr {
                                diagonal += cc;
                            }
                        }
                        LayerKind::BottomWall => {
                            for (other, g) in [
                                (l - 1, self.g_top(l - 1, c)),
                                (l + 1, self.g_top(l + 1, c)),
                                (l + 2, self.g_bottom(l + 2, c)),
                            ] {
                                push(self.index(other, r, c), me, -g);
                                diagonal += g;
                            }
                        }
                        LayerKind::TopWall => {
                            for (other, g) in [
                                (l - 2, self.g_top(l - 2, c)),
                                (l - 1, self.g_top(l - 1, c)),
                                (l + 1, self.g_bottom(l + 1, c)),
                            ] {
                                push(self.index(other, r, c), me, -g);
                                diagonal += g;
                            }
                        }
                        LayerKind::VirtualWall { pinfins } => {
                            let g = self.g_bottom(l, c);
                            push(self.index(l - 1, r, c), me, -g);
                            diagonal += g;
                            if !pinfins {
                                let gs = self.g_north_south(l, c);
                                let g = parallel(gs, gs);
                                if r > 0 {
                                    push(self.index(l, r - 1, c), me, -g);
                                    diagonal += g;
                                }
                                if r + 1 < nr {
                                    push(self.index(l, r + 1, c), me, -g);
                                    diagonal += g;
                                }
                            }
                            let g = self.g_top(l, c);
                            push(self.index(l + 2, r, c), me, -g);
                            diagonal += g;
                        }
                    }
                    push(me, me, diagonal);
                }
            }
        }
        t
    }

    /// A solid cell (a 4RM wall cell included): conductances to its neighbours below, south,
    /// west, east, north and above, and to a heat sink; `diagonal` accumulates them.
    fn solid_couplings(
        &self,
        l: usize,
        r: usize,
        c: usize,
        diagonal: &mut f64,
        push: &mut impl FnMut(usize, usize, f64),
    ) {
        let nl = self.layers.len();
        let nr = self.rows;
        let nc = self.columns();
        let me = self.index(l, r, c);
        if l > 0 {
            let gb = self.g_bottom(l, c);
            let gt = self.g_top(l - 1, c);
            let g = if gt == 0.0 { gb } else { parallel(gb, gt) };
            push(self.index(l - 1, r, c), me, -g);
            *diagonal += g;
        }
        if r > 0 {
            let g = parallel(self.g_north_south(l, c), self.g_north_south(l, c));
            push(self.index(l, r - 1, c), me, -g);
            *diagonal += g;
        }
        if c > 0 {
            let g = parallel(self.g_east_west(l, c), self.g_east_west(l, c - 1));
            push(self.index(l, r, c - 1), me, -g);
            *diagonal += g;
        }
        if self.layers[l].to_ambient {
            *diagonal += self.g_top(l, c);
        } else if self.layers[l].to_pcb {
            *diagonal += self.g_bottom(l, c);
        }
        if c + 1 < nc {
            let g = parallel(self.g_east_west(l, c), self.g_east_west(l, c + 1));
            push(self.index(l, r, c + 1), me, -g);
            *diagonal += g;
        }
        if r + 1 < nr {
            let g = parallel(self.g_north_south(l, c), self.g_north_south(l, c));
            push(self.index(l, r + 1, c), me, -g);
            *diagonal += g;
        }
        if l + 1 < nl {
            let gt = self.g_top(l, c);
            let gb = self.g_bottom(l + 1, c);
            let g = if gb == 0.0 { gt } else { parallel(gt, gb) };
            push(self.index(l + 1, r, c), me, -g);
            *diagonal += g;
        }
    }

    /// A 4RM coolant cell: convective conductances to the cells below and above and to the
    /// side walls, and the central-difference advection along the rows.
    fn coolant_4rm_couplings(
        &self,
        l: usize,
        r: usize,
        c: usize,
        diagonal: &mut f64,
        push: &mut impl FnMut(usize, usize, f64),
    ) {
        let nr = self.rows;
        let nc = self.columns();
        let me = self.index(l, r, c);
        let cc = self.convective(l, c);
        let g = parallel(self.g_bottom(l, c), self.g_top(l - 1, c));
        push(self.index(l - 1, r, c), me, -g);
        *diagonal += g;
        if r > 0 {
            push(self.index(l, r - 1, c), me, cc);
        }
        if c > 0 {
            let g = parallel(self.g_east_west(l, c), self.g_east_west(l, c - 1));
            push(self.index(l, r, c - 1), me, -g);
            *diagonal += g;
        }
        if c + 1 < nc {
            let g = parallel(self.g_east_west(l, c), self.g_east_west(l, c + 1));
            push(self.index(l, r, c + 1), me, -g);
            *diagonal += g;
        }
        if r + 1 < nr {
            push(self.index(l, r + 1, c), me, -cc);
        }
        let g = parallel(self.g_top(l, c), self.g_bottom(l + 1, c));
        push(self.index(l + 1, r, c), me, -g);
        *diagonal += g;
        if r == 0 || r + 1 == nr {
            *diagonal += cc;
        }
    }
}
