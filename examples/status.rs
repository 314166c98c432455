//! Looks up a status code by any name, number or HTTP status.
//!
//! ```sh
//! cargo run --example status -- "not found" 14 unknown_error 404 431
//! ```
//!
//! With no argument, prints the whole table.

use std::process::ExitCode;

use spanstatus::{Code, grpc};

fn describe(code: Code) {
    println!(
        "{:>2} {:<19} sentry={:<19} http={} {:<22} retry={:?}",
        code.as_i32(),
        code.as_str(),
        code.sentry_str(),
        code.http_status(),
        code.http_reason(),
        code.retry_advice(),
    );
    println!("   {}", code.description());
}

fn lookup(arg: &str) -> Result<(), String> {
    match arg.parse::<Code>() {
        Ok(code) => describe(code),
        Err(name_error) => {
            // Numbers past the 17 codes are read as HTTP statuses.
            let Ok(http) = arg.parse::<u16>() else {
                return Err(name_error.to_string());
            };
            let semantic = Code::from_http_status(http);
            let transport = grpc::code_from_http_response(http);
            println!(
                "HTTP {http}: {semantic} for an HTTP span; {transport} for a gRPC client without grpc-status"
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        Code::ALL.into_iter().for_each(describe);
        return ExitCode::SUCCESS;
    }
    let mut status = ExitCode::SUCCESS;
    for arg in &args {
        if let Err(message) = lookup(arg) {
            eprintln!("error: {message}");
            status = ExitCode::from(2);
        }
    }
    status
}
