//! `--color`: decided once in the binary, handed to the engine as a bool.

use super::ColorArg;

/// Whether the locale says UTF-8: the first of LC_ALL, LC_CTYPE and LANG
/// that is set and not empty. Without it, pictures use plain characters.
pub fn utf8_locale() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// Whether stdout gets colour. `auto` follows anstream: NO_COLOR (set and
/// not empty) turns it off, then CLICOLOR_FORCE (not `0`) turns it on, then
/// CLICOLOR=0 turns it off; otherwise a terminal whose TERM is not `dumb`.
/// `always` and `never`, from the command line or the defaults, beat them.
pub fn enabled(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    }
}
