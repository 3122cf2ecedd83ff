//! Readers for 3D-ICE's stack description (`.stk`) and floorplan (`.flp`) files.
//!
//! The grammar is 3D-ICE 4's (its bison and flex files), as its examples use it: keywords are
//! case-sensitive and reserved, `//` and `/* */` are comments, numbers are
//! `[+-]digits[.digits][e[+-]digits]`, identifiers `[alpha][alnum_]*`, paths `"..."`.
//! Sections come in 3D-ICE's order: materials, heat sinks (optional), one microchannel or
//! pin-fin cavity (optional), dimensions, layers (optional), dies, stack, solver, output
//! (optional). Units are 3D-ICE's: lengths in µm, conductivities in W/(µm·K), volumetric heat
//! capacities in J/(µm³·K), heat-transfer coefficients in W/(µm²·K), flow rates in ml/min,
//! Darcy velocities in µm/s, times in s, temperatures in K.
//!
//! Every malformed input is a [`ParseError`] naming the file, the line, the field (the section
//! or statement being read) and what was expected. Beyond 3D-ICE's own checks, these readers
//! refuse values that would make the model meaningless (non-positive sizes, conductivities,
//! flow rates, steps) instead of producing NaNs later.

/// A problem in a 3D-ICE input file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct ParseError {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The section or statement being read.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number(f64),
    Path(String),
    Punct(char),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Word(word) => format!("`{word}`"),
            Tok::Number(value) => format!("number {value}"),
            Tok::Path(path) => format!("path \"{path}\""),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::End => "end of file".to_string(),
        }
    }
}

/// Keywords of the stack grammar (reserved: not usable as identifiers).
const STACK_KEYWORDS: &[&str] = &[
    "average",
    "bottom",
    "capacity",
    "cell",
    "channel",
    "chip",
    "coefficient",
    "conductivity",
    "coolant",
    "darcy",
    "diameter",
    "die",
    "dimensions",
    "distribution",
    "discretization",
    "final",
    "first",
    "floorplan",
    "flow",
    "gradient",
    "heat",
    "height",
    "incoming",
    "initial",
    "inline",
    "last",
    "layer",
    "layout",
    "length",
    "material",
    "maximum",
    "microchannel",
    "minimum",
    "non-uniform",
    "numofcores",
    "output",
    "pin",
    "pinfin",
    "pitch",
    "pluggable",
    "plugin",
    "Pmap",
    "rate",
    "side",
    "sink",
    "slot",
    "solver",
    "source",
    "spreader",
    "stack",
    "staggered",
    "state",
    "steady",
    "step",
    "T",
    "T3d",
    "Tcoolant",
    "temperature",
    "Tflp",
    "Tflpel",
    "thermal",
    "Tmap",
    "to",
    "top",
    "transfer",
    "transient",
    "velocity",
    "volumetric",
    "wall",
    "width",
    "true",
    "false",
    "4rm",
    "2rm",
];

const FLOORPLAN_KEYWORDS: &[&str] =
    &["dimension", "position", "power", "rectangle", "values", "discretization", "material"];

struct Lexer<'a> {
    file: &'a str,
    tokens: Vec<(Tok, usize)>,
    at: usize,
    keywords: &'a [&'a str],
}

fn lex(file: &str, text: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1usize;
    let mut i = 0usize;
    let err = |line: usize, message: String| ParseError {
        file: file.to_string(),
        line,
        field: "token".to_string(),
        message,
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let start = line;
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(err(start, "comment opened with /* is never closed by */".into()));
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    i += 2;
                    break;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
        } else if c == '"' {
            let start = line;
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\n' {
                    line += 1;
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(err(start, "path opened with \" is never closed".into()));
            }
            tokens.push((Tok::Path(chars[i + 1..j].iter().collect()), start));
            i = j + 1;
        } else if "(),.:;".contains(c) {
            tokens.push((Tok::Punct(c), line));
            i += 1;
        } else if (c == '4' || c == '2')
            && chars.get(i + 1) == Some(&'r')
            && chars.get(i + 2) == Some(&'m')
            && !chars.get(i + 3).is_some_and(|next| next.is_alphanumeric() || *next == '_')
        {
            tokens.push((Tok::Word(format!("{c}rm")), line));
            i += 3;
        } else if c.is_ascii_digit()
            || ((c == '+' || c == '-') && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                let mut j = i + 1;
                if matches!(chars.get(j), Some('+' | '-')) {
                    j += 1;
                }
                if chars.get(j).is_some_and(char::is_ascii_digit) {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() => tokens.push((Tok::Number(value), line)),
                _ => return Err(err(line, format!("number {text} is not a finite value"))),
            }
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let mut word: String = chars[start..i].iter().collect();
            if word == "non" && chars.get(i) == Some(&'-') {
                let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
                if rest == "-uniform" {
                    word = "non-uniform".to_string();
                    i += 8;
                }
            }
            tokens.push((Tok::Word(word), line));
        } else {
            return Err(err(line, format!("unexpected character {c:?}")));
        }
    }
    tokens.push((Tok::End, line));
    Ok(tokens)
}

impl<'a> Lexer<'a> {
    fn new(file: &'a str, text: &str, keywords: &'a [&'a str]) -> Result<Self, ParseError> {
        Ok(Lexer { file, tokens: lex(file, text)?, at: 0, keywords })
    }

    fn peek(&self) -> &Tok {
        &self.tokens[self.at].0
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].0
    }

    fn line(&self) -> usize {
        self.tokens[self.at].1
    }

