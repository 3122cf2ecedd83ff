//! `cporamp inspect`: reads per-lane test records (CSV or Parquet) and streams them into
//! [`cporamp_inspect::Inspector`].
//!
//! # Layouts
//! Without `--mapping` a file must be the yield engine's schema 3
//! ([`cporamp_yield::TEST_DATA_COLUMNS`], [`cporamp_yield::TEST_DATA_SCHEMA`]) or schema 2
//! (its first [`cporamp_yield::SCHEMA_2_COLUMNS`] columns, without the wafer sort, warpage
//! and caught-by columns): exactly that schema's columns, in any order; a CSV may start with
//! the `# cporamp yield test data, schema N, ...` line and a Parquet file may carry
//! `cporamp.schema` in its metadata (then the columns must be that schema's; without it the
//! columns say which), and another schema number is refused. With `--mapping FILE` (TOML)
//! any layout is read:
//!
//! ```toml
//! # our column = their column; quantities say the unit their values are in
//! ignore = ["operator", "comment"]        # their columns to skip
//! [columns]
//! package = "serial"
//! engine = "oe_slot"
//! lane = "channel"
//! shipped = "ship_ok"
//! coupling_loss_db = { column = "il", unit = "mdB" }
//! gap_um = { column = "gap", unit = "nm" }
//! ```
//!
//! Our columns ([`FIELDS`]): `package`, `engine`, `lane` (non-negative integers) and
//! `shipped` are required; `lot`, `wafer`, `pic_wafer`, `reworks` (integers), `week` (an
//! integer, e.g. a work week), `insertion` and `station` (text; default `package_test`, and
//! the station defaults to the insertion), `position_rho_sq` (unit `1`), `gap_um` (`um`,
//! `µm`, `nm`, `mm`), `coupling_loss_db` (`dB`, `mdB`), `heater_shift_nm` (`nm`, `pm`,
//! `um`, `µm`), `laser_dead`, `laser_weak`, `package_test_pass` (booleans: `true`/`false`,
//! `1`/`0`), `failures` (mechanism names joined by `+`, empty when good), and the package's
//! `asic_wafer_dies_tested` and `asic_wafer_dies_passed` (integers: its ASIC wafer's sort),
//! `warpage_um` (`um`, `µm`, `mm`) and `package_test_caught` and `system_test_caught`
//! (mechanism names joined by `+`: what its first package test and its system test caught,
//! empty when nothing). Every column of
//! the file must be mapped or ignored, and every mapped column must be in the file. An
//! empty measurement cell is a lane not measured; any other empty cell is an error.
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

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::anyhow;
use cporamp_inspect::{Inspector, Record};
use cporamp_yield::{Mechanism, SCHEMA_2_COLUMNS, TEST_DATA_COLUMNS, TEST_DATA_SCHEMA};

use crate::Failure;

mod csv_file;
mod parquet_file;
mod scenario;

use csv_file::read_csv;
use parquet_file::read_parquet;
pub(crate) use scenario::{apply_limits_file, laser_model, scenario_limits};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A non-negative integer id or count.
    Id,
    /// A signed integer.
    Signed,
    /// A quantity, with the units it may be given in and their factor to ours.
    Quantity(&'static [(&'static str, f64)]),
    /// A boolean.
    Bool,
    /// Text.
    Text,
    /// Mechanism names joined by `+`.
    Failures,
}

/// One of our columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const LENGTH_UM: &[(&str, f64)] = &[("um", 1.0), ("µm", 1.0), ("nm", 1e-3), ("mm", 1e3)];
const LOSS_DB: &[(&str, f64)] = &[("dB", 1.0), ("mdB", 1e-3)];
const SHIFT_NM: &[(&str, f64)] = &[("nm", 1.0), ("pm", 1e-3), ("um", 1e3), ("µm", 1e3)];
const RATIO: &[(&str, f64)] = &[("1", 1.0)];

