//! Unit tests of `domains`.

use super::*;

fn dns(name: &str, port: u16) -> Result<(OriginName, u16), TargetError> {
    Ok((OriginName::Dns(name.to_string()), port))
}

#[test]
fn target_forms() {
    assert_eq!(parse_target("Example.COM"), dns("example.com", 443));
    assert_eq!(parse_target("example.com.:8443"), dns("example.com", 8443));
    assert_eq!(
        parse_target("https://example.com:444/path?q"),
        dns("example.com", 444)
    );
    assert_eq!(
        parse_target("bücher.example"),
        dns("xn--bcher-kva.example", 443)
    );
    let v6: IpAddr = "::1".parse().expect("ip");
    assert_eq!(parse_target("[::1]:8443"), Ok((OriginName::Ip(v6), 8443)));
    assert_eq!(parse_target("[::1]"), Ok((OriginName::Ip(v6), 443)));
    assert_eq!(parse_target("::1"), Ok((OriginName::Ip(v6), 443)));
    let v4: IpAddr = "127.0.0.1".parse().expect("ip");
    assert_eq!(parse_target("127.0.0.1:9"), Ok((OriginName::Ip(v4), 9)));
}

#[test]
fn bad_targets_say_what_is_wrong() {
    assert_eq!(parse_target("host:"), Err(TargetError::MissingPort));
    assert_eq!(parse_target(":443"), Err(TargetError::MissingHost));
    assert_eq!(
        parse_target("host:99999"),
        Err(TargetError::BadPort("99999".into()))
    );
    assert_eq!(
        parse_target("host:0"),
        Err(TargetError::BadPort("0".into()))
    );
    assert_eq!(parse_target("[::1"), Err(TargetError::UnclosedBracket));
    assert_eq!(
        parse_target("[example.com]:443"),
        Err(TargetError::BadIpv6("example.com".into()))
    );
    assert_eq!(
        parse_target("http://example.com"),
        Err(TargetError::NotHttps("http".into()))
    );
    assert_eq!(parse_target("a..b"), Err(TargetError::EmptyLabel));
    assert_eq!(parse_target("bad host"), Err(TargetError::BadChar(' ')));
    assert_eq!(
        parse_target("*.example.com"),
        Err(TargetError::BadChar('*'))
    );
    let long_label = format!("{}.example", "a".repeat(300));
    assert!(matches!(
        parse_target(&long_label),
        Err(TargetError::LabelTooLong(_))
    ));
    let long_name = vec!["a".repeat(60); 5].join(".");
    assert_eq!(parse_target(&long_name), Err(TargetError::NameTooLong));
    let long_label = format!("{}.example", "a".repeat(64));
    assert!(matches!(
        parse_target(&long_label),
        Err(TargetError::LabelTooLong(_))
    ));
}