    fn next(&mut self) -> (Tok, usize) {
        let token = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    fn error(&self, field: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: self.line(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn unexpected(&self, field: &str, expected: &str) -> ParseError {
        self.error(field, format!("expected {expected}, found {}", self.peek().describe()))
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w == word)
    }

    fn is_punct(&self, c: char) -> bool {
        matches!(self.peek(), Tok::Punct(p) if *p == c)
    }

    fn word(&mut self, field: &str, word: &str) -> Result<(), ParseError> {
        if self.is_word(word) {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(field, &format!("`{word}`")))
        }
    }

    fn words(&mut self, field: &str, words: &[&str]) -> Result<(), ParseError> {
        for word in words {
            self.word(field, word)?;
        }
        Ok(())
    }

    fn punct(&mut self, field: &str, c: char) -> Result<(), ParseError> {
        if self.is_punct(c) {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(field, &format!("`{c}`")))
        }
    }

    fn number(&mut self, field: &str) -> Result<f64, ParseError> {
        match self.peek().clone() {
            Tok::Number(value) => {
                self.next();
                Ok(value)
            }
            _ => Err(self.unexpected(field, "a number")),
        }
    }

    fn positive(&mut self, field: &str) -> Result<f64, ParseError> {
        let line = self.line();
        let value = self.number(field)?;
        if value > 0.0 {
            Ok(value)
        } else {
            Err(ParseError {
                file: self.file.to_string(),
                line,
                field: field.to_string(),
                message: format!("value {value} must be positive"),
            })
        }
    }

    fn non_negative(&mut self, field: &str) -> Result<f64, ParseError> {
        let line = self.line();
        let value = self.number(field)?;
        if value >= 0.0 {
            Ok(value)
        } else {
            Err(ParseError {
                file: self.file.to_string(),
                line,
                field: field.to_string(),
                message: format!("value {value} must not be negative"),
            })
        }
    }

    fn identifier(&mut self, field: &str) -> Result<(String, usize), ParseError> {
        match self.peek().clone() {
            Tok::Word(word) if !self.keywords.contains(&word.as_str()) => {
                let line = self.line();
                self.next();
                Ok((word, line))
            }
            Tok::Word(word) => Err(self.error(
                field,
                format!(
                    "expected an identifier, found the keyword `{word}` (keywords are reserved)"
                ),
            )),
            _ => Err(self.unexpected(field, "an identifier")),
        }
    }

    fn path(&mut self, field: &str) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Path(path) => {
                self.next();
                Ok(path)
            }
            _ => Err(self.unexpected(field, "a quoted path")),
        }
    }
}

/// A material: conductivities along x (length, east-west), y (width, north-south) and z
/// (height), and volumetric heat capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    /// Name.
    pub name: String,
    /// Thermal conductivity along x, y, z, W/(µm·K).
    pub conductivity_w_per_um_k: [f64; 3],
    /// Volumetric heat capacity, J/(µm³·K).
    pub heat_capacity_j_per_um3_k: f64,
}

/// A top or bottom heat sink: a heat-transfer coefficient to a fixed temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatSink {
    /// Heat-transfer coefficient, W/(µm²·K).
    pub htc_w_per_um2_k: f64,
    /// Ambient (coolant) temperature, K.
    pub temperature_k: f64,
}

/// The cavity model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CavityModel {
    /// 4-resistor microchannels: channel and wall columns resolved in the grid.
    Microchannel4rm {
        /// Channel width along x, µm.
        channel_length_um: f64,
        /// Wall width along x, µm.
        wall_length_um: f64,
        /// First (west) wall, µm.
        first_wall_length_um: f64,
        /// Last (east) wall, µm.
        last_wall_length_um: f64,
        /// Side-wall heat-transfer coefficient, W/(µm²·K).
        htc_side_w_per_um2_k: f64,
        /// Top heat-transfer coefficient, W/(µm²·K).
        htc_top_w_per_um2_k: f64,
        /// Bottom heat-transfer coefficient, W/(µm²·K).
        htc_bottom_w_per_um2_k: f64,
        /// Total flow rate, µm³/s (converted from ml/min).
        flow_rate_um3_per_s: f64,
    },
    /// 2-resistor (porous-medium) microchannels.
    Microchannel2rm {
        /// Channel width, µm.
        channel_length_um: f64,
        /// Wall width, µm.
        wall_length_um: f64,
        /// Top heat-transfer coefficient, W/(µm²·K).
        htc_top_w_per_um2_k: f64,
        /// Bottom heat-transfer coefficient, W/(µm²·K).
        htc_bottom_w_per_um2_k: f64,
        /// Total flow rate, µm³/s.
        flow_rate_um3_per_s: f64,
    },
    /// 2-resistor pin fins.
    PinFin {
        /// Pin diameter, µm.
        diameter_um: f64,
        /// Pin pitch, µm.
        pitch_um: f64,
        /// Staggered (true) or inline (false) pins.
        staggered: bool,
        /// Darcy velocity, µm/s.
        darcy_velocity_um_per_s: f64,
    },
}

/// The microchannel or pin-fin cavity declared once and used by `channel` stack elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Cavity {
    /// Model and geometry.
    pub model: CavityModel,
    /// Cavity height, µm.
    pub height_um: f64,
    /// Index of the wall (pin) material in [`StackFile::materials`].
    pub wall_material: usize,
    /// Coolant volumetric heat capacity, J/(µm³·K).
    pub coolant_heat_capacity_j_per_um3_k: f64,
    /// Coolant inlet temperature, K.
    pub inlet_temperature_k: f64,
}

/// Chip and cell dimensions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dimensions {
    /// Chip length (x), µm.
    pub chip_length_um: f64,
    /// Chip width (y), µm.
    pub chip_width_um: f64,
    /// Cell length (x), µm (with a 4RM cavity, the channel and wall lengths set the columns).
    pub cell_length_um: f64,
    /// Cell width (y), µm.
    pub cell_width_um: f64,
}

