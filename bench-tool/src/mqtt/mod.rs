pub mod client;
pub mod conn;
pub mod pub_sub;
