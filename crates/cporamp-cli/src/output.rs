//! Writing files so that a failure leaves nothing half-written and a run's files are all new
//! or all old.
//!
//! Every file is first written in full to a hidden temporary name in the destination
//! directory (`.NAME.PID.tmp`). Then the files that already exist are moved aside to
//! `.NAME.PID.old`, the temporaries are renamed over their final names (a rename within one
//! directory is atomic on POSIX file systems), and the old copies are removed. If a write or a
//! rename fails, the temporaries are removed and the old files are put back. Temporaries left
//! by a killed process (its PID no longer running) are removed by the next write into the
//! same directory. Output locations are checked with [`check_directory`] and [`check_file`]
//! before any engine runs.

use anyhow::Context;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Checks that `directory` is, or can be created as, a writable directory, without creating
/// it: its nearest existing ancestor must be a directory in which a file can be created.
///
/// # Errors
/// Names the path and what is wrong with it.
pub fn check_directory(directory: &Path) -> anyhow::Result<()> {
    if directory.exists() && !directory.is_dir() {
        anyhow::bail!("output directory {} is a file, not a directory", directory.display());
    }
    let mut ancestor = directory;
    while !ancestor.exists() {
        ancestor = match ancestor.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
    }
    if !ancestor.is_dir() {
        anyhow::bail!(
            "cannot create output directory {}: {} is not a directory",
            directory.display(),
            ancestor.display()
        );
    }
    let probe = ancestor.join(format!(".cporamp-probe.{}.tmp", std::process::id()));
    fs::File::create(&probe).and_then(|_| fs::remove_file(&probe)).with_context(|| {
        format!(
            "cannot create output directory {}: cannot write in {}",
            directory.display(),
            ancestor.display()
        )
    })?;
    Ok(())
}

