//! Reading one Parquet test-data file (module docs of `inspect`).

use std::path::Path;

use anyhow::anyhow;
use cporamp_inspect::Inspector;
use cporamp_inspect::columns::{FileHeader, Layout, Mapping, RecordBuilder};

use super::{FileInfo, push};
use crate::Failure;

/// One decoded Parquet column of a row group.
enum Column {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Text(Vec<parquet::data_type::ByteArray>),
}

pub(super) fn read_parquet(
    path: &Path,
    file: u32,
    names: &[String],
    mapping: Option<&Mapping>,
    inspector: &mut Inspector,
    default_insertion: u32,
) -> Result<FileInfo, Failure> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let shown = path.display().to_string();
    let fail = |message: String| Failure::Input(anyhow!("{shown}: {message}"));
    let open = std::fs::File::open(path)
        .map_err(|error| fail(format!("cannot read data file: {error}")))?;
    let reader = SerializedFileReader::new(open)
        .map_err(|error| fail(format!("not a Parquet file: {error}")))?;
    let metadata = reader.metadata();
    let mut info = FileInfo { path: shown.clone(), format: "parquet", ..FileInfo::default() };
    let key_values = metadata.file_metadata().key_value_metadata();
    let value = |key: &str| {
        key_values
            .and_then(|pairs| pairs.iter().find(|pair| pair.key == key))
            .and_then(|pair| pair.value.clone())
    };
    let schema = match value("cporamp.schema") {
        Some(text) => Some(
            FileHeader::known_schema(&text)
                .map_err(|reads| fail(format!("metadata cporamp.schema = {text}; {reads}")))?,
        ),
        None => None,
    };
    info.technology = value("cporamp.technology");
    info.generation = value("cporamp.generation");
    let descriptor = metadata.file_metadata().schema_descr();
    let header: Vec<String> = descriptor.columns().iter().map(|c| c.path().string()).collect();
    let layout = Layout::of_header(&shown, &header, mapping, schema)?;
    let rows_of = RowsOf { shown: &shown, header: &header, layout: &layout, file, names };
    let mut row_base = 0u64;
    for group in 0..reader.num_row_groups() {
        let group_reader = reader
            .get_row_group(group)
            .map_err(|error| fail(format!("row group {group}: {error}")))?;
        let rows = usize::try_from(metadata.row_group(group).num_rows()).unwrap_or(0);
        // Decode the columns the layout uses: values and definition levels (nulls).
        let mut columns: Vec<Option<(Column, Vec<i16>)>> =
            (0..header.len()).map(|_| None).collect();
        for (_, column, _) in layout.columns() {
            let reader = group_reader
                .get_column_reader(column)
                .map_err(|error| fail(format!("column {:?}: {error}", header[column])))?;
            let (decoded, mut levels) = decode(reader, rows, &fail, &header[column])?;
            let required = descriptor.column(column).max_def_level() == 0;
            if required {
                levels.clear();
            }
            columns[column] = Some((decoded, levels));
        }
        push_rows(&rows_of, &columns, row_base, rows, inspector, default_insertion)?;
        row_base += rows as u64;
    }
    info.rows = row_base;
    Ok(info)
}

/// Decodes `rows` values of one column (named `name` in errors, through `fail`) with their
/// definition levels.
fn decode(
    reader: parquet::column::reader::ColumnReader,
    rows: usize,
    fail: &dyn Fn(String) -> Failure,
    name: &str,
) -> Result<(Column, Vec<i16>), Failure> {
    use parquet::column::reader::ColumnReader;
    let mut levels = Vec::with_capacity(rows);
    let read_error =
        |error: parquet::errors::ParquetError| fail(format!("column {name:?}: {error}"));
    let decoded = match reader {
        ColumnReader::Int64ColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Int(values)
        }
        ColumnReader::Int32ColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Int(values.into_iter().map(i64::from).collect())
        }
        ColumnReader::DoubleColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Float(values)
        }
        ColumnReader::FloatColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Float(values.into_iter().map(f64::from).collect())
        }
        ColumnReader::BoolColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Bool(values)
        }
        ColumnReader::ByteArrayColumnReader(mut r) => {
            let mut values = Vec::with_capacity(rows);
            r.read_records(rows, Some(&mut levels), None, &mut values).map_err(read_error)?;
            Column::Text(values)
        }
        _ => {
            return Err(fail(format!(
                "column {:?}: unsupported physical type; expected INT32, INT64, FLOAT, DOUBLE, BOOLEAN or BYTE_ARRAY",
                name
            )));
        }
    };
    Ok((decoded, levels))
}

/// What the rows of one file are read with: its name as shown, header and layout, its index
/// among the files and every file's name.
struct RowsOf<'a> {
    /// The file's path as shown in errors.
    shown: &'a str,
    /// The column names.
    header: &'a [String],
    /// Where each field is read from.
    layout: &'a Layout,
    /// The file's index.
    file: u32,
    /// Every file's name, for duplicate-key errors.
    names: &'a [String],
}

/// Walks the `rows` rows of one row group (the file's rows after `row_base`) into records;
/// a null (definition level 0) is an empty cell.
fn push_rows(
    of: &RowsOf<'_>,
    columns: &[Option<(Column, Vec<i16>)>],
    row_base: u64,
    rows: usize,
    inspector: &mut Inspector,
    default_insertion: u32,
) -> Result<(), Failure> {
    let RowsOf { shown, header, layout, file, names } = *of;
    let fail = |message: String| Failure::Input(anyhow!("{shown}: {message}"));
    let mut cursor = vec![0usize; header.len()];
    for offset in 0..rows {
        let row = row_base + offset as u64 + 1;
        let mut builder = RecordBuilder::new(file, row);
        for (ours, column, factor) in layout.columns() {
            let Some((values, levels)) = &columns[column] else { continue };
            let cell = |message: String, text: String| {
                Failure::Input(anyhow!(
                    "{shown}: row {row}, column {:?} (#{}): value {text} is not {message}",
                    header[column],
                    column + 1
                ))
            };
            if !levels.is_empty() && levels[offset] == 0 {
                builder
                    .text(ours, "", factor, inspector)
                    .map_err(|message| cell(message, "null".to_string()))?;
                continue;
            }
            let at = cursor[column];
            cursor[column] += 1;
            let result = match values {
                Column::Int(v) => {
                    builder.integer(ours, v[at], factor).map_err(|m| (m, v[at].to_string()))
                }
                Column::Float(v) => {
                    builder.float(ours, v[at], factor).map_err(|m| (m, v[at].to_string()))
                }
                Column::Bool(v) => builder.flag(ours, v[at]).map_err(|m| (m, v[at].to_string())),
                Column::Text(v) => {
                    let text = std::str::from_utf8(v[at].data()).unwrap_or("\u{fffd}");
                    builder
                        .text(ours, text, factor, inspector)
                        .map_err(|m| (m, format!("{text:?}")))
                }
            };
            result.map_err(|(message, text)| cell(message, text))?;
        }
        let record = builder
            .finish(default_insertion)
            .map_err(|missing| fail(format!("row {row}: no {}", missing.name())))?;
        push(inspector, &record, names)?;
    }
    Ok(())
}
