//! Code invariants checked as tests (as rust-analyzer's `tidy`): every source file opens
//! with a module doc; no should-panic or ignored tests; every library crate carries the
//! same `clippy.toml` that bans I/O, printing, clocks and unseeded RNGs; no file of the
//! repository points outside it; every dimensioned field of an engine's settings and inputs
//! is a unit newtype.

use std::path::{Path, PathBuf};

fn crates_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_files(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_source_file_starts_with_a_module_doc_and_has_no_banned_attributes() {
    let mut files = Vec::new();
    rust_files(&crates_directory(), &mut files);
    assert!(files.len() > 10, "the walk found the sources");
    let should_panic = ["#[should", "_panic]"].concat();
    let ignore = ["#[ig", "nore]"].concat();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} must start with a //! module doc", file.display());
        assert!(
            !text.contains(&should_panic),
            "{}: assert on the Err instead of a should-panic attribute",
            file.display()
        );
        assert!(
            !text.contains(&ignore),
            "{}: no ignored tests; assert the current behaviour with a FIXME",
            file.display()
        );
    }
}

#[test]
fn every_library_crate_bans_io_printing_clocks_and_unseeded_rngs() {
    let reference =
        std::fs::read_to_string(crates_directory().join("cporamp-core/clippy.toml")).unwrap();
    assert!(
        reference.contains("std::fs::write")
            && reference.contains("std::println")
            && reference.contains("rand::thread_rng")
    );
    for entry in std::fs::read_dir(crates_directory()).unwrap() {
        let crate_directory = entry.unwrap().path();
        if crate_directory.ends_with("cporamp-cli") || crate_directory.ends_with("cporamp-serve") {
            continue; // the CLI and the web server are the edges that do I/O
        }
        let clippy =
            std::fs::read_to_string(crate_directory.join("clippy.toml")).unwrap_or_else(|_| {
                panic!("{} needs the engine clippy.toml", crate_directory.display())
            });
        assert_eq!(
            clippy,
            reference,
            "{} clippy.toml differs from cporamp-core's",
            crate_directory.display()
        );
    }
}

/// Directories the walk skips: `.git`, and every directory `.gitignore` names (`target/`,
/// `cporamp-out/`): build and run outputs, not files of the repository.
fn skipped_directories(root: &Path) -> Vec<String> {
    let ignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    let mut skipped: Vec<String> = ignore
        .lines()
        .filter_map(|line| line.trim().strip_suffix('/'))
        .map(|name| name.trim_start_matches('/').to_string())
        .collect();
    assert!(skipped.iter().any(|name| name == "target"), "{skipped:?}");
    skipped.push(".git".to_string());
    skipped
}

fn repository_files(directory: &Path, skipped: &[String], found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if skipped.contains(&name) {
            continue;
        }
        if path.is_dir() {
            repository_files(&path, skipped, found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn no_file_of_the_repository_points_outside_it() {
    // A user's clone is the repository alone: nothing built, tested, benched, run or cited
    // may name the workspace folders beside it or the notes that live there. The patterns
    // are split so that this file does not match itself.
    let patterns = [
        ["../", "shared"].concat(),
        ["shared/", "reference"].concat(),
        ["shared/", "peers"].concat(),
        ["shared/", "DESIGN"].concat(),
        ["shared/", "STYLE"].concat(),
        ["parameters", ".md"].concat(),
        ["parameters-power-", "cooling-market"].concat(),
        ["parameters-reliability", "-yield"].concat(),
        ["seed-", "article.txt"].concat(),
        ["hotspot/", "MODEL.md"].concat(),
    ];
    // Files allowed to match, with the reason. Empty: nothing needs to.
    let allowed: [&str; 0] = [];
    let root = crates_directory().parent().unwrap().to_path_buf();
    let mut files = Vec::new();
    repository_files(&root, &skipped_directories(&root), &mut files);
    assert!(
        files.iter().any(|file| file.ends_with(".ci/run"))
            && files.iter().any(|file| file.ends_with("docs/sources.md"))
            && files.len() > 90,
        "the walk found the repository ({} files)",
        files.len()
    );
    let mut found = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        if allowed.contains(&relative.as_str()) {
            continue;
        }
        let bytes = std::fs::read(file).unwrap();
        for pattern in &patterns {
            if bytes.windows(pattern.len()).any(|window| window == pattern.as_bytes()) {
                found.push(format!("{relative}: {pattern}"));
            }
        }
    }
    assert!(found.is_empty(), "files that point outside the repository: {found:#?}");
}

/// What Markdown does to TeX inside `math`, a span between dollars of a doc comment: eats the
/// backslash of `\,` and the like, or reads `*` and `_` after a bracket as emphasis.
fn markdown_damage(math: &str) -> Option<&'static str> {
    let starts_a_block = |line: &str| {
        let line = line.trim_start();
        ["- ", "+ ", "* ", "#", ">"].iter().any(|start| line.starts_with(start))
    };
    if math.lines().skip(1).any(starts_a_block) {
        return Some(
            "a line of the equation starts a Markdown list or heading: end the line above with the operator",
        );
    }
    let chars: Vec<char> = math.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        let previous = if k > 0 { chars[k - 1] } else { ' ' };
        let next = chars.get(k + 1).copied().unwrap_or(' ');
        if c == '\\' && previous != '\\' && ",;!{}|#%$".contains(next) {
            return Some(
                "Markdown eats the backslash of \\, \\; \\! \\{ \\} \\| \\# \\% \\$: write \
                 \\thinspace, \\lbrace, \\rbrace, \\Vert, \\\\# or \\\\%",
            );
        }
        if c == '*' && previous != '\\' {
            return Some("Markdown reads * as emphasis: write \\ast");
        }
        if c == '_' && "})]".contains(previous) {
            return Some("Markdown reads _ after a bracket as emphasis: write \\_");
        }
    }
    None
}

