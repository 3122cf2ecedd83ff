//! The analytics [`Inspector::finish`] computes from the running sums: Pareto, SPC,
//! capability, yields, spatial fingerprint and variance components (crate docs).

use std::collections::BTreeMap;

use crate::{
    CapabilityResult, Chart, ChartResult, FlaggedPoint, GroupYield, Inspector, MAX_LISTED_BREAKS,
    Mechanism, Moments, PLOT_POINTS, PackageSums, Parameter, Pareto, ParetoBar, PositionResult,
    Spatial, SpcSeries, VarianceResult, spc, stats,
};

impl Inspector {
    pub(super) fn pareto(&self) -> Pareto {
        let rejected: Vec<&PackageSums> = self.packages.values().filter(|p| !p.shipped).collect();
        let mut by_mechanism: Vec<(String, u64)> = Mechanism::ALL
            .into_iter()
            .map(|m| {
                let count = rejected.iter().filter(|p| p.mechanisms >> m as u8 & 1 == 1).count();
                (m.name().to_string(), count as u64)
            })
            .collect();
        by_mechanism.push((
            "no lane failure".to_string(),
            rejected.iter().filter(|p| p.mechanisms == 0).count() as u64,
        ));
        let lanes: Vec<(String, u64)> =
            self.lane_failures.iter().map(|(m, &count)| (m.name().to_string(), count)).collect();
        let at_package = rejected.iter().filter(|p| p.package_test_pass == Some(false)).count();
        let at_system = rejected.iter().filter(|p| p.package_test_pass == Some(true)).count();
        let mut by_insertion = vec![
            ("package_test".to_string(), at_package as u64),
            ("system_test".to_string(), at_system as u64),
        ];
        let unknown = rejected.len() - at_package - at_system;
        if unknown > 0 {
            by_insertion.push(("not recorded".to_string(), unknown as u64));
        }
        Pareto {
            rejected_packages: rejected.len() as u64,
            packages_by_mechanism: pareto_bars(&mut by_mechanism),
            lanes_by_mechanism: pareto_bars(&mut lanes.clone()),
            packages_by_insertion: pareto_bars(&mut by_insertion),
        }
    }

