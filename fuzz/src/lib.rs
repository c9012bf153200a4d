//! What the fuzz targets check of rjango's parsers. The workspace's tests include these files
//! to replay the corpus kept in the repository on stable.

pub mod multipart;
pub mod parsers;
pub mod replay;
pub mod request;
