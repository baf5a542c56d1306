//! `cloudfront --aws`: the distributions read from the API become the same documents a file
//! gives (`input::aws`), and then `cloudfront.rs` runs them exactly as it runs files.
//!
//! A failure of the whole account (no credentials, a denied or throttled list, an unreachable
//! endpoint) is one error line, exit 2; a distribution that cannot be read is reported like a
//! bad file, and the others are checked.

use std::collections::HashMap;

use anyhow::Result;
use aws_sdk_cloudfront::types::DistributionConfig;

use super::{Item, block_on, say};
use crate::cli::AwsArgs;
use crate::document::{InputErrorKind, InputErrorReport};
use crate::input::aws::{self, Connection, Request};
use crate::input::cloudfront::Document;

/// How `--apply` reaches the account again, and the SDK's own config of each distribution read
/// (by ID), which it edits.
#[derive(Debug, Default)]
pub(super) struct Account {
    pub connection: Connection,
    pub configs: HashMap<String, DistributionConfig>,
    /// The fields of each distribution's answer this build cannot write back (never planned
    /// nor updated).
    pub unwritten: HashMap<String, Vec<String>>,
}

/// The flags' connection to the API.
pub(super) fn connection(args: &AwsArgs) -> Connection {
    Connection {
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
    }
}

/// The documents of the account (or of `--distribution-id`), the distributions that could
/// not be read as report items (each already printed), and the account for `--apply`.
pub(super) fn read_documents(
    args: &AwsArgs,
    forwards_host: &[String],
) -> Result<(Vec<Document>, Vec<Item>, Account)> {
    let request = Request {
        connection: connection(args),
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
    let account = Account {
        connection: request.connection,
        configs: read.configs,
        unwritten: read.unwritten,
    };
    Ok((documents, invalid, account))
}
