//! `[market]`: the market engine checks and resolves its own section
//! ([`cporamp_market::settings::resolve`]); the scenario resolves the technologies it names.

use super::ids::technology_index;
use crate::{MarketSettings, Technology, TechnologyKind};
use cporamp_core::check::Checker;
use cporamp_core::supply::Family;
use cporamp_market::settings::{self, Catalog, MarketOptions};

pub(super) fn resolve_market(
    checker: &mut Checker,
    options: &MarketOptions,
    technologies: &[Technology],
) -> MarketSettings {
    settings::resolve(checker, options, &Technologies(technologies))
}

/// The scenario's technologies.
struct Technologies<'a>(&'a [Technology]);

impl Catalog for Technologies<'_> {
    /// CPO is a co-packaged technology; pluggable and LPO modules are pluggable ones.
    fn technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family) -> usize {
        let kind = match family {
            Family::Cpo => TechnologyKind::CoPackaged,
            Family::Pluggable | Family::Lpo => TechnologyKind::Pluggable,
        };
        let accepts = |t: &Technology| t.kind == kind;
        technology_index(checker, path, id, self.0, accepts, "a technology of that kind")
            .unwrap_or(0)
    }
}