/// One layer of material: a height and a material index.
#[derive(Debug, Clone, PartialEq)]
pub struct Slab {
    /// Height, µm.
    pub height_um: f64,
    /// Index into [`StackFile::materials`].
    pub material: usize,
}

/// A die: its layers from bottom to top and which is the source layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Die {
    /// Name.
    pub name: String,
    /// Layers, bottom first.
    pub layers: Vec<Slab>,
    /// Index of the source layer in `layers`.
    pub source: usize,
}

/// What a stack element is.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// A single layer.
    Layer(Slab),
    /// The cavity.
    Channel,
    /// A die with its floorplan file (path as written, relative to the stack file).
    Die {
        /// Index into [`StackFile::dies`].
        die: usize,
        /// Floorplan path as written.
        floorplan: String,
    },
}

/// A stack element, as listed in the `stack:` section (top first).
#[derive(Debug, Clone, PartialEq)]
pub struct StackElement {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ElementKind,
    /// Line of the declaration.
    pub line: usize,
}

/// Steady or transient analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Analysis {
    /// One steady solve with each element's first power value.
    Steady,
    /// Backward Euler with `step_s`; each power value lasts `slot_s`.
    Transient {
        /// Time step, s.
        step_s: f64,
        /// Power slot, s.
        slot_s: f64,
        /// Steps per slot (3D-ICE's decimal-exact division).
        steps_per_slot: u64,
    },
}

/// Which statistic an output reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Maximum.
    Maximum,
    /// Minimum.
    Minimum,
    /// Average.
    Average,
    /// Maximum minus minimum (for `Tcoolant`, 3D-ICE returns the maximum).
    Gradient,
}

impl Quantity {
    /// 3D-ICE's header word.
    #[must_use]
    pub fn header(self) -> &'static str {
        match self {
            Quantity::Maximum => "Maximum",
            Quantity::Minimum => "Minimum",
            Quantity::Average => "Average",
            Quantity::Gradient => "Gradient",
        }
    }
}

/// When an output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// After every time step.
    Step,
    /// At the end of every power slot.
    Slot,
    /// Once, at the end.
    Final,
}

/// An output instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputKind {
    /// `T`: one cell of an element's source layer.
    Cell {
        /// Stack element index.
        element: usize,
        /// x, µm.
        x_um: f64,
        /// y, µm.
        y_um: f64,
    },
    /// `Tflp`: every floorplan element of a die.
    Floorplan {
        /// Stack element index (a die).
        element: usize,
        /// Statistic.
        quantity: Quantity,
    },
    /// `Tflpel`: one floorplan element.
    FloorplanElement {
        /// Stack element index (a die).
        element: usize,
        /// Floorplan element name.
        name: String,
        /// Statistic.
        quantity: Quantity,
    },
    /// `Tmap`: the element's source layer, row by row.
    Map {
        /// Stack element index.
        element: usize,
    },
    /// `Tcoolant`: channel outlet temperatures.
    Coolant {
        /// Stack element index (a channel).
        element: usize,
        /// Statistic.
        quantity: Quantity,
    },
}

/// An output instruction with its file and instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// What to write.
    pub kind: OutputKind,
    /// File name as written.
    pub file: String,
    /// When.
    pub instant: Instant,
    /// Line of the instruction.
    pub line: usize,
}

/// A parsed stack description file.
#[derive(Debug, Clone, PartialEq)]
pub struct StackFile {
    /// File name as given.
    pub file: String,
    /// Materials.
    pub materials: Vec<Material>,
    /// Top heat sink.
    pub top_sink: Option<HeatSink>,
    /// Bottom heat sink.
    pub bottom_sink: Option<HeatSink>,
    /// The cavity, if declared.
    pub cavity: Option<Cavity>,
    /// Dimensions.
    pub dimensions: Dimensions,
    /// Dies.
    pub dies: Vec<Die>,
    /// Stack elements, top first (as written).
    pub stack: Vec<StackElement>,
    /// Analysis.
    pub analysis: Analysis,
    /// Initial temperature, K.
    pub initial_temperature_k: f64,
    /// Output instructions.
    pub outputs: Vec<Output>,
}

/// 3D-ICE's conversion: ml/min to µm³/s.
#[must_use]
pub fn ml_per_min_to_um3_per_s(flow_ml_per_min: f64) -> f64 {
    flow_ml_per_min * 1e12 / 60.0
}

