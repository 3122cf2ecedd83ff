//! The discrete-event simulation of one replication (failures, spares, technicians, repairs,
//! link states, job interruptions) and `simulate`, which runs the replications on scoped
//! threads.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::HOURS_PER_MONTH;
use crate::checks::check;
use crate::goodput::{charged_h, goodput, optimal_checkpoint_interval_h};
use crate::inputs::{ElsService, FleetInputError, FleetInputs};
use crate::lifetimes::{sample_repair, unit_exponential};
use crate::results::{FleetResult, JOB_CAUSES, JobCause, result};
use crate::topology::{Class, Fabric, NONE, Service, classes};

/// A repair waiting for or holding a spare and a technician.
#[derive(Debug, Clone, Copy)]
enum Job {
    Module(u32),
    Switch(u32),
    Els(u32),
    Laser(u32),
}

#[derive(Debug, Clone, Copy)]
enum Action {
    EndFails { end: u32, generation: u32, cause: JobCause },
    SwitchFails { switch: u32, generation: u32 },
    LaserFails { laser: u32, generation: u32, latent: bool },
    SpareArrives { pool: u32 },
    RepairDone(Job),
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time_h: f64,
    sequence: u64,
    action: Action,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Event {}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Event {
    /// Reversed, so that the max-heap pops the earliest event (ties: the first scheduled).
    fn cmp(&self, other: &Self) -> Ordering {
        other.time_h.total_cmp(&self.time_h).then(other.sequence.cmp(&self.sequence))
    }
}

#[derive(Debug, Clone, Default)]
struct Pool {
    stock: usize,
    lead_h: f64,
    waiting: VecDeque<Job>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TierTally {
    pub(crate) port_failures: u64,
    pub(crate) port_repairs: u64,
    pub(crate) laser_failures: u64,
    pub(crate) els_repairs: u64,
    pub(crate) switch_failures: u64,
    pub(crate) switch_replacements: u64,
    pub(crate) port_spares: u64,
    pub(crate) switch_spares: u64,
    pub(crate) link_down_h: f64,
}

/// One replication's counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub(crate) tiers: Vec<TierTally>,
    pub(crate) nic_failures: u64,
    pub(crate) nic_repairs: u64,
    pub(crate) nic_spares: u64,
    pub(crate) technician_h: f64,
    pub(crate) job_down_h: f64,
    pub(crate) network: u64,
    pub(crate) gpu: u64,
    pub(crate) flap: u64,
    /// Interruptions per cause ([`JOB_CAUSES`] order).
    pub(crate) cause_interruptions: [u64; JOB_CAUSES.len()],
    /// Job hours lost per cause.
    pub(crate) cause_lost_h: [f64; JOB_CAUSES.len()],
    /// Job hours lost to no interruption (checkpoint writes, the first start).
    pub(crate) overhead_h: f64,
    pub(crate) goodput: f64,
    pub(crate) optimal_interval_h: f64,
    pub(crate) optimal_goodput: f64,
    pub(crate) month_links_down_h: Vec<f64>,
    pub(crate) month_interruptions: Vec<u64>,
}

struct Simulation<'a> {
    inputs: &'a FleetInputs,
    fabric: &'a Fabric,
    classes: &'a [Class],
    switch_life: f64,
    rng: Xoshiro256PlusPlus,
    horizon_h: f64,
    now_h: f64,
    last_h: f64,
    sequence: u64,
    heap: BinaryHeap<Event>,
    link_down: Vec<u16>,
    end_failed: Vec<bool>,
    end_generation: Vec<u32>,
    switch_down: Vec<bool>,
    switch_requested: Vec<bool>,
    switch_failed_ports: Vec<u32>,
    switch_generation: Vec<u32>,
    els_up: Vec<u16>,
    els_requested: Vec<bool>,
    laser_generation: Vec<u32>,
    tier_links_down: Vec<u64>,
    job_links_down: u64,
    job_hit: bool,
    /// What the current event is (for the job's interruptions).
    cause: JobCause,
    /// What took the first of the job's links down in the current event.
    hit_cause: JobCause,
    pools: Vec<Pool>,
    free_technicians: usize,
    technician_queue: VecDeque<Job>,
    network_times_h: Vec<(f64, JobCause)>,
    tally: Tally,
}

