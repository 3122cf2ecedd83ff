//! Code invariants checked as tests (as rust-analyzer's `tidy`): every source file opens
//! with a module doc; no should-panic or ignored tests; every library crate carries the
//! same `clippy.toml` that bans I/O, printing, clocks and unseeded RNGs.

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
        if crate_directory.ends_with("cporamp-cli") {
            continue; // the CLI is the edge that does I/O
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
