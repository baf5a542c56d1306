//! `origin-probe cloudfront FILE...` (or `--aws`, read by `aws.rs`): CloudFront distribution JSON in, per-origin verdicts and,
//! with `--plan`, the migration plan out.
//!
//! Prepares the run: reads the documents, turns custom origins into targets (one per viewer
//! name when the Host header is forwarded), settles the origins that cannot be https-only from
//! their configuration alone, and hands a [`RunSpec`] to [`execute()`]; the plan is written from
//! what the run observed (`plan_file`).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::plan_file::{self, RowVerdicts};
use super::spec::{check_output, check_writable, load_baseline, load_roots};
use super::{EdgeError, Item, RunSpec, block_on, execute, say};
use crate::cli::CloudfrontArgs;
use crate::document::{InputErrorKind, InputErrorReport};
use crate::input::Shard;
use crate::input::cloudfront::{
    self, CfOrigin, Distribution, Document, needs_probe, origin_source, reference,
};
use crate::plan;
use crate::sanitize;
use crate::verdict::group_rules::GroupWatch;
use crate::verdict::{self, Subject};

pub(super) fn run(args: CloudfrontArgs) -> Result<ExitCode> {
    args.aws.check().map_err(anyhow::Error::msg)?;
    let run = DistributionRun {
        files: &args.files,
        aws: args.aws.aws.then_some(&args.aws),
        forwards_host: &args.forwards_host,
        plan: args.plan.as_deref(),
        edits: false,
        shard: args.shard,
        probe: args.probe,
        output: args.output,
    };
    run_distributions(run, load_cli_json)
}

/// Reads one AWS CLI distribution document (`cloudfront FILE`, and `serve --cloudfront`).
pub(super) fn load_cli_json(path: &Path) -> Result<Loaded> {
    Ok(Loaded {
        document: read_document(path)?,
        problems: Vec::new(),
    })
}

/// What a distribution command (`cloudfront`, `terraform`, `cloudformation`) hands to the one
/// path they share after parsing: its files, its reader, and the flags every one of them has.
pub(super) struct DistributionRun<'a> {
    pub files: &'a [PathBuf],
    /// `cloudfront --aws`: the documents come from the API instead of `files`.
    pub aws: Option<&'a crate::cli::AwsArgs>,
    pub forwards_host: &'a [String],
    pub plan: Option<&'a Path>,
    /// `--plan` of `terraform` and `cloudformation`: print the edits to make in the file.
    pub edits: bool,
    pub shard: Option<Shard>,
    pub probe: crate::cli::ProbeArgs,
    pub output: crate::cli::OutputArgs,
}

/// One file read into the model, and the parts of it that could not be (one line each; the
/// rest is checked).
pub(super) struct Loaded {
    pub document: Document,
    pub problems: Vec<String>,
}

/// The path every distribution input takes once parsed: items per origin and viewer name,
/// settled origins, origin groups, then [`execute()`] and, with `--plan`, the plan.
pub(super) fn run_distributions(
    run: DistributionRun<'_>,
    read: impl Fn(&Path) -> Result<Loaded>,
) -> Result<ExitCode> {
    let output = run.output.into_config();
    let progress = output.progress;
    // Whether Host is forwarded is read from each cache behavior, so there is no --host-header.
    let (probe, resolve, roots_path) = run.probe.into_config(None)?;
    check_output(&output)?;
    if let Some(plan) = run.plan {
        check_writable(plan, "--plan")?;
    }
    let baseline = load_baseline(&output)?;
    if let Some(aws) = run.aws {
        // Refuse an impossible plan or apply before reading the account.
        super::apply::check_before(aws, run.plan, run.shard)?;
    }
    let (documents, mut invalid, account) = match run.aws {
        Some(aws) => super::aws::read_documents(aws, run.forwards_host)?,
        None => {
            let (documents, invalid) = read_documents(run.files, run.forwards_host, read);
            (documents, invalid, super::aws::Account::default())
        }
    };
    if documents.is_empty() {
        return Err(EdgeError::InputReported.into());
    }
    // Refuse an impossible plan before probing anything (the API's documents are each planned
    // on their own, into --plan's directory).
    let plan_target = match run.aws {
        Some(_) => None,
        None => plan_target(run.plan, run.shard, &documents)?,
    };
    let again = super::apply::Reprobe {
        probe: probe.clone(),
        resolve: resolve.clone(),
        roots: roots_path.clone(),
    };
    let no_origins = documents
        .iter()
        .all(|d| d.distributions.iter().all(|x| x.origins.is_empty()));
    if no_origins && !invalid.is_empty() {
        // What was read has no origin, and the distributions that were not read said why.
        return Err(EdgeError::InputReported.into());
    }
    let Collected {
        mut items,
        invalid: origin_errors,
        rows,
    } = collect_items(&documents, run.shard)?;
    invalid.extend(origin_errors);
    let input_errors = !invalid.is_empty();
    // The bad documents and origins, for the report's machine formats (stderr has them).
    items.extend(invalid);
    let store = load_roots(roots_path.as_deref())?;
    let fail_on = output.fail_on;
    let spec = RunSpec {
        items: items.into_iter(),
        probe,
        resolve,
        store,
        output,
        baseline,
    };
    let mut verdicts = RowVerdicts::default();
    let mut groups = group_watch(&documents, &rows);
    let outcome = block_on(execute(spec, |o| {
        verdicts.observe(o);
        groups.observe(o)
    }))??;
    // A prober that failed judged too little to plan from: no plan is written.
    let mut code = outcome.finish(fail_on)?;
    if let Some((path, doc)) = plan_target {
        plan_file::write_plan(path, doc, &verdicts)?;
    }
    if run.aws.is_some()
        && outcome.interrupted
        && (run.plan.is_some() || run.aws.is_some_and(|a| a.apply))
    {
        // Origins not probed would stay as they are anyway, but an interrupted run is not one
        // to change an account from.
        say::note("the run was interrupted: nothing is planned or applied");
    } else if let Some(aws) = run.aws {
        let steps = super::apply::Steps {
            aws,
            plan_dir: run.plan,
            account: &account,
            forwards_host: run.forwards_host,
            again,
            progress,
        };
        if let Some(after) = super::apply::after_run(steps, &documents, &verdicts)? {
            code = after;
        }
    }
    if run.edits {
        plan_file::print_edits(&documents, &verdicts);
    }
    if input_errors {
        return Err(EdgeError::InputReported.into());
    }
    Ok(code)
}

