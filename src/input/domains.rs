//! Targets given as `host`, `host:port` or `[v6]:port`: on the command line or one per line of a
//! file or stdin.
//!
//! A bad entry becomes an `InputError` naming where it came from; the good entries are still
//! returned, so one typo never stops the rest of a fleet from being probed. Never resolves.

use std::collections::HashSet;
use std::io::BufRead;
use std::net::IpAddr;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::target::{OriginName, Target};

/// Longest DNS name (RFC 1035: 255 octets on the wire, 253 in text); CloudFront enforces the
/// same for origin names (fact 27).
pub(crate) const MAX_NAME_LEN: usize = 253;
/// Longest DNS label (RFC 1035).
pub(crate) const MAX_LABEL_LEN: usize = 63;
/// Longest input line read from a target file; longer lines are reported, not stored, so a
/// file of one huge line cannot exhaust memory.
pub(crate) const MAX_LINE_LEN: usize = 4096;
/// Most bytes read while looking for the end of one line. A longer line is not part of a target
/// list but a device or a binary stream (`--input /dev/zero`, a disk image): reading stops
/// there with an error instead of scanning for a line end that may never come. Far above any
/// real line, so one long garbage line in a real list (64 MiB, say) is still only skipped.
pub(crate) const MAX_UNTERMINATED_LINE: usize = 128 << 20;

/// Why one target entry is not usable.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("empty name")]
    Empty,
    #[error("missing host before ':'")]
    MissingHost,
    #[error("missing port after ':'")]
    MissingPort,
    #[error("port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    #[error("name is longer than {MAX_NAME_LEN} characters")]
    NameTooLong,
    #[error("label {0:?} is longer than {MAX_LABEL_LEN} characters")]
    LabelTooLong(String),
    #[error("empty label (two dots in a row, or a leading dot)")]
    EmptyLabel,
    #[error("character {0:?} is not allowed in a host name")]
    BadChar(char),
    #[error("not a valid internationalised domain name")]
    Idna,
    #[error("unclosed '[' in IPv6 address")]
    UnclosedBracket,
    #[error("{0:?} is not an IPv6 address")]
    BadIpv6(String),
    #[error("an IPv6 address with a port needs brackets: [{addr}]:{port}")]
    Ipv6NeedsBrackets { addr: String, port: String },
    #[error(
        "ambiguous IPv6 address: write [{whole}] for the address alone, or [{addr}]:{port} for an address and port"
    )]
    AmbiguousIpv6 {
        whole: String,
        addr: String,
        port: String,
    },
    #[error("label {0:?} starts or ends with '-'")]
    HyphenAtLabelEdge(String),
    #[error(
        "the last label {0:?} is a number; a host name cannot end in one (a mistyped IPv4 address?)"
    )]
    NumericLastLabel(String),
    #[error("scheme {0:?} is not HTTPS; give a host name or an https:// URL")]
    NotHttps(String),
    #[error("line is longer than {MAX_LINE_LEN} bytes")]
    LineTooLong,
    #[error("not valid UTF-8")]
    NotUtf8,
}

/// One bad entry, with where it came from. `shown` is already sanitised (controls and bidi
/// characters escaped as `\u{..}`), so it is quoted as is: `{:?}` would escape those escapes.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{source_name}: \"{shown}\": {error}")]
pub struct InputError {
    /// `argument 2`, `origins.txt:14`, `stdin:3`.
    pub source_name: String,
    /// The entry as given, shortened for display.
    pub shown: String,
    pub error: TargetError,
}

/// One entry of the input: the target it names, or why it names none.
pub type Entry = Result<Target, InputError>;

/// Parses one entry (an argument, or a line without its comment) from `source_name`.
pub fn parse_entry(entry: &str, source_name: String, host_header: Option<&str>) -> Entry {
    match parse_target(entry) {
        Ok((name, port)) => Ok(Target {
            name,
            port,
            host_header: host_header.map(str::to_string),
            source: source_name,
            cloudfront: None,
            ssl_protocols: Vec::new(),
        }),
        Err(error) => Err(input_error(source_name, entry, error)),
    }
}

fn input_error(source_name: String, entry: &str, error: TargetError) -> InputError {
    InputError {
        source_name,
        shown: crate::sanitize::text(entry),
        error,
    }
}

