//! The yield engine's synthetic test data as Parquet: the same columns as the CSV
//! ([`cporamp_yield::TEST_DATA_COLUMNS`], schema [`cporamp_yield::TEST_DATA_SCHEMA`]), typed
//! (INT64 ids and counts, DOUBLE measurements, BOOLEAN flags, UTF8 failures), one row group,
//! uncompressed, with the schema version, technology and generation in the file's key-value
//! metadata. Encoded in memory; the CLI writes the bytes.

use std::sync::Arc;

use cporamp_yield::{LaneRecord, TEST_DATA_COLUMNS, TEST_DATA_SCHEMA};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// A column's values.
enum Values {
    Int(Vec<i64>),
    Double(Vec<f64>),
    Bool(Vec<bool>),
    Text(Vec<ByteArray>),
}

fn columns(records: &[LaneRecord]) -> Vec<Values> {
    let int = |f: fn(&LaneRecord) -> usize| {
        Values::Int(records.iter().map(|r| i64::try_from(f(r)).unwrap_or(i64::MAX)).collect())
    };
    let double = |f: fn(&LaneRecord) -> f64| Values::Double(records.iter().map(f).collect());
    let flag = |f: fn(&LaneRecord) -> bool| Values::Bool(records.iter().map(f).collect());
    // In TEST_DATA_COLUMNS order.
    vec![
        int(|r| r.lot),
        int(|r| r.wafer),
        int(|r| r.pic_wafer),
        int(|r| r.package),
        int(|r| r.engine),
        int(|r| r.lane),
        double(|r| r.position_rho_sq),
        double(|r| r.gap_um),
        double(|r| r.coupling_loss_db),
        double(|r| r.heater_shift_nm),
        flag(|r| r.laser_dead),
        flag(|r| r.laser_weak),
        Values::Text(records.iter().map(|r| ByteArray::from(r.failures.as_str())).collect()),
        int(|r| r.reworks),
        flag(|r| r.package_test_pass),
        flag(|r| r.shipped),
        int(|r| r.asic_wafer_dies_tested),
        int(|r| r.asic_wafer_dies_passed),
        double(|r| r.warpage_um),
        Values::Text(
            records.iter().map(|r| ByteArray::from(r.package_test_caught.as_str())).collect(),
        ),
        Values::Text(
            records.iter().map(|r| ByteArray::from(r.system_test_caught.as_str())).collect(),
        ),
    ]
}

/// The records as a Parquet file's bytes.
///
/// # Errors
/// A [`ParquetError`] from the encoder (not expected for well-formed records).
pub fn test_data_parquet(
    records: &[LaneRecord],
    technology: &str,
    generation: &str,
) -> Result<Vec<u8>, ParquetError> {
    let values = columns(records);
    let fields: Vec<String> = TEST_DATA_COLUMNS
        .iter()
        .zip(&values)
        .map(|((name, _), column)| {
            let kind = match column {
                Values::Int(_) => "INT64",
                Values::Double(_) => "DOUBLE",
                Values::Bool(_) => "BOOLEAN",
                Values::Text(_) => "BINARY",
            };
            let annotation = if matches!(column, Values::Text(_)) { " (UTF8)" } else { "" };
            format!("  REQUIRED {kind} {name}{annotation};")
        })
        .collect();
    let message = format!("message cporamp_yield_test_data {{\n{}\n}}", fields.join("\n"));
    let schema = Arc::new(parse_message_type(&message)?);
    let metadata = vec![
        KeyValue::new("cporamp.schema".to_string(), TEST_DATA_SCHEMA.to_string()),
        KeyValue::new("cporamp.technology".to_string(), technology.to_string()),
        KeyValue::new("cporamp.generation".to_string(), generation.to_string()),
    ];
    let properties =
        Arc::new(WriterProperties::builder().set_key_value_metadata(Some(metadata)).build());
    let mut bytes = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut bytes, schema, properties)?;
    let mut row_group = writer.next_row_group()?;
    let mut columns = values.into_iter();
    while let Some(mut writer) = row_group.next_column()? {
        let Some(values) = columns.next() else {
            return Err(ParquetError::General("more schema columns than values".to_string()));
        };
        match values {
            Values::Int(v) => writer.typed::<Int64Type>().write_batch(&v, None, None)?,
            Values::Double(v) => writer.typed::<DoubleType>().write_batch(&v, None, None)?,
            Values::Bool(v) => writer.typed::<BoolType>().write_batch(&v, None, None)?,
            Values::Text(v) => writer.typed::<ByteArrayType>().write_batch(&v, None, None)?,
        };
        writer.close()?;
    }
    row_group.close()?;
    writer.close()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;

    fn record(package: usize, lane: usize) -> LaneRecord {
        LaneRecord {
            lot: 0,
            wafer: 1,
            pic_wafer: 2,
            package,
            engine: 3,
            lane,
            position_rho_sq: 0.625,
            gap_um: 4.5,
            coupling_loss_db: 0.125 * lane as f64,
            heater_shift_nm: 2.5,
            laser_dead: lane == 1,
            laser_weak: false,
            failures: if lane == 1 { "laser".to_string() } else { String::new() },
            reworks: 1,
            package_test_pass: lane != 1,
            shipped: lane != 1,
            asic_wafer_dies_tested: 60,
            asic_wafer_dies_passed: 41,
            warpage_um: 52.5,
            package_test_caught: if lane == 1 { "laser".to_string() } else { String::new() },
            system_test_caught: String::new(),
        }
    }

    #[test]
    fn parquet_reads_back_as_the_records_with_the_schema_in_its_metadata() {
        // Read back by the parquet crate's own reader (an independent decoder of the
        // format): every value of every column, the column names and the metadata.
        let records: Vec<LaneRecord> = (0..3).map(|lane| record(7, lane)).collect();
        let bytes = test_data_parquet(&records, "cpo_els", "102.4T").unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let metadata = reader.metadata().file_metadata();
        assert_eq!(metadata.num_rows(), 3);
        let pairs = metadata.key_value_metadata().unwrap();
        let value = |key: &str| {
            pairs.iter().find(|pair| pair.key == key).and_then(|pair| pair.value.clone())
        };
        assert_eq!(value("cporamp.schema"), Some(TEST_DATA_SCHEMA.to_string()));
        assert_eq!(value("cporamp.technology"), Some("cpo_els".to_string()));
        let names: Vec<&str> =
            metadata.schema_descr().columns().iter().map(|column| column.name()).collect();
        let expected: Vec<&str> = TEST_DATA_COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, expected);
        for (row, original) in reader.get_row_iter(None).unwrap().zip(&records) {
            let row = row.unwrap();
            assert_eq!(row.get_long(3).unwrap(), 7);
            assert_eq!(row.get_long(5).unwrap(), original.lane as i64);
            assert!((row.get_double(8).unwrap() - original.coupling_loss_db).abs() < 1e-15);
            assert_eq!(row.get_bool(10).unwrap(), original.laser_dead);
            assert_eq!(row.get_string(12).unwrap(), &original.failures);
            assert_eq!(row.get_bool(15).unwrap(), original.shipped);
            assert_eq!(row.get_long(17).unwrap(), 41);
            assert!((row.get_double(18).unwrap() - 52.5).abs() < 1e-15);
            assert_eq!(row.get_string(19).unwrap(), &original.package_test_caught);
        }
    }
}
