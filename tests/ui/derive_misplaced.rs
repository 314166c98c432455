// `transparent` needs exactly one field and goes on a variant; `#[code]` is
// not for fields; a second `#[code]` is an error.
#[derive(Debug, spanstatus::HasCode)]
#[code(transparent)]
enum Transparent {
    #[code(transparent)]
    Two(std::io::Error, u32),
    Field(#[code(transparent)] std::io::Error),
    #[code(NotFound)]
    #[code(Internal)]
    Twice,
}

#[derive(Debug, spanstatus::HasCode)]
struct NoCode;

#[derive(Debug, spanstatus::HasCode)]
#[code(transparent)]
struct TwoFields(std::io::Error, u32);

#[derive(Debug, spanstatus::HasCode)]
#[code = "NotFound"]
struct NameValue;

fn main() {}
