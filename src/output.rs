//! Writing an output file atomically (`--output FILE`, the CloudFront plan file).
//!
//! A report is written to a temporary file in the target's directory, flushed, synced to disk,
//! and only then renamed over the target. Whoever reads the target (node_exporter's textfile
//! collector, a CI step, a person) sees the old file or the whole new one, never half of
//! either; when writing fails the old file is left exactly as it was and the temporary file is
//! removed. This module never decides what to write: the renderer is passed in.
//!
//! Details the caller may rely on:
//! - The temporary file is `.NAME.XXXXXX.tmp` beside the target, so the rename never crosses a
//!   file system and a textfile collector (which reads `*.prom`) never picks it up.
//! - [`write_atomically`] keeps the permission bits of an existing target, else uses 0644 (a
//!   monitoring agent running as another user must read it); the owner becomes the writer.
//!   [`write_private_atomically`] always uses 0600.
//! - A symbolic link at the target is followed: the file it points to is replaced, the link
//!   stays, as when the file was opened for writing directly.
//! - After the rename the directory is synced as well, best effort: a file system that refuses
//!   to sync a directory does not turn a completed replacement into an error.

use std::ffi::OsString;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Mode of a new report file: readable by a monitoring agent running as another user.
#[cfg(unix)]
const PUBLIC_MODE: u32 = 0o644;
/// Mode of a file that may hold account details (the CloudFront plan): the owner only.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

/// Replaces `path` with what `contents` writes, atomically. Keeps the permission bits of an
/// existing file, else creates it 0644.
///
/// On any error (from `contents` or from the file system) the old file is untouched and no
/// temporary file is left behind.
pub(crate) fn write_atomically(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = StreamingFile::create(path)?;
    contents(&mut file)?;
    file.commit()
}

/// As [`write_atomically`], but the file is always mode 0600, whatever the old one had.
pub(crate) fn write_private_atomically(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = StreamingFile::create_private(path)?;
    contents(&mut file)?;
    file.commit()
}

/// Checks, before any work, that [`write_atomically`] could replace `path`: its directory
/// exists and takes a temporary file. Nothing is left behind and an existing file is untouched.
pub(crate) fn check_writable(path: &Path) -> io::Result<()> {
    let target = follow_symlink(path)?;
    let dir = directory_of(&target);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the directory {} does not exist", dir.display()),
        ));
    }
    // The same steps as a real write up to the first byte; dropping it removes the temp file.
    // The temporary name is no use to the reader, so the error names the directory.
    StreamingFile::create_private(&target)
        .map(drop)
        .map_err(|e| {
            let why = os_reason(&e);
            io::Error::new(
                e.kind(),
                format!("the directory {} takes no new file: {why}", dir.display()),
            )
        })
}

/// The operating system's words for an error (`Permission denied (os error 13)`), without the
/// temporary path `tempfile` appends to its messages (`... at path "/dir/.x.tmp"`), which is no
/// use to the reader (its inner error is not reachable through `source`).
fn os_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

/// A file written over time (JSON Lines, as each origin finishes) that replaces its target
/// only on [`StreamingFile::commit`]: until then readers see the old file, and if it is dropped
/// without committing, the temporary file is removed and the old file is untouched. The whole-
/// file writers above are built on it.
#[derive(Debug)]
pub(crate) struct StreamingFile {
    target: PathBuf,
    writer: BufWriter<tempfile::NamedTempFile>,
}

impl StreamingFile {
    /// Starts a replacement for `path`, keeping an existing file's permission bits (else 0644).
    pub(crate) fn create(path: &Path) -> io::Result<StreamingFile> {
        let target = follow_symlink(path)?;
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            match fs::metadata(&target) {
                Ok(meta) => meta.permissions().mode() & 0o777,
                Err(e) if e.kind() == io::ErrorKind::NotFound => PUBLIC_MODE,
                Err(e) => return Err(e),
            }
        };
        #[cfg(not(unix))]
        let mode = ();
        StreamingFile::with_mode(target, mode)
    }

    /// Starts a replacement for `path` that will be mode 0600.
    pub(crate) fn create_private(path: &Path) -> io::Result<StreamingFile> {
        let target = follow_symlink(path)?;
        #[cfg(unix)]
        let mode = PRIVATE_MODE;
        #[cfg(not(unix))]
        let mode = ();
        StreamingFile::with_mode(target, mode)
    }

    /// A temporary file `.NAME.XXXXXX.tmp` beside `target`, with `mode` set (by fchmod, so the
    /// umask does not apply) before the first byte is written. It is removed when dropped, so
    /// every error before the rename cleans up.
    fn with_mode(target: PathBuf, mode: Mode) -> io::Result<StreamingFile> {
        let Some(name) = target.file_name() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a file", target.display()),
            ));
        };
        let mut prefix = OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let temp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(directory_of(&target))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temp.as_file()
                .set_permissions(fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let () = mode;
        Ok(StreamingFile {
            target,
            writer: BufWriter::new(temp),
        })
    }

    /// Flushes, syncs and renames the file over its target, then syncs the directory.
    ///
    /// The directory sync only makes the rename itself survive a crash; its failure (some file
    /// systems refuse to sync a directory) is ignored, since the new file is already in place
    /// and reporting an error would suggest the old one still is.
    pub(crate) fn commit(self) -> io::Result<()> {
        let temp = self.writer.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        temp.persist(&self.target).map_err(|e| e.error)?;
        #[cfg(unix)]
        if let Ok(dir) = fs::File::open(directory_of(&self.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Write for StreamingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(unix)]
type Mode = u32;
#[cfg(not(unix))]
type Mode = ();

/// The file a symbolic link at `path` points to (resolved fully), or `path` itself.
fn follow_symlink(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => Ok(target),
            // A dangling link: create the file where it points, as opening it would.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let link = fs::read_link(path)?;
                Ok(match path.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                })
            }
            Err(e) => Err(e),
        },
        _ => Ok(path.to_owned()),
    }
}

