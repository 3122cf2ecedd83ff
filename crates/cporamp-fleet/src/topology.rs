//! The folded Clos fabric built from the GPU count and the switch radix: switches, links and
//! their end ports per tier, the ELS and lasers feeding co-packaged ports, and the classes of
//! port ends by how they are serviced.

use rand_xoshiro::Xoshiro256PlusPlus;

use crate::checks::check;
use crate::inputs::{ElsService, FleetInputError, FleetInputs, PortKind, Repair};
use crate::lifetimes::Lifetime;
use crate::results::{JobCause, TierCounts, TopologyCounts};

pub(crate) const NONE: u32 = u32::MAX;

/// How a class of port ends is serviced (tiers, then the NIC).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Service {
    Module,
    CoPackaged { threshold: u32 },
    Els { lasers: u16, needed: u16, service: ElsService, threshold: u32 },
}

#[derive(Debug, Clone)]
pub(crate) struct Class {
    pub(crate) service: Service,
    port: Lifetime,
    /// A separate laser failure mode of the port (Module, CoPackaged).
    port_laser: Option<Lifetime>,
    /// The ELS laser (CoPackagedEls).
    pub(crate) els_laser: Option<Lifetime>,
    pub(crate) repair: Repair,
    pub(crate) infant_probability: f64,
    /// Per switch: one of its ELS lasers is weak (CoPackagedEls).
    pub(crate) weak_laser_probability: f64,
    /// What a failure of this class's port ends is: `Nic` for the NIC class, else `Port`.
    port_cause: JobCause,
}

impl Class {
    /// The port's lifetime and its cause: the port itself (or its latent defect) or its
    /// separate laser, whichever fails first.
    pub(crate) fn sample_port(
        &self,
        infant: bool,
        rng: &mut Xoshiro256PlusPlus,
    ) -> (f64, JobCause) {
        let (time, latent) = self.port.sample_latent(infant, rng);
        let cause = match (latent, self.port_cause) {
            (true, JobCause::Port) => JobCause::LatentDefect,
            (_, cause) => cause,
        };
        match &self.port_laser {
            Some(laser) => {
                let laser_time = laser.sample(false, rng);
                if laser_time < time { (laser_time, JobCause::PortLaser) } else { (time, cause) }
            }
            None => (time, cause),
        }
    }

    pub(crate) fn is_co_packaged(&self) -> bool {
        !matches!(self.service, Service::Module)
    }
}

/// The wiring, shared by all replications. End `2 l` is the lower end of link `l`, `2 l + 1`
/// the upper; link `l` is of tier `l / gpus`.
#[derive(Debug, Clone)]
pub(crate) struct Fabric {
    pub(crate) gpus: usize,
    pub(crate) tiers: usize,
    /// Switch of each end (NONE for a NIC end).
    pub(crate) end_switch: Vec<u32>,
    pub(crate) switch_tier: Vec<u8>,
    /// Ends of switch `s`: `switch_ends[switch_offsets[s]..switch_offsets[s + 1]]`.
    switch_offsets: Vec<u32>,
    pub(crate) switch_ends: Vec<u32>,
    /// Ends fed by ELS `e`: a range of `switch_ends`.
    pub(crate) els_ranges: Vec<(u32, u32)>,
    pub(crate) els_tier: Vec<u8>,
    /// First laser of ELS `e` (one more entry at the end).
    pub(crate) els_laser_offsets: Vec<u32>,
    pub(crate) laser_els: Vec<u32>,
    /// Lasers of switch `s` (of its ELS): `switch_lasers[s].0..switch_lasers[s].1`.
    pub(crate) switch_lasers: Vec<(u32, u32)>,
    pub(crate) counts: TopologyCounts,
}

impl Fabric {
    pub(crate) fn build(inputs: &FleetInputs) -> Fabric {
        let gpus = inputs.gpus;
        let tiers = inputs.tiers.len();
        let links = tiers * gpus;
        let (raw, raw_counts) = raw_ends(inputs);
        let (switch_tier, end_switch) = compact_switches(&raw, &raw_counts, gpus);
        let switches = switch_tier.len();
        let (switch_offsets, switch_ends) = switch_ports(&end_switch, switches);
        let ElsLayout { els_ranges, els_tier, els_laser_offsets, laser_els, switch_lasers } =
            els_layout(inputs, &switch_tier, &switch_offsets);
        let tier_counts = tier_counts(inputs, &switch_tier, &switch_offsets, &els_tier);
        Fabric {
            gpus,
            tiers,
            end_switch,
            switch_tier,
            switch_offsets,
            switch_ends,
            els_ranges,
            els_tier,
            els_laser_offsets,
            laser_els,
            switch_lasers,
            counts: TopologyCounts {
                gpus,
                tiers: tier_counts,
                nic_modules: gpus,
                links,
                port_ends: 2 * links,
            },
        }
    }

