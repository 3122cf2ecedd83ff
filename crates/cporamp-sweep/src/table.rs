//! A sweep's rows as one table ([`table`]) and that table as a Parquet file's bytes
//! ([`table_parquet`]): what `cporamp sweep` writes as `sweep.parquet` and what the Python
//! package hands to pyarrow.
//!
//! Columns, in order: `index` (INT64), one column per axis named by its path (INT64 when
//! every value is an integer, DOUBLE when every value is a number, BOOLEAN, or UTF8: text
//! values as they are, arrays and tables as TOML), `error` and `error_field` (UTF8, null
//! for a scenario that ran), then one DOUBLE column per headline figure
//! (`engine | subject | quantity [unit]`), followed by `... se` for a Monte Carlo
//! estimate's standard error, in the order the figures first appear over the rows (null
//! where a scenario failed or lacks the figure). One row per scenario, by index; one row
//! group, uncompressed; the axes, engines and seed policy in the key-value metadata.

use std::sync::Arc;

use parquet::basic::{ConvertedType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use toml::Value;

use crate::{Row, Sweep};

/// A column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Integers, none missing.
    Int(Vec<i64>),
    /// Numbers, `None` where missing.
    Double(Vec<Option<f64>>),
    /// Flags, none missing.
    Bool(Vec<bool>),
    /// Text, `None` where missing.
    Text(Vec<Option<String>>),
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its values, one per row.
    pub values: Values,
}

/// A sweep's table: one row per scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns (see the module docs).
    pub columns: Vec<Column>,
    /// Key-value metadata: `cporamp.sweep.axes`, `cporamp.sweep.engines`,
    /// `cporamp.sweep.seeds`, `cporamp.sweep.base`.
    pub metadata: Vec<(String, String)>,
}

impl Table {
    /// The number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |column| match &column.values {
            Values::Int(v) => v.len(),
            Values::Double(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Text(v) => v.len(),
        })
    }

    /// The column named `name`.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&Values> {
        self.columns.iter().find(|column| column.name == name).map(|column| &column.values)
    }
}

/// The table of `sweep`'s `rows` (in any order; sorted by index here).
///
/// # Panics
/// If a row's index is outside the sweep.
#[must_use]
pub fn table(sweep: &Sweep, rows: &[Row]) -> Table {
    let mut rows: Vec<&Row> = rows.iter().collect();
    rows.sort_by_key(|row| row.index);
    let mut columns = vec![Column {
        name: "index".to_string(),
        values: Values::Int(
            rows.iter().map(|row| i64::try_from(row.index).unwrap_or(i64::MAX)).collect(),
        ),
    }];
    let points: Vec<Vec<Value>> = rows.iter().map(|row| sweep.point_values(row.index)).collect();
    for (a, axis) in sweep.axes().iter().enumerate() {
        let values: Vec<&Value> = points.iter().map(|values| &values[a]).collect();
        let typed = if axis.values.iter().all(Value::is_integer) {
            Values::Int(values.iter().filter_map(|v| v.as_integer()).collect())
        } else if axis.values.iter().all(|v| v.is_integer() || v.is_float()) {
            #[allow(clippy::cast_precision_loss)] // an integer beside decimals in one axis
            let number = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            Values::Double(values.iter().map(|v| number(v)).collect())
        } else if axis.values.iter().all(Value::is_bool) {
            Values::Bool(values.iter().filter_map(|v| v.as_bool()).collect())
        } else {
            Values::Text(
                values
                    .iter()
                    .map(|v| Some(v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                    .collect(),
            )
        };
        columns.push(Column { name: axis.path.clone(), values: typed });
    }
    let error = |f: fn(&crate::RowError) -> Option<String>| {
        Values::Text(rows.iter().map(|row| row.outcome.as_ref().err().and_then(f)).collect())
    };
    columns.push(Column { name: "error".to_string(), values: error(|e| Some(e.message.clone())) });
    columns.push(Column { name: "error_field".to_string(), values: error(|e| e.field.clone()) });
    // Figure columns in order of first appearance; a figure with a standard error anywhere
    // gets its `se` column right after it.
    let mut names: Vec<(String, bool)> = Vec::new();
    for row in &rows {
        for figure in row.outcome.iter().flatten() {
            match names.iter_mut().find(|(name, _)| *name == figure.column) {
                Some((_, has_se)) => *has_se |= figure.se.is_some(),
                None => names.push((figure.column.clone(), figure.se.is_some())),
            }
        }
    }
    for (name, has_se) in names {
        fn find<'r>(row: &'r Row, name: &str) -> Option<&'r crate::Figure> {
            row.outcome.as_ref().ok().and_then(|figures| figures.iter().find(|f| f.column == name))
        }
        let value = rows.iter().map(|row| find(row, &name).map(|f| f.value)).collect();
        let se = rows.iter().map(|row| find(row, &name).and_then(|f| f.se)).collect();
        columns.push(Column { name: name.clone(), values: Values::Double(value) });
        if has_se {
            columns.push(Column { name: format!("{name} se"), values: Values::Double(se) });
        }
    }
    let engines: Vec<&str> = sweep.engines().iter().map(|engine| engine.name()).collect();
    let metadata = vec![
        ("cporamp.sweep.base".to_string(), sweep.base().1.to_string()),
        (
            "cporamp.sweep.axes".to_string(),
            serde_json::to_string(sweep.axes()).expect("axes serialize"),
        ),
        ("cporamp.sweep.engines".to_string(), engines.join(",")),
        (
            "cporamp.sweep.seeds".to_string(),
            match sweep.seeds() {
                crate::Seeds::Derived => "derived",
                crate::Seeds::Common => "common",
            }
            .to_string(),
        ),
    ];
    Table { columns, metadata }
}

