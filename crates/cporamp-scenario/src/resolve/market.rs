//! `[market]`: the market engine checks its own section ([`cporamp_market::settings::check`]);
//! the scenario checks the technologies it names.

use super::ids::technology_index;
use crate::{MarketSettings, Technology, TechnologyKind};
use cporamp_core::check::Checker;
use cporamp_core::supply::Family;
use cporamp_market::settings::{self, Catalog};

pub(super) fn check_market(
    checker: &mut Checker,
    market: &MarketSettings,
    technologies: &[Technology],
) {
    settings::check(checker, market, &Technologies(technologies));
}

/// The scenario's technologies.
struct Technologies<'a>(&'a [Technology]);

impl Catalog for Technologies<'_> {
    /// CPO is a co-packaged technology; pluggable and LPO modules are pluggable ones.
    fn check_technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family) {
        let kind = match family {
            Family::Cpo => TechnologyKind::CoPackaged,
            Family::Pluggable | Family::Lpo => TechnologyKind::Pluggable,
        };
        let accepts = |t: &Technology| t.kind == kind;
        technology_index(checker, path, id, self.0, accepts, "a technology of that kind");
    }
}