    /// The class of an end: its switch's tier, or `tiers` for a NIC end.
    pub(crate) fn end_class(&self, end: usize) -> usize {
        match self.end_switch[end] {
            NONE => self.tiers,
            switch => self.switch_tier[switch as usize] as usize,
        }
    }

    pub(crate) fn ends_of_switch(&self, switch: usize) -> std::ops::Range<usize> {
        self.switch_offsets[switch] as usize..self.switch_offsets[switch + 1] as usize
    }
}

/// The raw switch index within its tier of every end (NONE for a NIC end) and the raw switch
/// count per tier: leaves of `radix / 2` GPUs, pods of `radix / 2` leaves, the top tier
/// striped over `radix` GPUs.
fn raw_ends(inputs: &FleetInputs) -> (Vec<u32>, Vec<usize>) {
    let gpus = inputs.gpus;
    let half = inputs.radix / 2;
    let tiers = inputs.tiers.len();
    let links = tiers * gpus;
    let leaves = gpus.div_ceil(half);
    let top = gpus.div_ceil(inputs.radix);
    let pods = leaves.div_ceil(half);
    // Raw switch index within its tier, per end.
    let leaf = |j: usize| j / half;
    let aggregation = |j: usize| (leaf(j) / half) * half + j % half;
    let mut raw = vec![NONE; 2 * links];
    let mut raw_counts = vec![leaves, if tiers == 2 { top } else { pods * half }];
    if tiers == 3 {
        raw_counts.push(top);
    }
    for j in 0..gpus {
        raw[2 * j + 1] = leaf(j) as u32;
        let link = gpus + j;
        raw[2 * link] = leaf(j) as u32;
        if tiers == 2 {
            raw[2 * link + 1] = (j % top) as u32;
        } else {
            raw[2 * link + 1] = aggregation(j) as u32;
            let link = 2 * gpus + j;
            raw[2 * link] = aggregation(j) as u32;
            raw[2 * link + 1] = (j % top) as u32;
        }
    }
    (raw, raw_counts)
}

/// Numbers the switches that have a port, tier by tier; returns the tier of each switch and
/// the switch of each end (NONE for a NIC end).
fn compact_switches(raw: &[u32], raw_counts: &[usize], gpus: usize) -> (Vec<u8>, Vec<u32>) {
    // The switch tier of an end: the link's tier for the upper end, one below for the lower.
    let end_tier = |end: usize| {
        let tier = end / 2 / gpus;
        if end % 2 == 1 { Some(tier) } else { tier.checked_sub(1) }
    };
    // Compact: number the switches that have a port.
    let mut compact: Vec<Vec<u32>> = raw_counts.iter().map(|&n| vec![NONE; n]).collect();
    for (end, &key) in raw.iter().enumerate() {
        if let Some(tier) = end_tier(end) {
            compact[tier][key as usize] = 0;
        }
    }
    let mut switch_tier = Vec::new();
    for (tier, map) in compact.iter_mut().enumerate() {
        for slot in map.iter_mut() {
            if *slot == 0 {
                *slot = switch_tier.len() as u32;
                switch_tier.push(tier as u8);
            }
        }
    }
    let end_switch: Vec<u32> = raw
        .iter()
        .enumerate()
        .map(|(end, &key)| match end_tier(end) {
            Some(tier) => compact[tier][key as usize],
            None => NONE,
        })
        .collect();
    (switch_tier, end_switch)
}

/// The ends of each switch, compressed: `switch_ends[switch_offsets[s]..switch_offsets[s + 1]]`
/// in end order.
fn switch_ports(end_switch: &[u32], switches: usize) -> (Vec<u32>, Vec<u32>) {
    let mut switch_offsets = vec![0u32; switches + 1];
    for &switch in end_switch {
        if switch != NONE {
            switch_offsets[switch as usize + 1] += 1;
        }
    }
    for s in 0..switches {
        switch_offsets[s + 1] += switch_offsets[s];
    }
    let mut fill = switch_offsets.clone();
    let mut switch_ends = vec![0u32; switch_offsets[switches] as usize];
    for (end, &switch) in end_switch.iter().enumerate() {
        if switch != NONE {
            switch_ends[fill[switch as usize] as usize] = end as u32;
            fill[switch as usize] += 1;
        }
    }
    (switch_offsets, switch_ends)
}

/// The ELS feeding co-packaged ports and their lasers (see [`Fabric`]'s fields).
struct ElsLayout {
    els_ranges: Vec<(u32, u32)>,
    els_tier: Vec<u8>,
    els_laser_offsets: Vec<u32>,
    laser_els: Vec<u32>,
    switch_lasers: Vec<(u32, u32)>,
}

