//! The bad-input catalogue's target lists (a file or stdin): bad lines, blank and comment lines,
//! duplicates, over-long and unterminated lines, each with its line number, the rest still probed.

use super::*;
use crate::support::RUN_DEADLINE;
use std::path::PathBuf;
use std::process::Stdio;

#[tokio::test(flavor = "multi_thread")]
async fn target_lists() {
    let env = Env::new().await;
    let (g, p) = (env.good(), env.port);
    let ready = Some("ready");
    let dir = env.dir.path().to_str().expect("utf8").to_string();
    let list = |name: &str, text: &str| env.file(name, text);
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe\x80\x81\n".to_vec();
    binary.extend_from_slice(g.as_bytes());
    let mut huge = vec![b'a'; 64 << 20];
    huge.push(b'\n');
    huge.extend_from_slice(g.as_bytes());
    let long_label = format!("{}.test:{p}", "a".repeat(300));
    let long_name = format!("{}:{p}", vec!["a".repeat(60); 5].join("."));
    let cases = vec![
        Case::new(
            "empty file",
            env.check(&["--input", &list("empty.txt", "")]),
        )
        .line(&["no targets"]),
        Case::new(
            "comments and blank lines only",
            env.check(&["--input", &list("comments.txt", "# fleet\n\n   \n\t# more\n")]),
        )
        .line(&["no targets"]),
        Case::new(
            "nonexistent file",
            env.check(&["--input", "/nonexistent/origins.txt"]),
        )
        .line(&["/nonexistent/origins.txt", "No such file"]),
        Case::new("directory as file", env.check(&["--input", &dir]))
            .line(&[&dir, "directory"]),
        // Endless NUL bytes: the read stops at the line cap and says why, instead of never
        // ending.
        Case::new("a device without line ends", env.check(&["--input", "/dev/zero"]))
            .line(&["/dev/zero", "line 1", "no line end within 128 MiB"]),
        Case::new(
            "binary file",
            env.check(&["--input", &env.file("bin.dat", &binary)]),
        )
        .line(&["bin.dat:1", "not valid UTF-8"])
        .probes("good.test", p, ready),
        // Line 1 proves the BOM and the CRLF are accepted: only line 2 may be reported.
        Case::new(
            "UTF-8 BOM and CRLF lines",
            env.check(&[
                "--input",
                &list("bom.txt", &format!("\u{feff}{g}\r\nbad.test:0\r\n")),
            ]),
        )
        .line(&["bom.txt:2", "\"bad.test:0\"", "port \"0\" is not"])
        .probes("good.test", p, ready),
        Case::new(
            "bad ports in a file, one line each",
            env.check(&[
                "--input",
                &list(
                    "ports.txt",
                    &format!("# fleet\n{g}\nbad.test:99999\nbad.test:\n:443\nbad.test:0\n"),
                ),
            ]),
        )
        .line(&["ports.txt:3", "port \"99999\""])
        .line(&["ports.txt:4", "missing port"])
        .line(&["ports.txt:5", "missing host"])
        .line(&["ports.txt:6", "port \"0\""])
        .probes("good.test", p, ready),
        Case::new(
            "bad port in an argument",
            env.check(&["bad.test:99999", &g]),
        )
        .line(&["argument 1", "port \"99999\""])
        .probes("good.test", p, ready),
        Case::new(
            "a 300-character label",
            env.check(&["--input", &list("label.txt", &format!("{long_label}\n{g}\n"))]),
        )
        .line(&["label.txt:1", "longer than 63 characters"])
        .probes("good.test", p, ready),
        Case::new(
            "a name over 253 characters",
            env.check(&["--input", &list("name.txt", &format!("{long_name}\n{g}\n"))]),
        )
        .line(&["name.txt:1", "longer than 253 characters"])
        .probes("good.test", p, ready),
        Case::new(
            "IPv6 with brackets, good and bad",
            env.check(&[
                "--input",
                &list(
                    "v6.txt",
                    &format!("[::1]:{p}\n[::1]\n[::1]:0\n[good.test]:{p}\n[::1\n{g}\n"),
                ),
            ]),
        )
        .line(&["v6.txt:3", "port \"0\""])
        .line(&["v6.txt:4", "not an IPv6 address"])
        .line(&["v6.txt:5", "unclosed '['"])
        .probes("::1", p, None)
        .probes("::1", 443, None)
        .probes("good.test", p, ready),
        Case::new(
            "IPv6 with a port but no brackets",
            env.check(&[
                "--input",
                &list(
                    "bare-v6.txt",
                    &format!("2001:db8::1:443\n2001:db8:0:0:0:0:0:1:8443\n{g}\n"),
                ),
            ]),
        )
        .line(&["bare-v6.txt:1", "ambiguous", "[2001:db8::1]:443"])
        .line(&["bare-v6.txt:2", "needs brackets", "[2001:db8:0:0:0:0:0:1]:8443"])
        .probes("good.test", p, ready),
        // bücher.test is valid and probed (the certificate does not cover it); the others are
        // not names an IDNA-aware client would look up.
        Case::new(
            "Unicode names, valid and invalid",
            env.check(&[
                "--input",
                &list(
                    "idna.txt",
                    &format!(
                        "Bücher.test:{p}\na\u{202e}b.test:{p}\nxn--.test:{p}\n-bad.test:{p}\n1.2.3:{p}\n{g}\n"
                    ),
                ),
            ]),
        )
        .line(&["idna.txt:2", "internationalised", "\\u{202e}"])
        .line(&["idna.txt:3", "internationalised"])
        .line(&["idna.txt:4", "\"-bad\"", "'-'"])
        .line(&["idna.txt:5", "is a number"])
        .probes("xn--bcher-kva.test", p, Some("would-502"))
        .probes("good.test", p, ready),
        Case::new(
            "duplicate targets are probed once, without error",
            env.check(&[
                "--input",
                &list(
                    "dups.txt",
                    &format!("{g}\nGOOD.test.:{p}\nhttps://good.test:{p}/path\n"),
                ),
            ]),
        )
        .code(0)
        .line(&["note", "dups.txt:2", "more than once"])
        .line(&["note", "dups.txt:3", "more than once"])
        .probes("good.test", p, ready),
        Case::new(
            "not HTTPS, NUL and escape bytes",
            env.check(&[
                "--input",
                &list(
                    "odd.txt",
                    &format!("http://good.test\ngood\0.test:{p}\n\x1b[31mevil.test:{p}\n{g}\n"),
                ),
            ]),
        )
        .line(&["odd.txt:1", "not HTTPS"])
        .line(&["odd.txt:2", "not allowed"])
        .line(&["odd.txt:3", "\\u{1b}"])
        .probes("good.test", p, ready),
        Case::new("stdin with a bad line", env.check(&["--input", "-"]))
            .stdin(format!("{g}\nbad..test:{p}\n").into_bytes())
            .line(&["stdin:2", "empty label"])
            .probes("good.test", p, ready),
        // The reader keeps at most 4 KiB of a line; what follows the 64 MiB line still counts.
        Case::new("a 64 MiB line on stdin", env.check(&["--input", "-"]))
            .stdin(huge)
            .line(&["stdin:1", "longer than 4096 bytes"])
            .probes("good.test", p, ready),
    ];
    run_catalogue(cases).await;
}

/// A target file of one 64 MiB line is refused, and reading it never holds the line: the run
/// gets 48 MiB of address space, which is enough for the program but not for the line (a
/// reader that kept the line would abort with an allocation failure, not exit 2).
#[tokio::test(flavor = "multi_thread")]
async fn a_64_mib_line_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("huge.txt");
    std::fs::write(&path, vec![b'x'; 64 << 20]).expect("write");
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 49152 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_origin-probe"))
        .args(["check", "--input"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn sh");
    let output = tokio::time::timeout(RUN_DEADLINE, child.wait_with_output())
        .await
        .expect("finished within the deadline")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("huge.txt:1") && lines[0].contains("longer than 4096 bytes"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
