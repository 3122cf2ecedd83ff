//! Ids, checked the same way in every section: a `[compare]` list against the ids defined
//! (`[generation.*]`, `[technology.*]`), a field naming a generation or a technology, the keys
//! of a map with an entry per generation.

use crate::Technology;
use cporamp_core::check::{Checker, join};

/// The `[compare]` list `list_path` (e.g. `compare.generations`) of ids of `[section.*]`
/// tables against the ids `defined` there: at least one, each defined, each listed once, and
/// every defined one listed.
pub(super) fn check_listed_ids(
    checker: &mut Checker,
    section: &str,
    list_path: &str,
    listed: &[String],
    defined: &[&str],
) {
    if listed.is_empty() {
        checker.invalid(list_path, "[]", format!("at least one {section} id"));
    }
    let quoted: Vec<String> = defined.iter().map(|id| format!("\"{id}\"")).collect();
    for (index, id) in listed.iter().enumerate() {
        if !defined.contains(&id.as_str()) {
            checker.invalid(
                &format!("{list_path}[{index}]"),
                format!("\"{id}\""),
                format!("a {section} defined under [{section}]: {}", quoted.join(", ")),
            );
        }
        if listed[..index].contains(id) {
            checker.invalid(
                &format!("{list_path}[{index}]"),
                format!("\"{id}\""),
                format!("each {section} listed once"),
            );
        }
    }
    for &id in defined {
        if !listed.iter().any(|listed_id| listed_id == id) {
            checker.invalid(
                &join(section, id),
                format!("\"{id}\""),
                format!(
                    "every defined {section} listed in {list_path} (nothing is silently left out)"
                ),
            );
        }
    }
}

/// The index in `compare.generations` of the generation `id` that the field `path` names; 0,
/// with a problem, when it is not listed there.
pub(super) fn generation_index(
    checker: &mut Checker,
    path: &str,
    id: &str,
    generation_ids: &[String],
) -> usize {
    match generation_ids.iter().position(|g| *g == id) {
        Some(index) => index,
        None => {
            checker.invalid(
                path,
                format!("\"{id}\""),
                format!("a generation in compare.generations: {generation_ids:?}"),
            );
            0
        }
    }
}

/// The index of the technology `id` that the field `path` names, if it is one that `accepts`
/// takes; else a problem expecting `expected` followed by the ids it takes.
pub(super) fn technology_index(
    checker: &mut Checker,
    path: &str,
    id: &str,
    technologies: &[Technology],
    accepts: impl Fn(&Technology) -> bool,
    expected: &str,
) -> Option<usize> {
    let found = technologies.iter().position(|t| t.id == id && accepts(t));
    if found.is_none() {
        let ids: Vec<&str> =
            technologies.iter().filter(|t| accepts(t)).map(|t| t.id.as_str()).collect();
        checker.invalid(path, format!("\"{id}\""), format!("{expected}: {ids:?}"));
    }
    found
}
