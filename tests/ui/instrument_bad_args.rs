// Unknown arguments, and ours misused: each error points at the argument.
#[spanstatus::instrument(skip_all, retry)]
fn unknown(id: u64) -> Result<u64, std::io::Error> {
    Ok(id)
}

#[spanstatus::instrument(ok)]
fn not_a_result(id: u64) -> u64 {
    id
}

#[spanstatus::instrument(ok = true, cancel, cancel)]
async fn valued(id: u64) -> Result<u64, std::io::Error> {
    Ok(id)
}

fn main() {
    let _ = unknown(7);
    let _ = not_a_result(7);
    let _ = valued(7);
}