fn find_material(
    lx: &Lexer<'_>,
    materials: &[Material],
    name: &str,
    line: usize,
    field: &str,
) -> Result<usize, ParseError> {
    materials.iter().position(|m| m.name == name).ok_or_else(|| ParseError {
        file: lx.file.to_string(),
        line,
        field: field.to_string(),
        message: format!(
            "unknown material {name}; expected one of: {}",
            materials.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })
}

fn parse_material(lx: &mut Lexer<'_>) -> Result<Material, ParseError> {
    lx.word("material", "material")?;
    let (name, _) = lx.identifier("material")?;
    let field = format!("material {name}");
    lx.punct(&field, ':')?;
    lx.words(&format!("{field}: thermal conductivity"), &["thermal", "conductivity"])?;
    let f = format!("{field}: thermal conductivity");
    let kx = lx.positive(&f)?;
    let conductivity = if lx.is_punct(',') {
        lx.next();
        let ky = lx.positive(&f)?;
        lx.punct(&f, ',')?;
        let kz = lx.positive(&f)?;
        [kx, ky, kz]
    } else {
        [kx, kx, kx]
    };
    lx.punct(&f, ';')?;
    let f = format!("{field}: volumetric heat capacity");
    lx.words(&f, &["volumetric", "heat", "capacity"])?;
    let vhc = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    Ok(Material { name, conductivity_w_per_um_k: conductivity, heat_capacity_j_per_um3_k: vhc })
}

fn parse_sink(lx: &mut Lexer<'_>, which: &str) -> Result<HeatSink, ParseError> {
    let field = format!("{which} heat sink");
    lx.words(&field, &[which, "heat", "sink"])?;
    lx.punct(&field, ':')?;
    let f = format!("{field}: heat transfer coefficient");
    lx.words(&f, &["heat", "transfer", "coefficient"])?;
    let htc = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    let f = format!("{field}: temperature");
    lx.word(&f, "temperature")?;
    let temperature = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    Ok(HeatSink { htc_w_per_um2_k: htc, temperature_k: temperature })
}

fn statement(lx: &mut Lexer<'_>, field: &str, words: &[&str]) -> Result<f64, ParseError> {
    lx.words(field, words)?;
    let value = lx.positive(field)?;
    lx.punct(field, ';')?;
    Ok(value)
}

fn wall_material(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    first: &str,
    field: &str,
) -> Result<usize, ParseError> {
    lx.words(field, &[first, "material"])?;
    let (name, line) = lx.identifier(field)?;
    lx.punct(field, ';')?;
    find_material(lx, materials, &name, line, field)
}

fn coolant_tail(lx: &mut Lexer<'_>, field: &str) -> Result<(f64, f64), ParseError> {
    let f = format!("{field}: coolant volumetric heat capacity");
    let vhc = statement(lx, &f, &["coolant", "volumetric", "heat", "capacity"])?;
    let f = format!("{field}: coolant incoming temperature");
    let t_in = statement(lx, &f, &["coolant", "incoming", "temperature"])?;
    Ok((vhc, t_in))
}

fn parse_cavity(lx: &mut Lexer<'_>, materials: &[Material]) -> Result<Cavity, ParseError> {
    if lx.is_word("pinfin") {
        let field = "pinfin";
        lx.next();
        lx.punct(field, ':')?;
        let height = statement(lx, "pinfin: height", &["height"])?;
        let diameter = statement(lx, "pinfin: pin diameter", &["pin", "diameter"])?;
        let pitch = statement(lx, "pinfin: pin pitch", &["pin", "pitch"])?;
        if diameter >= pitch {
            return Err(lx.error(
                "pinfin: pin pitch",
                format!("pin diameter {diameter} must be smaller than the pitch {pitch}"),
            ));
        }
        let f = "pinfin: pin distribution";
        lx.words(f, &["pin", "distribution"])?;
        let staggered = if lx.is_word("inline") {
            false
        } else if lx.is_word("staggered") {
            true
        } else {
            return Err(lx.unexpected(f, "`inline` or `staggered`"));
        };
        lx.next();
        lx.punct(f, ';')?;
        let wall = wall_material(lx, materials, "pin", "pinfin: pin material")?;
        let darcy = statement(lx, "pinfin: darcy velocity", &["darcy", "velocity"])?;
        let (vhc, t_in) = coolant_tail(lx, field)?;
        return Ok(Cavity {
            model: CavityModel::PinFin {
                diameter_um: diameter,
                pitch_um: pitch,
                staggered,
                darcy_velocity_um_per_s: darcy,
            },
            height_um: height,
            wall_material: wall,
            coolant_heat_capacity_j_per_um3_k: vhc,
            inlet_temperature_k: t_in,
        });
    }
    lx.word("microchannel", "microchannel")?;
    let four = if lx.is_word("4rm") {
        true
    } else if lx.is_word("2rm") {
        false
    } else {
        return Err(lx.unexpected("microchannel", "`4rm` or `2rm`"));
    };
    lx.next();
    let field = if four { "microchannel 4rm" } else { "microchannel 2rm" };
    lx.punct(field, ':')?;
    let height = statement(lx, &format!("{field}: height"), &["height"])?;
    let channel = statement(lx, &format!("{field}: channel length"), &["channel", "length"])?;
    let wall = statement(lx, &format!("{field}: wall length"), &["wall", "length"])?;
    let mut first_wall = wall;
    let mut last_wall = wall;
    if four {
        if lx.is_word("first") {
            first_wall = statement(
                lx,
                &format!("{field}: first wall length"),
                &["first", "wall", "length"],
            )?;
        }
        if lx.is_word("last") {
            last_wall =
                statement(lx, &format!("{field}: last wall length"), &["last", "wall", "length"])?;
        }
    }
    let wall_mat = wall_material(lx, materials, "wall", &format!("{field}: wall material"))?;
    let flow = statement(lx, &format!("{field}: coolant flow rate"), &["coolant", "flow", "rate"])?;
    let f = format!("{field}: coolant heat transfer coefficient");
    lx.words(&f, &["coolant", "heat", "transfer", "coefficient"])?;
    let (side, top, bottom) = if matches!(lx.peek(), Tok::Number(_)) {
        let h = lx.positive(&f)?;
        (if four { h } else { 0.0 }, h, h)
    } else {
        let side = if four {
            lx.word(&f, "side")?;
            let side = lx.positive(&f)?;
            lx.punct(&f, ',')?;
            side
        } else {
            0.0
        };
        lx.word(&f, "top")?;
        let top = lx.positive(&f)?;
        lx.punct(&f, ',')?;
        lx.word(&f, "bottom")?;
        let bottom = lx.positive(&f)?;
        (side, top, bottom)
    };
    lx.punct(&f, ';')?;
    let (vhc, t_in) = coolant_tail(lx, field)?;
    let flow_um3 = ml_per_min_to_um3_per_s(flow);
    let model = if four {
        CavityModel::Microchannel4rm {
            channel_length_um: channel,
            wall_length_um: wall,
            first_wall_length_um: first_wall,
            last_wall_length_um: last_wall,
            htc_side_w_per_um2_k: side,
            htc_top_w_per_um2_k: top,
            htc_bottom_w_per_um2_k: bottom,
            flow_rate_um3_per_s: flow_um3,
        }
    } else {
        CavityModel::Microchannel2rm {
            channel_length_um: channel,
            wall_length_um: wall,
            htc_top_w_per_um2_k: top,
            htc_bottom_w_per_um2_k: bottom,
            flow_rate_um3_per_s: flow_um3,
        }
    };
    Ok(Cavity {
        model,
        height_um: height,
        wall_material: wall_mat,
        coolant_heat_capacity_j_per_um3_k: vhc,
        inlet_temperature_k: t_in,
    })
}

fn parse_dimensions(lx: &mut Lexer<'_>) -> Result<Dimensions, ParseError> {
    let field = "dimensions";
    lx.word(field, "dimensions")?;
    lx.punct(field, ':')?;
    let f = "dimensions: chip";
    lx.words(f, &["chip", "length"])?;
    let chip_length = lx.positive(f)?;
    lx.punct(f, ',')?;
    lx.word(f, "width")?;
    let chip_width = lx.positive(f)?;
    lx.punct(f, ';')?;
    let f = "dimensions: cell";
    lx.words(f, &["cell", "length"])?;
    let cell_length = lx.positive(f)?;
    lx.punct(f, ',')?;
    lx.word(f, "width")?;
    let cell_width = lx.positive(f)?;
    lx.punct(f, ';')?;
    if lx.is_word("non-uniform") {
        let f = "dimensions: non-uniform";
        lx.next();
        if lx.is_word("true") {
            return Err(lx.error(f, "the non-uniform grid (`non-uniform true`) is not supported; expected `non-uniform false`"));
        }
        lx.word(f, "false")?;
        lx.punct(f, ';')?;
    }
    Ok(Dimensions {
        chip_length_um: chip_length,
        chip_width_um: chip_width,
        cell_length_um: cell_length,
        cell_width_um: cell_width,
    })
}

struct LayerDef {
    name: String,
    slab: Slab,
}

fn parse_layer_def(lx: &mut Lexer<'_>, materials: &[Material]) -> Result<LayerDef, ParseError> {
    lx.word("layer", "layer")?;
    let (name, _) = lx.identifier("layer")?;
    let field = format!("layer {name}");
    lx.punct(&field, ':')?;
    let height = statement(lx, &format!("{field}: height"), &["height"])?;
    let f = format!("{field}: material");
    lx.word(&f, "material")?;
    let (mat, line) = lx.identifier(&f)?;
    lx.punct(&f, ';')?;
    let material = find_material(lx, materials, &mat, line, &f)?;
    if lx.is_word("layout") {
        return Err(lx.error(&field, "per-cell material layouts (`layout`) are not supported"));
    }
    Ok(LayerDef { name, slab: Slab { height_um: height, material } })
}

fn parse_die_layer(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    layers: &[LayerDef],
    field: &str,
) -> Result<Slab, ParseError> {
    if matches!(lx.peek(), Tok::Number(_)) {
        let height = lx.positive(field)?;
        let (mat, line) = lx.identifier(field)?;
        lx.punct(field, ';')?;
        let material = find_material(lx, materials, &mat, line, field)?;
        Ok(Slab { height_um: height, material })
    } else {
        let (name, line) = lx.identifier(field)?;
        lx.punct(field, ';')?;
        layers.iter().find(|l| l.name == name).map(|l| l.slab.clone()).ok_or_else(|| ParseError {
            file: lx.file.to_string(),
            line,
            field: field.to_string(),
            message: format!("unknown layer {name}; expected a height and a material, or a layer declared before the dies"),
        })
    }
}

fn parse_die(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    layers: &[LayerDef],
) -> Result<Die, ParseError> {
    lx.word("die", "die")?;
    let (name, _) = lx.identifier("die")?;
    let field = format!("die {name}");
    lx.punct(&field, ':')?;
    let mut above = Vec::new();
    while lx.is_word("layer") {
        lx.next();
        above.push(parse_die_layer(lx, materials, layers, &format!("{field}: layer"))?);
    }
    if !lx.is_word("source") {
        return Err(lx.unexpected(&field, "`layer` or `source` (a die needs one source layer)"));
    }
    lx.next();
    let source = parse_die_layer(lx, materials, layers, &format!("{field}: source"))?;
    let mut below = Vec::new();
    while lx.is_word("layer") {
        lx.next();
        below.push(parse_die_layer(lx, materials, layers, &format!("{field}: layer"))?);
    }
    if lx.is_word("source") {
        return Err(lx.error(&field, "a die has exactly one source layer"));
    }
    // Written top first; stored bottom first.
    let mut bottom_up: Vec<Slab> = below.into_iter().rev().collect();
    let source_index = bottom_up.len();
    bottom_up.push(source);
    bottom_up.extend(above.into_iter().rev());
    Ok(Die { name, layers: bottom_up, source: source_index })
}

fn parse_quantity(lx: &mut Lexer<'_>, field: &str) -> Result<Quantity, ParseError> {
    let q = match lx.peek() {
        Tok::Word(w) if w == "maximum" => Quantity::Maximum,
        Tok::Word(w) if w == "minimum" => Quantity::Minimum,
        Tok::Word(w) if w == "average" => Quantity::Average,
        Tok::Word(w) if w == "gradient" => Quantity::Gradient,
        _ => return Err(lx.unexpected(field, "`maximum`, `minimum`, `average` or `gradient`")),
    };
    lx.next();
    Ok(q)
}

fn parse_instant(lx: &mut Lexer<'_>, field: &str) -> Result<Instant, ParseError> {
    if lx.is_punct(',') {
        lx.next();
        let instant = match lx.peek() {
            Tok::Word(w) if w == "step" => Instant::Step,
            Tok::Word(w) if w == "slot" => Instant::Slot,
            Tok::Word(w) if w == "final" => Instant::Final,
            _ => return Err(lx.unexpected(field, "`step`, `slot` or `final`")),
        };
        lx.next();
        Ok(instant)
    } else {
        Ok(Instant::Final)
    }
}

fn find_element(
    lx: &Lexer<'_>,
    stack: &[StackElement],
    name: &str,
    line: usize,
    field: &str,
) -> Result<usize, ParseError> {
    stack.iter().position(|e| e.name == name).ok_or_else(|| ParseError {
        file: lx.file.to_string(),
        line,
        field: field.to_string(),
        message: format!(
            "unknown stack element {name}; expected one of: {}",
            stack.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })
}

fn parse_output(lx: &mut Lexer<'_>, stack: &[StackElement]) -> Result<Output, ParseError> {
    let line = lx.line();
    let (Tok::Word(command), _) = lx.next() else {
        return Err(lx.unexpected("output", "`T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`"));
    };
    let field = format!("output {command}");
    let f = field.as_str();
    let die_only = |lx: &Lexer<'_>, index: usize, line: usize| -> Result<(), ParseError> {
        if matches!(stack[index].kind, ElementKind::Die { .. }) {
            Ok(())
        } else {
            Err(ParseError {
                file: lx.file.to_string(),
                line,
                field: f.to_string(),
                message: format!("the stack element {} must be a die", stack[index].name),
            })
        }
    };
    let (kind, file, instant) = match command.as_str() {
        "T" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            lx.punct(f, ',')?;
            let x = lx.non_negative(f)?;
            lx.punct(f, ',')?;
            let y = lx.non_negative(f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::Cell { element, x_um: x, y_um: y }, file, instant)
        }
        "Tflp" | "Tcoolant" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            if command == "Tflp" {
                die_only(lx, element, nl)?;
            } else if stack[element].kind != ElementKind::Channel {
                return Err(ParseError {
                    file: lx.file.to_string(),
                    line: nl,
                    field: field.clone(),
                    message: format!("the stack element {name} must be a channel"),
                });
            }
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            lx.punct(f, ',')?;
            let quantity = parse_quantity(lx, f)?;
            let instant = parse_instant(lx, f)?;
            let kind = if command == "Tflp" {
                OutputKind::Floorplan { element, quantity }
            } else {
                OutputKind::Coolant { element, quantity }
            };
            (kind, file, instant)
        }
        "Tflpel" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            die_only(lx, element, nl)?;
            lx.punct(f, '.')?;
            let (flp, _) = lx.identifier(f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            lx.punct(f, ',')?;
            let quantity = parse_quantity(lx, f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::FloorplanElement { element, name: flp, quantity }, file, instant)
        }
        "Tmap" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::Map { element }, file, instant)
        }
        "T3d" | "Pmap" => {
            return Err(ParseError {
                file: lx.file.to_string(),
                line,
                field,
                message: format!(
                    "output `{command}` is not supported; expected `T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`"
                ),
            });
        }
        other => {
            return Err(ParseError {
                file: lx.file.to_string(),
                line,
                field: "output".into(),
                message: format!(
                    "expected `T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`, found `{other}`"
                ),
            });
        }
    };
    lx.punct(f, ')')?;
    lx.punct(f, ';')?;
    Ok(Output { kind, file, instant, line })
}

