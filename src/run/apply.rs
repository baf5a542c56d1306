//! `cloudfront --aws` after the run: `--plan DIR` (one plan file per distribution that
//! changes) and `--apply` (each such distribution updated through the API).
//!
//! `--apply`, per distribution whose plan changes something, in list order: the fields that
//! change (JSON path, old -> new; never a custom header value), a confirmation on a terminal
//! (once per distribution; `--yes` skips it), the rollback file (the config read before
//! probing, the AWS CLI's JSON, mode 0600, in `--rollback-dir`), then `UpdateDistribution` with
//! `If-Match` = the ETag read before probing, and the command that restores the rollback file.
//! A distribution whose update fails (a `PreconditionFailed`: it changed meanwhile) is reported
//! and nothing is written to it; the others go on. Without `--apply` nothing is written.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::aws::Account;
use super::plan_file::{self, RowVerdicts};
use super::{block_on, say};
use crate::cli::AwsArgs;
use crate::config::{ProbeConfig, ResolveConfig};
use crate::input::Shard;
use crate::input::aws::{self, Failure};
use crate::input::cloudfront::Document;
use crate::output;
use crate::plan::{self, Plan};
use crate::sanitize;

/// What `--wait` needs to probe the switched origins again as the run did.
#[derive(Debug, Clone)]
pub(super) struct Reprobe {
    pub probe: ProbeConfig,
    pub resolve: ResolveConfig,
    pub roots: Option<PathBuf>,
}

/// What the steps after the run need.
pub(super) struct Steps<'a> {
    pub aws: &'a AwsArgs,
    pub plan_dir: Option<&'a Path>,
    pub account: &'a Account,
    pub forwards_host: &'a [String],
    pub again: Reprobe,
    /// `--no-progress` not given: `--wait` may draw its progress line on a terminal.
    pub progress: bool,
}

/// One distribution updated.
#[derive(Debug)]
pub(super) struct Applied {
    pub id: String,
    pub plan: Plan,
}

/// Refuses, before the account is read, what cannot work: a plan or an apply of part of the
/// origins (`--shard`), `--apply` that could neither ask nor was told `--yes`, a `--plan` that
/// is a file.
pub(super) fn check_before(aws: &AwsArgs, plan: Option<&Path>, shard: Option<Shard>) -> Result<()> {
    if (aws.apply || plan.is_some()) && shard.is_some_and(|s| !s.is_whole()) {
        anyhow::bail!(
            "--plan and --apply need every origin of each distribution; run them without --shard"
        );
    }
    if aws.apply && !aws.yes && !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "--apply asks before each update, but stdin is not a terminal: add --yes to apply without asking"
        );
    }
    if let Some(dir) = plan.filter(|d| d.exists() && !d.is_dir()) {
        anyhow::bail!(
            "--plan {}: with --aws, --plan names a directory (one plan file per distribution), and this is a file",
            dir.display()
        );
    }
    Ok(())
}

/// `--plan DIR` and `--apply` (then `--wait`). `Some(code)` replaces the run's exit code
/// (exit 3: a switched origin no longer passes after deployment).
pub(super) fn after_run(
    steps: Steps<'_>,
    documents: &[Document],
    verdicts: &RowVerdicts,
) -> Result<Option<ExitCode>> {
    if steps.plan_dir.is_none() && !steps.aws.apply {
        return Ok(None);
    }
    let mut plans = Vec::new();
    let mut failed = 0usize;
    for doc in documents {
        if let Some((id, fields)) = unwritten(steps.account, doc) {
            say::error(format!(
                "{}: {}: the API answered fields this build's AWS SDK cannot read ({}): a plan or update from its config would drop them, so it is neither planned nor updated; apply a plan by hand with the AWS CLI, or use a newer origin-probe",
                aws::SOURCE,
                sanitize::text(id),
                sanitize::text(&fields.join(", "))
            ));
            failed += 1;
            continue;
        }
        match plan_file::plan_for(doc, verdicts) {
            Ok(plan) => plans.push(plan),
            Err(e) => {
                say::error(format!("{e:#}"));
                failed += 1;
            }
        }
    }
    if let Some(dir) = steps.plan_dir {
        write_plans(dir, &plans)?;
    } else {
        plans.iter().for_each(plan_file::explain_decisions);
    }
    if !steps.aws.apply {
        anyhow::ensure!(
            failed == 0,
            "{failed} distribution{} could not be planned (each is reported above)",
            plural(failed)
        );
        return Ok(None);
    }
    super::apply_interrupt::watch();
    let (applied, not_applied) = apply_all(&steps, &plans)?;
    let failed = failed + not_applied;
    if super::apply_interrupt::requested() {
        // Interrupted during an update: no wait, and the code says so.
        return Ok(Some(crate::exit::code(crate::exit::INTERRUPTED)));
    }
    let mut code = None;
    if steps.aws.wait && !applied.is_empty() {
        let held = super::apply_wait::wait_and_reprobe(&steps, &applied)?;
        if !held {
            code = Some(crate::exit::code(crate::exit::PREDICTION_MISSED));
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} distribution{} not updated (each is reported above); the others were",
        plural(failed)
    );
    Ok(code)
}

