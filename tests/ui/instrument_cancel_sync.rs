// `cancel` on a sync function: only a future can be dropped before it
// completes. The error points at the argument.
#[spanstatus::instrument(level = "info", cancel)]
fn load(id: u64) -> Result<u64, std::io::Error> {
    Ok(id)
}

fn main() {
    let _ = load(7);
}
