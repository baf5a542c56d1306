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
    let output = args.output.into_config();
    // Whether Host is forwarded is read from each cache behavior, so there is no --host-header.
    let (probe, resolve, roots_path) = args.probe.into_config(None)?;
    check_output(&output)?;
    if let Some(plan) = args.plan.as_deref() {
        check_writable(plan, "--plan")?;
    }
    let baseline = load_baseline(&output)?;
    let (documents, mut invalid) = if args.aws.aws {
        super::aws::read_documents(&args.aws, &args.forwards_host)?
    } else {
        read_documents(&args.files, &args.forwards_host)
    };
    if documents.is_empty() {
        return Err(EdgeError::InputReported.into());
    }
    // Refuse an impossible plan before probing anything.
    let plan_target = plan_target(args.plan.as_deref(), args.shard, &documents)?;
    let Collected {
        mut items,
        invalid: origin_errors,
        rows,
    } = collect_items(&documents, args.shard)?;
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
    let code = outcome.finish(fail_on)?;
    if let Some((path, doc)) = plan_target {
        plan_file::write_plan(path, doc, &verdicts)?;
    }
    if input_errors {
        return Err(EdgeError::InputReported.into());
    }
    Ok(code)
}

/// Reads every file, reporting each one that cannot be used; also those, as report items.
fn read_documents(files: &[PathBuf], forwards_host: &[String]) -> (Vec<Document>, Vec<Item>) {
    let mut input_errors = Vec::new();
    let mut documents = Vec::new();
    let mut used_declarations: Vec<String> = Vec::new();
    for path in files {
        match read_document(path) {
            Ok(mut doc) => {
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
        "{source}: larger than {} MiB, more than any AWS CLI distribution document; give one page or distribution per file",
        cloudfront::MAX_DOCUMENT_BYTES >> 20
    );
    // The error names the source itself.
    Ok(cloudfront::parse_document(&bytes, &source)?)
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
struct Collected {
    items: Vec<Item>,
    invalid: Vec<Item>,
    rows: HashMap<String, usize>,
}

fn collect_items(documents: &[Document], shard: Option<Shard>) -> Result<Collected> {
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
fn group_watch(documents: &[Document], rows: &HashMap<String, usize>) -> GroupWatch {
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
