//! errno → code: Abseil's `absl::ErrnoToStatusCode`, with this platform's errno
//! numbers written out here (no `libc`), so it works without `std`.
//!
//! [`ABSEIL`] is Abseil's `switch`, name by name and in its order
//! (<https://github.com/abseil/abseil-cpp/blob/master/absl/status/status.cc>);
//! the `numbers` modules give each name its number per platform. A compile-time
//! table indexed by the number is built from both: [`Code::from_errno`] is one
//! bounds check and one load.

use crate::Code;

/// The number of an errno name this platform does not have (Abseil's
/// `#ifdef ENOMEDIUM` and the like).
const ABSENT: i32 = -1;

/// Linux (and Android: the kernel's numbers) on every architecture that uses
/// the generic numbers of `asm-generic/errno*.h`: x86, x86-64, Arm, AArch64,
/// RISC-V, PowerPC, s390x, LoongArch. (PowerPC's distinct `EDEADLOCK`, 58, is
/// not one of Abseil's names.) MIPS and SPARC number errnos their own way.
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    ))
))]
mod numbers {
    pub(super) const HAS_TABLE: bool = true;

    pub(super) const EPERM: i32 = 1;
    pub(super) const ENOENT: i32 = 2;
    pub(super) const ESRCH: i32 = 3;
    pub(super) const EINTR: i32 = 4;
    pub(super) const ENXIO: i32 = 6;
    pub(super) const E2BIG: i32 = 7;
    pub(super) const EBADF: i32 = 9;
    pub(super) const ECHILD: i32 = 10;
    /// Also `EWOULDBLOCK`.
    pub(super) const EAGAIN: i32 = 11;
    pub(super) const ENOMEM: i32 = 12;
    pub(super) const EACCES: i32 = 13;
    pub(super) const EFAULT: i32 = 14;
    pub(super) const ENOTBLK: i32 = 15;
    pub(super) const EBUSY: i32 = 16;
    pub(super) const EEXIST: i32 = 17;
    pub(super) const EXDEV: i32 = 18;
    pub(super) const ENODEV: i32 = 19;
    pub(super) const ENOTDIR: i32 = 20;
    pub(super) const EISDIR: i32 = 21;
    pub(super) const EINVAL: i32 = 22;
    pub(super) const ENFILE: i32 = 23;
    pub(super) const EMFILE: i32 = 24;
    pub(super) const ENOTTY: i32 = 25;
    pub(super) const ETXTBSY: i32 = 26;
    pub(super) const EFBIG: i32 = 27;
    pub(super) const ENOSPC: i32 = 28;
    pub(super) const ESPIPE: i32 = 29;
    pub(super) const EROFS: i32 = 30;
    pub(super) const EMLINK: i32 = 31;
    pub(super) const EPIPE: i32 = 32;
    pub(super) const EDOM: i32 = 33;
    pub(super) const ERANGE: i32 = 34;
    /// Also `EDEADLOCK` (but on PowerPC).
    pub(super) const EDEADLK: i32 = 35;
    pub(super) const ENAMETOOLONG: i32 = 36;
    pub(super) const ENOLCK: i32 = 37;
    pub(super) const ENOSYS: i32 = 38;
    pub(super) const ENOTEMPTY: i32 = 39;
    pub(super) const ECHRNG: i32 = 44;
    pub(super) const EUNATCH: i32 = 49;
    pub(super) const ENONET: i32 = 64;
    pub(super) const ENOPKG: i32 = 65;
    pub(super) const ENOLINK: i32 = 67;
    pub(super) const ECOMM: i32 = 70;
    pub(super) const EOVERFLOW: i32 = 75;
    pub(super) const ENOTUNIQ: i32 = 76;
    pub(super) const EBADFD: i32 = 77;
    pub(super) const EILSEQ: i32 = 84;
    pub(super) const EUSERS: i32 = 87;
    pub(super) const ENOTSOCK: i32 = 88;
    pub(super) const EDESTADDRREQ: i32 = 89;
    pub(super) const EPROTOTYPE: i32 = 91;
    pub(super) const ENOPROTOOPT: i32 = 92;
    pub(super) const EPROTONOSUPPORT: i32 = 93;
    pub(super) const ESOCKTNOSUPPORT: i32 = 94;
    /// Also `EOPNOTSUPP`.
    pub(super) const ENOTSUP: i32 = 95;
    pub(super) const EPFNOSUPPORT: i32 = 96;
    pub(super) const EAFNOSUPPORT: i32 = 97;
    pub(super) const EADDRINUSE: i32 = 98;
    pub(super) const EADDRNOTAVAIL: i32 = 99;
    pub(super) const ENETDOWN: i32 = 100;
    pub(super) const ENETUNREACH: i32 = 101;
    pub(super) const ENETRESET: i32 = 102;
    pub(super) const ECONNABORTED: i32 = 103;
    pub(super) const ECONNRESET: i32 = 104;
    pub(super) const ENOBUFS: i32 = 105;
    pub(super) const EISCONN: i32 = 106;
    pub(super) const ENOTCONN: i32 = 107;
    pub(super) const ESHUTDOWN: i32 = 108;
    pub(super) const ETIMEDOUT: i32 = 110;
    pub(super) const ECONNREFUSED: i32 = 111;
    pub(super) const EHOSTDOWN: i32 = 112;
    pub(super) const EHOSTUNREACH: i32 = 113;
    pub(super) const EALREADY: i32 = 114;
    pub(super) const ESTALE: i32 = 116;
    pub(super) const EISNAM: i32 = 120;
    pub(super) const EDQUOT: i32 = 122;
    pub(super) const ENOMEDIUM: i32 = 123;
    pub(super) const ECANCELED: i32 = 125;
    pub(super) const ENOKEY: i32 = 126;
}

