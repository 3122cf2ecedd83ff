//! Field paths into a scenario's TOML document, as `cporamp scenario check` names fields:
//! dotted keys (`thermal.cold_plate.nominal_inlet_c`), keys with dots in double quotes
//! (`technology.cpo_els.per_generation."102.4T".engines_per_switch`) and array elements by
//! index (`market.tiers[0].name`, `thermal.asic_side_mm[1]`).

use toml::{Table, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Splits `path` into its steps.
fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut chars = path.chars().peekable();
    let mut expect_key = true;
    while let Some(&c) = chars.peek() {
        if expect_key {
            let key = if c == '"' {
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some(c) => key.push(c),
                        None => return Err("a quoted key is not closed".to_string()),
                    }
                }
                key
            } else {
                let mut key = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '.' || c == '[' {
                        break;
                    }
                    if !(c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                        return Err(format!(
                            "character {c:?} in a bare key (quote keys with dots: \"102.4T\")"
                        ));
                    }
                    key.push(c);
                    chars.next();
                }
                key
            };
            if key.is_empty() {
                return Err("an empty key".to_string());
            }
            steps.push(Step::Key(key));
            expect_key = false;
        } else {
            match chars.next() {
                Some('.') => expect_key = true,
                Some('[') => {
                    let digits: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    let index = digits
                        .parse::<usize>()
                        .map_err(|_| format!("index [{digits}] is not a whole number >= 0"))?;
                    steps.push(Step::Index(index));
                }
                Some(c) => return Err(format!("character {c:?} after a key; expected . or [")),
                None => unreachable!("peeked"),
            }
        }
    }
    if expect_key {
        return Err("the path ends without a key".to_string());
    }
    Ok(steps)
}

/// A key as a path shows it: quoted unless it is bare.
fn shown(key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// The kind of a TOML value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "text",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// The value at `path` in `document`.
///
/// # Errors
/// What is wrong with the path, or which part of it the document lacks.
pub fn get<'d>(document: &'d Table, path: &str) -> Result<&'d Value, String> {
    let steps = parse(path)?;
    let Step::Key(first) = &steps[0] else { return Err("a path starts with a key".to_string()) };
    let mut here = document
        .get(first)
        .ok_or_else(|| format!("the scenario has no field {first:?} at its top level"))?;
    let mut walked = shown(first);
    for step in &steps[1..] {
        here = match (step, here) {
            (Step::Key(key), Value::Table(table)) => {
                let next =
                    table.get(key).ok_or_else(|| format!("{walked} has no field {key:?}"))?;
                walked = format!("{walked}.{}", shown(key));
                next
            }
            (Step::Index(index), Value::Array(array)) => {
                let n = array.len();
                let next = array
                    .get(*index)
                    .ok_or_else(|| format!("{walked} has {n} elements; no index {index}"))?;
                walked = format!("{walked}[{index}]");
                next
            }
            (Step::Key(key), other) => {
                return Err(format!("{walked} is {}, not a table with {key:?}", kind(other)));
            }
            (Step::Index(index), other) => {
                return Err(format!(
                    "{walked} is {}, not an array to index [{index}]",
                    kind(other)
                ));
            }
        };
    }
    Ok(here)
}

/// Replaces the value at `path` in `document` by `value`. The field must exist (every
/// scenario field is required, so a path that is not there is a typo). An integer given
/// for a decimal field becomes a decimal number (`25` for `35.0`); every other type is
/// passed as given, for the scenario's own checks to judge.
///
/// # Errors
/// What is wrong with the path, or which part of it the document lacks.
pub fn set(document: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let steps = parse(path)?;
    let (last, parents) = steps.split_last().expect("a parsed path has a step");
    let mut here: &mut Value = match &parents.first() {
        Some(Step::Key(key)) => document
            .get_mut(key)
            .ok_or_else(|| format!("the scenario has no field {key:?} at its top level"))?,
        Some(Step::Index(_)) => return Err("a path starts with a key".to_string()),
        None => {
            let Step::Key(key) = last else { return Err("a path starts with a key".to_string()) };
            let slot = document
                .get_mut(key)
                .ok_or_else(|| format!("the scenario has no field {key:?} at its top level"))?;
            return replace(slot, value);
        }
    };
    let mut walked = match &parents[0] {
        Step::Key(key) => shown(key),
        Step::Index(_) => unreachable!("checked above"),
    };
    for step in parents[1..].iter().chain(std::iter::once(last)) {
        here = match (step, here) {
            (Step::Key(key), Value::Table(table)) => {
                let slot =
                    table.get_mut(key).ok_or_else(|| format!("{walked} has no field {key:?}"))?;
                walked = format!("{walked}.{}", shown(key));
                slot
            }
            (Step::Index(index), Value::Array(array)) => {
                let n = array.len();
                let slot = array
                    .get_mut(*index)
                    .ok_or_else(|| format!("{walked} has {n} elements; no index {index}"))?;
                walked = format!("{walked}[{index}]");
                slot
            }
            (Step::Key(key), other) => {
                return Err(format!("{walked} is {}, not a table with {key:?}", kind(other)));
            }
            (Step::Index(index), other) => {
                return Err(format!(
                    "{walked} is {}, not an array to index [{index}]",
                    kind(other)
                ));
            }
        };
    }
    replace(here, value)
}