/// The directory `target` is in; `.` for a bare file name, whose parent is the empty path.
fn directory_of(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path)
            .expect("the file exists")
            .permissions()
            .mode()
            & 0o777
    }

    /// Every entry of `dir`, sorted: shows a temporary file left behind.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("the directory exists")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    fn failing(out: &mut dyn Write) -> io::Result<()> {
        // Half a report, then a failure: none of it may reach the target.
        out.write_all(b"# HELP half")?;
        Err(io::Error::other("renderer failed"))
    }

    #[test]
    fn creates_the_file_0644_with_the_contents() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("origin-probe.prom");
        write_atomically(&path, |out| out.write_all(b"new\n")).expect("writes");
        assert_eq!(fs::read(&path).expect("reads"), b"new\n");
        assert_eq!(mode(&path), 0o644);
        assert_eq!(entries(dir.path()), ["origin-probe.prom"]);
    }

    #[test]
    fn replaces_the_file_keeping_its_mode() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("report.json");
        fs::write(&path, "old").expect("writes");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomically(&path, |out| out.write_all(b"new")).expect("writes");
        assert_eq!(fs::read(&path).expect("reads"), b"new");
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("origin-probe.prom");
        fs::write(&path, "old contents\n").expect("writes");
        let err = write_atomically(&path, failing).expect_err("the writer failed");
        assert_eq!(err.to_string(), "renderer failed");
        assert_eq!(fs::read(&path).expect("reads"), b"old contents\n");
        assert_eq!(entries(dir.path()), ["origin-probe.prom"]);

        let err = write_private_atomically(&path, failing).expect_err("the writer failed");
        assert_eq!(err.to_string(), "renderer failed");
        assert_eq!(fs::read(&path).expect("reads"), b"old contents\n");
        assert_eq!(entries(dir.path()), ["origin-probe.prom"]);
    }

    #[test]
    fn a_failing_writer_creates_nothing() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("new.prom");
        write_atomically(&path, failing).expect_err("the writer failed");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_failing_rename_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("taken");
        fs::create_dir(&path).expect("mkdir");
        fs::write(path.join("inside"), "x").expect("writes");
        write_atomically(&path, |out| out.write_all(b"new")).expect_err("a directory is there");
        assert_eq!(entries(dir.path()), ["taken"]);
        assert_eq!(entries(&path), ["inside"]);
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("no/such/dir/report.json");
        let err = write_atomically(&path, |out| out.write_all(b"x")).expect_err("no directory");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn private_files_are_0600_even_over_a_readable_one() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("plan.json");
        write_private_atomically(&path, |out| out.write_all(b"{}")).expect("writes");
        assert_eq!(mode(&path), 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        write_private_atomically(&path, |out| out.write_all(b"{ }")).expect("writes");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(fs::read(&path).expect("reads"), b"{ }");
    }

    #[test]
    fn a_symlink_is_followed_not_replaced() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let real = dir.path().join("real.prom");
        let link = dir.path().join("link.prom");
        fs::write(&real, "old").expect("writes");
        std::os::unix::fs::symlink("real.prom", &link).expect("symlink");
        write_atomically(&link, |out| out.write_all(b"new")).expect("writes");
        assert!(
            fs::symlink_metadata(&link)
                .expect("exists")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).expect("reads"), b"new");
        assert_eq!(entries(dir.path()), ["link.prom", "real.prom"]);
    }

    #[test]
    fn a_bare_file_name_is_written_in_the_current_directory() {
        // Checked on the function that picks the directory: changing the process's directory
        // would race with the other tests.
        assert_eq!(directory_of(Path::new("report.json")), Path::new("."));
        assert_eq!(directory_of(Path::new("out/report.json")), Path::new("out"));
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let err = write_atomically(Path::new("/"), |_| Ok(())).expect_err("no file name");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn streaming_file_replaces_only_on_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.jsonl");
        fs::write(&path, "old\n").expect("write");
        let mut file = StreamingFile::create(&path).expect("create");
        file.write_all(b"new line\n").expect("write");
        file.flush().expect("flush");
        assert_eq!(fs::read_to_string(&path).expect("read"), "old\n");
        file.commit().expect("commit");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new line\n");
        let mut dropped = StreamingFile::create(&path).expect("create");
        dropped.write_all(b"never committed\n").expect("write");
        drop(dropped);
        assert_eq!(fs::read_to_string(&path).expect("read"), "new line\n");
        assert_eq!(
            fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temporary file left"
        );
    }
}