/// The targets met so far, so that a target listed twice is probed once.
///
/// Holds 16 bytes per distinct target, not its name: the first 128 bits of the SHA-256 of
/// name and port. Two different targets would have to collide in 128 bits to be taken for
/// one another (for a million targets, odds of about 10^-27), and a 100,000-line input costs
/// about 3 MB instead of the 10 MB that names in a set of strings did at their peak.
#[derive(Debug, Default)]
pub struct SeenTargets {
    seen: HashSet<u128>,
}

impl SeenTargets {
    /// Records `target`. `Some(note)` when the same origin and port came earlier: drop it.
    pub fn duplicate(&mut self, target: &Target) -> Option<String> {
        let origin = target.origin();
        let mut hash = Sha256::new();
        hash.update(origin.as_bytes());
        // A name never contains a NUL byte, so name and port cannot run into each other.
        hash.update([0x00]);
        hash.update(target.port.to_be_bytes());
        let digest = hash.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        if self.seen.insert(u128::from_be_bytes(id)) {
            return None;
        }
        Some(format!(
            "{}: {}:{} is listed more than once; probed once",
            target.source, origin, target.port
        ))
    }
}

/// Reads one target per line from `reader`, lazily: the returned iterator parses a line only
/// when asked for the next entry, so memory does not grow with the length of the input. Blank
/// lines and `#` comments (whole-line, or after whitespace) are skipped; a UTF-8 BOM at the
/// start and CR line ends are accepted. Each line's source is `name:LINE`. An I/O error is
/// yielded once and ends the iteration.
pub fn read_targets<R: BufRead>(
    reader: R,
    name: &str,
    host_header: Option<&str>,
) -> TargetLines<R> {
    TargetLines {
        reader,
        name: name.to_string(),
        host_header: host_header.map(str::to_string),
        line_no: 0,
        buf: Vec::new(),
        done: false,
    }
}

/// The iterator [`read_targets`] returns.
#[derive(Debug)]
pub struct TargetLines<R> {
    reader: R,
    name: String,
    host_header: Option<String>,
    line_no: usize,
    /// One line, reused: at most [`MAX_LINE_LEN`] bytes.
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Iterator for TargetLines<R> {
    type Item = std::io::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            self.line_no += 1;
            let (read, too_long) = match read_line_bounded(&mut self.reader, &mut self.buf) {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    let e = match e.kind() {
                        std::io::ErrorKind::InvalidData => std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("line {}: {e}", self.line_no),
                        ),
                        _ => e,
                    };
                    return Some(Err(e));
                }
            };
            if read == 0 {
                self.done = true;
                break;
            }
            let source = format!("{}:{}", self.name, self.line_no);
            if too_long {
                let start = String::from_utf8_lossy(&self.buf[..64.min(self.buf.len())]);
                return Some(Ok(Err(input_error(
                    source,
                    &start,
                    TargetError::LineTooLong,
                ))));
            }
            let Ok(text) = std::str::from_utf8(&self.buf) else {
                let shown = String::from_utf8_lossy(&self.buf);
                return Some(Ok(Err(input_error(source, &shown, TargetError::NotUtf8))));
            };
            let text = if self.line_no == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            let entry = strip_comment(text).trim();
            if entry.is_empty() {
                continue;
            }
            return Some(Ok(parse_entry(entry, source, self.host_header.as_deref())));
        }
        None
    }
}

/// Reads up to and including the next `\n`, keeping at most [`MAX_LINE_LEN`] bytes in `buf`.
/// Returns the bytes consumed (0 at end of input) and whether the line was cut; an
/// `InvalidData` error when no line end comes within [`MAX_UNTERMINATED_LINE`] bytes.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = MAX_LINE_LEN.saturating_sub(buf.len());
        let keep = take.min(room);
        buf.extend_from_slice(&chunk[..keep]);
        if take > room {
            too_long = true;
        }
        reader.consume(take);
        consumed += take;
        if !done && consumed >= MAX_UNTERMINATED_LINE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "no line end within {} MiB: this is not a list of targets",
                    MAX_UNTERMINATED_LINE >> 20
                ),
            ));
        }
        if done {
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            return Ok((consumed, too_long));
        }
    }
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Parses `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 literal, or an `https://` URL
/// (its path is ignored). The port defaults to 443.
pub fn parse_target(entry: &str) -> Result<(OriginName, u16), TargetError> {
    let mut rest = entry.trim();
    if let Some((scheme, after)) = rest.split_once("://") {
        if !scheme.eq_ignore_ascii_case("https") {
            return Err(TargetError::NotHttps(scheme.to_string()));
        }
        rest = after.split(['/', '?', '#']).next().unwrap_or_default();
    }
    if rest.is_empty() {
        return Err(TargetError::Empty);
    }
    if let Some(after) = rest.strip_prefix('[') {
        let (addr, tail) = after.split_once(']').ok_or(TargetError::UnclosedBracket)?;
        let ip: IpAddr = addr
            .parse()
            .ok()
            .filter(IpAddr::is_ipv6)
            .ok_or_else(|| TargetError::BadIpv6(addr.to_string()))?;
        let port = match tail {
            "" => 443,
            _ => parse_port(tail.strip_prefix(':').ok_or(TargetError::BadChar(']'))?)?,
        };
        return Ok((OriginName::Ip(ip), port));
    }
    if rest.matches(':').count() > 1 {
        return bare_ipv6(rest);
    }
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, parse_port(port)?),
        None => (rest, 443),
    };
    if host.is_empty() {
        return Err(TargetError::MissingHost);
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok((OriginName::Ip(ip), port));
    }
    Ok((OriginName::Dns(normalize_host(host)?), port))
}

