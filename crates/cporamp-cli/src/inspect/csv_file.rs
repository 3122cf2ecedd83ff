//! Reading one CSV test-data file (module docs of `inspect`).

use std::path::Path;

use anyhow::anyhow;
use cporamp_inspect::Inspector;
use cporamp_inspect::columns::{FileHeader, Layout, Mapping, RecordBuilder};

use super::{FileInfo, push};
use crate::Failure;

pub(super) fn read_csv(
    path: &Path,
    file: u32,
    names: &[String],
    mapping: Option<&Mapping>,
    inspector: &mut Inspector,
    default_insertion: u32,
) -> Result<FileInfo, Failure> {
    use std::io::BufRead;
    let shown = path.display().to_string();
    let open = std::fs::File::open(path)
        .map_err(|error| Failure::Input(anyhow!("cannot read data file {shown}: {error}")))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, open);
    // A leading comment line names the schema; it is not part of the CSV.
    let mut info = FileInfo { path: shown.clone(), format: "csv", ..FileInfo::default() };
    let starts_with_comment = reader
        .fill_buf()
        .map_err(|error| Failure::Input(anyhow!("cannot read data file {shown}: {error}")))?
        .first()
        == Some(&b'#');
    let mut skipped_lines = 0;
    let mut schema = None;
    if starts_with_comment {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|error| Failure::Input(anyhow!("{shown}: line 1: {error}")))?;
        let header = FileHeader::of_comment(&shown, &line)?;
        (schema, info.technology, info.generation) =
            (header.schema, header.technology, header.generation);
        skipped_lines = 1;
    }
    let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|error| Failure::Input(anyhow!("{shown}: header: {error}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let layout = Layout::of_header(&shown, &header, mapping, schema)?;
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                return Err(Failure::Input(anyhow!("{shown}: row {}: {error}", row + 1)));
            }
        }
        row += 1;
        let line = record.position().map_or(0, |p| p.line()) + skipped_lines;
        let mut builder = RecordBuilder::new(file, row);
        for (ours, column, factor) in layout.columns() {
            let bytes = record.get(column).unwrap_or_default();
            let cell = |message: String| {
                let text = String::from_utf8_lossy(bytes);
                Failure::Input(anyhow!(
                    "{shown}: row {row} (line {line}), column {:?} (#{}): value {text:?} is not {message}",
                    header[column],
                    column + 1
                ))
            };
            let text = std::str::from_utf8(bytes).map_err(|_| cell("UTF-8 text".to_string()))?;
            builder.text(ours, text, factor, inspector).map_err(cell)?;
        }
        let record = builder.finish(default_insertion).map_err(|missing| {
            Failure::Input(anyhow!("{shown}: row {row}: no {}", missing.name()))
        })?;
        push(inspector, &record, names)?;
    }
    info.rows = row;
    Ok(info)
}
