//! One engine's full results (the JSON of `cporamp ENGINE --format json`) as flat tables
//! ([`result_tables`]), for the Python package to hand to pyarrow as Parquet bytes (one
//! buffer per table, read column by column: no Python object per value).
//!
//! Every list of records in the results becomes a table named by its path under the
//! engine's name (`thermal.technologies.sweep`: the inlet sweep points of each thermal
//! technology; `yield.technologies.ramp`, `fleet.fabrics.result.job.by_cause`, ...), and so
//! does every object whose fields are all lists of numbers of one length (a chart, a
//! period: `photonics.technologies.nominal.chart`). A table's row holds:
//! - `position`: the record's place in its list (0-based), which names it where the
//!   results order records by a fixed list (the yield mechanisms);
//! - the text fields of the records that contain it, named `LIST.FIELD` by the list they
//!   sit in (`technologies.id`, `technologies.label`; `generation` for a top-level list);
//! - the record's own numbers, flags and text, nested objects flattened with `.`
//!   (`nominal.asic_max_c`). Lists inside a record are tables of their own.
//!
//! Column names are the JSON field names, which carry their units (`inlet_c`, `cost_usd`,
//! `heater_mw_per_ring`, `gpu_hours_lost_per_year`), so a table's value equals the JSON's.
//! A column is INT64 when every row has an integer, DOUBLE when every value is a number or
//! null (null where a row lacks it), BOOLEAN when every row has a flag, otherwise text
//! (strings as they are, other values as JSON). The top-level object's own scalars, if any,
//! make a one-row table named by the engine. A top-level field named as the engine (the
//! market's `market`, beside `market_update`) holds the engine's own results: its fields are
//! named as the top level's (`market.result.tiers`, column `generation`; never
//! `market.market...`). A top-level null (an optional part not computed, `market_update`
//! without an update) makes no column, so no table holds only nulls.

use serde_json::{Map, Value};

use crate::table::{Column, Table, Values};

type Record = Vec<(String, Value)>;

/// The tables of one engine's results `value`, named under `engine`, in order of first
/// appearance.
#[must_use]
pub fn result_tables(engine: &str, value: &Value) -> Vec<(String, Table)> {
    let mut out: Vec<(String, Vec<Record>)> = Vec::new();
    match value {
        Value::Array(items) if is_records(items) => list(engine, "", items, &[], &mut out),
        Value::Object(object) => {
            // A field named as the engine holds the engine's own results (`market` beside
            // `market_update`): its fields are named as the top level's, not `market.market`.
            let own_results = |key: &str| key == engine;
            let mut own = Record::new();
            for (key, value) in object {
                match value {
                    Value::Object(inner) if own_results(key) => scalars(inner, "", &mut own),
                    Value::Object(inner) => scalars(inner, key, &mut own),
                    // A null at the top level is an optional part that was not computed
                    // (`market_update` without an update): no column of nulls for it.
                    Value::Array(_) | Value::Null => {}
                    scalar => own.push((key.clone(), scalar.clone())),
                }
            }
            if !own.is_empty() {
                push(&mut out, engine, own);
            }
            for (key, value) in object {
                if own_results(key) {
                    match value {
                        Value::Array(items) if is_records(items) => {
                            list(engine, "", items, &[], &mut out);
                        }
                        Value::Object(inner) => walk(inner, engine, &[], &mut out),
                        _ => {}
                    }
                } else {
                    field(engine, key, value, &[], &mut out);
                }
            }
        }
        _ => {}
    }
    out.into_iter().map(|(name, rows)| (name.clone(), build(&name, &rows))).collect()
}

fn is_records(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(Value::is_object)
}