/// macOS, iOS and the other Apple systems, FreeBSD, DragonFly BSD, NetBSD and
/// OpenBSD: the 4.4BSD numbers up to 78, then each its own.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod numbers {
    use super::ABSENT;

    pub(super) const HAS_TABLE: bool = true;

    pub(super) const EPERM: i32 = 1;
    pub(super) const ENOENT: i32 = 2;
    pub(super) const ESRCH: i32 = 3;
    pub(super) const EINTR: i32 = 4;
    pub(super) const ENXIO: i32 = 6;
    pub(super) const E2BIG: i32 = 7;
    pub(super) const EBADF: i32 = 9;
    pub(super) const ECHILD: i32 = 10;
    pub(super) const EDEADLK: i32 = 11;
    pub(super) const ENOMEM: i32 = 12;
    pub(super) const EACCES: i32 = 13;
    pub(super) const EFAULT: i32 = 14;
    pub(super) const ENOTBLK: i32 = 15;
    pub(super) const EBUSY: i32 = 16;
    pub(super) const EEXIST: i32 = 17;
    pub(super) const EXDEV: i32 = 18;
    pub(super) const ENODEV: i32 = 19;
    pub(super) const ENOTDIR: i32 = 20;
    pub(super) const EISDIR: i32 = 21;
    pub(super) const EINVAL: i32 = 22;
    pub(super) const ENFILE: i32 = 23;
    pub(super) const EMFILE: i32 = 24;
    pub(super) const ENOTTY: i32 = 25;
    pub(super) const ETXTBSY: i32 = 26;
    pub(super) const EFBIG: i32 = 27;
    pub(super) const ENOSPC: i32 = 28;
    pub(super) const ESPIPE: i32 = 29;
    pub(super) const EROFS: i32 = 30;
    pub(super) const EMLINK: i32 = 31;
    pub(super) const EPIPE: i32 = 32;
    pub(super) const EDOM: i32 = 33;
    pub(super) const ERANGE: i32 = 34;
    /// Also `EWOULDBLOCK`.
    pub(super) const EAGAIN: i32 = 35;
    pub(super) const EALREADY: i32 = 37;
    pub(super) const ENOTSOCK: i32 = 38;
    pub(super) const EDESTADDRREQ: i32 = 39;
    pub(super) const EPROTOTYPE: i32 = 41;
    pub(super) const ENOPROTOOPT: i32 = 42;
    pub(super) const EPROTONOSUPPORT: i32 = 43;
    pub(super) const ESOCKTNOSUPPORT: i32 = 44;
    // 45 is EOPNOTSUPP everywhere here; FreeBSD, DragonFly and Apple also call
    // it ENOTSUP (below), NetBSD and OpenBSD give ENOTSUP its own number.
    pub(super) const EPFNOSUPPORT: i32 = 46;
    pub(super) const EAFNOSUPPORT: i32 = 47;
    pub(super) const EADDRINUSE: i32 = 48;
    pub(super) const EADDRNOTAVAIL: i32 = 49;
    pub(super) const ENETDOWN: i32 = 50;
    pub(super) const ENETUNREACH: i32 = 51;
    pub(super) const ENETRESET: i32 = 52;
    pub(super) const ECONNABORTED: i32 = 53;
    pub(super) const ECONNRESET: i32 = 54;
    pub(super) const ENOBUFS: i32 = 55;
    pub(super) const EISCONN: i32 = 56;
    pub(super) const ENOTCONN: i32 = 57;
    pub(super) const ESHUTDOWN: i32 = 58;
    pub(super) const ETIMEDOUT: i32 = 60;
    pub(super) const ECONNREFUSED: i32 = 61;
    pub(super) const ENAMETOOLONG: i32 = 63;
    pub(super) const EHOSTDOWN: i32 = 64;
    pub(super) const EHOSTUNREACH: i32 = 65;
    pub(super) const ENOTEMPTY: i32 = 66;
    pub(super) const EUSERS: i32 = 68;
    pub(super) const EDQUOT: i32 = 69;
    pub(super) const ESTALE: i32 = 70;
    pub(super) const ENOLCK: i32 = 77;
    pub(super) const ENOSYS: i32 = 78;

    // Linux-only names.
    pub(super) const ECHRNG: i32 = ABSENT;
    pub(super) const EUNATCH: i32 = ABSENT;
    pub(super) const ENONET: i32 = ABSENT;
    pub(super) const ENOPKG: i32 = ABSENT;
    pub(super) const ECOMM: i32 = ABSENT;
    pub(super) const ENOTUNIQ: i32 = ABSENT;
    pub(super) const EBADFD: i32 = ABSENT;
    pub(super) const EISNAM: i32 = ABSENT;
    pub(super) const ENOKEY: i32 = ABSENT;

    pub(super) use own::*;

    #[cfg(target_vendor = "apple")]
    mod own {
        use super::ABSENT;
        pub(crate) const EOVERFLOW: i32 = 84;
        pub(crate) const ECANCELED: i32 = 89;
        pub(crate) const EILSEQ: i32 = 92;
        /// `EOPNOTSUPP` is 102.
        pub(crate) const ENOTSUP: i32 = 45;
        pub(crate) const ENOLINK: i32 = 97;
        pub(crate) const ENOMEDIUM: i32 = ABSENT;
    }

    #[cfg(target_os = "freebsd")]
    mod own {
        use super::ABSENT;
        pub(crate) const EOVERFLOW: i32 = 84;
        pub(crate) const ECANCELED: i32 = 85;
        pub(crate) const EILSEQ: i32 = 86;
        /// Also `EOPNOTSUPP`.
        pub(crate) const ENOTSUP: i32 = 45;
        pub(crate) const ENOLINK: i32 = 91;
        pub(crate) const ENOMEDIUM: i32 = ABSENT;
    }

    #[cfg(target_os = "dragonfly")]
    mod own {
        pub(crate) const EOVERFLOW: i32 = 84;
        pub(crate) const ECANCELED: i32 = 85;
        pub(crate) const EILSEQ: i32 = 86;
        /// Also `EOPNOTSUPP`.
        pub(crate) const ENOTSUP: i32 = 45;
        pub(crate) const ENOLINK: i32 = 91;
        pub(crate) const ENOMEDIUM: i32 = 93;
    }

    #[cfg(target_os = "netbsd")]
    mod own {
        use super::ABSENT;
        pub(crate) const EOVERFLOW: i32 = 84;
        pub(crate) const EILSEQ: i32 = 85;
        /// `EOPNOTSUPP` is 45.
        pub(crate) const ENOTSUP: i32 = 86;
        pub(crate) const ECANCELED: i32 = 87;
        pub(crate) const ENOLINK: i32 = 95;
        pub(crate) const ENOMEDIUM: i32 = ABSENT;
    }

    #[cfg(target_os = "openbsd")]
    mod own {
        use super::ABSENT;
        pub(crate) const EILSEQ: i32 = 84;
        pub(crate) const ENOMEDIUM: i32 = 85;
        pub(crate) const EOVERFLOW: i32 = 87;
        pub(crate) const ECANCELED: i32 = 88;
        /// `EOPNOTSUPP` is 45.
        pub(crate) const ENOTSUP: i32 = 91;
        pub(crate) const ENOLINK: i32 = ABSENT;
    }
}

