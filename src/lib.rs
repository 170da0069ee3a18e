pub mod decode;
pub mod error;
pub mod source;
pub mod time;