    pub(super) fn spc(&self, threads: usize) -> Vec<SpcSeries> {
        let jobs: Vec<(u32, Parameter)> = self
            .stations
            .iter()
            .flat_map(|(&id, station)| {
                Parameter::ALL
                    .into_iter()
                    .filter(move |&p| station.series[p].len() >= 2)
                    .map(move |p| (id, p))
            })
            .collect();
        let mut out: Vec<Option<SpcSeries>> = vec![None; jobs.len()];
        let threads = threads.clamp(1, jobs.len().max(1));
        let chunk = jobs.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for (slots, work) in out.chunks_mut(chunk).zip(jobs.chunks(chunk)) {
                scope.spawn(move || {
                    for (slot, &(id, p)) in slots.iter_mut().zip(work) {
                        *slot = Some(self.series(id, p));
                    }
                });
            }
        });
        out.into_iter().flatten().collect()
    }

    fn series(&self, id: u32, parameter: Parameter) -> SpcSeries {
        let station = &self.stations[&id];
        let points = &station.series[parameter];
        let means: Vec<f64> = points.iter().map(|p| p.mean).collect();
        let rows = |point: usize| station.groups[points[point].group as usize];
        let flagged = |chart: &Chart| -> Vec<FlaggedPoint> {
            let mut listed = [0usize; 4];
            chart
                .breaks
                .iter()
                .filter(|b| {
                    let slot = &mut listed[usize::from(b.rule - 1)];
                    *slot += 1;
                    *slot <= MAX_LISTED_BREAKS
                })
                .map(|b| FlaggedPoint { rule: b.rule, point: b.point, rows: rows(b.point) })
                .collect()
        };
        let individuals = spc::individuals(&means);
        let (ewma, smoothed) = match &individuals {
            Some(chart) => {
                let (c, z) = spc::ewma(&means, chart.centre, chart.sigma);
                (Some(c), z)
            }
            None => (None, Vec::new()),
        };
        // X̄–R on the subgroups of the most common size.
        let mut sizes: BTreeMap<u64, usize> = BTreeMap::new();
        for p in points {
            *sizes.entry(p.n).or_default() += 1;
        }
        let n = sizes.iter().max_by_key(|&(size, count)| (*count, *size)).map_or(0, |(s, _)| *s);
        let same: Vec<usize> = (0..points.len()).filter(|&i| points[i].n == n).collect();
        let xbar_r = spc::xbar_r(
            &same.iter().map(|&i| points[i].mean).collect::<Vec<_>>(),
            &same.iter().map(|&i| points[i].range).collect::<Vec<_>>(),
            usize::try_from(n).unwrap_or(0),
        );
        let remap = |mut chart: Chart| {
            for b in &mut chart.breaks {
                b.point = same[b.point];
            }
            chart
        };
        let xbar_r = xbar_r.map(|(x, r)| (remap(x), remap(r)));
        let start = means.len().saturating_sub(PLOT_POINTS);
        let mut charts: Vec<ChartResult> = Vec::new();
        for chart in [individuals, ewma].into_iter().flatten() {
            charts.push(ChartResult { flagged: flagged(&chart), chart });
        }
        if let Some((x, r)) = xbar_r {
            charts.push(ChartResult { flagged: flagged(&x), chart: x });
            charts.push(ChartResult { flagged: flagged(&r), chart: r });
        }
        SpcSeries {
            station: self.name(id),
            parameter: parameter.name(),
            unit: parameter.unit(),
            subgroups: points.len(),
            charts,
            plot_first_point: start,
            plot_means: means[start..].to_vec(),
            plot_ewma: smoothed.get(start..).map(<[f64]>::to_vec).unwrap_or_default(),
        }
    }

    pub(super) fn capability(&self) -> Vec<CapabilityResult> {
        Parameter::ALL
            .into_iter()
            .filter(|&p| self.overall[p].count > 0)
            .map(|p| {
                let overall = self.overall[p];
                let within_sd = if self.within_df[p] > 0 {
                    (self.within_ss[p] / self.within_df[p] as f64).sqrt()
                } else {
                    0.0
                };
                let limits = self.options.limits[p];
                CapabilityResult {
                    parameter: p.name(),
                    unit: p.unit(),
                    count: overall.count,
                    mean: overall.mean,
                    overall_sd: overall.sd(),
                    within_sd,
                    min: overall.min,
                    max: overall.max,
                    limits,
                    cpk: stats::capability(overall.mean, within_sd, overall.count, limits),
                    ppk: stats::capability(overall.mean, overall.sd(), overall.count, limits),
                }
            })
            .collect()
    }

    pub(super) fn yields(&self) -> (Vec<GroupYield>, Vec<GroupYield>) {
        let mut lots: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        let mut weeks: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
        for (&id, package) in &self.packages {
            if let Some(lot) = package.lot {
                let slot = lots.entry(lot).or_default();
                slot.0 += u64::from(package.shipped);
                slot.1 += 1;
            }
            let week = package.week.or_else(|| {
                self.options
                    .packages_per_week
                    .filter(|&n| n > 0)
                    .map(|n| i64::try_from(id / n).unwrap_or(i64::MAX))
            });
            if let Some(week) = week {
                let slot = weeks.entry(week).or_default();
                slot.0 += u64::from(package.shipped);
                slot.1 += 1;
            }
        }
        let group = |label: String, (shipped, total): (u64, u64)| GroupYield {
            label,
            yield_: stats::wilson(shipped, total),
        };
        (
            lots.into_iter().map(|(lot, c)| group(lot.to_string(), c)).collect(),
            weeks.into_iter().map(|(week, c)| group(week.to_string(), c)).collect(),
        )
    }

    pub(super) fn spatial(&self) -> Option<Spatial> {
        if self.positions.is_empty() {
            return None;
        }
        let points: Vec<(f64, f64, f64)> = self
            .positions
            .values()
            .map(|s| (s.rho_sq.mean, s.loss.mean, s.loss.count as f64))
            .collect();
        let bowl = stats::weighted_line(&points);
        let positions: Vec<PositionResult> = self
            .positions
            .iter()
            .map(|(&engine, s)| PositionResult {
                engine,
                lanes: s.loss.count,
                rho_sq: s.rho_sq.mean,
                mean_loss_db: s.loss.mean,
                sd_loss_db: s.loss.sd(),
                fitted_db: bowl.map(|(a, b)| a + b * s.rho_sq.mean),
                residual_db: bowl.map(|(a, b)| s.loss.mean - (a + b * s.rho_sq.mean)),
            })
            .collect();
        let weight: f64 = points.iter().map(|p| p.2).sum();
        let residual_rms_db = bowl.map(|_| {
            (positions
                .iter()
                .map(|p| p.lanes as f64 * p.residual_db.unwrap_or(0.0).powi(2))
                .sum::<f64>()
                / weight)
                .sqrt()
        });
        Some(Spatial {
            bowl_intercept_db: bowl.map(|b| b.0),
            bowl_slope_db_per_rho_sq: bowl.map(|b| b.1),
            residual_rms_db,
            positions,
        })
    }

    pub(super) fn variance_components(&self) -> Vec<VarianceResult> {
        let mut out = Vec::new();
        for (grouping, maps) in [("lot", &self.by_lot), ("pic_wafer", &self.by_pic_wafer)] {
            for (p, map) in maps.iter() {
                let groups: Vec<Moments> = map.values().copied().collect();
                if let Some(components) = stats::variance_components(&groups) {
                    out.push(VarianceResult { parameter: p.name(), grouping, components });
                }
            }
        }
        out
    }
}

fn pareto_bars(counts: &mut [(String, u64)]) -> Vec<ParetoBar> {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: u64 = counts.iter().map(|c| c.1).sum();
    let mut cumulative = 0;
    counts
        .iter()
        .map(|(label, count)| {
            cumulative += count;
            ParetoBar {
                label: label.clone(),
                count: *count,
                cumulative_share: if total > 0 { cumulative as f64 / total as f64 } else { 0.0 },
            }
        })
        .collect()
}
