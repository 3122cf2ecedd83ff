//! The record schema a test file is read into: our columns ([`Column`]), what each holds and
//! in which units, a mapping of another layout onto them ([`Mapping`]), where each column is
//! in a file ([`Layout`]), one record built from its cells ([`RecordBuilder`]) and the
//! `# cporamp yield test data` line ([`FileHeader`]).
//!
//! Pure: the caller (`cporamp inspect`) decodes the file format (CSV, Parquet) and hands over
//! header names and cells; errors are whole sentences that name the file, column and value,
//! for the caller to print.
//!
//! # Layouts
//! Without `--mapping` a file must be the yield engine's schema 3
//! ([`cporamp_yield::TEST_DATA_COLUMNS`], [`cporamp_yield::TEST_DATA_SCHEMA`]) or schema 2
//! (its first [`cporamp_yield::SCHEMA_2_COLUMNS`] columns, without the wafer sort, warpage
//! and caught-by columns): exactly that schema's columns, in any order; a CSV may start with
//! the `# cporamp yield test data, schema N, ...` line and a Parquet file may carry
//! `cporamp.schema` in its metadata (then the columns must be that schema's; without it the
//! columns say which), and another schema number is refused. With a mapping file (`cporamp inspect
//! --mapping FILE`, TOML, [`Mapping::parse`]) any layout is read:
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
//! Our columns ([`Column`]): `package`, `engine`, `lane` (non-negative integers) and
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

use std::collections::BTreeMap;

use cporamp_yield::{Mechanism, SCHEMA_2_COLUMNS, TEST_DATA_COLUMNS, TEST_DATA_SCHEMA};

use crate::{ByParameter, Inspector, Parameter, Record};

/// A test file, mapping or limits file that cannot be read: the whole message, naming the
/// file and what in it is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

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

impl Kind {
    /// What a cell of this kind must be.
    fn expected(self) -> String {
        match self {
            Kind::Id => "an integer >= 0".to_string(),
            Kind::Signed => "an integer".to_string(),
            Kind::Quantity(_) => "a number".to_string(),
            Kind::Bool => "a boolean (true/false or 1/0)".to_string(),
            Kind::Text => "text".to_string(),
            Kind::Failures => {
                format!("mechanism names joined by '+' ({})", Mechanism::names(", "))
            }
        }
    }
}

const LENGTH_UM: &[(&str, f64)] = &[("um", 1.0), ("µm", 1.0), ("nm", 1e-3), ("mm", 1e3)];
const LOSS_DB: &[(&str, f64)] = &[("dB", 1.0), ("mdB", 1e-3)];
const SHIFT_NM: &[(&str, f64)] = &[("nm", 1.0), ("pm", 1e-3), ("um", 1e3), ("µm", 1e3)];
const RATIO: &[(&str, f64)] = &[("1", 1.0)];

macro_rules! columns {
    ($($variant:ident = $name:literal, $kind:expr, $required:literal;)*) => {
        /// One of our columns: a field of [`Record`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Column {
            $(
                #[doc = concat!("`", $name, "`.")]
                $variant,
            )*
        }

        impl Column {
            /// Every column, in order.
            pub const ALL: [Column; [$(Column::$variant),*].len()] = [$(Column::$variant),*];

            /// The column's name in a file of our layout.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self {
                    $(Column::$variant => $name,)*
                }
            }

            fn kind(self) -> Kind {
                match self {
                    $(Column::$variant => $kind,)*
                }
            }

            /// Whether every record must have it.
            #[must_use]
            pub fn required(self) -> bool {
                match self {
                    $(Column::$variant => $required,)*
                }
            }
        }
    };
}

