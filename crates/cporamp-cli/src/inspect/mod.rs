//! `cporamp inspect`: reads per-lane test records (CSV or Parquet) and streams them into
//! [`cporamp_inspect::Inspector`].
//!
//! # Layouts
//! The yield engine's schema 3 or 2, or any layout through `--mapping FILE`: the record
//! schema, the mapping file and the units it may give are in the docs of
//! [`cporamp_inspect::columns`], which turns each file's header and cells into records; this
//! module decodes the two formats.
//!
//! # Errors
//! Unknown and missing columns, a unit not known for its column, a cell that is not what its
//! column holds (a number, an integer, a boolean, mechanism names) and a key (package, engine,
//! lane, insertion) seen twice are refused with the file, the row (1 = the first data row;
//! CSV also gives the line) and the column.
//!
//! # Streaming
//! CSV is read record by record (the `csv` crate, one reused buffer); Parquet row group by
//! row group, each column of a group decoded into a buffer and turned into records, so memory
//! holds one row group, not the file.

use std::path::PathBuf;

use anyhow::anyhow;
use cporamp_inspect::columns::{DEFAULT_INSERTION, InputError, Mapping};
use cporamp_inspect::{Inspector, Record};

use crate::Failure;

mod csv_file;
mod parquet_file;

use csv_file::read_csv;
use parquet_file::read_parquet;

impl From<InputError> for Failure {
    fn from(error: InputError) -> Failure {
        Failure::Input(anyhow!(error))
    }
}

/// What the files said about themselves.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct FileInfo {
    /// The path as given.
    pub path: String,
    /// `csv` or `parquet`.
    pub format: &'static str,
    /// Data rows read.
    pub rows: u64,
    /// Technology named in the file's header or metadata.
    pub technology: Option<String>,
    /// Generation named there.
    pub generation: Option<String>,
}

/// Reads every file into `inspector`, in order.
pub(crate) fn read_all(
    paths: &[PathBuf],
    mapping: Option<&Mapping>,
    inspector: &mut Inspector,
) -> Result<Vec<FileInfo>, Failure> {
    let default_insertion = inspector.intern(DEFAULT_INSERTION);
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut infos = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        let file = u32::try_from(index).map_err(Failure::input)?;
        let shown = path.display().to_string();
        let metadata = std::fs::metadata(path)
            .map_err(|error| Failure::Input(anyhow!("cannot read data file {shown}: {error}")))?;
        if !metadata.is_file() {
            return Err(Failure::Input(anyhow!(
                "cannot read data file {shown}: not a regular file"
            )));
        }
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let info = match extension.as_deref() {
            Some("csv") => read_csv(path, file, &names, mapping, inspector, default_insertion)?,
            Some("parquet" | "pq") => {
                read_parquet(path, file, &names, mapping, inspector, default_insertion)?
            }
            _ => {
                return Err(Failure::Input(anyhow!(
                    "{shown}: unknown file type; expected a .csv or .parquet file"
                )));
            }
        };
        infos.push(info);
    }
    Ok(infos)
}

/// Pushes a record; a repeated key names both rows (`names`: the files read so far).
fn push(inspector: &mut Inspector, record: &Record, names: &[String]) -> Result<(), Failure> {
    inspector.push(record).map_err(|error| {
        let name = |file: u32| {
            names.get(file as usize).map_or_else(|| format!("file #{file}"), Clone::clone)
        };
        Failure::Input(anyhow!(
            "{}: row {}, columns package/engine/lane/insertion: duplicate key: package {}, engine {}, lane {}, insertion {} was already at {} row {}",
            name(error.second.0),
            error.second.1,
            error.package,
            error.engine,
            error.lane,
            error.insertion,
            name(error.first.0),
            error.first.1
        ))
    })
}
