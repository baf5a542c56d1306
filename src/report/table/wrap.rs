//! Text for the terminal: control characters made visible, widths counted, and lines wrapped
//! at word boundaries to the width the caller chose.
//!
//! Pure string work for the table; never decides what is said, only where lines break. A word
//! longer than a whole line (a URL, a long origin name) is never broken: it overflows, because
//! half a URL or half a name is worse than a long line.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Report text is sanitised where it is built; this is defence in depth for the terminal:
/// any control character left (a newline in a cell, an ESC) is shown as `\u{..}`, never sent.
pub(super) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Columns a string takes on a terminal, counted in characters. Names are IDNA-normalised and
/// the rest is ours, so wide (CJK) characters are rare enough not to need a width table.
pub(super) fn visible_width(text: &str) -> usize {
    visible(text).chars().count()
}

pub(super) fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Appends `text` (made visible) to a line that already holds `used` columns, breaking it
/// before a word that would pass `width`; each new line starts with `indent` spaces. The
/// spacing between words on one line is kept as written; at a break it is dropped. Does not
/// end the last line. Returns the columns the last line holds.
pub(super) fn push_wrapped(
    out: &mut String,
    used: usize,
    indent: usize,
    text: &str,
    width: usize,
) -> usize {
    let text = visible(text);
    let mut col = used;
    // Whether the current line holds a word of `text` yet: the first word always goes on the
    // line it was given (its prefix was written for it), and so does the first after a break.
    let mut line_has_word = false;
    let mut rest: &str = &text;
    while !rest.is_empty() {
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        let after = &rest[spaces..];
        if after.is_empty() {
            break;
        }
        let word_len = after.find(' ').unwrap_or(after.len());
        let word = &after[..word_len];
        let w = word.chars().count();
        if line_has_word && col + spaces + w > width {
            out.push('\n');
            push_spaces(out, indent);
            col = indent;
        } else if line_has_word || used > 0 {
            push_spaces(out, spaces);
            col += spaces;
        }
        out.push_str(word);
        col += w;
        line_has_word = true;
        rest = &after[word_len..];
    }
    col
}

/// Like [`push_wrapped`] for a list: `items` joined by `sep` (`", "`, or `" "`), breaking
/// between items, never inside one (an address, a version) unless the item alone is wider than
/// a line.
pub(super) fn push_list(
    out: &mut String,
    used: usize,
    indent: usize,
    items: &[String],
    sep: &str,
    width: usize,
) {
    let mut col = used;
    for (i, item) in items.iter().enumerate() {
        let item = visible(item);
        let last = i + 1 == items.len();
        let piece_width = item.chars().count() + if last { 0 } else { sep.trim_end().len() };
        // An item too long for any line breaks at its own spaces, as text does.
        let too_long = indent + piece_width > width;
        if i > 0 {
            if col + 1 + piece_width > width && !too_long {
                out.push('\n');
                push_spaces(out, indent);
                col = indent;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        if too_long {
            col = push_wrapped(out, col, indent, &item, width);
        } else {
            out.push_str(&item);
            col += item.chars().count();
        }
        if !last {
            out.push_str(sep.trim_end());
            col += sep.trim_end().len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(used: usize, indent: usize, text: &str, width: usize) -> String {
        let mut out = "x".repeat(used);
        push_wrapped(&mut out, used, indent, text, width);
        out
    }

    #[test]
    fn wraps_before_the_word_that_would_pass_the_width() {
        assert_eq!(
            wrapped(2, 2, "aaa bbb ccc", 9),
            "xxaaa bbb\n  ccc",
            "9 columns: 'xxaaa bbb' fits exactly"
        );
        assert_eq!(wrapped(0, 0, "aaa  bbb", 80), "aaa  bbb", "spacing kept");
    }

    #[test]
    fn never_breaks_a_word_longer_than_the_line() {
        let url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/x.html";
        assert_eq!(
            wrapped(0, 4, &format!("see {url} now"), 20),
            format!("see\n    {url}\n    now")
        );
    }

    #[test]
    fn every_line_fits_when_the_words_do() {
        let text = "the quick brown fox jumps over the lazy dog ".repeat(9);
        let mut out = String::from("      ");
        push_wrapped(&mut out, 6, 6, &text, 30);
        assert!(out.lines().all(|l| l.chars().count() <= 30), "{out}");
        assert!(
            out.lines()
                .skip(1)
                .all(|l| l.starts_with("      ") && !l.starts_with("       "))
        );
        let words: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(
            words,
            text.split_whitespace().collect::<Vec<_>>(),
            "nothing lost or reordered"
        );
    }

    #[test]
    fn lists_break_between_items_only() {
        let items: Vec<String> = ["192.0.2.20:443", "[2001:db8::20]:443", "198.51.100.7:443"]
            .map(str::to_owned)
            .to_vec();
        let mut out = String::from("ab");
        push_list(&mut out, 2, 4, &items, ", ", 40);
        assert_eq!(
            out,
            "ab192.0.2.20:443, [2001:db8::20]:443,\n    198.51.100.7:443"
        );
    }
}
