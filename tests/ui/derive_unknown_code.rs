// A code name the core does not parse: the error points at the token and
// lists what is accepted.
#[derive(Debug, spanstatus::HasCode)]
enum FetchError {
    #[code(NotFund)]
    Missing,
    #[code("teapot")]
    Teapot,
    #[code(17)]
    TooBig,
}

fn main() {}