const fn field(name: &'static str, kind: Kind, required: bool) -> Field {
    Field { name, kind, required }
}

/// Our columns (module docs), in the order of their indices below.
pub(crate) const FIELDS: [Field; 24] = [
    field("lot", Kind::Id, false),
    field("wafer", Kind::Id, false),
    field("pic_wafer", Kind::Id, false),
    field("package", Kind::Id, true),
    field("engine", Kind::Id, true),
    field("lane", Kind::Id, true),
    field("position_rho_sq", Kind::Quantity(RATIO), false),
    field("gap_um", Kind::Quantity(LENGTH_UM), false),
    field("coupling_loss_db", Kind::Quantity(LOSS_DB), false),
    field("heater_shift_nm", Kind::Quantity(SHIFT_NM), false),
    field("laser_dead", Kind::Bool, false),
    field("laser_weak", Kind::Bool, false),
    field("failures", Kind::Failures, false),
    field("reworks", Kind::Id, false),
    field("package_test_pass", Kind::Bool, false),
    field("shipped", Kind::Bool, true),
    field("insertion", Kind::Text, false),
    field("station", Kind::Text, false),
    field("week", Kind::Signed, false),
    field("asic_wafer_dies_tested", Kind::Id, false),
    field("asic_wafer_dies_passed", Kind::Id, false),
    field("warpage_um", Kind::Quantity(LENGTH_UM), false),
    field("package_test_caught", Kind::Failures, false),
    field("system_test_caught", Kind::Failures, false),
];

const LOT: usize = 0;
const WAFER: usize = 1;
const PIC_WAFER: usize = 2;
const PACKAGE: usize = 3;
const ENGINE: usize = 4;
const LANE: usize = 5;
const RHO_SQ: usize = 6;
const GAP: usize = 7;
const LOSS: usize = 8;
const SHIFT: usize = 9;
const LASER_DEAD: usize = 10;
const LASER_WEAK: usize = 11;
const REWORKS: usize = 13;
const PACKAGE_TEST_PASS: usize = 14;
const SHIPPED: usize = 15;
const INSERTION: usize = 16;
const STATION: usize = 17;
const WAFER_TESTED: usize = 19;
const WAFER_PASSED: usize = 20;
const WARPAGE: usize = 21;
const PACKAGE_CAUGHT: usize = 22;
const SYSTEM_CAUGHT: usize = 23;

/// The insertion of files without an insertion column (the test that measured the lanes).
pub(crate) const DEFAULT_INSERTION: &str = "package_test";

/// A `--mapping` file, resolved: per our field, their column and the factor to our unit.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapping {
    origin: String,
    columns: Vec<(usize, String, f64)>,
    ignore: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    ignore: Vec<String>,
    columns: BTreeMap<String, RawColumn>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RawColumn {
    Name(String),
    WithUnit { column: String, unit: Option<String> },
}