/// 3D-ICE's slot/step division: both scaled by 10 until integral, then divided.
fn steps_per_slot(step_s: f64, slot_s: f64) -> u64 {
    let (mut sl, mut st) = (slot_s, step_s);
    for _ in 0..30 {
        if sl.fract() == 0.0 && st.fract() == 0.0 {
            break;
        }
        sl *= 10.0;
        st *= 10.0;
    }
    // Truncating conversions as in 3D-ICE (both are integral after scaling).
    let (sl, st) = (sl.trunc() as u64, st.trunc() as u64);
    sl / st.max(1)
}

fn parse_solver(lx: &mut Lexer<'_>) -> Result<(Analysis, f64), ParseError> {
    let field = "solver";
    lx.word(field, "solver")?;
    lx.punct(field, ':')?;
    let analysis = if lx.is_word("steady") {
        lx.next();
        lx.punct("solver: steady", ';')?;
        Analysis::Steady
    } else if lx.is_word("transient") {
        let f = "solver: transient";
        lx.next();
        lx.word(f, "step")?;
        let step = lx.positive(f)?;
        lx.punct(f, ',')?;
        lx.word(f, "slot")?;
        let slot_line = lx.line();
        let slot = lx.positive(f)?;
        lx.punct(f, ';')?;
        if slot < step {
            return Err(ParseError {
                file: lx.file.to_string(),
                line: slot_line,
                field: f.into(),
                message: format!("slot {slot} s must not be shorter than the step {step} s"),
            });
        }
        Analysis::Transient {
            step_s: step,
            slot_s: slot,
            steps_per_slot: steps_per_slot(step, slot),
        }
    } else {
        return Err(lx.unexpected(field, "`steady` or `transient`"));
    };
    let initial = statement(lx, "solver: initial temperature", &["initial", "temperature"])?;
    if lx.is_word("numofcores") {
        // Threads of 3D-ICE's solver: no effect on results.
        statement(lx, "solver: numofcores", &["numofcores"])?;
    }
    Ok((analysis, initial))
}

