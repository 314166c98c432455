//! Conversions with `tonic::Code` and `tonic::Status` (feature `tonic`).

use alloc::borrow::Cow;

use crate::{Code, HasCode, Status};

impl From<tonic::Code> for Code {
    fn from(code: tonic::Code) -> Code {
        // tonic's discriminants are the canonical numbers.
        Code::from_i32(code as i32).unwrap_or(Code::Unknown)
    }
}

impl From<Code> for tonic::Code {
    fn from(code: Code) -> tonic::Code {
        tonic::Code::from_i32(code.as_i32())
    }
}

impl From<&tonic::Status> for Status {
    fn from(status: &tonic::Status) -> Status {
        Status::new(
            status.code().into(),
            alloc::string::String::from(status.message()),
        )
    }
}

impl From<tonic::Status> for Status {
    fn from(status: tonic::Status) -> Status {
        Status::from(&status)
    }
}

impl From<Status> for tonic::Status {
    fn from(status: Status) -> tonic::Status {
        let (code, message) = status.into_parts();
        tonic::Status::new(code.into(), message)
    }
}

impl HasCode for tonic::Status {
    fn code(&self) -> Code {
        tonic::Status::code(self).into()
    }

    /// tonic's message: its `Display` adds the code and details around it.
    fn status_message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(tonic::Status::message(self)))
    }
}

impl HasCode for tonic::Code {
    fn code(&self) -> Code {
        (*self).into()
    }
}