/// `table` as a Parquet file's bytes.
///
/// # Errors
/// A [`ParquetError`] from the encoder (not expected for a well-formed table).
pub fn table_parquet(table: &Table) -> Result<Vec<u8>, ParquetError> {
    let fields = table
        .columns
        .iter()
        .map(|column| {
            let (physical, repetition, converted) = match column.values {
                Values::Int(_) => (PhysicalType::INT64, Repetition::REQUIRED, ConvertedType::NONE),
                Values::Double(_) => {
                    (PhysicalType::DOUBLE, Repetition::OPTIONAL, ConvertedType::NONE)
                }
                Values::Bool(_) => {
                    (PhysicalType::BOOLEAN, Repetition::REQUIRED, ConvertedType::NONE)
                }
                Values::Text(_) => {
                    (PhysicalType::BYTE_ARRAY, Repetition::OPTIONAL, ConvertedType::UTF8)
                }
            };
            Type::primitive_type_builder(&column.name, physical)
                .with_repetition(repetition)
                .with_converted_type(converted)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Arc::new(Type::group_type_builder("cporamp_sweep").with_fields(fields).build()?);
    let metadata = table
        .metadata
        .iter()
        .map(|(key, value)| KeyValue::new(key.clone(), value.clone()))
        .collect();
    let properties =
        Arc::new(WriterProperties::builder().set_key_value_metadata(Some(metadata)).build());
    let mut bytes = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut bytes, schema, properties)?;
    let mut row_group = writer.next_row_group()?;
    let mut columns = table.columns.iter();
    while let Some(mut writer) = row_group.next_column()? {
        let Some(column) = columns.next() else {
            return Err(ParquetError::General("more schema columns than values".to_string()));
        };
        let levels =
            |present: Vec<bool>| -> Vec<i16> { present.into_iter().map(i16::from).collect() };
        match &column.values {
            Values::Int(v) => writer.typed::<Int64Type>().write_batch(v, None, None)?,
            Values::Bool(v) => writer.typed::<BoolType>().write_batch(v, None, None)?,
            Values::Double(v) => {
                let present: Vec<f64> = v.iter().flatten().copied().collect();
                let def = levels(v.iter().map(Option::is_some).collect());
                writer.typed::<DoubleType>().write_batch(&present, Some(&def), None)?
            }
            Values::Text(v) => {
                let present: Vec<ByteArray> =
                    v.iter().flatten().map(|s| ByteArray::from(s.as_str())).collect();
                let def = levels(v.iter().map(Option::is_some).collect());
                writer.typed::<ByteArrayType>().write_batch(&present, Some(&def), None)?
            }
        };
        writer.close()?;
    }
    row_group.close()?;
    writer.close()?;
    Ok(bytes)
}