/// Every other target (Windows' C runtime, WASI, Solaris and illumos, AIX,
/// Haiku, Linux on MIPS or SPARC, bare metal): no table, so every number but 0
/// gives UNKNOWN.
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
#[allow(dead_code)]
mod numbers {
    use super::ABSENT;

    pub(super) const HAS_TABLE: bool = false;

    pub(super) const EPERM: i32 = ABSENT;
    pub(super) const ENOENT: i32 = ABSENT;
    pub(super) const ESRCH: i32 = ABSENT;
    pub(super) const EINTR: i32 = ABSENT;
    pub(super) const ENXIO: i32 = ABSENT;
    pub(super) const E2BIG: i32 = ABSENT;
    pub(super) const EBADF: i32 = ABSENT;
    pub(super) const ECHILD: i32 = ABSENT;
    pub(super) const EAGAIN: i32 = ABSENT;
    pub(super) const ENOMEM: i32 = ABSENT;
    pub(super) const EACCES: i32 = ABSENT;
    pub(super) const EFAULT: i32 = ABSENT;
    pub(super) const ENOTBLK: i32 = ABSENT;
    pub(super) const EBUSY: i32 = ABSENT;
    pub(super) const EEXIST: i32 = ABSENT;
    pub(super) const EXDEV: i32 = ABSENT;
    pub(super) const ENODEV: i32 = ABSENT;
    pub(super) const ENOTDIR: i32 = ABSENT;
    pub(super) const EISDIR: i32 = ABSENT;
    pub(super) const EINVAL: i32 = ABSENT;
    pub(super) const ENFILE: i32 = ABSENT;
    pub(super) const EMFILE: i32 = ABSENT;
    pub(super) const ENOTTY: i32 = ABSENT;
    pub(super) const ETXTBSY: i32 = ABSENT;
    pub(super) const EFBIG: i32 = ABSENT;
    pub(super) const ENOSPC: i32 = ABSENT;
    pub(super) const ESPIPE: i32 = ABSENT;
    pub(super) const EROFS: i32 = ABSENT;
    pub(super) const EMLINK: i32 = ABSENT;
    pub(super) const EPIPE: i32 = ABSENT;
    pub(super) const EDOM: i32 = ABSENT;
    pub(super) const ERANGE: i32 = ABSENT;
    pub(super) const EDEADLK: i32 = ABSENT;
    pub(super) const ENAMETOOLONG: i32 = ABSENT;
    pub(super) const ENOLCK: i32 = ABSENT;
    pub(super) const ENOSYS: i32 = ABSENT;
    pub(super) const ENOTEMPTY: i32 = ABSENT;
    pub(super) const ECHRNG: i32 = ABSENT;
    pub(super) const EUNATCH: i32 = ABSENT;
    pub(super) const ENONET: i32 = ABSENT;
    pub(super) const ENOPKG: i32 = ABSENT;
    pub(super) const ENOLINK: i32 = ABSENT;
    pub(super) const ECOMM: i32 = ABSENT;
    pub(super) const EOVERFLOW: i32 = ABSENT;
    pub(super) const ENOTUNIQ: i32 = ABSENT;
    pub(super) const EBADFD: i32 = ABSENT;
    pub(super) const EILSEQ: i32 = ABSENT;
    pub(super) const EUSERS: i32 = ABSENT;
    pub(super) const ENOTSOCK: i32 = ABSENT;
    pub(super) const EDESTADDRREQ: i32 = ABSENT;
    pub(super) const EPROTOTYPE: i32 = ABSENT;
    pub(super) const ENOPROTOOPT: i32 = ABSENT;
    pub(super) const EPROTONOSUPPORT: i32 = ABSENT;
    pub(super) const ESOCKTNOSUPPORT: i32 = ABSENT;
    pub(super) const ENOTSUP: i32 = ABSENT;
    pub(super) const EPFNOSUPPORT: i32 = ABSENT;
    pub(super) const EAFNOSUPPORT: i32 = ABSENT;
    pub(super) const EADDRINUSE: i32 = ABSENT;
    pub(super) const EADDRNOTAVAIL: i32 = ABSENT;
    pub(super) const ENETDOWN: i32 = ABSENT;
    pub(super) const ENETUNREACH: i32 = ABSENT;
    pub(super) const ENETRESET: i32 = ABSENT;
    pub(super) const ECONNABORTED: i32 = ABSENT;
    pub(super) const ECONNRESET: i32 = ABSENT;
    pub(super) const ENOBUFS: i32 = ABSENT;
    pub(super) const EISCONN: i32 = ABSENT;
    pub(super) const ENOTCONN: i32 = ABSENT;
    pub(super) const ESHUTDOWN: i32 = ABSENT;
    pub(super) const ETIMEDOUT: i32 = ABSENT;
    pub(super) const ECONNREFUSED: i32 = ABSENT;
    pub(super) const EHOSTDOWN: i32 = ABSENT;
    pub(super) const EHOSTUNREACH: i32 = ABSENT;
    pub(super) const EALREADY: i32 = ABSENT;
    pub(super) const ESTALE: i32 = ABSENT;
    pub(super) const EISNAM: i32 = ABSENT;
    pub(super) const EDQUOT: i32 = ABSENT;
    pub(super) const ENOMEDIUM: i32 = ABSENT;
    pub(super) const ECANCELED: i32 = ABSENT;
    pub(super) const ENOKEY: i32 = ABSENT;
}