/// Parses a mapping file's `text` (`origin` names it in errors).
pub(crate) fn parse_mapping(origin: &str, text: &str) -> Result<Mapping, Failure> {
    let fail = |message: String| Failure::Input(anyhow!("mapping {origin}: {message}"));
    let raw: RawMapping = toml::from_str(text).map_err(|error| fail(error.to_string()))?;
    let mut columns = Vec::new();
    for (ours, theirs) in raw.columns {
        let Some(index) = FIELDS.iter().position(|f| f.name == ours) else {
            let known: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
            return Err(fail(format!(
                "columns.{ours}: unknown column; ours are {}",
                known.join(", ")
            )));
        };
        let (column, unit) = match theirs {
            RawColumn::Name(column) => (column, None),
            RawColumn::WithUnit { column, unit } => (column, unit),
        };
        let factor = match (FIELDS[index].kind, unit) {
            (Kind::Quantity(units), Some(unit)) => {
                match units.iter().find(|(name, _)| *name == unit) {
                    Some((_, factor)) => *factor,
                    None => {
                        let names: Vec<&str> = units.iter().map(|(name, _)| *name).collect();
                        return Err(fail(format!(
                            "columns.{ours}: bad unit {unit:?}; expected one of {}",
                            names.join(", ")
                        )));
                    }
                }
            }
            (Kind::Quantity(units), None) => {
                return Err(fail(format!(
                    "columns.{ours}: give the unit of {column:?} (unit = \"{}\", or one of the others the module docs list)",
                    units[0].0
                )));
            }
            (_, Some(unit)) => {
                return Err(fail(format!(
                    "columns.{ours}: bad unit {unit:?}; {ours} has no unit (it is not a quantity)"
                )));
            }
            (_, None) => 1.0,
        };
        if columns.iter().any(|(_, theirs, _): &(usize, String, f64)| *theirs == column) {
            return Err(fail(format!("columns.{ours}: their column {column:?} is mapped twice")));
        }
        columns.push((index, column, factor));
    }
    for required in FIELDS.iter().enumerate().filter(|(_, f)| f.required) {
        if !columns.iter().any(|(index, _, _)| *index == required.0) {
            return Err(fail(format!("columns.{}: missing; it is required", required.1.name)));
        }
    }
    Ok(Mapping { origin: origin.to_string(), columns, ignore: raw.ignore })
}

/// Where each of our fields is in a file: (column index, factor to our unit).
type Layout = [Option<(usize, f64)>; FIELDS.len()];

/// The layout of a file with `header`; errors name `file`.
fn layout(
    file: &str,
    header: &[String],
    mapping: Option<&Mapping>,
    schema: Option<u32>,
) -> Result<Layout, Failure> {
    let fail = |message: String| Failure::Input(anyhow!("{file}: {message}"));
    let mut layout: Layout = [None; FIELDS.len()];
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(fail(format!("column {name:?} (#{}) appears twice in the header", i + 1)));
        }
    }
    match mapping {
        None => {
            // The schema the file names, else the one its columns say (any of schema 3's
            // added columns: 3).
            let added = &TEST_DATA_COLUMNS[SCHEMA_2_COLUMNS..];
            let schema = schema.unwrap_or_else(|| {
                if header.iter().any(|name| added.iter().any(|(ours, _)| ours == name)) {
                    TEST_DATA_SCHEMA
                } else {
                    2
                }
            });
            let columns = if schema == 2 {
                &TEST_DATA_COLUMNS[..SCHEMA_2_COLUMNS]
            } else {
                &TEST_DATA_COLUMNS
            };
            for (i, name) in header.iter().enumerate() {
                if !columns.iter().any(|(ours, _)| ours == name) {
                    return Err(fail(format!(
                        "unknown column {name:?} (#{}): schema {schema} has only the yield engine's columns; for another layout give --mapping (see `cporamp inspect --help`)",
                        i + 1
                    )));
                }
                let index = FIELDS.iter().position(|f| f.name == name).unwrap_or(0);
                layout[index] = Some((i, 1.0));
            }
            for (ours, _) in columns {
                if !header.iter().any(|name| name == ours) {
                    return Err(fail(format!("missing column {ours:?}: schema {schema} has it")));
                }
            }
        }
        Some(mapping) => {
            for (index, theirs, factor) in &mapping.columns {
                match header.iter().position(|name| name == theirs) {
                    Some(i) => layout[*index] = Some((i, *factor)),
                    None => {
                        return Err(fail(format!(
                            "missing column {theirs:?} (mapped to {} by {})",
                            FIELDS[*index].name, mapping.origin
                        )));
                    }
                }
            }
            for (i, name) in header.iter().enumerate() {
                let mapped = mapping.columns.iter().any(|(_, theirs, _)| theirs == name);
                if !mapped && !mapping.ignore.contains(name) {
                    return Err(fail(format!(
                        "unknown column {name:?} (#{}): map it in {} or list it under ignore",
                        i + 1,
                        mapping.origin
                    )));
                }
            }
        }
    }
    Ok(layout)
}

