//! `[fleet]`: the fleet engine checks its own section ([`cporamp_fleet::settings::check`]);
//! the scenario checks the ids it names, the switch generation and the fabrics' technologies.

use super::ids::{generation_index, technology_index};
use crate::{FleetSettings, Technology, TechnologyKind};
use cporamp_core::check::Checker;
use cporamp_fleet::settings::{self, Catalog, TechnologyRole};

pub(super) fn check_fleet(
    checker: &mut Checker,
    fleet: &FleetSettings,
    generation_ids: &[String],
    technologies: &[Technology],
) {
    settings::check(checker, fleet, &Ids { generation_ids, technologies });
}

/// The scenario's generations (as listed in `compare.generations`) and technologies.
struct Ids<'a> {
    generation_ids: &'a [String],
    technologies: &'a [Technology],
}

impl Catalog for Ids<'_> {
    fn check_generation(&self, checker: &mut Checker, path: &str, id: &str) {
        generation_index(checker, path, id, self.generation_ids);
    }

    /// A fabric tier spans racks, so copper's reach does not do, and a NIC takes a pluggable
    /// module.
    fn check_technology(&self, checker: &mut Checker, path: &str, id: &str, role: TechnologyRole) {
        let Some(index) =
            technology_index(checker, path, id, self.technologies, |_| true, "a technology id")
        else {
            return;
        };
        let kind = self.technologies[index].kind;
        if kind == TechnologyKind::Copper {
            checker.invalid(
                path,
                format!("\"{id}\""),
                "an optical technology (copper does not reach across a fabric tier)",
            );
        } else if role == TechnologyRole::Nic && kind != TechnologyKind::Pluggable {
            checker.invalid(path, format!("\"{id}\""), "a pluggable technology (a NIC module)");
        }
    }
}
