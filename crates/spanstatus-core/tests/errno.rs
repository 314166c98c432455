//! `Code::from_errno` against Abseil's `absl::ErrnoToStatusCode`
//! (<https://github.com/abseil/abseil-cpp/blob/master/absl/status/status.cc>)
//! for every number in 0..=4095. The expected table is built here, by name,
//! from Abseil's lists and the `libc` crate's constants, independently of the
//! crate's own numbers.

use spanstatus_core::Code;

/// The targets the crate has errno numbers for.
#[cfg(any(
    all(
        any(target_os = "linux", target_os = "android"),
        not(any(
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "mips32r6",
            target_arch = "mips64r6",
            target_arch = "sparc",
            target_arch = "sparc64"
        ))
    ),
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod with_table {
    use std::collections::HashMap;

    use super::*;

    /// `(name, number, code)` for each name in a list that this platform has.
    macro_rules! names {
        ($out:ident, $code:ident: $($(#[$cfg:meta])* $name:ident),+ $(,)?) => {
            $( $(#[$cfg])* $out.push((stringify!($name), libc::$name, Code::$code)); )+
        };
    }

    /// Abseil's lists, by name, with its `#ifdef`s as `cfg`s for the names that
    /// `libc` defines only on some platforms.
    #[allow(clippy::vec_init_then_push)] // pushes under `cfg`s: no `vec![]` literal
    fn abseil() -> Vec<(&'static str, i32, Code)> {
        let mut out = Vec::new();
        names!(out, InvalidArgument:
            EINVAL, ENAMETOOLONG, E2BIG, EDESTADDRREQ, EDOM, EFAULT, EILSEQ, ENOPROTOOPT,
            ENOTSOCK, ENOTTY, EPROTOTYPE, ESPIPE);
        names!(out, DeadlineExceeded: ETIMEDOUT);
        names!(out, NotFound:
            ENODEV, ENOENT,
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "dragonfly", target_os = "openbsd"))]
            ENOMEDIUM,
            ENXIO, ESRCH);
        names!(out, AlreadyExists:
            EEXIST, EADDRNOTAVAIL, EALREADY,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ENOTUNIQ);
        names!(out, PermissionDenied:
            EPERM, EACCES,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ENOKEY,
            EROFS);
        names!(out, FailedPrecondition:
            ENOTEMPTY, EISDIR, ENOTDIR, EADDRINUSE, EBADF,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            EBADFD,
            EBUSY, ECHILD, EISCONN,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            EISNAM,
            ENOTBLK, ENOTCONN, EPIPE, ESHUTDOWN, ETXTBSY,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            EUNATCH);
        names!(out, ResourceExhausted:
            ENOSPC, EDQUOT, EMFILE, EMLINK, ENFILE, ENOBUFS, ENOMEM, EUSERS);
        names!(out, OutOfRange:
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ECHRNG,
            EFBIG, EOVERFLOW, ERANGE);
        names!(out, Unimplemented:
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ENOPKG,
            ENOSYS, ENOTSUP, EAFNOSUPPORT, EPFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EXDEV);
        names!(out, Unavailable:
            EAGAIN,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ECOMM,
            ECONNREFUSED, ECONNABORTED, ECONNRESET, EINTR, EHOSTDOWN, EHOSTUNREACH, ENETDOWN,
            ENETRESET, ENETUNREACH, ENOLCK,
            #[cfg(not(target_os = "openbsd"))]
            ENOLINK,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            ENONET);
        names!(out, Aborted: EDEADLK, ESTALE);
        names!(out, Cancelled: ECANCELED);
        out
    }

    fn expected() -> HashMap<i32, (&'static str, Code)> {
        let mut expected = HashMap::new();
        expected.insert(0, ("0", Code::Ok));
        for (name, number, code) in abseil() {
            // Two listed names with one number would not compile in Abseil's
            // `switch` either.
            if let Some((other, _)) = expected.insert(number, (name, code)) {
                panic!("{name} and {other} are both {number}");
            }
        }
        expected
    }

    #[test]
    fn every_number_from_0_to_4095_is_abseils_code() {
        let expected = expected();
        for number in 0..=4095 {
            let (name, code) = expected
                .get(&number)
                .copied()
                .unwrap_or(("(not in Abseil's table)", Code::Unknown));
            assert_eq!(Code::from_errno(number), code, "errno {number}, {name}");
        }
    }

    #[test]
    fn negative_and_huge_numbers_are_unknown() {
        for number in [-1, -111, i32::MIN, 4096, 65_535, i32::MAX] {
            assert_eq!(Code::from_errno(number), Code::Unknown, "{number}");
        }
    }

    #[test]
    fn every_name_abseil_lists_is_counted() {
        // 79 names in Abseil's lists; the BSDs and Apple lack the Linux-only ones.
        let names = abseil().len();
        if cfg!(any(target_os = "linux", target_os = "android")) {
            assert_eq!(names, 79);
        } else {
            assert!(names >= 68, "{names}");
        }
    }

    #[test]
    fn aliases_follow_their_number() {
        assert_eq!(libc::EWOULDBLOCK, libc::EAGAIN);
        assert_eq!(Code::from_errno(libc::EWOULDBLOCK), Code::Unavailable);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            assert_eq!(libc::EOPNOTSUPP, libc::ENOTSUP);
            assert_eq!(Code::from_errno(libc::EOPNOTSUPP), Code::Unimplemented);
            assert_eq!(Code::from_errno(libc::EDEADLOCK), Code::Aborted);
        }
        // Apple, NetBSD and OpenBSD give EOPNOTSUPP a number of its own, which
        // Abseil does not list.
        #[cfg(any(target_vendor = "apple", target_os = "netbsd", target_os = "openbsd"))]
        assert_eq!(Code::from_errno(libc::EOPNOTSUPP), Code::Unknown);
    }

    #[test]
    fn errnos_abseil_does_not_list_are_unknown() {
        for number in [
            libc::EIO,
            libc::ENOEXEC,
            libc::ELOOP,
            libc::EINPROGRESS,
            libc::EMSGSIZE,
        ] {
            assert_eq!(Code::from_errno(number), Code::Unknown, "{number}");
        }
    }
}

/// Elsewhere there is no table: everything but 0 is UNKNOWN.
#[cfg(not(any(
    all(
        any(target_os = "linux", target_os = "android"),
        not(any(
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "mips32r6",
            target_arch = "mips64r6",
            target_arch = "sparc",
            target_arch = "sparc64"
        ))
    ),
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
#[test]
fn without_a_table_only_0_is_known() {
    assert_eq!(Code::from_errno(0), Code::Ok);
    for number in 1..=4095 {
        assert_eq!(Code::from_errno(number), Code::Unknown, "{number}");
    }
}

#[test]
fn from_errno_is_const() {
    const OK: Code = Code::from_errno(0);
    assert_eq!(OK, Code::Ok);
}
