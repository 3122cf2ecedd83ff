//! The tokenizer shared by the stack and floorplan readers: tokens, the reserved keywords of
//! each grammar, and the `Lexer` cursor whose helpers read one expected token and name the
//! file, line and field of what they find instead.

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
pub(super) const STACK_KEYWORDS: &[&str] = &[
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

pub(super) const FLOORPLAN_KEYWORDS: &[&str] =
    &["dimension", "position", "power", "rectangle", "values", "discretization", "material"];

pub(super) struct Lexer<'a> {
    pub(super) file: &'a str,
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
    pub(super) fn new(
        file: &'a str,
        text: &str,
        keywords: &'a [&'a str],
    ) -> Result<Self, ParseError> {
        Ok(Lexer { file, tokens: lex(file, text)?, at: 0, keywords })
    }

    pub(super) fn peek(&self) -> &Tok {
        &self.tokens[self.at].0
    }

    pub(super) fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].0
    }

    pub(super) fn line(&self) -> usize {
        self.tokens[self.at].1
    }

    pub(super) fn next(&mut self) -> (Tok, usize) {
        let token = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    pub(super) fn error(&self, field: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: self.line(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub(super) fn unexpected(&self, field: &str, expected: &str) -> ParseError {
        self.error(field, format!("expected {expected}, found {}", self.peek().describe()))
    }

    pub(super) fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w == word)
    }

    pub(super) fn is_punct(&self, c: char) -> bool {
        matches!(self.peek(), Tok::Punct(p) if *p == c)
    }

    pub(super) fn word(&mut self, field: &str, word: &str) -> Result<(), ParseError> {
        if self.is_word(word) {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(field, &format!("`{word}`")))
        }
    }

    pub(super) fn words(&mut self, field: &str, words: &[&str]) -> Result<(), ParseError> {
        for word in words {
            self.word(field, word)?;
        }
        Ok(())
    }

    pub(super) fn punct(&mut self, field: &str, c: char) -> Result<(), ParseError> {
        if self.is_punct(c) {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(field, &format!("`{c}`")))
        }
    }

    pub(super) fn number(&mut self, field: &str) -> Result<f64, ParseError> {
        match self.peek().clone() {
            Tok::Number(value) => {
                self.next();
                Ok(value)
            }
            _ => Err(self.unexpected(field, "a number")),
        }
    }

    pub(super) fn positive(&mut self, field: &str) -> Result<f64, ParseError> {
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

    pub(super) fn non_negative(&mut self, field: &str) -> Result<f64, ParseError> {
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

    pub(super) fn identifier(&mut self, field: &str) -> Result<(String, usize), ParseError> {
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

    pub(super) fn path(&mut self, field: &str) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Path(path) => {
                self.next();
                Ok(path)
            }
            _ => Err(self.unexpected(field, "a quoted path")),
        }
    }
}

pub(super) fn statement(
    lx: &mut Lexer<'_>,
    field: &str,
    words: &[&str],
) -> Result<f64, ParseError> {
    lx.words(field, words)?;
    let value = lx.positive(field)?;
    lx.punct(field, ';')?;
    Ok(value)
}