impl<'a> Simulation<'a> {
    fn new(
        inputs: &'a FleetInputs,
        fabric: &'a Fabric,
        classes: &'a [Class],
        replication: usize,
    ) -> Self {
        // Replication r's stream: the seed's Xoshiro256++ sequence advanced by r jumps of
        // 2^128 draws, so no two replications' draws can overlap.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(inputs.seed);
        for _ in 0..replication {
            rng.jump();
        }
        let horizon_h = inputs.years.to_hours().0;
        let months = (horizon_h / HOURS_PER_MONTH).ceil().max(1.0) as usize;
        let ends = fabric.end_switch.len();
        let switches = fabric.switch_tier.len();
        let tiers = fabric.tiers;
        let mut pools = Vec::with_capacity(2 * tiers + 1);
        for tier in &inputs.tiers {
            let spares = tier.technology.spares;
            pools.push(Pool {
                stock: spares.initial_units,
                lead_h: spares.reorder_lead_h.0,
                waiting: VecDeque::new(),
            });
        }
        for tier in &inputs.tiers {
            pools.push(Pool {
                stock: tier.switch_spares.initial_units,
                lead_h: tier.switch_spares.reorder_lead_h.0,
                waiting: VecDeque::new(),
            });
        }
        pools.push(Pool {
            stock: inputs.nic.spares.initial_units,
            lead_h: inputs.nic.spares.reorder_lead_h.0,
            waiting: VecDeque::new(),
        });
        let els_up = fabric
            .els_tier
            .iter()
            .map(|&tier| match classes[tier as usize].service {
                Service::Els { lasers, .. } => lasers,
                _ => 0,
            })
            .collect();
        Simulation {
            inputs,
            fabric,
            classes,
            switch_life: inputs.switch.hardware_fit.0 * 1e-9,
            rng,
            horizon_h,
            now_h: 0.0,
            last_h: 0.0,
            sequence: 0,
            heap: BinaryHeap::new(),
            link_down: vec![0; ends / 2],
            end_failed: vec![false; ends],
            end_generation: vec![0; ends],
            switch_down: vec![false; switches],
            switch_requested: vec![false; switches],
            switch_failed_ports: vec![0; switches],
            switch_generation: vec![0; switches],
            els_up,
            els_requested: vec![false; fabric.els_ranges.len()],
            laser_generation: vec![0; fabric.laser_els.len()],
            tier_links_down: vec![0; tiers],
            job_links_down: 0,
            job_hit: false,
            cause: JobCause::Port,
            hit_cause: JobCause::Port,
            pools,
            free_technicians: inputs.technicians,
            technician_queue: VecDeque::new(),
            network_times_h: Vec::new(),
            tally: Tally {
                tiers: vec![TierTally::default(); tiers],
                month_links_down_h: vec![0.0; months],
                month_interruptions: vec![0; months],
                ..Tally::default()
            },
        }
    }

    fn schedule(&mut self, delay_h: f64, action: Action) {
        let time_h = self.now_h + delay_h;
        if time_h < self.horizon_h {
            self.sequence += 1;
            self.heap.push(Event { time_h, sequence: self.sequence, action });
        }
    }

    fn schedule_end(&mut self, end: usize, infant: bool) {
        let class = &self.classes[self.fabric.end_class(end)];
        let (delay, cause) = class.sample_port(infant, &mut self.rng);
        let generation = self.end_generation[end];
        self.schedule(delay, Action::EndFails { end: end as u32, generation, cause });
    }

    fn schedule_switch(&mut self, switch: usize) {
        if self.switch_life > 0.0 {
            let delay = unit_exponential(&mut self.rng) / self.switch_life;
            let generation = self.switch_generation[switch];
            self.schedule(delay, Action::SwitchFails { switch: switch as u32, generation });
        }
    }

    fn schedule_laser(&mut self, laser: usize, infant: bool) {
        let els = self.fabric.laser_els[laser] as usize;
        let tier = self.fabric.els_tier[els] as usize;
        if let Some(life) = self.classes[tier].els_laser {
            let (delay, latent) = life.sample_latent(infant, &mut self.rng);
            let generation = self.laser_generation[laser];
            self.schedule(delay, Action::LaserFails { laser: laser as u32, generation, latent });
        }
    }

