//! Who generates a code, and what a caller should do about it.

use crate::{Code, CodeSet};

/// What the gRPC "litmus test" (statuscodes.md, `FAILED_PRECONDITION`) tells a
/// caller to do after a code.
///
/// There is no universal retry list: for every code but the three of the litmus
/// test the answer is [`RetryAdvice::ByPolicy`], to be settled per method (for
/// instance with a [`CodeSet`] parsed from a gRFC A6 `retryableStatusCodes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryAdvice {
    /// OK: nothing to retry.
    NotNeeded,
    /// UNAVAILABLE: retry just the failing call, with backoff (not always safe
    /// for non-idempotent calls).
    RetryCall,
    /// ABORTED: retry at a higher level, e.g. restart the whole
    /// read-modify-write sequence.
    RetryHigherLevel,
    /// FAILED_PRECONDITION: don't retry until the system state has been fixed.
    NotUntilStateFixed,
    /// Every other code: no rule fits all; decide per method.
    ByPolicy,
}

impl Code {
    /// The litmus test's answer for this code.
    ///
    /// ```
    /// use spanstatus_core::{Code, RetryAdvice};
    ///
    /// assert_eq!(Code::Unavailable.retry_advice(), RetryAdvice::RetryCall);
    /// assert_eq!(Code::Aborted.retry_advice(), RetryAdvice::RetryHigherLevel);
    /// assert_eq!(Code::FailedPrecondition.retry_advice(), RetryAdvice::NotUntilStateFixed);
    /// assert_eq!(Code::Internal.retry_advice(), RetryAdvice::ByPolicy);
    /// ```
    pub const fn retry_advice(self) -> RetryAdvice {
        match self {
            Code::Ok => RetryAdvice::NotNeeded,
            Code::Unavailable => RetryAdvice::RetryCall,
            Code::Aborted => RetryAdvice::RetryHigherLevel,
            Code::FailedPrecondition => RetryAdvice::NotUntilStateFixed,
            _ => RetryAdvice::ByPolicy,
        }
    }

    /// `true` for the codes gRPC libraries never generate, so a caller that
    /// sees one knows the application returned it ([`CodeSet::APPLICATION_ONLY`]).
    pub const fn is_application_only(self) -> bool {
        CodeSet::APPLICATION_ONLY.contains(self)
    }

    /// `true` for the non-OK codes a gRPC library may generate itself
    /// ([`CodeSet::LIBRARY_GENERATED`]); applications may return them too.
    pub const fn may_be_library_generated(self) -> bool {
        CodeSet::LIBRARY_GENERATED.contains(self)
    }
}
