//! The data of the calibration and of the yield engine's fits, collected by the inspector,
//! and those fits.

use std::collections::BTreeMap;

use crate::{Calibration, Inspector, Mechanism, calibrate, line_fit, yield_fit};

impl Inspector {
    /// The data of the yield engine's fits ([`yield_fit::FitData`]), when a fit model is set.
    #[must_use]
    pub fn fit_data(&self) -> Option<yield_fit::FitData> {
        let model = self.options.fit_model?;
        let mut data = yield_fit::FitData {
            reworked_packages: self.reworked.len() as u64,
            packages: self.packages.len() as u64,
            ..yield_fit::FitData::default()
        };
        for (&(package, _), engine) in &self.fit_engines {
            if let Some(gap_um) = engine.gap_um {
                let loss_db: Vec<f64> = engine.lanes.values().filter_map(|l| l.0).collect();
                if !loss_db.is_empty() {
                    data.engines.push(yield_fit::EngineLanes {
                        package,
                        reworks: self.reworked.get(&package).copied().unwrap_or(0),
                        coupling_failed: engine.coupling_failed,
                        gap_um,
                        rho_sq: engine.rho_sq.unwrap_or(0.0),
                        warpage_um: self.fit_packages.get(&package).and_then(|p| p.warpage_um),
                        loss_db,
                    });
                }
            }
            let mut buses: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
            for (&lane, l) in &engine.lanes {
                if let Some(shift) = l.1 {
                    let bus = model.bus_lanes.map_or(0, |n| lane / n.max(1));
                    buses.entry(bus).or_default().push(shift);
                }
            }
            data.bus_wafers.extend(buses.values().map(|_| engine.pic_wafer));
            data.buses.extend(buses.into_values());
            let mut lasers: BTreeMap<u64, bool> = BTreeMap::new();
            for (&lane, l) in &engine.lanes {
                if let (Some(weak), Some(laser)) = (l.2, lane.checked_div(model.lanes_per_laser)) {
                    *lasers.entry(laser).or_default() |= weak;
                }
            }
            data.weak_lasers.0 += lasers.values().filter(|&&w| w).count() as u64;
            data.weak_lasers.1 += lasers.len() as u64;
        }
        data.asic_wafers = self
            .asic_wafers
            .iter()
            .map(|(&(lot, _), &(tested, passed))| line_fit::AsicWafer { lot, tested, passed })
            .collect();
        for package in self.fit_packages.values() {
            data.warpage_um.extend(package.warpage_um);
            // The mechanisms present at the first package test: the lanes' (module docs of
            // line_fit), and coupling when the package was re-attached.
            let has = |bits: u8, m: Mechanism| bits >> m as u8 & 1 == 1;
            if let Some(caught) = package.package_caught {
                for m in Mechanism::ALL {
                    let present =
                        has(package.lanes, m) || (m == Mechanism::Coupling && package.reworks > 0);
                    if present {
                        data.package_test[m].0 += 1;
                        data.package_test[m].1 += u64::from(has(caught, m));
                    }
                }
            }
            if let (Some(caught), Some(true)) = (package.system_caught, package.package_test_pass) {
                for m in Mechanism::ALL {
                    if has(package.lanes, m) {
                        data.system_test[m].0 += 1;
                        data.system_test[m].1 += u64::from(has(caught, m));
                    }
                }
            }
        }
        Some(data)
    }

    pub(super) fn yield_fits(&self, threads: usize) -> Option<yield_fit::YieldFits> {
        let model = self.options.fit_model?;
        let data = self.fit_data()?;
        let laser_dead = self.calibration().and_then(|c| c.laser_dead);
        Some(yield_fit::fit_all(&data, &model, laser_dead.as_ref(), threads))
    }

    pub(super) fn calibration(&self) -> Option<Calibration> {
        let model = self.options.lasers?;
        if model.lanes_per_laser == 0 || self.engines.is_empty() {
            return None;
        }
        let lasers =
            self.engines.values().map(|(lanes, _)| lanes.div_ceil(model.lanes_per_laser)).max()?;
        let dead: Vec<u64> = self
            .engines
            .values()
            .map(|(_, lanes)| {
                let mut groups: Vec<u64> =
                    lanes.iter().map(|l| l / model.lanes_per_laser).collect();
                groups.sort_unstable();
                groups.dedup();
                groups.len() as u64
            })
            .collect();
        Some(Calibration {
            model,
            laser_dead: calibrate::laser_dead(&dead, lasers, model.engine_test_coverage),
        })
    }
}