    /// The initial population: every unit new, latent defects drawn.
    fn populate(&mut self) {
        let fabric = self.fabric;
        for end in 0..fabric.end_switch.len() {
            let class = &self.classes[fabric.end_class(end)];
            if !class.is_co_packaged() {
                let infant = self.rng.random::<f64>() < class.infant_probability;
                self.schedule_end(end, infant);
            }
        }
        for switch in 0..fabric.switch_tier.len() {
            let class = &self.classes[fabric.switch_tier[switch] as usize];
            if class.is_co_packaged() {
                let ends = fabric.ends_of_switch(switch);
                let infant = if self.rng.random::<f64>() < class.infant_probability {
                    ends.start + self.rng.random_range(0..ends.len())
                } else {
                    usize::MAX
                };
                for index in ends {
                    let end = fabric.switch_ends[index] as usize;
                    self.schedule_end(end, index == infant);
                }
            }
            self.schedule_switch(switch);
        }
        // A switch's ELS modules carry a weak laser with the class's probability: one laser of
        // the switch, drawn at random.
        for switch in 0..fabric.switch_tier.len() {
            let (first, last) = fabric.switch_lasers[switch];
            if first == last {
                continue;
            }
            let class = &self.classes[fabric.switch_tier[switch] as usize];
            // (No draw without weak lasers: the streams of such fabrics stay as they were.)
            let p = class.weak_laser_probability;
            let weak = if p > 0.0 && self.rng.random::<f64>() < p {
                self.rng.random_range(first..last)
            } else {
                NONE
            };
            for laser in first..last {
                self.schedule_laser(laser as usize, laser == weak);
            }
        }
    }

    /// Integrates the down-link counts up to `time_h`.
    fn advance(&mut self, time_h: f64) {
        let dt = time_h - self.last_h;
        if dt <= 0.0 {
            return;
        }
        let mut total = 0u64;
        for (tier, &down) in self.tier_links_down.iter().enumerate() {
            self.tally.tiers[tier].link_down_h += down as f64 * dt;
            total += down;
        }
        if self.job_links_down > 0 {
            self.tally.job_down_h += dt;
        }
        if total > 0 {
            let months = self.tally.month_links_down_h.len();
            let mut start = self.last_h;
            while start < time_h {
                let month = ((start / HOURS_PER_MONTH) as usize).min(months - 1);
                let stop = if month + 1 == months {
                    time_h
                } else {
                    time_h.min((month + 1) as f64 * HOURS_PER_MONTH)
                };
                self.tally.month_links_down_h[month] += total as f64 * (stop - start);
                start = stop;
            }
        }
        self.last_h = time_h;
    }

    fn link_down(&mut self, link: usize) {
        if self.link_down[link] == 0 {
            self.tier_links_down[link / self.fabric.gpus] += 1;
            if link < self.inputs.job.settings.gpus {
                // A job link that was up went down: the job is hit (even if others were down).
                self.job_links_down += 1;
                if !self.job_hit {
                    self.job_hit = true;
                    self.hit_cause = self.cause;
                }
            }
        }
        self.link_down[link] += 1;
    }

    fn link_up(&mut self, link: usize) {
        self.link_down[link] -= 1;
        if self.link_down[link] == 0 {
            self.tier_links_down[link / self.fabric.gpus] -= 1;
            if link < self.inputs.job.settings.gpus {
                self.job_links_down -= 1;
            }
        }
    }

    fn switch_links(&mut self, switch: usize, down: bool) {
        for index in self.fabric.ends_of_switch(switch) {
            let link = self.fabric.switch_ends[index] as usize / 2;
            if down { self.link_down(link) } else { self.link_up(link) }
        }
    }

    fn els_links(&mut self, els: usize, down: bool) {
        let (first, last) = self.fabric.els_ranges[els];
        for index in first as usize..last as usize {
            let link = self.fabric.switch_ends[index] as usize / 2;
            if down { self.link_down(link) } else { self.link_up(link) }
        }
    }

    /// Pools: tier port units `0..tiers`, tier switches `tiers..2 tiers`, NIC modules `2 tiers`.
    fn pool_of(&self, job: Job) -> usize {
        let fabric = self.fabric;
        match job {
            // A NIC end's class is `tiers`; its pool is `2 tiers`.
            Job::Module(end) => match fabric.end_class(end as usize) {
                class if class == fabric.tiers => 2 * fabric.tiers,
                class => class,
            },
            Job::Switch(switch) => fabric.tiers + fabric.switch_tier[switch as usize] as usize,
            Job::Els(els) => fabric.els_tier[els as usize] as usize,
            Job::Laser(laser) => {
                fabric.els_tier[fabric.laser_els[laser as usize] as usize] as usize
            }
        }
    }

