//! `cporamp diff`'s tables: the changed inputs, then the headline results side by side.

use super::{Cell, Table};

/// `cporamp diff`: the changed inputs, then the headline results side by side.
#[must_use]
pub fn diff_tables(
    a: &str,
    b: &str,
    changes: &[cporamp_report::InputChange],
    diffs: &[cporamp_report::HeadlineDiff],
) -> Vec<Table> {
    let mut inputs = Table::new(
        format!("Inputs that differ: {} fields (A = {a}, B = {b})", changes.len()),
        "field",
        vec!["A".into(), "B".into(), "unit".into()],
    );
    for change in changes {
        let value = |v: &Option<String>| Cell::text(v.clone().unwrap_or_else(|| "(absent)".into()));
        inputs.row(
            change.path.clone(),
            vec![value(&change.old), value(&change.new), Cell::text(change.unit)],
        );
    }
    let beyond = diffs.iter().filter(|diff| diff.beyond_noise).count();
    let changed: Vec<&cporamp_report::HeadlineDiff> =
        diffs.iter().filter(|diff| diff.delta != Some(0.0)).collect();
    let mut results = Table::new(
        format!(
            "Headline results that changed: {} of {} ({beyond} beyond Monte Carlo noise)",
            changed.len(),
            diffs.len()
        ),
        "subject / quantity",
        vec!["A".into(), "B".into(), "B - A".into(), "± SE".into(), "beyond noise".into()],
    );
    let mut subject = String::new();
    for diff in changed {
        let heading = format!("{}: {}", diff.engine, diff.subject);
        if heading != subject {
            results.row(heading.clone(), vec![Cell::text(""); 5]);
            subject = heading;
        }
        let decimals = cporamp_report::figure_decimals(diff);
        let shown = |value: Option<f64>| value.map_or(Cell::Empty, |v| Cell::number(v, decimals));
        results.row(
            format!("  {}, {}", diff.quantity, diff.unit),
            vec![
                shown(diff.a),
                shown(diff.b),
                shown(diff.delta),
                shown(diff.delta_se),
                Cell::text(if diff.beyond_noise { "yes" } else { "no" }),
            ],
        );
    }
    results.note(
        "beyond noise: |B - A| > 2 standard errors of the difference; figures without a \
         standard error are deterministic; every figure, changed or not, is in --format json \
         and the --out page",
    );
    vec![inputs, results]
}