/// Builds one record from its cells.
struct Builder {
    record: Record,
    set: [bool; FIELDS.len()],
}

impl Builder {
    fn new(file: u32, row: u64) -> Builder {
        Builder {
            record: Record {
                file,
                row,
                lot: None,
                pic_wafer: None,
                package: 0,
                engine: 0,
                lane: 0,
                insertion: 0,
                station: u32::MAX,
                week: None,
                position_rho_sq: None,
                values: [None; 3],
                laser_dead: None,
                laser_weak: None,
                reworks: None,
                failures: 0,
                package_test_pass: None,
                shipped: false,
                wafer: None,
                asic_wafer_dies_tested: None,
                asic_wafer_dies_passed: None,
                warpage_um: None,
                package_test_caught: None,
                system_test_caught: None,
            },
            set: [false; FIELDS.len()],
        }
    }

    fn id(&mut self, field: usize, value: u64) {
        match field {
            LOT => self.record.lot = Some(value),
            WAFER => self.record.wafer = Some(value),
            WAFER_TESTED => self.record.asic_wafer_dies_tested = Some(value),
            WAFER_PASSED => self.record.asic_wafer_dies_passed = Some(value),
            PIC_WAFER => self.record.pic_wafer = Some(value),
            PACKAGE => self.record.package = value,
            ENGINE => self.record.engine = value,
            LANE => self.record.lane = value,
            REWORKS => self.record.reworks = Some(value),
            _ => {}
        }
    }

    fn number(&mut self, field: usize, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err("a finite number".to_string());
        }
        match field {
            RHO_SQ => self.record.position_rho_sq = Some(value),
            GAP => self.record.values[1] = Some(value),
            LOSS => self.record.values[0] = Some(value),
            SHIFT => self.record.values[2] = Some(value),
            WARPAGE => self.record.warpage_um = Some(value),
            _ => {}
        }
        Ok(())
    }

    fn boolean(&mut self, field: usize, value: bool) {
        match field {
            LASER_DEAD => self.record.laser_dead = Some(value),
            LASER_WEAK => self.record.laser_weak = Some(value),
            PACKAGE_TEST_PASS => self.record.package_test_pass = Some(value),
            SHIPPED => self.record.shipped = value,
            _ => {}
        }
    }

    fn integer(&mut self, field: usize, value: i64, factor: f64) -> Result<(), String> {
        match FIELDS[field].kind {
            Kind::Id => {
                self.id(field, u64::try_from(value).map_err(|_| "an integer >= 0".to_string())?);
            }
            Kind::Signed => self.record.week = Some(value),
            Kind::Quantity(_) => self.number(field, value as f64 * factor)?,
            Kind::Bool => match value {
                0 | 1 => self.boolean(field, value == 1),
                _ => return Err("a boolean (true/false or 1/0)".to_string()),
            },
            Kind::Text | Kind::Failures => return Err(expected(FIELDS[field].kind)),
        }
        self.set[field] = true;
        Ok(())
    }

    fn float(&mut self, field: usize, value: f64, factor: f64) -> Result<(), String> {
        match FIELDS[field].kind {
            Kind::Quantity(_) => self.number(field, value * factor)?,
            Kind::Id | Kind::Signed if value.fract() == 0.0 && value.abs() < 9e15 => {
                return self.integer(field, value as i64, factor);
            }
            kind => return Err(expected(kind)),
        }
        self.set[field] = true;
        Ok(())
    }

    fn flag(&mut self, field: usize, value: bool) -> Result<(), String> {
        if FIELDS[field].kind != Kind::Bool {
            return Err(expected(FIELDS[field].kind));
        }
        self.boolean(field, value);
        self.set[field] = true;
        Ok(())
    }

    /// A cell's text (CSV, or a Parquet string column).
    fn text(
        &mut self,
        field: usize,
        text: &str,
        factor: f64,
        inspector: &mut Inspector,
    ) -> Result<(), String> {
        let kind = FIELDS[field].kind;
        if text.is_empty() {
            return match kind {
                Kind::Quantity(_) => Ok(()),
                Kind::Failures => {
                    self.mechanisms(field);
                    self.set[field] = true;
                    Ok(())
                }
                _ => Err(format!("an empty cell; expected {}", expected(kind))),
            };
        }
        match kind {
            Kind::Id | Kind::Signed => {
                let value: i64 = text.trim().parse().map_err(|_| expected(kind))?;
                self.integer(field, value, factor)
            }
            Kind::Quantity(_) => {
                let value: f64 = text.trim().parse().map_err(|_| expected(kind))?;
                self.float(field, value, factor)
            }
            Kind::Bool => {
                let value = match text.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(expected(kind)),
                };
                self.flag(field, value)
            }
            Kind::Text => {
                let id = inspector.intern(text);
                if field == INSERTION {
                    self.record.insertion = id;
                } else if field == STATION {
                    self.record.station = id;
                }
                self.set[field] = true;
                Ok(())
            }
            Kind::Failures => {
                for name in text.split('+') {
                    let m = Mechanism::from_name(name.trim()).ok_or_else(|| {
                        format!("mechanism names joined by '+' ({})", Mechanism::names(", "))
                    })?;
                    *self.mechanisms(field) |= 1 << m as u8;
                }
                self.set[field] = true;
                Ok(())
            }
        }
    }

    /// The mechanism bits a `Failures` column of `field` sets.
    fn mechanisms(&mut self, field: usize) -> &mut u8 {
        match field {
            PACKAGE_CAUGHT => self.record.package_test_caught.get_or_insert(0),
            SYSTEM_CAUGHT => self.record.system_test_caught.get_or_insert(0),
            _ => &mut self.record.failures,
        }
    }

    /// The record, once every required field is set.
    fn finish(mut self, default_insertion: u32) -> Result<Record, usize> {
        if let Some(missing) = (0..FIELDS.len()).find(|&f| FIELDS[f].required && !self.set[f]) {
            return Err(missing);
        }
        if !self.set[INSERTION] {
            self.record.insertion = default_insertion;
        }
        if self.record.station == u32::MAX {
            self.record.station = self.record.insertion;
        }
        Ok(self.record)
    }
}

