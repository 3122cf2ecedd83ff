//! Code invariants checked as tests (as rust-analyzer's `tidy`): every source file opens
//! with a module doc; no should-panic or ignored tests; every library crate carries the
//! same `clippy.toml` that bans I/O, printing, clocks and unseeded RNGs; no file of the
//! repository points outside it.

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