/// Reads `text` as a target file: the targets kept, the errors, and the duplicate notes.
fn read_all(text: &str, name: &str) -> (Vec<Target>, Vec<InputError>, Vec<String>) {
    let (mut targets, mut errors, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = SeenTargets::default();
    for entry in read_targets(text.as_bytes(), name, None) {
        match entry.expect("reading from memory cannot fail") {
            Ok(target) => match seen.duplicate(&target) {
                Some(note) => notes.push(note),
                None => targets.push(target),
            },
            Err(error) => errors.push(error),
        }
    }
    (targets, errors, notes)
}

#[test]
fn bare_ipv6_with_a_port_is_refused_not_guessed() {
    assert_eq!(
        parse_target("2001:db8::1:443"),
        Err(TargetError::AmbiguousIpv6 {
            whole: "2001:db8::1:443".into(),
            addr: "2001:db8::1".into(),
            port: "443".into(),
        })
    );
    assert_eq!(
        parse_target("2001:db8::1:99999"),
        Err(TargetError::BadIpv6("2001:db8::1:99999".into()))
    );
    assert_eq!(
        parse_target("2001:db8:0:0:0:0:0:1:8443"),
        Err(TargetError::Ipv6NeedsBrackets {
            addr: "2001:db8:0:0:0:0:0:1".into(),
            port: "8443".into(),
        })
    );
    // Not ambiguous: "fe80:" is no address, and "abc" is no port.
    let ip = |s: &str| Ok((OriginName::Ip(s.parse().expect("ip")), 443));
    assert_eq!(parse_target("fe80::1"), ip("fe80::1"));
    assert_eq!(parse_target("2001:db8::1:abc"), ip("2001:db8::1:abc"));
}

#[test]
fn ports_are_digits_only() {
    assert_eq!(
        parse_target("host:+1"),
        Err(TargetError::BadPort("+1".into()))
    );
    assert_eq!(parse_target("host:0443"), dns("host", 443));
}

#[test]
fn idna_names_valid_and_invalid() {
    assert_eq!(
        normalize_host("XN--BCHER-KVA.example"),
        Ok("xn--bcher-kva.example".into())
    );
    assert_eq!(normalize_host("ＡＢＣ.test"), Ok("abc.test".into()));
    assert_eq!(normalize_host("xn--.test"), Err(TargetError::Idna));
    assert_eq!(normalize_host("xn--zz-.test"), Err(TargetError::Idna));
    assert_eq!(normalize_host("a\u{202e}b.test"), Err(TargetError::Idna));
    assert_eq!(
        normalize_host("under_score.test"),
        Ok("under_score.test".into())
    );
}

#[test]
fn host_name_label_rules() {
    assert_eq!(
        normalize_host("-a.test"),
        Err(TargetError::HyphenAtLabelEdge("-a".into()))
    );
    assert_eq!(
        normalize_host("a.b-"),
        Err(TargetError::HyphenAtLabelEdge("b-".into()))
    );
    assert_eq!(
        normalize_host("1.2.3"),
        Err(TargetError::NumericLastLabel("3".into()))
    );
    assert_eq!(normalize_host("a-b.3com"), Ok("a-b.3com".into()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// The fuzz target `target_parse`'s properties, on every test run: entries built from
    /// the characters that matter never panic, a normalised name normalises to itself, and
    /// a parsed target printed back parses the same.
    #[test]
    fn parsed_targets_are_fixed_points(
        entry in "[a-zA-Z0-9.:\\[\\]_\\-/%ü。Ａ\u{200b}\u{202e}]{0,40}",
    ) {
        if let Ok(name) = normalize_host(&entry) {
            proptest::prop_assert_eq!(normalize_host(&name), Ok(name.clone()));
        }
        if let Ok((name, port)) = parse_target(&entry) {
            let printed = match &name {
                OriginName::Dns(host) => format!("{host}:{port}"),
                OriginName::Ip(IpAddr::V4(v4)) => format!("{v4}:{port}"),
                OriginName::Ip(IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
            };
            proptest::prop_assert_eq!(parse_target(&printed), Ok((name, port)));
        }
    }
}

#[test]
fn file_lines_comments_bom_crlf_and_errors() {
    let text =
        "\u{feff}good.test\r\n\n# comment\nbad.test:99999\nother.test:8443 # trailing\ngood.test\n";
    let (targets, errors, duplicates) = read_all(text, "origins.txt");
    let names: Vec<_> = targets
        .iter()
        .map(|t| (t.origin(), t.port, t.source.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("good.test".to_string(), 443, "origins.txt:1".to_string()),
            ("other.test".to_string(), 8443, "origins.txt:5".to_string()),
        ]
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "origins.txt:4: \"bad.test:99999\": port \"99999\" is not a number from 1 to 65535"
    );
    assert_eq!(
        duplicates,
        vec!["origins.txt:6: good.test:443 is listed more than once; probed once"]
    );
}

#[test]
fn overlong_line_is_an_error_not_an_allocation() {
    let mut text = "x".repeat(MAX_LINE_LEN * 4);
    text.push_str("\nok.test\n");
    let (targets, errors, _) = read_all(&text, "big");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error, TargetError::LineTooLong);
    assert_eq!(targets.len(), 1);
}

#[test]
fn endless_bytes_without_a_line_end_end_the_input_with_an_error() {
    // /dev/zero: NUL bytes for ever. The entries before it still come first.
    use std::io::Read;
    let zeros = std::io::repeat(0).take(2 * MAX_UNTERMINATED_LINE as u64);
    let reader = std::io::BufReader::new("one.test\n".as_bytes().chain(zeros));
    let mut lines = read_targets(reader, "zero", None);
    assert!(matches!(lines.next(), Some(Ok(Ok(_)))));
    let Some(Err(e)) = lines.next() else {
        panic!("no error for a line without an end");
    };
    assert_eq!(
        e.to_string(),
        "line 2: no line end within 128 MiB: this is not a list of targets"
    );
    assert!(lines.next().is_none(), "the input ends after the error");
}

/// A reader that fails on every read: whatever lies behind it must not be needed to yield
/// the entries before it.
struct Broken;

impl std::io::Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk on fire"))
    }
}

#[test]
fn lines_are_read_only_when_asked_for_and_an_io_error_ends_the_input() {
    use std::io::Read;
    let reader = std::io::BufReader::new("one.test\n".as_bytes().chain(Broken));
    let mut lines = read_targets(reader, "f", None);
    let first = lines.next().expect("an entry").expect("no I/O error yet");
    assert_eq!(first.map(|t| t.origin()), Ok("one.test".to_string()));
    let second = lines.next().expect("the error is yielded");
    assert_eq!(
        second.map(|_| ()).map_err(|e| e.to_string()),
        Err("disk on fire".into())
    );
    assert!(lines.next().is_none(), "nothing after an I/O error");
}