/// The problems of one doc block's text (its lines joined, fenced code left out): math spans
/// that Markdown would damage, and a dollar without its pair.
fn doc_math_problems(text: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['`', '$']) {
        let after = &rest[start..];
        if let Some(code) = after.strip_prefix('`') {
            match code.find('`') {
                Some(end) => rest = &code[end + 1..],
                None => break,
            }
            continue;
        }
        let delimiter = if after.starts_with("$$") { "$$" } else { "$" };
        let body = &after[delimiter.len()..];
        let Some(end) = body.find(delimiter) else {
            problems.push("a $ without its pair: write USD for money");
            break;
        };
        problems.extend(markdown_damage(&body[..end]));
        rest = &body[end + delimiter.len()..];
    }
    problems
}

#[test]
fn doc_comment_equations_survive_markdown_for_katex() {
    assert!(doc_math_problems("$a\\thinspace b$ and `$x` and $$\\lbrace c\\_d \\ast$$").is_empty());
    assert_eq!(doc_math_problems("$F\\,E$").len(), 1);
    assert_eq!(doc_math_problems("$\\text{a}_b$").len(), 1);
    assert_eq!(doc_math_problems("costs $5 a unit").len(), 1);
    assert_eq!(doc_math_problems("$$ a\n   - b $$").len(), 1);
    let mut files = Vec::new();
    rust_files(&crates_directory(), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut index = 0;
        while index < lines.len() {
            let kind =
                ["//!", "///"].into_iter().find(|kind| lines[index].trim_start().starts_with(kind));
            let Some(kind) = kind else {
                index += 1;
                continue;
            };
            let first = index;
            let mut block = String::new();
            let mut fenced = false;
            while index < lines.len() && lines[index].trim_start().starts_with(kind) {
                let body = lines[index].trim_start()[kind.len()..].trim_start();
                if body.starts_with("```") {
                    fenced = !fenced;
                } else if !fenced {
                    block.push_str(body);
                    block.push('\n');
                }
                index += 1;
            }
            for problem in doc_math_problems(&block) {
                found.push(format!("{}:{}: {problem}", file.display(), first + 1));
            }
        }
    }
    assert!(found.is_empty(), "doc comments whose TeX rustdoc would damage: {found:#?}");
}