use numbers::*;

/// `true` where [`Code::from_errno`] has this platform's numbers; elsewhere it
/// gives UNKNOWN for every number but 0, and `io::Error` uses its kind.
#[cfg_attr(not(feature = "std"), allow(dead_code))]
pub(crate) const HAS_TABLE: bool = numbers::HAS_TABLE;

/// Abseil's `ErrnoToStatusCode` switch, name by name, in its order (every other
/// number, 0 aside, is UNKNOWN).
const ABSEIL: &[(i32, Code)] = &[
    (EINVAL, Code::InvalidArgument),
    (ENAMETOOLONG, Code::InvalidArgument),
    (E2BIG, Code::InvalidArgument),
    (EDESTADDRREQ, Code::InvalidArgument),
    (EDOM, Code::InvalidArgument),
    (EFAULT, Code::InvalidArgument),
    (EILSEQ, Code::InvalidArgument),
    (ENOPROTOOPT, Code::InvalidArgument),
    (ENOTSOCK, Code::InvalidArgument),
    (ENOTTY, Code::InvalidArgument),
    (EPROTOTYPE, Code::InvalidArgument),
    (ESPIPE, Code::InvalidArgument),
    (ETIMEDOUT, Code::DeadlineExceeded),
    (ENODEV, Code::NotFound),
    (ENOENT, Code::NotFound),
    (ENOMEDIUM, Code::NotFound),
    (ENXIO, Code::NotFound),
    (ESRCH, Code::NotFound),
    (EEXIST, Code::AlreadyExists),
    (EADDRNOTAVAIL, Code::AlreadyExists),
    (EALREADY, Code::AlreadyExists),
    (ENOTUNIQ, Code::AlreadyExists),
    (EPERM, Code::PermissionDenied),
    (EACCES, Code::PermissionDenied),
    (ENOKEY, Code::PermissionDenied),
    (EROFS, Code::PermissionDenied),
    (ENOTEMPTY, Code::FailedPrecondition),
    (EISDIR, Code::FailedPrecondition),
    (ENOTDIR, Code::FailedPrecondition),
    (EADDRINUSE, Code::FailedPrecondition),
    (EBADF, Code::FailedPrecondition),
    (EBADFD, Code::FailedPrecondition),
    (EBUSY, Code::FailedPrecondition),
    (ECHILD, Code::FailedPrecondition),
    (EISCONN, Code::FailedPrecondition),
    (EISNAM, Code::FailedPrecondition),
    (ENOTBLK, Code::FailedPrecondition),
    (ENOTCONN, Code::FailedPrecondition),
    (EPIPE, Code::FailedPrecondition),
    (ESHUTDOWN, Code::FailedPrecondition),
    (ETXTBSY, Code::FailedPrecondition),
    (EUNATCH, Code::FailedPrecondition),
    (ENOSPC, Code::ResourceExhausted),
    (EDQUOT, Code::ResourceExhausted),
    (EMFILE, Code::ResourceExhausted),
    (EMLINK, Code::ResourceExhausted),
    (ENFILE, Code::ResourceExhausted),
    (ENOBUFS, Code::ResourceExhausted),
    (ENOMEM, Code::ResourceExhausted),
    (EUSERS, Code::ResourceExhausted),
    (ECHRNG, Code::OutOfRange),
    (EFBIG, Code::OutOfRange),
    (EOVERFLOW, Code::OutOfRange),
    (ERANGE, Code::OutOfRange),
    (ENOPKG, Code::Unimplemented),
    (ENOSYS, Code::Unimplemented),
    (ENOTSUP, Code::Unimplemented),
    (EAFNOSUPPORT, Code::Unimplemented),
    (EPFNOSUPPORT, Code::Unimplemented),
    (EPROTONOSUPPORT, Code::Unimplemented),
    (ESOCKTNOSUPPORT, Code::Unimplemented),
    (EXDEV, Code::Unimplemented),
    (EAGAIN, Code::Unavailable),
    (ECOMM, Code::Unavailable),
    (ECONNREFUSED, Code::Unavailable),
    (ECONNABORTED, Code::Unavailable),
    (ECONNRESET, Code::Unavailable),
    (EINTR, Code::Unavailable),
    (EHOSTDOWN, Code::Unavailable),
    (EHOSTUNREACH, Code::Unavailable),
    (ENETDOWN, Code::Unavailable),
    (ENETRESET, Code::Unavailable),
    (ENETUNREACH, Code::Unavailable),
    (ENOLCK, Code::Unavailable),
    (ENOLINK, Code::Unavailable),
    (ENONET, Code::Unavailable),
    (EDEADLK, Code::Aborted),
    (ESTALE, Code::Aborted),
    (ECANCELED, Code::Cancelled),
];