columns! {
    Lot = "lot", Kind::Id, false;
    Wafer = "wafer", Kind::Id, false;
    PicWafer = "pic_wafer", Kind::Id, false;
    Package = "package", Kind::Id, true;
    Engine = "engine", Kind::Id, true;
    Lane = "lane", Kind::Id, true;
    PositionRhoSq = "position_rho_sq", Kind::Quantity(RATIO), false;
    GapUm = "gap_um", Kind::Quantity(LENGTH_UM), false;
    CouplingLossDb = "coupling_loss_db", Kind::Quantity(LOSS_DB), false;
    HeaterShiftNm = "heater_shift_nm", Kind::Quantity(SHIFT_NM), false;
    LaserDead = "laser_dead", Kind::Bool, false;
    LaserWeak = "laser_weak", Kind::Bool, false;
    Failures = "failures", Kind::Failures, false;
    Reworks = "reworks", Kind::Id, false;
    PackageTestPass = "package_test_pass", Kind::Bool, false;
    Shipped = "shipped", Kind::Bool, true;
    Insertion = "insertion", Kind::Text, false;
    Station = "station", Kind::Text, false;
    Week = "week", Kind::Signed, false;
    AsicWaferDiesTested = "asic_wafer_dies_tested", Kind::Id, false;
    AsicWaferDiesPassed = "asic_wafer_dies_passed", Kind::Id, false;
    WarpageUm = "warpage_um", Kind::Quantity(LENGTH_UM), false;
    PackageTestCaught = "package_test_caught", Kind::Failures, false;
    SystemTestCaught = "system_test_caught", Kind::Failures, false;
}

impl Column {
    /// The column named `name` in our layout.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|column| column.name() == name)
    }

    /// The measured parameter the column holds, if it holds one.
    #[must_use]
    pub fn parameter(self) -> Option<Parameter> {
        match self {
            Column::CouplingLossDb => Some(Parameter::CouplingLossDb),
            Column::GapUm => Some(Parameter::GapUm),
            Column::HeaterShiftNm => Some(Parameter::HeaterShiftNm),
            _ => None,
        }
    }
}

/// The insertion of files without an insertion column (the test that measured the lanes).
pub const DEFAULT_INSERTION: &str = "package_test";

/// A `--mapping` file, resolved: per our column, their column and the factor to our unit.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    origin: String,
    columns: Vec<(Column, String, f64)>,
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