/// More than one colon and no brackets: only a bare IPv6 literal makes sense, and then only
/// when it cannot also be read as an address and a port (`2001:db8::1:443`): probing the wrong
/// one of the two would give a verdict about an origin the user never meant.
fn bare_ipv6(text: &str) -> Result<(OriginName, u16), TargetError> {
    let whole = text.parse::<std::net::Ipv6Addr>().ok();
    let split = text.rsplit_once(':').filter(|(addr, port)| {
        addr.parse::<std::net::Ipv6Addr>().is_ok() && parse_port(port).is_ok()
    });
    match (whole, split) {
        (Some(_), Some((addr, port))) => Err(TargetError::AmbiguousIpv6 {
            whole: text.to_string(),
            addr: addr.to_string(),
            port: port.to_string(),
        }),
        (Some(ip), None) => Ok((OriginName::Ip(IpAddr::V6(ip)), 443)),
        (None, Some((addr, port))) => Err(TargetError::Ipv6NeedsBrackets {
            addr: addr.to_string(),
            port: port.to_string(),
        }),
        (None, None) => Err(TargetError::BadIpv6(text.to_string())),
    }
}

fn parse_port(text: &str) -> Result<u16, TargetError> {
    if text.is_empty() {
        return Err(TargetError::MissingPort);
    }
    // Digits only: `u16::from_str` would also take `+443`.
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse::<u16>().ok())
        .flatten()
        .filter(|p| *p != 0)
        .ok_or_else(|| TargetError::BadPort(text.to_string()))
}

/// Normalises a DNS name as CloudFront and certificates compare it: Unicode to ASCII (IDNA
/// UTS-46, punycode), lowercase, one trailing dot dropped; then checks lengths and characters
/// (letters, digits, `-`, `_`). Punycode labels (`xn--`) given in ASCII are checked by IDNA
/// too; a label may not start or end with `-`, and the last label may not be a number (the
/// host-name rules of RFC 1123, which certificate name matching also applies).
pub fn normalize_host(host: &str) -> Result<String, TargetError> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(TargetError::Empty);
    }
    if let Some(c) = host
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "/\\@?#%*[]<>\"'".contains(*c))
    {
        return Err(TargetError::BadChar(c));
    }
    let ascii = if host.is_ascii() && !has_punycode_label(host) {
        host.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(host).map_err(|_| TargetError::Idna)?
    };
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(TargetError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            let shown: String = label.chars().take(20).collect();
            return Err(TargetError::LabelTooLong(format!("{shown}…")));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(TargetError::BadChar(c));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(TargetError::HyphenAtLabelEdge(label.to_string()));
        }
    }
    // After the labels, so one overlong label is named as such rather than as a long name.
    if ascii.len() > MAX_NAME_LEN {
        return Err(TargetError::NameTooLong);
    }
    if let Some(last) = ascii.rsplit('.').next()
        && last.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(TargetError::NumericLastLabel(last.to_string()));
    }
    Ok(ascii)
}

/// Whether any label is an IDNA A-label (`xn--...`), which must decode to a valid name.
fn has_punycode_label(host: &str) -> bool {
    host.split('.').any(|label| {
        label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    })
}

#[cfg(test)]
#[path = "domains_tests.rs"]
mod tests;