/// One past the largest number in [`ABSEIL`].
const LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < ABSEIL.len() {
        if ABSEIL[i].0 > max {
            max = ABSEIL[i].0;
        }
        i += 1;
    }
    max as usize + 1
};

/// The code of every number below [`LEN`], checked at compile time: two of
/// Abseil's names with one number would not compile in its `switch` either.
const TABLE: [Code; LEN] = {
    let mut table = [Code::Unknown; LEN];
    table[0] = Code::Ok;
    let mut i = 0;
    while i < ABSEIL.len() {
        let (number, code) = ABSEIL[i];
        if number != ABSENT {
            assert!(number > 0, "errno numbers are positive");
            assert!(
                matches!(table[number as usize], Code::Unknown),
                "two errno names with one number"
            );
            table[number as usize] = code;
        }
        i += 1;
    }
    table
};

impl Code {
    /// The code for an `errno` value: Abseil's `absl::ErrnoToStatusCode`
    /// ([status.cc](https://github.com/abseil/abseil-cpp/blob/master/absl/status/status.cc)),
    /// with this platform's numbers; 0 is OK, and a number Abseil does not list
    /// (or no errno at all) is UNKNOWN.
    ///
    /// | code | errno |
    /// |---|---|
    /// | OK | 0 |
    /// | INVALID_ARGUMENT | EINVAL, ENAMETOOLONG, E2BIG, EDESTADDRREQ, EDOM, EFAULT, EILSEQ, ENOPROTOOPT, ENOTSOCK, ENOTTY, EPROTOTYPE, ESPIPE |
    /// | DEADLINE_EXCEEDED | ETIMEDOUT |
    /// | NOT_FOUND | ENODEV, ENOENT, ENOMEDIUM, ENXIO, ESRCH |
    /// | ALREADY_EXISTS | EEXIST, EADDRNOTAVAIL, EALREADY, ENOTUNIQ |
    /// | PERMISSION_DENIED | EPERM, EACCES, ENOKEY, EROFS |
    /// | FAILED_PRECONDITION | ENOTEMPTY, EISDIR, ENOTDIR, EADDRINUSE, EBADF, EBADFD, EBUSY, ECHILD, EISCONN, EISNAM, ENOTBLK, ENOTCONN, EPIPE, ESHUTDOWN, ETXTBSY, EUNATCH |
    /// | RESOURCE_EXHAUSTED | ENOSPC, EDQUOT, EMFILE, EMLINK, ENFILE, ENOBUFS, ENOMEM, EUSERS |
    /// | OUT_OF_RANGE | ECHRNG, EFBIG, EOVERFLOW, ERANGE |
    /// | UNIMPLEMENTED | ENOPKG, ENOSYS, ENOTSUP, EAFNOSUPPORT, EPFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EXDEV |
    /// | UNAVAILABLE | EAGAIN, ECOMM, ECONNREFUSED, ECONNABORTED, ECONNRESET, EINTR, EHOSTDOWN, EHOSTUNREACH, ENETDOWN, ENETRESET, ENETUNREACH, ENOLCK, ENOLINK, ENONET |
    /// | ABORTED | EDEADLK, ESTALE |
    /// | CANCELLED | ECANCELED |
    /// | UNKNOWN | every other number, negative ones included |
    ///
    /// Names a platform lacks are skipped, as Abseil's `#ifdef`s do. Aliases
    /// follow their number: on Linux `EWOULDBLOCK` is `EAGAIN`, `EDEADLOCK` is
    /// `EDEADLK` and `EOPNOTSUPP` is `ENOTSUP`; on macOS, NetBSD and OpenBSD
    /// `EOPNOTSUPP` has its own number, which Abseil does not list (UNKNOWN).
    ///
    /// The numbers are written in this crate (no `libc`), for Linux and Android
    /// (all architectures but MIPS and SPARC), the Apple systems, FreeBSD,
    /// DragonFly BSD, NetBSD and OpenBSD. Every other target has no table:
    /// there every number but 0 is UNKNOWN.
    ///
    /// ```
    /// # use spanstatus_core::Code;
    /// assert_eq!(Code::from_errno(0), Code::Ok);
    /// # #[cfg(target_os = "linux")] {
    /// assert_eq!(Code::from_errno(111), Code::Unavailable); // ECONNREFUSED on Linux
    /// assert_eq!(Code::from_errno(110), Code::DeadlineExceeded); // ETIMEDOUT
    /// assert_eq!(Code::from_errno(32), Code::FailedPrecondition); // EPIPE
    /// assert_eq!(Code::from_errno(5), Code::Unknown); // EIO: not in Abseil's table
    /// # }
    /// assert_eq!(Code::from_errno(-1), Code::Unknown);
    /// ```
    #[inline]
    pub const fn from_errno(errno: i32) -> Code {
        if errno >= 0 && (errno as usize) < LEN {
            TABLE[errno as usize]
        } else {
            Code::Unknown
        }
    }
}