impl StackFile {
    /// Parses a stack description file's text; `file` names it in errors.
    ///
    /// # Errors
    /// A [`ParseError`] for the first malformed statement.
    pub fn parse(file: &str, text: &str) -> Result<StackFile, ParseError> {
        let mut lx = Lexer::new(file, text, STACK_KEYWORDS)?;
        let lx = &mut lx;
        let mut materials: Vec<Material> = Vec::new();
        while lx.is_word("material") {
            let line = lx.line();
            let material = parse_material(lx)?;
            if materials.iter().any(|m| m.name == material.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("material {}", material.name),
                    message: format!("material {} already declared", material.name),
                });
            }
            materials.push(material);
        }
        if materials.is_empty() {
            return Err(lx.unexpected("materials", "at least one `material` declaration"));
        }
        let mut top_sink = None;
        let mut bottom_sink = None;
        if lx.is_word("top") {
            if matches!(lx.peek_at(1), Tok::Word(w) if w == "pluggable") {
                return Err(lx.error(
                    "top pluggable heat sink",
                    "the pluggable heat sink is not supported; expected `top heat sink`",
                ));
            }
            top_sink = Some(parse_sink(lx, "top")?);
        }
        if lx.is_word("bottom") {
            bottom_sink = Some(parse_sink(lx, "bottom")?);
        }
        let cavity = if lx.is_word("microchannel") || lx.is_word("pinfin") {
            Some(parse_cavity(lx, &materials)?)
        } else {
            None
        };
        let dimensions_line = lx.line();
        let dimensions = parse_dimensions(lx)?;
        if let Some(Cavity {
            model:
                CavityModel::Microchannel4rm {
                    channel_length_um,
                    wall_length_um,
                    first_wall_length_um,
                    last_wall_length_um,
                    ..
                },
            ..
        }) = &cavity
        {
            let ratio = (dimensions.chip_length_um
                - first_wall_length_um
                - last_wall_length_um
                - channel_length_um)
                / (channel_length_um + wall_length_um);
            if ratio.fract() != 0.0 || ratio < 0.0 {
                return Err(ParseError {
                    file: file.into(),
                    line: dimensions_line,
                    field: "dimensions: chip length".into(),
                    message: format!(
                        "the 4rm channel pattern does not fit the chip length {}: first wall + last wall + channel + n x (channel + wall) must equal it for a whole n (here n = {ratio})",
                        dimensions.chip_length_um
                    ),
                });
            }
        }
        let mut layers: Vec<LayerDef> = Vec::new();
        while lx.is_word("layer") {
            let line = lx.line();
            let layer = parse_layer_def(lx, &materials)?;
            if layers.iter().any(|l| l.name == layer.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("layer {}", layer.name),
                    message: format!("layer {} already declared", layer.name),
                });
            }
            layers.push(layer);
        }
        let mut dies: Vec<Die> = Vec::new();
        while lx.is_word("die") {
            let line = lx.line();
            let die = parse_die(lx, &materials, &layers)?;
            if dies.iter().any(|d| d.name == die.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("die {}", die.name),
                    message: format!("die {} already declared", die.name),
                });
            }
            dies.push(die);
        }
        if dies.is_empty() {
            return Err(lx.unexpected("dies", "at least one `die` declaration"));
        }
        lx.word("stack", "stack")?;
        lx.punct("stack", ':')?;
        let mut stack: Vec<StackElement> = Vec::new();
        loop {
            let line = lx.line();
            let kind_word = match lx.peek() {
                Tok::Word(w) if w == "layer" || w == "channel" || w == "die" => w.clone(),
                _ => break,
            };
            lx.next();
            let (name, _) = lx.identifier("stack")?;
            let field = format!("stack: {kind_word} {name}");
            let kind = match kind_word.as_str() {
                "layer" => {
                    let (layer, l) = lx.identifier(&field)?;
                    let slab = layers
                        .iter()
                        .find(|d| d.name == layer)
                        .map(|d| d.slab.clone())
                        .ok_or_else(|| ParseError {
                            file: file.into(),
                            line: l,
                            field: field.clone(),
                            message: format!("unknown layer {layer}"),
                        })?;
                    ElementKind::Layer(slab)
                }
                "channel" => {
                    if cavity.is_none() {
                        return Err(ParseError { file: file.into(), line, field, message: "channel used in stack but no microchannel or pinfin section declared".into() });
                    }
                    if stack.last().is_some_and(|e| e.kind == ElementKind::Channel) {
                        return Err(ParseError {
                            file: file.into(),
                            line,
                            field,
                            message: "cannot declare two consecutive channels".into(),
                        });
                    }
                    ElementKind::Channel
                }
                _ => {
                    let (die, l) = lx.identifier(&field)?;
                    let index =
                        dies.iter().position(|d| d.name == die).ok_or_else(|| ParseError {
                            file: file.into(),
                            line: l,
                            field: field.clone(),
                            message: format!("unknown die {die}"),
                        })?;
                    lx.word(&field, "floorplan")?;
                    let floorplan = lx.path(&field)?;
                    if lx.is_word("discretization") {
                        return Err(lx.error(&field, "per-die discretization is not supported (it needs the non-uniform grid)"));
                    }
                    ElementKind::Die { die: index, floorplan }
                }
            };
            if lx.is_word("discretization") {
                return Err(lx.error(
                    &field,
                    "per-layer discretization is not supported (it needs the non-uniform grid)",
                ));
            }
            lx.punct(&field, ';')?;
            if stack.iter().any(|e| e.name == name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field,
                    message: format!("stack element {name} already declared"),
                });
            }
            stack.push(StackElement { name, kind, line });
        }
        if !stack.iter().any(|e| matches!(e.kind, ElementKind::Die { .. })) {
            return Err(lx.unexpected(
                "stack",
                "`layer`, `channel` or `die` (the stack must contain at least one die)",
            ));
        }
        if stack.first().is_some_and(|e| e.kind == ElementKind::Channel)
            || stack.last().is_some_and(|e| e.kind == ElementKind::Channel)
        {
            let e = if stack[0].kind == ElementKind::Channel {
                &stack[0]
            } else {
                &stack[stack.len() - 1]
            };
            return Err(ParseError {
                file: file.into(),
                line: e.line,
                field: format!("stack: channel {}", e.name),
                message: "a channel cannot be the top-most or bottom-most stack element".into(),
            });
        }
        let (analysis, initial) = parse_solver(lx)?;
        let mut outputs = Vec::new();
        if lx.is_word("output") {
            lx.next();
            lx.punct("output", ':')?;
            while !matches!(lx.peek(), Tok::End) {
                outputs.push(parse_output(lx, &stack)?);
            }
        }
        if !matches!(lx.peek(), Tok::End) {
            return Err(lx.unexpected("file", "`output:` or the end of the file"));
        }
        Ok(StackFile {
            file: file.into(),
            materials,
            top_sink,
            bottom_sink,
            cavity,
            dimensions,
            dies,
            stack,
            analysis,
            initial_temperature_k: initial,
            outputs,
        })
    }
}