fn replace(slot: &mut Value, value: Value) -> Result<(), String> {
    if let Value::Table(_) = slot {
        return Err("the path names a table, not a field".to_string());
    }
    *slot = match (&*slot, value) {
        #[allow(clippy::cast_precision_loss)] // integers typed for a decimal field
        (Value::Float(_), Value::Integer(integer)) => Value::Float(integer as f64),
        (_, value) => value,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Table {
        r#"
            [thermal]
            asic_side_mm = [40.0, 50.0]
            [thermal.cold_plate]
            nominal_inlet_c = 35.0
            [generation."102.4T"]
            lanes = 8
            [[market.tiers]]
            name = "leaf"
        "#
        .parse()
        .unwrap()
    }

    #[test]
    fn sets_nested_quoted_and_indexed_fields() {
        let mut doc = document();
        set(&mut doc, "thermal.cold_plate.nominal_inlet_c", Value::Float(40.5)).unwrap();
        set(&mut doc, "generation.\"102.4T\".lanes", Value::Integer(16)).unwrap();
        set(&mut doc, "thermal.asic_side_mm[1]", Value::Float(55.0)).unwrap();
        set(&mut doc, "market.tiers[0].name", Value::String("spine".into())).unwrap();
        assert_eq!(doc["thermal"]["cold_plate"]["nominal_inlet_c"].as_float(), Some(40.5));
        assert_eq!(doc["generation"]["102.4T"]["lanes"].as_integer(), Some(16));
        assert_eq!(doc["thermal"]["asic_side_mm"][1].as_float(), Some(55.0));
        assert_eq!(doc["market"]["tiers"][0]["name"].as_str(), Some("spine"));
        assert_eq!(get(&doc, "thermal.asic_side_mm[1]"), Ok(&Value::Float(55.0)));
        assert_eq!(get(&doc, "generation.\"102.4T\".lanes"), Ok(&Value::Integer(16)));
        assert_eq!(
            get(&doc, "thermal.cold_plate.x"),
            Err("thermal.cold_plate has no field \"x\"".into())
        );
    }

    #[test]
    fn an_integer_for_a_decimal_field_becomes_decimal_and_other_types_pass_as_given() {
        let mut doc = document();
        set(&mut doc, "thermal.cold_plate.nominal_inlet_c", Value::Integer(25)).unwrap();
        assert_eq!(doc["thermal"]["cold_plate"]["nominal_inlet_c"], Value::Float(25.0));
        set(&mut doc, "generation.\"102.4T\".lanes", Value::Float(2.5)).unwrap();
        assert_eq!(doc["generation"]["102.4T"]["lanes"], Value::Float(2.5));
    }

    #[test]
    fn a_missing_or_malformed_path_is_named() {
        let mut doc = document();
        let error = |doc: &mut Table, path| set(doc, path, Value::Integer(1)).unwrap_err();
        assert_eq!(
            error(&mut doc, "thermal.cold_plate.inlet_c"),
            "thermal.cold_plate has no field \"inlet_c\""
        );
        assert_eq!(error(&mut doc, "nope"), "the scenario has no field \"nope\" at its top level");
        assert_eq!(
            error(&mut doc, "thermal.asic_side_mm[2]"),
            "thermal.asic_side_mm has 2 elements; no index 2"
        );
        assert_eq!(error(&mut doc, "thermal.cold_plate"), "the path names a table, not a field");
        assert_eq!(error(&mut doc, "thermal..x"), "an empty key");
        assert_eq!(error(&mut doc, "thermal."), "the path ends without a key");
        assert!(
            error(&mut doc, "generation.102.4T.lanes")
                .starts_with("generation has no field \"102\"")
        );
    }
}
