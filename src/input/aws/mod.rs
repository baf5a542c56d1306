//! `cloudfront --aws`: distributions read from the AWS API instead of a file.
//!
//! - `client`: every SDK call (credentials and region as the AWS CLI finds them, us-east-1,
//!   `--endpoint-url`), nothing else.
//! - `map`: pure, the SDK's types written as the AWS CLI's JSON and parsed by the file input's
//!   own parser, so both inputs give the same [`Document`]; the custom policies' Host forwarding.
//! - `cli_json`: pure, the SDK's whole `DistributionConfig` as the AWS CLI's JSON.
//! - `apply`: `--apply`'s edit of the SDK's config (checked against the plan's JSON), the
//!   fields it changes, `UpdateDistribution` with `If-Match`, and `--wait`'s polling.
//! - `unwritten`: the fields of an answer the SDK could not read, which a plan or update from
//!   its config would drop.
//! - `error`: each failed call as one line naming the IAM action.
//! - `vpc`: the VPC origins the distributions use, each read once (`GetVpcOrigin`, fact 43).
//!
//! This module does I/O (the API), like `resolve`; what it returns is the plain model.

mod apply;
mod cli_json;
mod client;
mod error;
mod map;
#[cfg(test)]
mod map_tests;
mod unwritten;
mod vpc;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub(crate) use apply::{Waited, changes, edit, update, wait_deployed};
pub(crate) use cli_json::distribution_config as cli_json;
pub(crate) use client::{Connection, connect};
pub(crate) use error::{ApiError, Failure};
use map::Listed;

use crate::input::cloudfront::{Document, KnownPolicy, PolicyKind};

/// How the input names itself in messages and in each origin's source (`aws: E1…: origin o`).
pub(crate) const SOURCE: &str = "aws";

/// `GetDistributionConfig` / `GetDistribution` calls in flight at once: CloudFront's control plane
/// allows a few requests per second per account, and the SDK retries throttled calls.
const CONCURRENT_CALLS: usize = 4;

/// What to read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub connection: Connection,
    /// `--distribution-id`: only these (not listed); empty means every distribution.
    pub ids: Vec<String>,
}

/// What was read: one document per distribution, in list (or flag) order, and the ones that
/// could not be read, each with its one-line reason.
#[derive(Debug, Default)]
pub(crate) struct AccountRead {
    pub documents: Vec<Document>,
    /// `(source, message)`: the distribution and why it was not read.
    pub failures: Vec<(String, String)>,
    /// Things the user should know that do not stop anything (a policy that could not be read).
    pub notes: Vec<String>,
    /// How many distributions the account listed (or `--distribution-id` named).
    pub listed: usize,
    /// The SDK's own config of every document, by distribution ID: what `--apply` edits.
    pub configs: std::collections::HashMap<String, aws_sdk_cloudfront::types::DistributionConfig>,
    /// Distributions whose answer has fields this SDK cannot read (so cannot write back), by
    /// ID: never planned nor updated.
    pub unwritten: std::collections::HashMap<String, Vec<String>>,
}

/// Reads the distributions. An error that concerns the whole account (no credentials, the list
/// denied, throttling, an unreachable endpoint) is `Err`; a failure of one distribution is in
/// [`AccountRead::failures`] and the others are read.
pub(crate) async fn read(request: &Request) -> Result<AccountRead, ApiError> {
    let client = client::connect(&request.connection).await?;
    let targets: Vec<(String, Option<Listed>)> = if request.ids.is_empty() {
        client::list_distributions(&client)
            .await?
            .iter()
            .map(|s| (s.id().to_string(), Some(Listed::from_summary(s))))
            .collect()
    } else {
        request.ids.iter().map(|id| (id.clone(), None)).collect()
    };
    let mut read = AccountRead {
        listed: targets.len(),
        ..AccountRead::default()
    };
    let limit = Arc::new(Semaphore::new(CONCURRENT_CALLS));
    let mut tasks = JoinSet::new();
    for (index, (id, listed)) in targets.iter().enumerate() {
        let (client, limit, id) = (client.clone(), limit.clone(), id.clone());
        let listed = listed.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let result = match listed {
                Some(listed) => client::distribution_config(&client, &id)
                    .await
                    .map(|(config, etag, unwritten)| (listed, config, etag, unwritten)),
                None => client::distribution(&client, &id).await,
            };
            (index, result)
        });
    }
    let mut configs = vec![None; targets.len()];
    while let Some(done) = tasks.join_next().await {
        let Ok((index, result)) = done else {
            continue;
        };
        configs[index] = Some(result);
    }
    for ((id, _), result) in targets.iter().zip(configs) {
        let source = format!("{SOURCE}: {}", crate::sanitize::text(id));
        match result {
            Some(Ok((listed, config, etag, unwritten))) => {
                if !unwritten.is_empty() {
                    read.unwritten.insert(id.clone(), unwritten);
                }
                match map::document(SOURCE, id, Some(&listed), &config, etag.as_deref()) {
                    Ok(doc) => {
                        read.documents.push(doc);
                        read.configs.insert(id.clone(), config);
                    }
                    Err(e) => read.failures.push((source, e.to_string())),
                }
            }
            Some(Err(e)) if e.is_per_resource() => read.failures.push((source, e.to_string())),
            Some(Err(e)) => return Err(e),
            None => read
                .failures
                .push((source, "the read of this distribution stopped".to_string())),
        }
    }
    let policies = read_policies(&client, &read.documents, &mut read.notes).await?;
    for doc in &mut read.documents {
        doc.known_policies = policies.clone();
    }
    vpc::read(&client, &mut read.documents, &mut read.notes).await;
    Ok(read)
}

/// The contents of every custom policy the documents use, each read once. A policy that cannot
/// be read leaves Host forwarding through it unknown, with a note.
async fn read_policies(
    client: &aws_sdk_cloudfront::Client,
    documents: &[Document],
    notes: &mut Vec<String>,
) -> Result<Vec<KnownPolicy>, ApiError> {
    let mut ids: Vec<(PolicyKind, String)> = Vec::new();
    for doc in documents {
        for id in map::custom_policy_ids(doc) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut policies = Vec::new();
    for (kind, id) in ids {
        let result = match kind {
            PolicyKind::OriginRequest => client::origin_request_policy(client, &id)
                .await
                .map(|p| p.map(|p| map::origin_request_policy(&id, &p))),
            PolicyKind::Cache => client::cache_policy(client, &id)
                .await
                .map(|p| p.map(|p| map::cache_policy(&id, &p))),
        };
        match result {
            Ok(Some(policy)) => policies.push(policy),
            Ok(None) => notes.push(format!(
                "{SOURCE}: policy {}: the API returned no policy; Host forwarding through it stays unknown",
                crate::sanitize::text(&id)
            )),
            Err(e) if e.is_per_resource() => notes.push(format!(
                "{SOURCE}: {e}; Host forwarding through this policy stays unknown (or declare it with --forwards-host)"
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(policies)
}