/// Whether a field named `name` holds a dimensioned quantity that needs a unit type: its name
/// ends with a unit (`_mm`, `_c`, `_usd_per_h`, ...). A coefficient that relates two units
/// (`ring_drift_nm_per_k`, `laser_weak_rate_per_h`) keeps `f64` with its unit in the name.
fn names_a_dimensioned_quantity(name: &str) -> bool {
    const COMPOUND: [&str; 8] = [
        "_l_per_min",
        "_k_per_w",
        "_k_mm2_per_w",
        "_usd_per_h",
        "_w_per_mk",
        "_j_per_m3k",
        "_j_per_kgk",
        "_kg_per_m3",
    ];
    const SIMPLE: [&str; 19] = [
        "_c", "_k", "_mm", "_um", "_nm", "_s", "_h", "_w", "_kw", "_db", "_dbm", "_usd", "_mw",
        "_hz", "_mrad", "_gbps", "_pa_s", "_kpa", "_years",
    ];
    if name == "years" || name == "usd" {
        return true;
    }
    if COMPOUND.iter().any(|suffix| name.ends_with(suffix)) {
        return true;
    }
    !name.contains("_per_") && SIMPLE.iter().any(|suffix| name.ends_with(suffix))
}

/// Every dimensioned field of `text`'s settings and inputs structs that is a bare number:
/// `Struct.field`. The structs are those named `*Settings` or `*Inputs` and, in a `settings`
/// module or an `inputs.rs`, every struct.
fn bare_dimensioned_fields(text: &str, every_struct: bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let checked = every_struct || name.ends_with("Settings") || name.ends_with("Inputs");
            current = (checked && rest.trim_end().ends_with('{')).then_some(name);
        } else if line.starts_with('}') {
            current = None;
        } else if let (Some(name), Some(field)) = (&current, line.trim().strip_prefix("pub ")) {
            let Some((field, ty)) = field.split_once(": ") else { continue };
            let bare = ["f64,", "Option<f64>,", "Vec<f64>,"].contains(&ty.trim());
            if bare && names_a_dimensioned_quantity(field) {
                found.push(format!("{name}.{field}"));
            }
        }
    }
    found
}

#[test]
fn engine_settings_and_inputs_carry_units_in_types() {
    assert!(names_a_dimensioned_quantity("nominal_inlet_c"));
    assert!(names_a_dimensioned_quantity("flow_l_per_min"));
    assert!(names_a_dimensioned_quantity("years"));
    assert!(names_a_dimensioned_quantity("usd"));
    assert!(!names_a_dimensioned_quantity("ring_drift_nm_per_k"));
    assert!(!names_a_dimensioned_quantity("busy_fraction"));
    let sample = "pub struct ColdPlate {\n    pub nominal_inlet_c: f64,\n    pub kind: Kind,\n}\n\
                  pub struct Board {\n    pub air_temp_c: Celsius,\n}\n";
    assert_eq!(bare_dimensioned_fields(sample, true), ["ColdPlate.nominal_inlet_c"]);
    assert!(bare_dimensioned_fields(sample, false).is_empty(), "not a *Settings or *Inputs");
    let mut found = Vec::new();
    let mut checked = 0;
    for engine in ["thermal", "photonics", "yield", "fleet", "market", "align"] {
        let mut files = Vec::new();
        rust_files(&crates_directory().join(format!("cporamp-{engine}/src")), &mut files);
        for file in files {
            // The engine's boundary: its settings module, its inputs and the settings and
            // inputs at its crate root. A model's internal parameter block (the lock loop's
            // samples, HotSpot mode's config in HotSpot's own units) is not a boundary.
            let path = file.to_string_lossy().replace('\\', "/");
            let every_struct = path.contains("/settings") || path.ends_with("/inputs.rs");
            if !every_struct && !path.ends_with("/src/lib.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            checked += usize::from(text.contains("Settings {") || text.contains("Inputs {"));
            found.extend(
                bare_dimensioned_fields(&text, every_struct)
                    .into_iter()
                    .map(|field| format!("{}: {field}", file.display())),
            );
        }
    }
    assert!(checked >= 6, "the walk found the engines' settings and inputs");
    // The sections the scenario crate owns: the generations, the technologies, `[service]`,
    // `[cost]` and `[codesign]` (which its engine reads from here).
    for name in ["lib.rs", "technology.rs", "codesign.rs"] {
        let file = crates_directory().join("cporamp-scenario/src").join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        found.extend(
            bare_dimensioned_fields(&text, true)
                .into_iter()
                .map(|field| format!("{}: {field}", file.display())),
        );
    }
    assert!(
        found.is_empty(),
        "dimensioned fields at an engine boundary must be unit newtypes of cporamp_core::units \
         (ARCHITECTURE: units in names and types):\n{}",
        found.join("\n")
    );
}