fn expected(kind: Kind) -> String {
    match kind {
        Kind::Id => "an integer >= 0".to_string(),
        Kind::Signed => "an integer".to_string(),
        Kind::Quantity(_) => "a number".to_string(),
        Kind::Bool => "a boolean (true/false or 1/0)".to_string(),
        Kind::Text => "text".to_string(),
        Kind::Failures => format!("mechanism names joined by '+' ({})", Mechanism::names(", ")),
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

/// The schema number `text` names, if this reader reads it.
fn known_schema(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|schema| (2..=TEST_DATA_SCHEMA).contains(schema))
}

/// The schema, technology and generation of a `# cporamp yield test data` line.
fn header_comment(file: &str, line: &str) -> Result<HeaderComment, Failure> {
    let mut technology = None;
    let mut generation = None;
    let mut schema_number = None;
    for part in line.trim_start_matches('#').split(',') {
        let part = part.trim();
        if let Some(schema) = part.strip_prefix("schema ") {
            schema_number = Some(known_schema(schema).ok_or_else(|| {
                Failure::Input(anyhow!(
                    "{file}: line 1: schema {schema}; this reader reads schemas 2 and {TEST_DATA_SCHEMA}"
                ))
            })?);
        } else if let Some(value) = part.strip_prefix("technology ") {
            technology = Some(value.trim().to_string());
        } else if let Some(value) = part.strip_prefix("generation ") {
            generation = Some(value.trim().to_string());
        }
    }
    Ok((schema_number, technology, generation))
}

/// What a `# cporamp yield test data` line names: schema, technology, generation.
type HeaderComment = (Option<u32>, Option<String>, Option<String>);

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