/// An object whose fields are all scalar lists of one length (at least one element).
fn columnar(object: &Map<String, Value>) -> Option<usize> {
    let mut length = None;
    for value in object.values() {
        let Value::Array(items) = value else { return None };
        if items.is_empty() || items.iter().any(|v| v.is_array() || v.is_object()) {
            return None;
        }
        match length {
            None => length = Some(items.len()),
            Some(n) if n == items.len() => {}
            Some(_) => return None,
        }
    }
    length
}

fn push(out: &mut Vec<(String, Vec<Record>)>, name: &str, row: Record) {
    match out.iter_mut().find(|(n, _)| n == name) {
        Some((_, rows)) => rows.push(row),
        None => out.push((name.to_string(), vec![row])),
    }
}

/// The scalar leaves of `object`, nested objects flattened as `prefix.key`.
fn scalars(object: &Map<String, Value>, prefix: &str, into: &mut Record) {
    for (key, value) in object {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(inner) => scalars(inner, &name, into),
            Value::Array(_) => {}
            scalar => into.push((name, scalar.clone())),
        }
    }
}

fn row(position: usize, keys: &[(String, Value)], own: Record) -> Record {
    let mut row = vec![("position".to_string(), Value::from(position))];
    for (name, value) in keys {
        if !own.iter().any(|(n, _)| n == name) {
            row.push((name.clone(), value.clone()));
        }
    }
    row.extend(own);
    row
}

/// The records `items` of the list `segment`, a table named `name`, then their own lists.
fn list(
    name: &str,
    segment: &str,
    items: &[Value],
    keys: &[(String, Value)],
    out: &mut Vec<(String, Vec<Record>)>,
) {
    for (position, item) in items.iter().enumerate() {
        let Value::Object(object) = item else { continue };
        let mut own = Record::new();
        scalars(object, "", &mut own);
        let mut inner = keys.to_vec();
        for (field, value) in &own {
            if value.is_string() && !field.contains('.') {
                let key =
                    if segment.is_empty() { field.clone() } else { format!("{segment}.{field}") };
                inner.push((key, value.clone()));
            }
        }
        push(out, name, row(position, keys, own));
        walk(object, name, &inner, out);
    }
}

/// The tables inside one record `object` (at the path `name`).
fn walk(
    object: &Map<String, Value>,
    name: &str,
    keys: &[(String, Value)],
    out: &mut Vec<(String, Vec<Record>)>,
) {
    for (key, value) in object {
        field(name, key, value, keys, out);
    }
}

/// The tables of the field `key` of a record at the path `name`.
fn field(
    name: &str,
    key: &str,
    value: &Value,
    keys: &[(String, Value)],
    out: &mut Vec<(String, Vec<Record>)>,
) {
    let path = format!("{name}.{key}");
    match value {
        Value::Array(items) if is_records(items) => list(&path, key, items, keys, out),
        Value::Object(inner) => match columnar(inner) {
            Some(length) => {
                for position in 0..length {
                    let own = inner
                        .iter()
                        .map(|(field, values)| (field.clone(), values[position].clone()))
                        .collect();
                    push(out, &path, row(position, keys, own));
                }
            }
            None => walk(inner, &path, keys, out),
        },
        _ => {}
    }
}

fn build(name: &str, rows: &[Record]) -> Table {
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        for (column, _) in row {
            if !names.contains(&column.as_str()) {
                names.push(column);
            }
        }
    }
    let columns = names
        .into_iter()
        .map(|column| {
            let values: Vec<Option<&Value>> = rows
                .iter()
                .map(|row| row.iter().find(|(n, _)| n == column).map(|(_, v)| v))
                .collect();
            Column { name: column.to_string(), values: typed(&values) }
        })
        .collect();
    Table { columns, metadata: vec![("cporamp.table".to_string(), name.to_string())] }
}