/// The fields of `doc`'s answer the SDK could not read, if any.
fn unwritten<'a>(account: &'a Account, doc: &'a Document) -> Option<(&'a str, &'a Vec<String>)> {
    let id = doc.distributions.first()?.id.as_deref()?;
    account.unwritten.get(id).map(|fields| (id, fields))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One plan file per distribution that changes, `DIR/ID.json` (mode 0600), with its lines.
fn write_plans(dir: &Path, plans: &[Plan]) -> Result<()> {
    private_dir(dir).with_context(|| format!("creating --plan {}", dir.display()))?;
    let mut written = 0usize;
    for plan in plans {
        plan_file::explain_decisions(plan);
        let id = distribution_id(plan);
        if !plan.changes_anything() {
            say::plain(format!(
                "origin-probe: {}: {id}: nothing to change, no plan file written",
                aws::SOURCE
            ));
            continue;
        }
        let path = dir.join(format!("{}.json", file_word(&id)));
        plan_file::write_plan_file(&path, plan)?;
        written += 1;
        let shown = path.display().to_string();
        say::plain(format!(
            "origin-probe: {}: {id}: plan written to {shown} (mode 0600: it holds custom header values). Apply it with --apply, or:",
            aws::SOURCE
        ));
        say::plain(format!("  {}", plan::update_command(plan, &shown)));
    }
    say::plain(format!(
        "origin-probe: {written} plan file{} in {}",
        plural(written),
        dir.display()
    ));
    Ok(())
}

/// The distribution's ID as printed (the API's documents always have one).
fn distribution_id(plan: &Plan) -> String {
    sanitize::text(plan.distribution_id.as_deref().unwrap_or("?"))
}