/// A rectangle of a floorplan element, µm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// South-west x.
    pub x_um: f64,
    /// South-west y.
    pub y_um: f64,
    /// Length along x.
    pub length_um: f64,
    /// Width along y.
    pub width_um: f64,
}

/// A floorplan element: rectangles and a power trace (W per slot).
#[derive(Debug, Clone, PartialEq)]
pub struct FloorplanElement {
    /// Name.
    pub name: String,
    /// Rectangles.
    pub rects: Vec<Rect>,
    /// Power values, W, one per slot.
    pub powers_w: Vec<f64>,
    /// Line of the declaration.
    pub line: usize,
}

/// A 3D-ICE floorplan file.
#[derive(Debug, Clone, PartialEq)]
pub struct Floorplan {
    /// File name as given.
    pub file: String,
    /// Elements in file order.
    pub elements: Vec<FloorplanElement>,
}

fn parse_rect_numbers(lx: &mut Lexer<'_>, field: &str) -> Result<[f64; 4], ParseError> {
    let x = lx.non_negative(field)?;
    lx.punct(field, ',')?;
    let y = lx.non_negative(field)?;
    lx.punct(field, ',')?;
    let l = lx.positive(field)?;
    lx.punct(field, ',')?;
    let w = lx.positive(field)?;
    Ok([x, y, l, w])
}