fn typed(values: &[Option<&Value>]) -> Values {
    if let Some(ints) = values.iter().map(|v| v.and_then(Value::as_i64)).collect::<Option<Vec<_>>>()
    {
        return Values::Int(ints);
    }
    if values.iter().all(|v| v.is_none_or(|v| v.is_number() || v.is_null())) {
        return Values::Double(values.iter().map(|v| v.and_then(Value::as_f64)).collect());
    }
    if let Some(flags) =
        values.iter().map(|v| v.and_then(Value::as_bool)).collect::<Option<Vec<_>>>()
    {
        return Values::Bool(flags);
    }
    Values::Text(
        values
            .iter()
            .map(|v| match v {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_lists_become_tables_keyed_by_their_parents_text() {
        let value = json!([
            {"generation": "102.4T", "technologies": [
                {"id": "cpo", "label": "CPO", "asic_w": 500.0, "nominal": {"asic_max_c": 80.5},
                 "sweep": [{"inlet_c": 25.0, "n": 1}, {"inlet_c": 35.0, "n": 2, "x": null}],
                 "chart": {"time_s": [0.0, 1.0], "on": [true, false]}}
            ]}
        ]);
        let tables = result_tables("thermal", &value);
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "thermal",
                "thermal.technologies",
                "thermal.technologies.chart",
                "thermal.technologies.sweep"
            ]
        );
        let technologies = &tables[1].1;
        assert_eq!(
            technologies.column("generation"),
            Some(&Values::Text(vec![Some("102.4T".into())]))
        );
        assert_eq!(
            technologies.column("nominal.asic_max_c"),
            Some(&Values::Double(vec![Some(80.5)]))
        );
        let sweep = &tables[3].1;
        assert_eq!(sweep.rows(), 2);
        assert_eq!(sweep.column("position"), Some(&Values::Int(vec![0, 1])));
        assert_eq!(
            sweep.column("technologies.id"),
            Some(&Values::Text(vec![Some("cpo".into()); 2]))
        );
        assert_eq!(sweep.column("inlet_c"), Some(&Values::Double(vec![Some(25.0), Some(35.0)])));
        assert_eq!(sweep.column("n"), Some(&Values::Int(vec![1, 2])));
        assert_eq!(sweep.column("x"), Some(&Values::Double(vec![None, None])));
        let chart = &tables[2].1;
        assert_eq!(chart.column("on"), Some(&Values::Bool(vec![true, false])));
        // Every table encodes.
        for (_, table) in &tables {
            crate::table_parquet(table).expect("encodes");
        }
    }

    #[test]
    fn a_field_named_as_the_engine_is_not_named_twice_and_a_null_makes_no_table() {
        let value = json!({
            "market": {
                "generation": "102.4T",
                "inputs": {"anchors": {"port_gbps": 1600.0, "tiers": [{"name": "scale-up"}]}},
                "result": {"probabilities": [{"name": "bull", "probability": 0.4}],
                           "tiers": [{"name": "scale-up", "fan": [{"p50": 0.1}]}]},
                "sobol": [{"output": "year", "indices": [{"input": "a", "first": 0.5}]}]
            },
            "market_update": null
        });
        let tables = result_tables("market", &value);
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "market",
                "market.inputs.anchors.tiers",
                "market.result.probabilities",
                "market.result.tiers",
                "market.result.tiers.fan",
                "market.sobol",
                "market.sobol.indices"
            ]
        );
        assert!(names.iter().all(|name| !name.contains("market.market")), "{names:?}");
        // The one-row table holds the market's own scalars, named once, and no null column.
        let own = &tables[0].1;
        let columns: Vec<&str> = own.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["generation", "inputs.anchors.port_gbps"]);
        assert_eq!(own.rows(), 1);
        assert_eq!(
            tables[4].1.column("tiers.name"),
            Some(&Values::Text(vec![Some("scale-up".into())]))
        );
        // Only a null beside the results: no table at all.
        assert!(result_tables("market", &json!({"market_update": null})).is_empty());
        assert_eq!(
            result_tables("market", &json!({"market": {"x": 1}}))
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>(),
            ["market"]
        );
    }
}