/// A distribution ID or ETag as part of a file name: letters and digits only.
fn file_word(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Creates `dir` (and its parents) with mode 0700 if missing.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Every update, in order: the distributions updated, and how many were not (each said).
fn apply_all(steps: &Steps<'_>, plans: &[Plan]) -> Result<(Vec<Applied>, usize)> {
    let changing: Vec<&Plan> = plans.iter().filter(|p| p.changes_anything()).collect();
    if changing.is_empty() {
        say::plain(
            "origin-probe: --apply: no distribution has anything to change; nothing was written",
        );
        return Ok((Vec::new(), 0));
    }
    let client = block_on(aws::connect(&steps.account.connection))?
        .map_err(|e| anyhow::anyhow!("{}: {e}", aws::SOURCE))?;
    let mut applied = Vec::new();
    let mut failed = 0usize;
    for plan in changing {
        if super::apply_interrupt::requested() {
            say::interrupted(format!(
                ": {} is not updated, nor any after it",
                distribution_id(plan)
            ));
            failed += 1;
            continue;
        }
        match apply_one(steps, &client, plan) {
            Ok(true) => applied.push(Applied {
                id: plan.distribution_id.clone().unwrap_or_default(),
                plan: plan.clone(),
            }),
            Ok(false) => {}
            Err(e) => {
                say::error(format!("{}: {}: {e:#}", aws::SOURCE, distribution_id(plan)));
                failed += 1;
            }
        }
    }
    say::plain(format!(
        "origin-probe: --apply: {} distribution{} updated, {failed} not",
        applied.len(),
        plural(applied.len())
    ));
    Ok((applied, failed))
}

/// One distribution: show, confirm, rollback file, update. `Ok(false)`: declined.
fn apply_one(steps: &Steps<'_>, client: &aws_sdk_cloudfront::Client, plan: &Plan) -> Result<bool> {
    let id = plan
        .distribution_id
        .as_deref()
        .context("the distribution has no ID")?;
    let shown = sanitize::text(id);
    let original = steps
        .account
        .configs
        .get(id)
        .context("its config was not read from the API")?;
    let edited = aws::edit(original, plan).map_err(anyhow::Error::msg)?;
    let before = aws::cli_json(original);
    let changes = aws::changes(&before, &aws::cli_json(&edited));
    say::apply(format!(
        "{shown}: {} field{} change (If-Match {}):",
        changes.len(),
        plural(changes.len()),
        sanitize::text(&plan.etag)
    ));
    for c in &changes {
        say::apply(format!("  {shown}: {}: {} -> {}", c.path, c.old, c.new));
    }
    if !steps.aws.yes && !confirm(&shown)? {
        say::apply(format!("{shown}: skipped, nothing written"));
        return Ok(false);
    }
    let rollback = rollback_path(&steps.aws.rollback_dir(), id, &plan.etag)?;
    let contents = format!(
        "{}\n",
        serde_json::to_string_pretty(&before).context("writing the rollback file")?
    );
    output::write_private_atomically(&rollback, |w| w.write_all(contents.as_bytes()))
        .with_context(|| format!("writing the rollback file {}", rollback.display()))?;
    let updated =
        super::apply_interrupt::updating(|| block_on(aws::update(client, id, &plan.etag, edited)))?;
    let updated = match updated {
        Ok(u) => u,
        Err(e) if !refused(&e.failure) => {
            // The request may have reached CloudFront: keep what restores it.
            anyhow::bail!(
                "{e}; whether the update was made is unknown: check with `aws cloudfront get-distribution-config --id {shown}`; the previous config is kept in {} (mode 0600)",
                rollback.display()
            );
        }
        Err(e) => {
            // The API refused it, so nothing was written: its rollback file restores nothing.
            let _ = std::fs::remove_file(&rollback);
            let hint = match &e.failure {
                Failure::Other { code, .. } if code == "PreconditionFailed" => {
                    "; it changed since it was read (its ETag is no longer the one probed), so nothing was written to it: run again to plan from its current config"
                }
                _ => "; nothing was written to it",
            };
            anyhow::bail!("{e}{hint}");
        }
    };
    let new_etag = updated.etag.unwrap_or_default();
    say::apply(format!(
        "{shown}: updated (new ETag {}); the previous config is in {} (mode 0600). To restore it:",
        sanitize::text(&new_etag),
        rollback.display()
    ));
    say::plain(format!(
        "  {}",
        plan::restore_command(id, &rollback.display().to_string(), &new_etag)
    ));
    Ok(true)
}

/// Whether the API refused the update outright, so that nothing was written. A request that
/// got no answer (a dropped connection, a timeout) or a server error after the SDK's retries may
/// still have been carried out.
fn refused(failure: &Failure) -> bool {
    match failure {
        Failure::Denied { .. } | Failure::Throttled { .. } | Failure::NotFound { .. } => true,
        Failure::NoCredentials(_) => true,
        Failure::Unreachable(_) => false,
        Failure::Other { code, .. } => !matches!(
            code.as_str(),
            "InternalError" | "InternalFailure" | "ServiceUnavailable" | "Unknown"
        ),
    }
}

/// `DIR/ID-ETAG.json` as an absolute path (so the printed command works from any directory),
/// the directory created 0700 if missing.
fn rollback_path(dir: &Path, id: &str, etag: &str) -> Result<PathBuf> {
    private_dir(dir).with_context(|| format!("creating --rollback-dir {}", dir.display()))?;
    let dir =
        std::path::absolute(dir).with_context(|| format!("--rollback-dir {}", dir.display()))?;
    Ok(dir.join(format!("{}-{}.json", file_word(id), file_word(etag))))
}

/// Asks on the terminal; anything but `y` or `yes` declines.
fn confirm(id: &str) -> Result<bool> {
    eprint!("origin-probe: apply: update distribution {id}? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("reading the confirmation")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