    fn count_spare(&mut self, pool: usize) {
        let tiers = self.fabric.tiers;
        if pool < tiers {
            self.tally.tiers[pool].port_spares += 1;
        } else if pool < 2 * tiers {
            self.tally.tiers[pool - tiers].switch_spares += 1;
        } else {
            self.tally.nic_spares += 1;
        }
    }

    /// A repair is needed: order a spare (base stock), take one or wait.
    fn request(&mut self, job: Job) {
        let pool = self.pool_of(job);
        let lead_h = self.pools[pool].lead_h;
        if lead_h > 0.0 {
            self.schedule(lead_h, Action::SpareArrives { pool: pool as u32 });
        } else {
            self.pools[pool].stock += 1;
        }
        if self.pools[pool].stock > 0 {
            self.pools[pool].stock -= 1;
            self.count_spare(pool);
            self.technician_ready(job);
        } else {
            self.pools[pool].waiting.push_back(job);
        }
    }

    fn spare_arrives(&mut self, pool: usize) {
        match self.pools[pool].waiting.pop_front() {
            Some(job) => {
                self.count_spare(pool);
                self.technician_ready(job);
            }
            None => self.pools[pool].stock += 1,
        }
    }

    fn technician_ready(&mut self, job: Job) {
        if self.free_technicians > 0 {
            self.free_technicians -= 1;
            self.start(job);
        } else {
            self.technician_queue.push_back(job);
        }
    }

    fn start(&mut self, job: Job) {
        let repair = match job {
            Job::Module(end) => self.classes[self.fabric.end_class(end as usize)].repair,
            Job::Switch(_) => self.inputs.switch.replace,
            Job::Els(els) => self.classes[self.fabric.els_tier[els as usize] as usize].repair,
            Job::Laser(laser) => {
                let els = self.fabric.laser_els[laser as usize] as usize;
                self.classes[self.fabric.els_tier[els] as usize].repair
            }
        };
        let duration_h = sample_repair(&repair, &mut self.rng);
        self.tally.technician_h += duration_h;
        if let Job::Switch(switch) = job {
            let switch = switch as usize;
            if !self.switch_down[switch] {
                // The drain of a planned replacement: the blast radius.
                self.switch_down[switch] = true;
                self.cause = JobCause::SwitchReplacement;
                self.switch_links(switch, true);
            }
        }
        // Repairs finishing after the horizon are dropped with the rest of the queue.
        self.schedule(duration_h, Action::RepairDone(job));
    }

    fn end_fails(&mut self, end: usize, generation: u32, cause: JobCause) {
        if generation != self.end_generation[end] {
            return;
        }
        self.cause = cause;
        let class_index = self.fabric.end_class(end);
        let class = &self.classes[class_index];
        let link = end / 2;
        if class.is_co_packaged() {
            let switch = self.fabric.end_switch[end] as usize;
            if self.switch_down[switch] {
                return;
            }
            let threshold = match class.service {
                Service::CoPackaged { threshold } | Service::Els { threshold, .. } => threshold,
                Service::Module => u32::MAX,
            };
            self.tally.tiers[class_index].port_failures += 1;
            self.end_failed[end] = true;
            self.link_down(link);
            self.switch_failed_ports[switch] += 1;
            if self.switch_failed_ports[switch] >= threshold && !self.switch_requested[switch] {
                self.switch_requested[switch] = true;
                self.request(Job::Switch(switch as u32));
            }
        } else {
            if class_index == self.fabric.tiers {
                self.tally.nic_failures += 1;
            } else {
                self.tally.tiers[class_index].port_failures += 1;
            }
            self.end_failed[end] = true;
            self.link_down(link);
            self.request(Job::Module(end as u32));
        }
    }

    fn switch_fails(&mut self, switch: usize, generation: u32) {
        if generation != self.switch_generation[switch] || self.switch_down[switch] {
            return;
        }
        let tier = self.fabric.switch_tier[switch] as usize;
        self.tally.tiers[tier].switch_failures += 1;
        self.cause = JobCause::SwitchHardware;
        self.switch_down[switch] = true;
        self.switch_links(switch, true);
        if !self.switch_requested[switch] {
            self.switch_requested[switch] = true;
            self.request(Job::Switch(switch as u32));
        }
    }