/// ELS of the `CoPackagedEls` tiers: consecutive ports of a switch share one, each with its
/// lasers.
fn els_layout(inputs: &FleetInputs, switch_tier: &[u8], switch_offsets: &[u32]) -> ElsLayout {
    let switches = switch_tier.len();
    // ELS: consecutive ports of a switch share one.
    let mut els_ranges = Vec::new();
    let mut els_tier = Vec::new();
    let mut els_laser_offsets = vec![0u32];
    let mut laser_els = Vec::new();
    let mut switch_lasers = Vec::with_capacity(switches);
    for s in 0..switches {
        let tier = switch_tier[s] as usize;
        let first_laser = laser_els.len() as u32;
        if let PortKind::CoPackagedEls { ports_per_els, lasers_per_els, .. } =
            inputs.tiers[tier].technology.kind
        {
            let (start, stop) = (switch_offsets[s], switch_offsets[s + 1]);
            let mut first = start;
            while first < stop {
                let last = (first + ports_per_els as u32).min(stop);
                let els = els_ranges.len() as u32;
                els_ranges.push((first, last));
                els_tier.push(tier as u8);
                laser_els.extend(std::iter::repeat_n(els, lasers_per_els));
                els_laser_offsets.push(laser_els.len() as u32);
                first = last;
            }
        }
        switch_lasers.push((first_laser, laser_els.len() as u32));
    }
    ElsLayout { els_ranges, els_tier, els_laser_offsets, laser_els, switch_lasers }
}

/// Each tier's counts: switches, links, switch ports, and the modules, engine ports, ELS and
/// ELS lasers its technology puts on them.
fn tier_counts(
    inputs: &FleetInputs,
    switch_tier: &[u8],
    switch_offsets: &[u32],
    els_tier: &[u8],
) -> Vec<TierCounts> {
    let gpus = inputs.gpus;
    let tiers = inputs.tiers.len();
    let switches = switch_tier.len();
    (0..tiers)
        .map(|tier| {
            let technology = &inputs.tiers[tier].technology;
            let switch_ids: Vec<usize> =
                (0..switches).filter(|&s| switch_tier[s] as usize == tier).collect();
            let switch_ports: usize = switch_ids
                .iter()
                .map(|&s| (switch_offsets[s + 1] - switch_offsets[s]) as usize)
                .sum();
            let els = els_tier.iter().filter(|&&t| t as usize == tier).count();
            let (modules, engine_ports, els_lasers) = match technology.kind {
                PortKind::Module => (switch_ports, 0, 0),
                PortKind::CoPackaged { .. } => (0, switch_ports, 0),
                PortKind::CoPackagedEls { lasers_per_els, .. } => {
                    (0, switch_ports, els * lasers_per_els)
                }
            };
            TierCounts {
                technology: technology.name.clone(),
                switches: switch_ids.len(),
                links: gpus,
                switch_ports,
                modules,
                engine_ports,
                els,
                els_lasers,
            }
        })
        .collect()
}

/// The fabric's counts of switches, links, modules, engine ports, ELS and lasers.
///
/// # Errors
/// [`FleetInputError`] for bad inputs.
pub fn topology(inputs: &FleetInputs) -> Result<TopologyCounts, FleetInputError> {
    check(inputs)?;
    Ok(Fabric::build(inputs).counts)
}

pub(crate) fn classes(inputs: &FleetInputs) -> Vec<Class> {
    let mut classes: Vec<Class> = inputs
        .tiers
        .iter()
        .map(|tier| {
            let technology = &tier.technology;
            // Lifetimes beyond the horizon are never scheduled: not computed either.
            let horizon_h = inputs.years.to_hours().0;
            let of = |component| Lifetime::of(component).within(horizon_h);
            let laser = technology.laser.as_ref().map(of);
            let (service, port_laser, els_laser) = match technology.kind {
                PortKind::Module => (Service::Module, laser, None),
                PortKind::CoPackaged { replace_after_failed_ports } => (
                    Service::CoPackaged {
                        threshold: replace_after_failed_ports.min(u32::MAX as usize) as u32,
                    },
                    laser,
                    None,
                ),
                PortKind::CoPackagedEls {
                    lasers_per_els,
                    lasers_needed,
                    service,
                    replace_after_failed_ports,
                    ..
                } => (
                    Service::Els {
                        lasers: lasers_per_els as u16,
                        needed: lasers_needed as u16,
                        service,
                        threshold: replace_after_failed_ports.min(u32::MAX as usize) as u32,
                    },
                    None,
                    laser,
                ),
            };
            Class {
                service,
                port: of(&technology.port),
                port_laser,
                els_laser,
                repair: technology.port_repair,
                infant_probability: technology.infant_probability,
                weak_laser_probability: match technology.kind {
                    PortKind::CoPackagedEls { weak_laser_probability, .. } => {
                        weak_laser_probability
                    }
                    _ => 0.0,
                },
                port_cause: JobCause::Port,
            }
        })
        .collect();
    classes.push(Class {
        service: Service::Module,
        port: Lifetime::of(&inputs.nic.port),
        port_laser: None,
        els_laser: None,
        repair: inputs.nic.repair,
        infant_probability: inputs.nic.infant_probability,
        weak_laser_probability: 0.0,
        port_cause: JobCause::Nic,
    });
    classes
}