impl Floorplan {
    /// Parses a 3D-ICE floorplan file: elements `NAME : position X, Y ; dimension L, W ;` or
    /// one or more `rectangle (X, Y, L, W) ;`, then optionally `power values P1, P2, ... ;`.
    ///
    /// # Errors
    /// A [`ParseError`] for the first malformed statement.
    pub fn parse(file: &str, text: &str) -> Result<Floorplan, ParseError> {
        let mut lx = Lexer::new(file, text, FLOORPLAN_KEYWORDS)?;
        let lx = &mut lx;
        let mut elements = Vec::new();
        while !matches!(lx.peek(), Tok::End) {
            let line = lx.line();
            let (name, _) = lx.identifier("floorplan element")?;
            let field = format!("floorplan element {name}");
            lx.punct(&field, ':')?;
            let mut rects = Vec::new();
            if lx.is_word("position") {
                let f = format!("{field}: position");
                lx.next();
                let x = lx.non_negative(&f)?;
                lx.punct(&f, ',')?;
                let y = lx.non_negative(&f)?;
                lx.punct(&f, ';')?;
                let f = format!("{field}: dimension");
                lx.word(&f, "dimension")?;
                let l = lx.positive(&f)?;
                lx.punct(&f, ',')?;
                let w = lx.positive(&f)?;
                lx.punct(&f, ';')?;
                if lx.is_word("material") || lx.is_word("discretization") {
                    return Err(lx.error(
                        &field,
                        "per-element materials and discretizations are not supported",
                    ));
                }
                rects.push(Rect { x_um: x, y_um: y, length_um: l, width_um: w });
            } else {
                while lx.is_word("rectangle") {
                    let f = format!("{field}: rectangle");
                    lx.next();
                    lx.punct(&f, '(')?;
                    let [x, y, l, w] = parse_rect_numbers(lx, &f)?;
                    lx.punct(&f, ')')?;
                    lx.punct(&f, ';')?;
                    rects.push(Rect { x_um: x, y_um: y, length_um: l, width_um: w });
                }
                if rects.is_empty() {
                    return Err(lx.unexpected(&field, "`position` or `rectangle`"));
                }
            }
            let mut powers = Vec::new();
            if lx.is_word("power") {
                let f = format!("{field}: power values");
                lx.next();
                lx.word(&f, "values")?;
                powers.push(lx.number(&f)?);
                while lx.is_punct(',') {
                    lx.next();
                    powers.push(lx.number(&f)?);
                }
                lx.punct(&f, ';')?;
            }
            elements.push(FloorplanElement { name, rects, powers_w: powers, line });
        }
        if elements.is_empty() {
            return Err(lx.unexpected("floorplan", "at least one floorplan element"));
        }
        Ok(Floorplan { file: file.into(), elements })
    }
}
