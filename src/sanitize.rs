//! Makes text that came from a server safe to print.
//!
//! Certificate subjects, SAN entries and the first bytes of a non-TLS answer are chosen by
//! whoever runs the server. Before any such text enters a report it goes through here, so no
//! renderer can emit a terminal escape sequence, a bidi override or a newline that forges a row.
//! This module never truncates meaningfully long input silently: it marks the cut.

/// Longest server-supplied string kept in a report, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 256;

/// Replaces control characters (C0, DEL, C1) and bidi/format characters with `\u{..}` escapes
/// and cuts the text at [`MAX_TEXT_CHARS`], marking the cut with `…`.
pub(crate) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(MAX_TEXT_CHARS));
    for (count, c) in input.chars().enumerate() {
        if count == MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Renders raw bytes from the wire: printable ASCII as is, everything else as `\xNN`.
pub(crate) fn bytes(input: &[u8]) -> String {
    let mut out = String::new();
    for &b in input.iter().take(MAX_TEXT_CHARS) {
        if (0x20..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if input.len() > MAX_TEXT_CHARS {
        out.push('…');
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x200b..=0x200f // zero-width and directional marks
            | 0x202a..=0x202e // bidi embeddings and overrides
            | 0x2066..=0x2069 // bidi isolates
            | 0xfeff) // BOM / zero-width no-break space
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(text("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(text("x\u{9b}y"), "x\\u{9b}y");
        assert_eq!(text("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(text("line\nforged"), "line\\u{a}forged");
        assert_eq!(
            text("ordinary CN=example.com, O=Ünïcödé"),
            "ordinary CN=example.com, O=Ünïcödé"
        );
    }

    #[test]
    fn cuts_long_text_and_marks_the_cut() {
        let long = "a".repeat(MAX_TEXT_CHARS + 10);
        let out = text(&long);
        assert_eq!(out.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn renders_bytes_printably() {
        assert_eq!(bytes(b"HTTP/1.1 400\r\n"), "HTTP/1.1 400\\x0d\\x0a");
        assert_eq!(bytes(&[0x16, 0x03]), "\\x16\\x03");
    }
}
