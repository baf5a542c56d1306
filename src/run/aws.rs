//! `cloudfront --aws`: the distributions read from the API become the same documents a file
//! gives (`input::aws`), and then `cloudfront.rs` runs them exactly as it runs files.
//!
//! A failure of the whole account (no credentials, a denied or throttled list, an unreachable
//! endpoint) is one error line, exit 2; a distribution that cannot be read is reported like a
//! bad file, and the others are checked.

use anyhow::Result;

use super::{Item, block_on, say};
use crate::cli::AwsArgs;
use crate::document::{InputErrorKind, InputErrorReport};
use crate::input::aws::{self, Connection, Request};
use crate::input::cloudfront::Document;

/// The documents of the account (or of `--distribution-id`), and the distributions that could
/// not be read as report items (each already printed).
pub(super) fn read_documents(
    args: &AwsArgs,
    forwards_host: &[String],
) -> Result<(Vec<Document>, Vec<Item>)> {
    let request = Request {
        connection: Connection {
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
        },
        ids: args.distribution_ids.clone(),
    };
    let read =
        block_on(aws::read(&request))?.map_err(|e| anyhow::anyhow!("{}: {e}", aws::SOURCE))?;
    for note in &read.notes {
        say::note(note);
    }
    let mut invalid = Vec::new();
    for (source, message) in read.failures {
        let message = format!("{source}: {message}");
        say::error(&message);
        invalid.push(Item::Invalid(InputErrorReport {
            kind: InputErrorKind::Document,
            source,
            message,
        }));
    }
    let mut documents = read.documents;
    let mut used: Vec<String> = Vec::new();
    for doc in &mut documents {
        used.extend(doc.declare_forwards_host(forwards_host));
    }
    for id in forwards_host.iter().filter(|id| !used.contains(id)) {
        say::note(format!(
            "--forwards-host {id}: no cache behavior in the input uses this policy"
        ));
    }
    if read.listed == 0 {
        say::note(format!("{}: the account has no distributions", aws::SOURCE));
    }
    Ok((documents, invalid))
}
