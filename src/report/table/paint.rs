//! Colour for the table: the few ANSI SGR styles it uses, and the one place escape bytes are
//! written (only when the caller asked for colour). Never decides what is said.

use super::wrap::visible;
use crate::finding::{Impact, Verdict};

/// ANSI SGR styles: the few the table uses.
#[derive(Clone, Copy)]
pub(super) enum Style {
    Bold,
    Green,
    Yellow,
    Red,
    BoldRed,
}

impl Style {
    fn sgr(self) -> &'static str {
        match self {
            Style::Bold => "\x1b[1m",
            Style::Green => "\x1b[32m",
            Style::Yellow => "\x1b[33m",
            Style::Red => "\x1b[31m",
            Style::BoldRed => "\x1b[1;31m",
        }
    }
}

const RESET: &str = "\x1b[0m";

pub(super) fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Ready => Style::Green,
        Verdict::Warn => Style::Yellow,
        Verdict::Would502 | Verdict::Would504 => Style::Red,
    }
}

pub(super) fn impact_style(impact: Impact) -> Option<Style> {
    match impact {
        Impact::Info => None,
        Impact::Warn => Some(Style::Yellow),
        Impact::Would502 | Impact::Would504 => Some(Style::BoldRed),
    }
}

/// Whether to colour; the only place escape bytes are written.
#[derive(Clone, Copy)]
pub(super) struct Paint {
    pub(super) color: bool,
}

impl Paint {
    /// Pushes `text` (made visible), wrapped in `style` when colour is on.
    pub(super) fn push(self, out: &mut String, style: Option<Style>, text: &str) {
        match style {
            Some(style) if self.color => {
                out.push_str(style.sgr());
                out.push_str(&visible(text));
                out.push_str(RESET);
            }
            _ => out.push_str(&visible(text)),
        }
    }
}