/// Reads every file, reporting each one that cannot be used; also those, as report items.
pub(super) fn read_documents(
    files: &[PathBuf],
    forwards_host: &[String],
    read: impl Fn(&Path) -> Result<Loaded>,
) -> (Vec<Document>, Vec<Item>) {
    let mut input_errors = Vec::new();
    let mut documents = Vec::new();
    let mut used_declarations: Vec<String> = Vec::new();
    for path in files {
        match read(path) {
            Ok(Loaded {
                document: mut doc,
                problems,
            }) => {
                for problem in problems {
                    say::error(&problem);
                    input_errors.push(Item::Invalid(InputErrorReport {
                        kind: InputErrorKind::Document,
                        source: doc.source.clone(),
                        message: problem,
                    }));
                }
                used_declarations.extend(doc.declare_forwards_host(forwards_host));
                if doc.truncated {
                    say::note(format!(
                        "{}: this list-distributions page says more distributions follow; they are not checked (fetch every page)",
                        doc.source
                    ));
                }
                documents.push(doc);
            }
            Err(e) => {
                say::error(format!("{e:#}"));
                input_errors.push(Item::Invalid(InputErrorReport {
                    kind: InputErrorKind::Document,
                    source: path.display().to_string(),
                    message: format!("{e:#}"),
                }));
            }
        }
    }
    for id in forwards_host {
        if !used_declarations.contains(id) {
            say::note(format!(
                "--forwards-host {id}: no cache behavior in the input uses this policy"
            ));
        }
    }
    (documents, input_errors)
}

fn read_document(path: &Path) -> Result<Document> {
    let (bytes, source) = read_bytes(
        path,
        "more than any AWS CLI distribution document; give one page or distribution per file",
    )?;
    // The error names the source itself.
    Ok(cloudfront::parse_document(&bytes, &source)?)
}

/// The bytes of one input file ('-' for stdin) and how messages name it, at most
/// `MAX_DOCUMENT_BYTES`; `too_large` ends the message for a larger one.
pub(super) fn read_bytes(path: &Path, too_large: &str) -> Result<(Vec<u8>, String)> {
    let (reader, source): (Box<dyn Read>, String) = if path == Path::new("-") {
        (Box::new(std::io::stdin()), "stdin".to_string())
    } else {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).with_context(|| format!("reading {shown}"))?;
        (Box::new(file), shown)
    };
    // Read one byte past the cap, so a larger input is refused without being held whole.
    let mut bytes = Vec::new();
    reader
        .take(cloudfront::MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {source}"))?;
    anyhow::ensure!(
        bytes.len() as u64 <= cloudfront::MAX_DOCUMENT_BYTES,
        "{source}: larger than {} MiB, {too_large}",
        cloudfront::MAX_DOCUMENT_BYTES >> 20
    );
    Ok((bytes, source))
}

