//! Writing files so that a failure leaves nothing half-written.
//!
//! Every file is first written in full to a hidden temporary name in the destination
//! directory, then renamed over its final name (a rename within one directory is atomic on
//! POSIX file systems). If any write fails, every temporary file is removed and no final
//! file is touched.

use anyhow::Context;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `files` (name, contents) into `directory`, creating it if needed.
///
/// # Errors
/// If the directory cannot be created or a file cannot be written; nothing is left behind.
pub fn write_all_atomically(
    directory: &Path,
    files: &[(&str, &[u8])],
) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(directory)
        .with_context(|| format!("cannot create output directory {}", directory.display()))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staging = (|| -> anyhow::Result<()> {
        for (name, contents) in files {
            let final_path = directory.join(name);
            let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
            staged.push((temporary.clone(), final_path));
            let mut file = fs::File::create(&temporary).with_context(|| {
                format!("cannot write in output directory {}", directory.display())
            })?;
            file.write_all(contents)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", temporary.display()))?;
        }
        Ok(())
    })();
    if let Err(error) = staging {
        for (temporary, _) in &staged {
            let _ = fs::remove_file(temporary);
        }
        return Err(error);
    }
    let mut written = Vec::new();
    for (temporary, final_path) in staged {
        fs::rename(&temporary, &final_path).with_context(|| {
            format!("cannot move {} to {}", temporary.display(), final_path.display())
        })?;
        written.push(final_path);
    }
    Ok(written)
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
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name =
        path.file_name().with_context(|| format!("{} is not a file path", path.display()))?;
    write_all_atomically(&directory, &[(&name.to_string_lossy(), contents)])?;
    Ok(())
}
