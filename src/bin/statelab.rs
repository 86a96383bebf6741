//! The `statelab` command: a thin wrapper over `statelab::cli`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut stdin, mut stdout, mut stderr) =
        (std::io::stdin(), std::io::stdout(), std::io::stderr());
    let code = statelab::cli::main(
        &args,
        &mut statelab::cli::Io {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
        },
    );
    std::process::exit(code);
}