/// Checks that the file `path` can be written (`--output FILE`), without writing it.
///
/// # Errors
/// Names the path and what is wrong with it.
pub fn check_file(path: &Path) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!("output file {} is a directory", path.display());
    }
    path.file_name().with_context(|| format!("{} is not a file path", path.display()))?;
    check_directory(&parent_of(path)).with_context(|| format!("cannot write {}", path.display()))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether the process `pid` is running (Linux: `/proc/PID`; elsewhere assumed running, so
/// nothing of another process is removed).
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Removes `.NAME.PID.tmp` and `.NAME.PID.old` files of `names` left by processes that are
/// no longer running.
fn remove_stale(directory: &Path, names: &[&str]) {
    let Ok(entries) = fs::read_dir(directory) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        for name in names {
            let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else { continue };
            let pid = rest.strip_suffix(".tmp").or_else(|| rest.strip_suffix(".old"));
            if let Some(pid) = pid.and_then(|pid| pid.parse::<u32>().ok())
                && pid != std::process::id()
                && !running(pid)
            {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Writes `files` (name, contents) into `directory`, creating it if needed: all new or all
/// old (see the module docs).
///
/// # Errors
/// If the directory cannot be created or a file cannot be written or moved into place;
/// nothing is left behind and the old files are kept.
pub fn write_all_atomically(
    directory: &Path,
    files: &[(&str, &[u8])],
) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(directory)
        .with_context(|| format!("cannot create output directory {}", directory.display()))?;
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    remove_stale(directory, &names);
    let pid = std::process::id();
    let temporary = |name: &str| directory.join(format!(".{name}.{pid}.tmp"));
    let mut staged: Vec<PathBuf> = Vec::new();
    let staging = (|| -> anyhow::Result<()> {
        for (name, contents) in files {
            let path = temporary(name);
            staged.push(path.clone());
            let mut file = fs::File::create(&path).with_context(|| {
                format!("cannot write in output directory {}", directory.display())
            })?;
            file.write_all(contents)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    })();
    let remove_staged = || {
        for path in &staged {
            let _ = fs::remove_file(path);
        }
    };
    if let Err(error) = staging {
        remove_staged();
        return Err(error);
    }
    if let Err(error) = swap_into_place(directory, &names, |from, to| fs::rename(from, to)) {
        remove_staged();
        return Err(error);
    }
    Ok(names.iter().map(|name| directory.join(name)).collect())
}

/// Moves the old files of `names` aside, the staged ones in, and removes the old ones; on any
/// failure puts the old files back (the caller removes the staged ones).
fn swap_into_place(
    directory: &Path,
    names: &[&str],
    rename: impl Fn(&Path, &Path) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let pid = std::process::id();
    let temporary = |name: &str| directory.join(format!(".{name}.{pid}.tmp"));
    let backup = |name: &str| directory.join(format!(".{name}.{pid}.old"));
    let mut moved_aside: Vec<&str> = Vec::new();
    let mut placed: Vec<&str> = Vec::new();
    let swap = (|| -> anyhow::Result<()> {
        for name in names {
            let final_path = directory.join(name);
            if final_path.exists() {
                rename(&final_path, &backup(name))
                    .with_context(|| format!("cannot replace {}", final_path.display()))?;
                moved_aside.push(name);
            }
        }
        for name in names {
            let final_path = directory.join(name);
            rename(&temporary(name), &final_path)
                .with_context(|| format!("cannot write {}", final_path.display()))?;
            placed.push(name);
        }
        Ok(())
    })();
    if swap.is_err() {
        for name in placed {
            let _ = fs::remove_file(directory.join(name));
        }
        for name in moved_aside {
            let _ = fs::rename(backup(name), directory.join(name));
        }
    } else {
        for name in moved_aside {
            let _ = fs::remove_file(backup(name));
        }
    }
    swap
}

/// Writes one file atomically; refuses to overwrite unless `force`.
///
/// # Errors
/// If the file exists and `force` is false, or it cannot be written.
pub fn write_new_file(path: &Path, contents: &str, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        anyhow::bail!("{} already exists; pass --force to overwrite it", path.display());
    }
    write_file(path, contents.as_bytes())
}

/// Writes one file atomically, replacing it if it exists (`--output FILE`).
///
/// # Errors
/// If the path has no file name or the file cannot be written.
pub fn write_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let name =
        path.file_name().with_context(|| format!("{} is not a file path", path.display()))?;
    write_all_atomically(&parent_of(path), &[(&name.to_string_lossy(), contents)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_of_files_replaces_the_old_set_and_stale_temporaries_go() {
        let directory = tempfile::tempdir().unwrap();
        let dir = directory.path();
        write_all_atomically(dir, &[("a.json", b"old a"), ("b.html", b"old b")]).unwrap();
        // A killed run's leftovers: PID 0 is never a user process.
        fs::write(dir.join(".a.json.0.tmp"), "partial").unwrap();
        fs::write(dir.join(".b.html.0.old"), "partial").unwrap();
        write_all_atomically(dir, &[("a.json", b"new a"), ("b.html", b"new b")]).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.json")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(dir.join("b.html")).unwrap(), "new b");
        let mut left: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["a.json", "b.html"]);
    }

    #[test]
    fn a_failed_move_keeps_the_old_set_whole() {
        let directory = tempfile::tempdir().unwrap();
        let dir = directory.path();
        write_all_atomically(dir, &[("a.json", b"old a"), ("b.html", b"old b")]).unwrap();
        let pid = std::process::id();
        for (name, text) in [("a.json", "new a"), ("b.html", "new b")] {
            fs::write(dir.join(format!(".{name}.{pid}.tmp")), text).unwrap();
        }
        // The second file's move into place fails after the first has moved.
        let second = format!(".b.html.{pid}.tmp");
        let failing = |from: &Path, to: &Path| {
            if from.file_name().is_some_and(|name| name.to_string_lossy() == second) {
                Err(std::io::Error::other("disk full"))
            } else {
                fs::rename(from, to)
            }
        };
        let error = swap_into_place(dir, &["a.json", "b.html"], failing).unwrap_err();
        assert!(format!("{error:#}").contains("disk full"), "{error:#}");
        assert_eq!(fs::read_to_string(dir.join("a.json")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(dir.join("b.html")).unwrap(), "old b");
        let old: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".old"))
            .collect();
        assert!(old.is_empty(), "{old:?}");
    }

    #[test]
    fn output_locations_are_checked_without_writing() {
        let directory = tempfile::tempdir().unwrap();
        let dir = directory.path();
        fs::write(dir.join("file"), "x").unwrap();
        assert!(check_directory(&dir.join("new/deeper")).is_ok());
        assert!(!dir.join("new").exists(), "the check creates nothing");
        let below_file = check_directory(&dir.join("file/out")).unwrap_err().to_string();
        assert!(below_file.contains("is not a directory"), "{below_file}");
        let is_file = check_directory(&dir.join("file")).unwrap_err().to_string();
        assert!(is_file.contains("is a file"), "{is_file}");
        assert!(check_file(&dir.join("out.csv")).is_ok());
        assert!(check_file(dir).is_err());
        assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
    }
}