    fn laser_fails(&mut self, laser: usize, generation: u32, latent: bool) {
        if generation != self.laser_generation[laser] {
            return;
        }
        self.cause = if latent { JobCause::LatentDefect } else { JobCause::ElsLaser };
        let els = self.fabric.laser_els[laser] as usize;
        let tier = self.fabric.els_tier[els] as usize;
        let Service::Els { needed, service, .. } = self.classes[tier].service else {
            return;
        };
        self.tally.tiers[tier].laser_failures += 1;
        self.els_up[els] -= 1;
        if self.els_up[els] + 1 == needed {
            self.els_links(els, true);
        }
        match service {
            ElsService::SwapModule => {
                if !self.els_requested[els] {
                    self.els_requested[els] = true;
                    self.request(Job::Els(els as u32));
                }
            }
            ElsService::SwapLaser => self.request(Job::Laser(laser as u32)),
        }
    }

    fn repair_done(&mut self, job: Job) {
        match job {
            Job::Module(end) => {
                let end = end as usize;
                let class = self.fabric.end_class(end);
                if class == self.fabric.tiers {
                    self.tally.nic_repairs += 1;
                } else {
                    self.tally.tiers[class].port_repairs += 1;
                }
                self.end_failed[end] = false;
                self.link_up(end / 2);
                self.end_generation[end] += 1;
                self.schedule_end(end, false);
            }
            Job::Switch(switch) => {
                let switch = switch as usize;
                let tier = self.fabric.switch_tier[switch] as usize;
                self.tally.tiers[tier].switch_replacements += 1;
                self.switch_requested[switch] = false;
                if self.switch_down[switch] {
                    self.switch_down[switch] = false;
                    self.switch_links(switch, false);
                }
                self.switch_generation[switch] += 1;
                self.schedule_switch(switch);
                if self.classes[tier].is_co_packaged() {
                    // A new package: all-new engine ports (no latent defects).
                    self.switch_failed_ports[switch] = 0;
                    for index in self.fabric.ends_of_switch(switch) {
                        let end = self.fabric.switch_ends[index] as usize;
                        if self.end_failed[end] {
                            self.end_failed[end] = false;
                            self.link_up(end / 2);
                        }
                        self.end_generation[end] += 1;
                        self.schedule_end(end, false);
                    }
                }
            }
            Job::Els(els) => {
                let els = els as usize;
                let tier = self.fabric.els_tier[els] as usize;
                let Service::Els { lasers, needed, .. } = self.classes[tier].service else {
                    return;
                };
                self.tally.tiers[tier].els_repairs += 1;
                self.els_requested[els] = false;
                if self.els_up[els] < needed {
                    self.els_links(els, false);
                }
                self.els_up[els] = lasers;
                let lasers = self.fabric.els_laser_offsets[els] as usize
                    ..self.fabric.els_laser_offsets[els + 1] as usize;
                for laser in lasers {
                    self.laser_generation[laser] += 1;
                    self.schedule_laser(laser, false);
                }
            }
            Job::Laser(laser) => {
                let laser = laser as usize;
                let els = self.fabric.laser_els[laser] as usize;
                let tier = self.fabric.els_tier[els] as usize;
                let Service::Els { needed, .. } = self.classes[tier].service else {
                    return;
                };
                self.tally.tiers[tier].els_repairs += 1;
                self.els_up[els] += 1;
                if self.els_up[els] == needed {
                    self.els_links(els, false);
                }
                self.laser_generation[laser] += 1;
                self.schedule_laser(laser, false);
            }
        }
        match self.technician_queue.pop_front() {
            Some(next) => self.start(next),
            None => self.free_technicians += 1,
        }
    }

    /// Poisson times at `rate_per_h` over the horizon.
    fn poisson_times(&mut self, rate_per_h: f64) -> Vec<f64> {
        let mut times = Vec::new();
        if rate_per_h <= 0.0 {
            return times;
        }
        let mut time = 0.0;
        loop {
            time += unit_exponential(&mut self.rng) / rate_per_h;
            if time >= self.horizon_h {
                return times;
            }
            times.push(time);
        }
    }

