//! API failures as one line each: what was called (as the IAM action that allows it), and why
//! it failed, in words a user can act on. Never a stack trace, never a custom header value (the
//! API's error messages carry none).

use std::fmt;

use aws_sdk_cloudfront::error::{ProvideErrorMetadata, SdkError};

use crate::sanitize;

/// Why one API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No credentials anywhere the AWS CLI looks.
    NoCredentials(String),
    /// The identity may not call the action (`AccessDenied`), or its keys are not valid.
    Denied { code: String, message: String },
    /// Still throttled after the SDK's retries with backoff.
    Throttled { code: String, message: String },
    /// The resource does not exist (a distribution deleted since it was listed, an unknown
    /// `--distribution-id`, a policy removed, a VPC origin's `EntityNotFound`).
    NotFound { code: String, message: String },
    /// The endpoint could not be reached, or answered something that is not the API.
    Unreachable(String),
    /// Any other error the API answered.
    Other { code: String, message: String },
}

/// A failed call: the IAM action (`cloudfront:GetDistributionConfig`), what it was about, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub action: &'static str,
    /// The resource the call was for (a distribution or policy ID), if any.
    pub resource: Option<String>,
    pub failure: Failure,
}

impl ApiError {
    /// Whether the other distributions can still be read: true for failures of one resource.
    pub(crate) fn is_per_resource(&self) -> bool {
        matches!(
            self.failure,
            Failure::NotFound { .. } | Failure::Other { .. }
        ) || (self.resource.is_some() && matches!(self.failure, Failure::Denied { .. }))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = self
            .resource
            .as_deref()
            .map(|r| format!(" on {}", sanitize::text(r)))
            .unwrap_or_default();
        let action = self.action;
        match &self.failure {
            Failure::NoCredentials(why) => {
                let profile = self
                    .resource
                    .as_deref()
                    .map(|p| format!(" for {}", sanitize::text(p)))
                    .unwrap_or_default();
                write!(
                    f,
                    "no AWS credentials found{profile} ({why}); set them as for the AWS CLI: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile, `aws sso login`, or an instance/task role"
                )
            }
            Failure::Denied { code, message } => write!(
                f,
                "{action}{on} was denied ({code}: {message}); the identity needs IAM permission for {action}"
            ),
            Failure::Throttled { code, message } => write!(
                f,
                "{action}{on} was still throttled after the SDK's retries with backoff ({code}: {message}); try again later, or name fewer distributions with --distribution-id"
            ),
            Failure::NotFound { code, message } => {
                write!(f, "{action}{on}: not found ({code}: {message})")
            }
            Failure::Unreachable(why) => {
                write!(f, "{action}{on}: the API could not be reached: {why}")
            }
            Failure::Other { code, message } => {
                write!(f, "{action}{on} failed ({code}: {message})")
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// The error codes the API uses for throttling (the SDK retries these first).
const THROTTLING: [&str; 6] = [
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "RequestThrottled",
];

/// Classifies one SDK error. `action` is the IAM action of the call.
pub(crate) fn classify<E, R>(
    action: &'static str,
    resource: Option<&str>,
    err: &SdkError<E, R>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug + 'static,
{
    let failure = match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = one_line(e.message().unwrap_or("no message"));
            failure_for_code(code, message)
        }
        other => {
            let text = causes(other);
            if text.contains("no credentials")
                || text.contains("credentials provider")
                || text.contains("failed to load credentials")
            {
                Failure::NoCredentials(text)
            } else {
                Failure::Unreachable(text)
            }
        }
    };
    ApiError {
        action,
        resource: resource.map(str::to_string),
        failure,
    }
}

/// The failure an API error code stands for.
pub(crate) fn failure_for_code(code: String, message: String) -> Failure {
    if THROTTLING.contains(&code.as_str()) {
        Failure::Throttled { code, message }
    } else if code == "AccessDenied"
        || code == "AccessDeniedException"
        || code == "InvalidClientTokenId"
        || code == "SignatureDoesNotMatch"
        || code == "ExpiredToken"
        || code == "UnrecognizedClientException"
    {
        Failure::Denied { code, message }
    } else if code.starts_with("NoSuch") || code == "NotFound" || code == "EntityNotFound" {
        Failure::NotFound { code, message }
    } else {
        Failure::Other { code, message }
    }
}

/// An error and its sources, each once, as one line: `dispatch failure: io error: …`.
pub(crate) fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    one_line(&parts.join(": "))
}

/// Error text on one line, sanitised and cut like every echoed input.
pub(crate) fn one_line(text: &str) -> String {
    let joined: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    sanitize::text(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(action: &'static str, resource: Option<&str>, code: &str) -> ApiError {
        ApiError {
            action,
            resource: resource.map(str::to_string),
            failure: failure_for_code(code.to_string(), "because".to_string()),
        }
    }

    #[test]
    fn codes_become_failures_that_name_the_action() {
        let denied = err("cloudfront:ListDistributions", None, "AccessDenied");
        assert_eq!(
            denied.to_string(),
            "cloudfront:ListDistributions was denied (AccessDenied: because); the identity needs IAM permission for cloudfront:ListDistributions"
        );
        assert!(!denied.is_per_resource(), "a denied list stops the run");
        let one = err(
            "cloudfront:GetDistributionConfig",
            Some("E1"),
            "AccessDenied",
        );
        assert!(
            one.is_per_resource(),
            "a denied distribution is one failure"
        );
        let gone = err(
            "cloudfront:GetDistributionConfig",
            Some("E1"),
            "NoSuchDistribution",
        );
        assert_eq!(
            gone.to_string(),
            "cloudfront:GetDistributionConfig on E1: not found (NoSuchDistribution: because)"
        );
        assert!(gone.is_per_resource());
        let slow = err("cloudfront:ListDistributions", None, "Throttling");
        assert!(matches!(slow.failure, Failure::Throttled { .. }));
        assert!(slow.to_string().contains("retries with backoff"));
        assert!(!slow.is_per_resource());
    }

    #[test]
    fn messages_are_one_sanitised_line() {
        assert_eq!(
            one_line("a\n  b\tc\x1b[31m"),
            sanitize::text("a b c\x1b[31m")
        );
        assert!(!one_line("x\ny").contains('\n'));
    }
}
