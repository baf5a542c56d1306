//! Tells from the first bytes of an answer whether the peer speaks TLS, SSLv2, or something
//! else (an HTTP server, SSH, SMTP), and keeps the first line of a non-TLS answer.
//!
//! Owns only that decision. It never reads records (that is `server`) and never prints the
//! bytes raw: the first line goes through `sanitize::bytes`.

/// Most bytes of a non-TLS answer looked at for its first line (the length `sanitize` keeps).
pub const MAX_FIRST_LINE: usize = crate::sanitize::MAX_TEXT_CHARS;

/// What the first bytes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    NeedMore,
    Tls,
    Sslv2(u8),
    NotTls(String),
}

/// Decides from the first bytes what the peer speaks. TLS records start with a content type
/// `0x14..=0x17` and major version `0x03`. An SSLv2 record has the top bit of its first byte
/// set, then a message type: SERVER-HELLO (`0x04`, certificate type `0x01`, version `0x0002`)
/// or a 3-byte ERROR (`0x00`). Anything else is not TLS: wait for its first line.
pub(crate) fn sniff(buf: &[u8]) -> Sniffed {
    let Some(&b0) = buf.first() else {
        return Sniffed::NeedMore;
    };
    let at = |i: usize| buf.get(i).copied();
    if (0x14..=0x17).contains(&b0) {
        match at(1) {
            None => return Sniffed::NeedMore,
            Some(0x03) => return Sniffed::Tls,
            Some(_) => {}
        }
    } else if b0 & 0x80 != 0 {
        match (at(1), at(2)) {
            (None, _) | (_, None) => return Sniffed::NeedMore,
            (Some(0x03), Some(0x00)) if b0 == 0x80 => return Sniffed::Sslv2(0x00),
            (Some(_), Some(0x04)) => match (at(5), at(6)) {
                (None, _) | (_, None) => return Sniffed::NeedMore,
                (Some(0x00), Some(0x02)) if at(4) == Some(0x01) => return Sniffed::Sslv2(0x04),
                _ => {}
            },
            _ => {}
        }
    }
    if buf.len() >= MAX_FIRST_LINE || buf.contains(&b'\n') {
        return Sniffed::NotTls(first_line(buf));
    }
    Sniffed::NeedMore
}

/// Whether more bytes could still make `buf` (on which [`sniff`] said `NeedMore`) TLS or SSLv2:
/// one content-type byte, or the start of an SSLv2 header that has not yet shown its message
/// type (third byte) or, for a SERVER-HELLO, its certificate type and version (bytes 4-6). Text
/// that only waits for its line end cannot.
pub(crate) fn could_still_be_tls(buf: &[u8]) -> bool {
    match buf {
        [0x14..=0x17] => true,
        [b0, ..] if b0 & 0x80 != 0 => buf.len() < 3 || (buf.get(2) == Some(&0x04) && buf.len() < 7),
        _ => false,
    }
}

/// The bytes before the first CR or LF, sanitized.
pub(crate) fn first_line(buf: &[u8]) -> String {
    let end = buf
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buf.len());
    crate::sanitize::bytes(buf.get(..end).unwrap_or(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `bytes` one at a time, as the parser does, until a decision.
    fn decide(bytes: &[u8]) -> Sniffed {
        for n in 1..=bytes.len() {
            let sniffed = sniff(&bytes[..n]);
            if sniffed != Sniffed::NeedMore {
                return sniffed;
            }
        }
        Sniffed::NeedMore
    }

    #[test]
    fn tls_records_are_tls() {
        assert_eq!(decide(&[0x16, 0x03, 0x01]), Sniffed::Tls);
        assert_eq!(decide(&[0x15, 0x03, 0x00]), Sniffed::Tls);
        assert_eq!(decide(&[0x16]), Sniffed::NeedMore);
    }

    #[test]
    fn text_answers_keep_their_first_line() {
        let http = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n";
        assert_eq!(
            decide(http),
            Sniffed::NotTls("HTTP/1.1 400 Bad Request".into())
        );
        let ssh = b"SSH-2.0-OpenSSH_9.6\r\n";
        assert_eq!(decide(ssh), Sniffed::NotTls("SSH-2.0-OpenSSH_9.6".into()));
        let smtp = b"220 mail.example ESMTP\n";
        assert_eq!(
            decide(smtp),
            Sniffed::NotTls("220 mail.example ESMTP".into())
        );
        // A content-type byte followed by something that is not a TLS version is text too.
        assert_eq!(
            decide(b"\x16\x01ab\n"),
            Sniffed::NotTls("\\x16\\x01ab".into())
        );
        // No newline: wait for MAX_FIRST_LINE bytes, then cut.
        let long = vec![b'a'; MAX_FIRST_LINE + 10];
        assert_eq!(decide(&long), Sniffed::NotTls("a".repeat(MAX_FIRST_LINE)));
        assert_eq!(decide(b"no newline yet"), Sniffed::NeedMore);
    }

    #[test]
    fn only_record_and_sslv2_prefixes_could_still_be_tls() {
        assert!(could_still_be_tls(&[0x16]));
        assert!(could_still_be_tls(&[0x80, 0x03]));
        assert!(could_still_be_tls(&[0x83, 0x2e, 0x04, 0x00, 0x01]));
        assert!(!could_still_be_tls(b"220 mail.example"));
        assert!(!could_still_be_tls(b"\x16\x01ab"));
        assert!(!could_still_be_tls(&[0x83, 0x2e, 0x05]));
        assert!(!could_still_be_tls(b"\xef\xbb\xbfhi"));
        assert!(!could_still_be_tls(&[]));
    }

    #[test]
    fn hostile_first_lines_are_sanitized() {
        let Sniffed::NotTls(line) = decide(b"\x1b[31mred\x1b[0m\n") else {
            panic!("not text");
        };
        assert_eq!(line, "\\x1b[31mred\\x1b[0m");
    }

    #[test]
    fn sslv2_server_hello_and_error() {
        // SERVER-HELLO: length, type 0x04, session-id-hit, cert type 0x01, version 0x0002.
        let hello = [0x83, 0x2e, 0x04, 0x00, 0x01, 0x00, 0x02, 0x03, 0x20];
        assert_eq!(decide(&hello), Sniffed::Sslv2(0x04));
        // ERROR: 3-byte message, type 0x00, code NO-CIPHER (0x0001).
        assert_eq!(
            decide(&[0x80, 0x03, 0x00, 0x00, 0x01]),
            Sniffed::Sslv2(0x00)
        );
        // A high-bit byte without the SSLv2 shape is just bytes.
        assert_eq!(
            decide(b"\xef\xbb\xbfhi\n"),
            Sniffed::NotTls("\\xef\\xbb\\xbfhi".into())
        );
    }
}
