//! The `origin-probe` binary: everything happens in the library; this only exits with its code.

fn main() -> std::process::ExitCode {
    origin_probe::run::main()
}
