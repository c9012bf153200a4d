//! Everything the CLI prints goes through here, so the look (prefixes, colours) is decided in
//! one place: `error:` and `warning:` on stderr, coloured only when stderr is a terminal and
//! NO_COLOR (https://no-color.org) is unset, so logs and pipes get plain text.

use std::fmt::Display;
use std::io::IsTerminal;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn stderr_color() -> bool {
    !no_color() && std::io::stderr().is_terminal()
}

fn stdout_color() -> bool {
    !no_color() && std::io::stdout().is_terminal()
}

fn paint(on: bool, color: &str, text: &str) -> String {
    if on {
        format!("{color}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// `error: <message>` on stderr.
pub fn error(message: impl Display) {
    eprintln!("{} {message}", paint(stderr_color(), RED, "error:"));
}

/// `warning: <message>` on stderr.
pub fn warning(message: impl Display) {
    eprintln!("{} {message}", paint(stderr_color(), YELLOW, "warning:"));
}

/// A line that continues a warning or error: indented, on stderr.
pub fn detail(message: impl Display) {
    eprintln!("  {message}");
}

/// A risk of the line above (a migration operation's), indented under it on stderr, with the
/// safer way on the line after.
pub fn caution(headline: impl Display, safer: impl Display) {
    eprintln!("      {} {headline}", paint(stderr_color(), YELLOW, "!"));
    eprintln!("        Safer: {safer}");
}

/// A line saying something was done, on stdout.
pub fn success(message: impl Display) {
    println!("{}", paint(stdout_color(), GREEN, &message.to_string()));
}

/// A plain progress or information line, on stdout.
pub fn info(message: impl Display) {
    println!("{message}");
}

/// A heading (e.g. "Next steps:"), bold on a terminal.
pub fn heading(message: impl Display) {
    println!("{}", paint(stdout_color(), BOLD, &message.to_string()));
}

/// A status line of the dev server's supervisor, on stderr so it interleaves with cargo's
/// progress and the server's log in the order they happened.
pub fn status(message: impl Display) {
    eprintln!("{}", paint(stderr_color(), BOLD, &message.to_string()));
}
