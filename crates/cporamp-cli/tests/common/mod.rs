//! Helpers shared by the CLI crate's property tests.

use serde_json::Value;

/// Whether `value` holds a null anywhere: serde_json writes a NaN or an infinity as null, so
/// a result that should be all finite numbers must hold none.
pub fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(fields) => fields.values().any(has_null),
        _ => false,
    }
}
