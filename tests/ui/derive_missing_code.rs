// A variant with no code and no default on the enum: the error names it.
#[derive(Debug, spanstatus::HasCode)]
enum FetchError {
    #[code(NotFound)]
    Missing,
    Broken(String),
}

fn main() {}
