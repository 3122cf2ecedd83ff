//! Reading input files: only regular files (a FIFO, device or directory would block or never
//! end), and at most a stated size, so that no input can hang the command or exhaust memory.

use crate::Failure;
use std::io::Read;
use std::path::Path;

/// The largest input file read, bytes (256 MB: a scenario is ~60 kB, a signals file of
/// 10,000 rows ~0.5 MB; HotSpot power traces are the only large inputs).
pub(crate) const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The text of the regular file at `path` (`what` names it in errors).
///
/// # Errors
/// [`Failure::Input`] when the file is missing, not a regular file, larger than
/// [`MAX_INPUT_BYTES`] or not UTF-8.
pub(crate) fn read_text(path: &Path, what: &str) -> Result<String, Failure> {
    let fail = |message: String| Failure::Input(anyhow::anyhow!(message));
    let shown = path.display();
    let metadata = std::fs::metadata(path)
        .map_err(|error| fail(format!("cannot read {what} {shown}: {error}")))?;
    if !metadata.is_file() {
        let kind = if metadata.is_dir() {
            "a directory"
        } else {
            "not a regular file (a pipe, socket or device would block or never end)"
        };
        return Err(fail(format!("cannot read {what} {shown}: it is {kind}; give a regular file")));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(fail(format!(
            "cannot read {what} {shown}: {} bytes, more than the {MAX_INPUT_BYTES} bytes read",
            metadata.len()
        )));
    }
    let file = std::fs::File::open(path)
        .map_err(|error| fail(format!("cannot read {what} {shown}: {error}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| fail(format!("cannot read {what} {shown}: {error}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(fail(format!(
            "cannot read {what} {shown}: it grew past the {MAX_INPUT_BYTES} bytes read"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|error| fail(format!("cannot read {what} {shown}: not UTF-8 text ({error})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<String, Failure>) -> String {
        match result {
            Err(Failure::Input(error)) => error.to_string(),
            Err(Failure::Internal(error)) => panic!("internal: {error}"),
            Ok(text) => panic!("read {text:?}"),
        }
    }

    #[test]
    fn reads_regular_files_and_refuses_directories_missing_files_and_binary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        assert_eq!(read_text(&path, "scenario file").ok().as_deref(), Some("x = 1\n"));
        let text = message(read_text(dir.path(), "scenario file"));
        assert!(text.contains("it is a directory"), "{text}");
        let text = message(read_text(&dir.path().join("missing"), "signals file"));
        assert!(text.starts_with("cannot read signals file"), "{text}");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        assert!(message(read_text(&path, "x")).contains("not UTF-8"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        // Opening a FIFO with no writer blocks forever; the check looks at its type first.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("scenario.toml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|status| status.success()) {
            // mkfifo is part of POSIX; a system without it cannot make the case.
            return;
        }
        let text = message(read_text(&fifo, "scenario file"));
        assert!(text.contains("not a regular file"), "{text}");
    }
}