/// The plan file and the one document it is made for, checked before any probe: a single
/// `get-distribution-config` or `get-distribution` output with its ETag, and every origin of
/// it in this run.
fn plan_target<'a>(
    plan: Option<&'a Path>,
    shard: Option<Shard>,
    documents: &'a [Document],
) -> Result<Option<(&'a Path, &'a Document)>> {
    let Some(path) = plan else {
        return Ok(None);
    };
    anyhow::ensure!(
        shard.is_none_or(|s| s.is_whole()),
        "--plan needs every origin of the distribution; run it without --shard"
    );
    let [doc] = documents else {
        anyhow::bail!(
            "--plan takes exactly one distribution document, got {} files",
            documents.len()
        );
    };
    // A dry run with no decisions checks the kind, the ETag and the shape.
    plan::plan(doc, &[])?;
    Ok(Some((path, doc)))
}

/// The run's items in input order, and the origins that could not be made one (each is
/// reported, and returned as a report item). Nothing to check at all is an error, except in an
/// empty shard.
/// The run's items, the origins that could not be made items, and how many rows each origin
/// (by its source) has, so an origin group's row can follow its members' last one.
#[derive(Debug)]
pub(super) struct Collected {
    pub(super) items: Vec<Item>,
    pub(super) invalid: Vec<Item>,
    pub(super) rows: HashMap<String, usize>,
}

pub(super) fn collect_items(documents: &[Document], shard: Option<Shard>) -> Result<Collected> {
    let mut items = Vec::new();
    let mut origins_in_input = 0usize;
    let mut invalid = Vec::new();
    let mut rows = HashMap::new();
    for doc in documents {
        for dist in &doc.distributions {
            for origin in &dist.origins {
                origins_in_input += 1;
                if shard.is_some_and(|s| !s.holds(&shard_key(origin))) {
                    continue;
                }
                match origin_items(doc, dist, origin) {
                    Ok(mut new) => {
                        rows.insert(origin_source(&doc.source, dist, origin), new.len());
                        items.append(&mut new);
                    }
                    Err(e) => {
                        say::error(format!("{e:#}"));
                        invalid.push(Item::Invalid(InputErrorReport {
                            kind: InputErrorKind::Origin,
                            source: origin_source(&doc.source, dist, origin),
                            message: format!("{e:#}"),
                        }));
                    }
                }
            }
        }
    }
    let input_errors = !invalid.is_empty();
    let collected = |items, invalid| Collected {
        items,
        invalid,
        rows: rows.clone(),
    };
    if !items.is_empty() {
        return Ok(collected(items, invalid));
    }
    match shard {
        Some(shard) if origins_in_input > 0 && !input_errors => {
            // Not an error: a batch system runs every shard, and a small input leaves some empty.
            say::note(format!(
                "shard {shard} holds none of the {origins_in_input} origins; writing an empty report"
            ));
            Ok(collected(items, invalid))
        }
        // Origins that were refused have said so already.
        _ if input_errors => Err(EdgeError::InputReported.into()),
        _ => {
            let sources: Vec<&str> = documents.iter().map(|d| d.source.as_str()).collect();
            anyhow::bail!(
                "{}: no origins to check (the input lists no distributions, or none with an origin)",
                sources.join(", ")
            )
        }
    }
}

/// Watches for every origin group's members, to add the group's row after their last one.
pub(super) fn group_watch(documents: &[Document], rows: &HashMap<String, usize>) -> GroupWatch {
    let mut groups = GroupWatch::default();
    for doc in documents {
        for dist in &doc.distributions {
            groups.add(&doc.source, dist, |o| {
                rows.get(&origin_source(&doc.source, dist, o))
                    .copied()
                    .unwrap_or(0)
            });
        }
    }
    groups
}

/// What `--shard` hashes for an origin: its domain name as probed (normalised), so every viewer
/// row of one origin lands in the same shard; a name that does not normalise is hashed as
/// written (trimmed, lowercased), so its error is reported by exactly one shard.
fn shard_key(origin: &CfOrigin) -> String {
    let name = origin.domain_name.trim();
    crate::input::normalize_host(name).unwrap_or_else(|_| name.to_ascii_lowercase())
}

/// The run items of one origin: targets to probe, or a report settled by configuration alone.
fn origin_items(doc: &Document, dist: &Distribution, origin: &CfOrigin) -> Result<Vec<Item>> {
    // What the document alone says (the config.* rules), judged once for every row of it.
    let findings = verdict::config_rules::config_findings(dist, origin);
    if needs_probe(origin) {
        let targets =
            cloudfront::targets(&doc.source, dist, origin, &findings).with_context(|| {
                // Sanitised and cut like every other echoed input: the name can be any length.
                format!(
                    "{}: origin name \"{}\"",
                    origin_source(&doc.source, dist, origin),
                    sanitize::text(&origin.domain_name)
                )
            })?;
        return Ok(targets.into_iter().map(Item::Probe).collect());
    }
    let subject = Subject {
        origin: sanitize::text(&origin.domain_name),
        port: origin.custom().map_or(443, |c| c.https_port),
        host_header: None,
        source: origin_source(&doc.source, dist, origin),
        cloudfront: Some(reference(dist, origin, None)),
    };
    Ok(vec![Item::Settled(verdict::settled(subject, findings))])
}