impl Mapping {
    /// Parses a mapping file's `text` (`origin` names it in errors).
    ///
    /// # Errors
    /// [`InputError`] for bad TOML, a column of ours that does not exist, a unit missing or
    /// not known for its column, their column mapped twice or a required column unmapped.
    pub fn parse(origin: &str, text: &str) -> Result<Mapping, InputError> {
        let fail = |message: String| InputError(format!("mapping {origin}: {message}"));
        let raw: RawMapping = toml::from_str(text).map_err(|error| fail(error.to_string()))?;
        let mut columns: Vec<(Column, String, f64)> = Vec::new();
        for (ours, theirs) in raw.columns {
            let Some(our) = Column::from_name(&ours) else {
                let known: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
                return Err(fail(format!(
                    "columns.{ours}: unknown column; ours are {}",
                    known.join(", ")
                )));
            };
            let (column, unit) = match theirs {
                RawColumn::Name(column) => (column, None),
                RawColumn::WithUnit { column, unit } => (column, unit),
            };
            let factor = match (our.kind(), unit) {
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
            if columns.iter().any(|(_, theirs, _)| *theirs == column) {
                return Err(fail(format!(
                    "columns.{ours}: their column {column:?} is mapped twice"
                )));
            }
            columns.push((our, column, factor));
        }
        for required in Column::ALL.into_iter().filter(|c| c.required()) {
            if !columns.iter().any(|(ours, _, _)| *ours == required) {
                return Err(fail(format!("columns.{}: missing; it is required", required.name())));
            }
        }
        Ok(Mapping { origin: origin.to_string(), columns, ignore: raw.ignore })
    }
}

/// Where each of our columns is in a file: (their column's index, factor to our unit).
#[derive(Debug, Clone)]
pub struct Layout([Option<(usize, f64)>; Column::ALL.len()]);

impl Layout {
    /// The layout of file `file` with `header`: with a `mapping`, its columns; without, the
    /// yield engine's schema `schema` (else the one the columns say: any of schema 3's added
    /// columns means 3).
    ///
    /// # Errors
    /// [`InputError`] for a column named twice in the header, a column of the file neither
    /// ours (or mapped) nor ignored, and a column of ours (or a mapped one) not in the file.
    pub fn of_header(
        file: &str,
        header: &[String],
        mapping: Option<&Mapping>,
        schema: Option<u32>,
    ) -> Result<Layout, InputError> {
        let fail = |message: String| InputError(format!("{file}: {message}"));
        let mut layout = [None; Column::ALL.len()];
        for (i, name) in header.iter().enumerate() {
            if header[..i].contains(name) {
                return Err(fail(format!(
                    "column {name:?} (#{}) appears twice in the header",
                    i + 1
                )));
            }
        }
        match mapping {
            None => {
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
                    let ours = columns.iter().any(|(ours, _)| ours == name);
                    let Some(column) = Column::from_name(name).filter(|_| ours) else {
                        return Err(fail(format!(
                            "unknown column {name:?} (#{}): schema {schema} has only the yield engine's columns; for another layout give --mapping (see `cporamp inspect --help`)",
                            i + 1
                        )));
                    };
                    layout[column as usize] = Some((i, 1.0));
                }
                for (ours, _) in columns {
                    if !header.iter().any(|name| name == ours) {
                        return Err(fail(format!(
                            "missing column {ours:?}: schema {schema} has it"
                        )));
                    }
                }
            }
            Some(mapping) => {
                for (ours, theirs, factor) in &mapping.columns {
                    match header.iter().position(|name| name == theirs) {
                        Some(i) => layout[*ours as usize] = Some((i, *factor)),
                        None => {
                            return Err(fail(format!(
                                "missing column {theirs:?} (mapped to {} by {})",
                                ours.name(),
                                mapping.origin
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
        Ok(Layout(layout))
    }

    /// Each of our columns the file has: (ours, index of theirs, factor to our unit).
    pub fn columns(&self) -> impl Iterator<Item = (Column, usize, f64)> + '_ {
        Column::ALL
            .into_iter()
            .zip(&self.0)
            .filter_map(|(ours, slot)| slot.map(|(theirs, factor)| (ours, theirs, factor)))
    }
}

/// Builds one record from its cells. Each cell method returns, when the cell is not what its
/// column holds, what it should have been (for the caller to name the file, row and column).
#[derive(Debug, Clone)]
pub struct RecordBuilder {
    record: Record,
    set: [bool; Column::ALL.len()],
}

impl RecordBuilder {
    /// An empty record of data row `row` of file `file`.
    #[must_use]
    pub fn new(file: u32, row: u64) -> RecordBuilder {
        RecordBuilder {
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
                values: ByParameter([None; 3]),
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
            set: [false; Column::ALL.len()],
        }
    }

    fn id(&mut self, column: Column, value: u64) {
        match column {
            Column::Lot => self.record.lot = Some(value),
            Column::Wafer => self.record.wafer = Some(value),
            Column::AsicWaferDiesTested => self.record.asic_wafer_dies_tested = Some(value),
            Column::AsicWaferDiesPassed => self.record.asic_wafer_dies_passed = Some(value),
            Column::PicWafer => self.record.pic_wafer = Some(value),
            Column::Package => self.record.package = value,
            Column::Engine => self.record.engine = value,
            Column::Lane => self.record.lane = value,
            Column::Reworks => self.record.reworks = Some(value),
            _ => {}
        }
    }

    fn number(&mut self, column: Column, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err("a finite number".to_string());
        }
        if let Some(parameter) = column.parameter() {
            self.record.values[parameter] = Some(value);
        }
        match column {
            Column::PositionRhoSq => self.record.position_rho_sq = Some(value),
            Column::WarpageUm => self.record.warpage_um = Some(value),
            _ => {}
        }
        Ok(())
    }

    fn boolean(&mut self, column: Column, value: bool) {
        match column {
            Column::LaserDead => self.record.laser_dead = Some(value),
            Column::LaserWeak => self.record.laser_weak = Some(value),
            Column::PackageTestPass => self.record.package_test_pass = Some(value),
            Column::Shipped => self.record.shipped = value,
            _ => {}
        }
    }

    /// An integer cell, `factor` to our unit (a quantity given as an integer).
    ///
    /// # Errors
    /// What the cell should have been.
    pub fn integer(&mut self, column: Column, value: i64, factor: f64) -> Result<(), String> {
        match column.kind() {
            Kind::Id => {
                self.id(column, u64::try_from(value).map_err(|_| "an integer >= 0".to_string())?);
            }
            Kind::Signed => self.record.week = Some(value),
            Kind::Quantity(_) => self.number(column, value as f64 * factor)?,
            Kind::Bool => match value {
                0 | 1 => self.boolean(column, value == 1),
                _ => return Err("a boolean (true/false or 1/0)".to_string()),
            },
            kind @ (Kind::Text | Kind::Failures) => return Err(kind.expected()),
        }
        self.set[column as usize] = true;
        Ok(())
    }

    /// A floating-point cell, `factor` to our unit.
    ///
    /// # Errors
    /// What the cell should have been.
    pub fn float(&mut self, column: Column, value: f64, factor: f64) -> Result<(), String> {
        match column.kind() {
            Kind::Quantity(_) => self.number(column, value * factor)?,
            Kind::Id | Kind::Signed if value.fract() == 0.0 && value.abs() < 9e15 => {
                return self.integer(column, value as i64, factor);
            }
            kind => return Err(kind.expected()),
        }
        self.set[column as usize] = true;
        Ok(())
    }

    /// A boolean cell.
    ///
    /// # Errors
    /// What the cell should have been.
    pub fn flag(&mut self, column: Column, value: bool) -> Result<(), String> {
        if column.kind() != Kind::Bool {
            return Err(column.kind().expected());
        }
        self.boolean(column, value);
        self.set[column as usize] = true;
        Ok(())
    }

    /// A cell's text (CSV, or a Parquet string column), `factor` to our unit; text columns'
    /// values are interned in `inspector`. An empty cell is a quantity not measured, or no
    /// mechanisms.
    ///
    /// # Errors
    /// What the cell should have been.
    pub fn text(
        &mut self,
        column: Column,
        text: &str,
        factor: f64,
        inspector: &mut Inspector,
    ) -> Result<(), String> {
        let kind = column.kind();
        if text.is_empty() {
            return match kind {
                Kind::Quantity(_) => Ok(()),
                Kind::Failures => {
                    self.mechanisms(column);
                    self.set[column as usize] = true;
                    Ok(())
                }
                _ => Err(format!("an empty cell; expected {}", kind.expected())),
            };
        }
        match kind {
            Kind::Id | Kind::Signed => {
                let value: i64 = text.trim().parse().map_err(|_| kind.expected())?;
                self.integer(column, value, factor)
            }
            Kind::Quantity(_) => {
                let value: f64 = text.trim().parse().map_err(|_| kind.expected())?;
                self.float(column, value, factor)
            }
            Kind::Bool => {
                let value = match text.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(kind.expected()),
                };
                self.flag(column, value)
            }
            Kind::Text => {
                let id = inspector.intern(text);
                if column == Column::Insertion {
                    self.record.insertion = id;
                } else if column == Column::Station {
                    self.record.station = id;
                }
                self.set[column as usize] = true;
                Ok(())
            }
            Kind::Failures => {
                for name in text.split('+') {
                    let m = Mechanism::from_name(name.trim()).ok_or_else(|| kind.expected())?;
                    *self.mechanisms(column) |= 1 << m as u8;
                }
                self.set[column as usize] = true;
                Ok(())
            }
        }
    }

    /// The mechanism bits a `Failures` column sets.
    fn mechanisms(&mut self, column: Column) -> &mut u8 {
        match column {
            Column::PackageTestCaught => self.record.package_test_caught.get_or_insert(0),
            Column::SystemTestCaught => self.record.system_test_caught.get_or_insert(0),
            _ => &mut self.record.failures,
        }
    }

    /// The record, once every required column is set; `default_insertion` (an id from
    /// [`Inspector::intern`]) when the file has no insertion, and the insertion as its
    /// station when it has none.
    ///
    /// # Errors
    /// The first required column the record lacks.
    pub fn finish(mut self, default_insertion: u32) -> Result<Record, Column> {
        if let Some(missing) =
            Column::ALL.into_iter().find(|c| c.required() && !self.set[*c as usize])
        {
            return Err(missing);
        }
        if !self.set[Column::Insertion as usize] {
            self.record.insertion = default_insertion;
        }
        if self.record.station == u32::MAX {
            self.record.station = self.record.insertion;
        }
        Ok(self.record)
    }
}

/// What a file says about itself: the schema, technology and generation of a CSV's
/// `# cporamp yield test data, schema N, technology T, generation G` line (as
/// [`cporamp_yield::test_data_csv`] writes it) or of a Parquet file's `cporamp.*` metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileHeader {
    /// The schema it names, when it names one.
    pub schema: Option<u32>,
    /// The technology it names.
    pub technology: Option<String>,
    /// The generation it names.
    pub generation: Option<String>,
}

impl FileHeader {
    /// The schema number `text` names, if this reader reads it (2 or
    /// [`TEST_DATA_SCHEMA`]).
    ///
    /// # Errors
    /// Which schemas this reader reads, for the caller to say where `text` was.
    pub fn known_schema(text: &str) -> Result<u32, String> {
        text.trim()
            .parse()
            .ok()
            .filter(|schema| (2..=TEST_DATA_SCHEMA).contains(schema))
            .ok_or_else(|| format!("this reader reads schemas 2 and {TEST_DATA_SCHEMA}"))
    }

    /// The header of file `file`'s first `line`.
    ///
    /// # Errors
    /// [`InputError`] for a schema this reader does not read.
    pub fn of_comment(file: &str, line: &str) -> Result<FileHeader, InputError> {
        let mut header = FileHeader::default();
        for part in line.trim_start_matches('#').split(',') {
            let part = part.trim();
            if let Some(schema) = part.strip_prefix("schema ") {
                header.schema = Some(FileHeader::known_schema(schema).map_err(|reads| {
                    InputError(format!("{file}: line 1: schema {schema}; {reads}"))
                })?);
            } else if let Some(value) = part.strip_prefix("technology ") {
                header.technology = Some(value.trim().to_string());
            } else if let Some(value) = part.strip_prefix("generation ") {
                header.generation = Some(value.trim().to_string());
            }
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_columns_are_the_yield_engines_in_its_order() {
        // The engine's schema-3 columns are ours, in the engine's order, and ours add only
        // the line's own columns (insertion, station, week).
        let ours: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        let engine: Vec<&str> = TEST_DATA_COLUMNS.iter().map(|(name, _)| *name).collect();
        let shared: Vec<&str> = ours.iter().copied().filter(|c| engine.contains(c)).collect();
        assert_eq!(shared, engine);
        let extra: Vec<&str> = ours.iter().copied().filter(|c| !engine.contains(c)).collect();
        assert_eq!(extra, ["insertion", "station", "week"]);
    }

    #[test]
    fn a_mapped_cell_is_converted_to_our_unit() {
        let mapping = Mapping::parse(
            "m.toml",
            r#"
            [columns]
            package = "sn"
            engine = "oe"
            lane = "ch"
            shipped = "ok"
            coupling_loss_db = { column = "il", unit = "mdB" }
            "#,
        )
        .unwrap();
        let header: Vec<String> =
            ["sn", "oe", "ch", "ok", "il"].into_iter().map(str::to_string).collect();
        let layout = Layout::of_header("d.csv", &header, Some(&mapping), None).unwrap();
        let mut inspector = Inspector::new(crate::InspectOptions::default());
        let mut builder = RecordBuilder::new(0, 1);
        let cells = ["7", "2", "3", "1", "1250"];
        for (ours, theirs, factor) in layout.columns() {
            builder.text(ours, cells[theirs], factor, &mut inspector).unwrap();
        }
        let record = builder.finish(9).unwrap();
        assert_eq!((record.package, record.engine, record.lane), (7, 2, 3));
        assert!(record.shipped);
        // 1250 mdB = 1.25 dB exactly (a power of two fraction).
        assert_eq!(record.values[Parameter::CouplingLossDb], Some(1.25));
        assert_eq!((record.insertion, record.station), (9, 9));
    }

    #[test]
    fn bad_mappings_and_cells_say_what_was_expected() {
        let error = Mapping::parse("m.toml", "[columns]\npackage = \"sn\"\n").unwrap_err();
        assert_eq!(error.0, "mapping m.toml: columns.engine: missing; it is required");
        let error = Mapping::parse(
            "m.toml",
            "[columns]\npackage = \"sn\"\ngap_um = { column = \"g\", unit = \"ft\" }\n",
        )
        .unwrap_err();
        assert_eq!(
            error.0,
            "mapping m.toml: columns.gap_um: bad unit \"ft\"; expected one of um, µm, nm, mm"
        );
        let mut builder = RecordBuilder::new(0, 1);
        assert_eq!(builder.integer(Column::Package, -1, 1.0), Err("an integer >= 0".into()));
        assert_eq!(builder.float(Column::GapUm, f64::NAN, 1.0), Err("a finite number".into()));
        assert_eq!(builder.finish(0).unwrap_err(), Column::Package);
    }

    #[test]
    fn the_engines_header_line_names_schema_technology_and_generation() {
        let header = FileHeader::of_comment(
            "d.csv",
            "# cporamp yield test data, schema 3, technology cpo, generation g1600\n",
        )
        .unwrap();
        assert_eq!(header.schema, Some(3));
        assert_eq!(header.technology.as_deref(), Some("cpo"));
        assert_eq!(header.generation.as_deref(), Some("g1600"));
        let error = FileHeader::of_comment("d.csv", "# schema 9").unwrap_err();
        assert_eq!(error.0, "d.csv: line 1: schema 9; this reader reads schemas 2 and 3");
    }
}
