//! Tables of results for notebooks: a [`Frame`] of named columns (text or numbers) written as
//! CSV (RFC 4180, numbers at 12 significant digits) or as Parquet (one row group, UTF8 and
//! optional DOUBLE columns). The CLI builds frames from what it prints; this module only
//! encodes them.

use std::sync::Arc;

use parquet::data_type::{ByteArray, ByteArrayType, DoubleType};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameColumn {
    /// Text, e.g. ids and labels.
    Text(Vec<String>),
    /// Numbers; `None` where the quantity does not apply (an empty CSV cell, a Parquet null).
    Number(Vec<Option<f64>>),
}

impl FrameColumn {
    fn len(&self) -> usize {
        match self {
            FrameColumn::Text(values) => values.len(),
            FrameColumn::Number(values) => values.len(),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// (name, values) in output order; names carry their unit (`switch_w`, `temp_c`).
    pub columns: Vec<(String, FrameColumn)>,
}

/// A number as the shortest decimal that reads back as the value rounded to 12 significant
/// digits: `481.28000000000003` prints as `481.28`. Non-finite values print as `NaN`, `inf`
/// or `-inf`.
#[must_use]
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded: f64 = format!("{value:.11e}").parse().unwrap_or(value);
    rounded.to_string()
}

/// Quotes a CSV field if it needs it (RFC 4180).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

impl Frame {
    /// Rows in the frame (the first column's length; all columns have it, see [`Frame::push`]).
    #[must_use]
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, column)| column.len())
    }

    /// Adds a column.
    ///
    /// # Panics
    /// If its length differs from the frame's (a bug in the caller).
    pub fn push(&mut self, name: &str, column: FrameColumn) {
        assert!(
            self.columns.is_empty() || column.len() == self.rows(),
            "column {name} has {} values, the frame {} rows",
            column.len(),
            self.rows()
        );
        self.columns.push((name.to_string(), column));
    }

    /// The frame as CSV with a header line.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out: String =
            self.columns.iter().map(|(name, _)| csv_field(name)).collect::<Vec<_>>().join(",");
        out.push('\n');
        for row in 0..self.rows() {
            let cells: Vec<String> = self
                .columns
                .iter()
                .map(|(_, column)| match column {
                    FrameColumn::Text(values) => csv_field(&values[row]),
                    FrameColumn::Number(values) => values[row].map(number).unwrap_or_default(),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// The frame as a Parquet file's bytes (uncompressed, one row group), with `title` in the
    /// file's key-value metadata under `cporamp.table`.
    ///
    /// # Errors
    /// A [`ParquetError`] from the encoder (not expected for a well-formed frame).
    pub fn to_parquet(&self, title: &str) -> Result<Vec<u8>, ParquetError> {
        use parquet::basic::{ConvertedType, Repetition, Type as Physical};
        use parquet::schema::types::Type;
        let fields = self
            .columns
            .iter()
            .map(|(name, column)| {
                let (physical, repetition, converted) = match column {
                    FrameColumn::Text(_) => {
                        (Physical::BYTE_ARRAY, Repetition::REQUIRED, ConvertedType::UTF8)
                    }
                    FrameColumn::Number(_) => {
                        (Physical::DOUBLE, Repetition::OPTIONAL, ConvertedType::NONE)
                    }
                };
                Type::primitive_type_builder(name, physical)
                    .with_repetition(repetition)
                    .with_converted_type(converted)
                    .build()
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let schema =
            Arc::new(Type::group_type_builder("cporamp_table").with_fields(fields).build()?);
        let metadata = vec![parquet::file::metadata::KeyValue::new(
            "cporamp.table".to_string(),
            title.to_string(),
        )];
        let properties =
            Arc::new(WriterProperties::builder().set_key_value_metadata(Some(metadata)).build());
        let mut bytes = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut bytes, schema, properties)?;
        let mut row_group = writer.next_row_group()?;
        let mut columns = self.columns.iter();
        while let Some(mut column_writer) = row_group.next_column()? {
            let Some((_, column)) = columns.next() else {
                return Err(ParquetError::General("more schema columns than values".to_string()));
            };
            match column {
                FrameColumn::Text(values) => {
                    let values: Vec<ByteArray> =
                        values.iter().map(|value| ByteArray::from(value.as_str())).collect();
                    column_writer.typed::<ByteArrayType>().write_batch(&values, None, None)?;
                }
                FrameColumn::Number(values) => {
                    let present: Vec<f64> = values.iter().flatten().copied().collect();
                    let levels: Vec<i16> =
                        values.iter().map(|value| i16::from(value.is_some())).collect();
                    column_writer.typed::<DoubleType>().write_batch(
                        &present,
                        Some(&levels),
                        None,
                    )?;
                }
            }
            column_writer.close()?;
        }
        row_group.close()?;
        writer.close()?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;

    fn sample() -> Frame {
        let mut frame = Frame::default();
        frame.push("label", FrameColumn::Text(vec!["a, \"b\"".to_string(), "c".to_string()]));
        frame.push("power_w", FrameColumn::Number(vec![Some(481.280_000_000_000_03), None]));
        frame
    }

    #[test]
    fn numbers_print_at_twelve_significant_digits_without_float_noise() {
        assert_eq!(number(481.280_000_000_000_03), "481.28");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1.0 / 3.0), "0.333333333333");
        assert_eq!(number(2.5e-9), "0.0000000025");
        assert_eq!(number(-7.0), "-7");
        assert_eq!(number(f64::NAN), "NaN");
    }

    #[test]
    fn csv_quotes_fields_and_leaves_missing_numbers_empty() {
        assert_eq!(sample().to_csv(), "label,power_w\n\"a, \"\"b\"\"\",481.28\nc,\n");
    }

    #[test]
    fn parquet_reads_back_with_names_values_and_nulls() {
        let bytes = sample().to_parquet("test table").unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let metadata = reader.metadata().file_metadata();
        assert_eq!(metadata.num_rows(), 2);
        let names: Vec<&str> =
            metadata.schema_descr().columns().iter().map(|column| column.name()).collect();
        assert_eq!(names, ["label", "power_w"]);
        let rows: Vec<_> = reader.get_row_iter(None).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows[0].get_string(0).unwrap(), "a, \"b\"");
        assert!((rows[0].get_double(1).unwrap() - 481.28).abs() < 1e-12);
        assert!(rows[1].get_double(1).is_err(), "a missing number reads back as null");
    }
}