    fn run(mut self) -> Tally {
        self.populate();
        while let Some(event) = self.heap.pop() {
            self.advance(event.time_h);
            self.now_h = event.time_h;
            self.job_hit = false;
            match event.action {
                Action::EndFails { end, generation, cause } => {
                    self.end_fails(end as usize, generation, cause);
                }
                Action::SwitchFails { switch, generation } => {
                    self.switch_fails(switch as usize, generation);
                }
                Action::LaserFails { laser, generation, latent } => {
                    self.laser_fails(laser as usize, generation, latent);
                }
                Action::SpareArrives { pool } => self.spare_arrives(pool as usize),
                Action::RepairDone(job) => self.repair_done(job),
            }
            if self.job_hit {
                self.network_times_h.push((self.now_h, self.hit_cause));
            }
        }
        self.advance(self.horizon_h);
        let job = self.inputs.job;
        let job_gpus = job.settings.gpus as f64;
        let gpu_times = self.poisson_times(self.inputs.gpu_interruptions_per_gpu_h * job_gpus);
        let flap_times = self.poisson_times(job.flaps_per_link_h * job_gpus);
        self.tally.network = self.network_times_h.len() as u64;
        self.tally.gpu = gpu_times.len() as u64;
        self.tally.flap = flap_times.len() as u64;
        let mut caused = std::mem::take(&mut self.network_times_h);
        caused.extend(gpu_times.iter().map(|&time| (time, JobCause::Gpu)));
        caused.extend(flap_times.iter().map(|&time| (time, JobCause::Flap)));
        caused.sort_by(|a, b| a.0.total_cmp(&b.0));
        let times: Vec<f64> = caused.iter().map(|&(time, _)| time).collect();
        let months = self.tally.month_interruptions.len();
        for &time in &times {
            self.tally.month_interruptions[((time / HOURS_PER_MONTH) as usize).min(months - 1)] +=
                1;
        }
        self.tally.goodput = goodput(
            &times,
            self.horizon_h,
            job.settings.checkpoint_interval_h.0,
            job.settings.checkpoint_cost_h.0,
            job.settings.restart_cost_h.0,
        );
        // lost_h_by_cause, reusing the goodput.
        let lost_h = charged_h(
            &caused,
            self.horizon_h,
            job.settings.checkpoint_interval_h.0 + job.settings.checkpoint_cost_h.0,
            job.settings.restart_cost_h.0,
        );
        for &(_, cause) in &caused {
            self.tally.cause_interruptions[cause as usize] += 1;
        }
        self.tally.overhead_h =
            self.horizon_h * (1.0 - self.tally.goodput) - lost_h.iter().sum::<f64>();
        self.tally.cause_lost_h = lost_h;
        let (interval, best) = optimal_checkpoint_interval_h(
            &times,
            self.horizon_h,
            job.settings.checkpoint_cost_h.0,
            job.settings.restart_cost_h.0,
        );
        self.tally.optimal_interval_h = interval;
        self.tally.optimal_goodput = best;
        self.tally
    }
}

/// Runs the simulation on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`FleetInputError`] naming the input out of range.
pub fn simulate(inputs: &FleetInputs, threads: usize) -> Result<FleetResult, FleetInputError> {
    Ok(simulate_all(std::slice::from_ref(inputs), threads, &|| {})?.remove(0))
}

/// Runs the simulation of every entry of `fabrics` on `threads` threads as one pool of work:
/// each replication of each fabric is handed to whichever thread is free (a replication
/// draws from its own stream, so each result equals [`simulate`]'s and none depends on the
/// thread count or order). `done` is called after each replication.
///
/// # Errors
/// [`FleetInputError`] naming the input out of range, of the first fabric that has one.
pub fn simulate_all(
    fabrics: &[FleetInputs],
    threads: usize,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<FleetResult>, FleetInputError> {
    for inputs in fabrics {
        check(inputs)?;
    }
    let built: Vec<(Fabric, Vec<Class>)> =
        fabrics.iter().map(|inputs| (Fabric::build(inputs), classes(inputs))).collect();
    let jobs: Vec<(usize, usize)> = fabrics
        .iter()
        .enumerate()
        .flat_map(|(fabric, inputs)| (0..inputs.replications).map(move |r| (fabric, r)))
        .collect();
    let run = |&(index, replication): &(usize, usize)| {
        let (fabric, classes) = &built[index];
        let tally = Simulation::new(&fabrics[index], fabric, classes, replication).run();
        done();
        tally
    };
    let mut tallies = cporamp_core::parallel::map_in_order(&jobs, threads, run).into_iter();
    Ok(fabrics
        .iter()
        .zip(built)
        .map(|(inputs, (fabric, _))| {
            let mine: Vec<Tally> = tallies.by_ref().take(inputs.replications).collect();
            result(inputs, fabric.counts, &mine)
        })
        .collect())
}
