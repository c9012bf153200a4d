//! `rjango runserver`: check the port, generate, build, then hand over to the supervisor in
//! [`crate::reload`], which serves and rebuilds on changes.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::process::ExitCode;

use super::{located, project_root};
use crate::cargo::{self, Verbosity};
use crate::cli::RunServer;
use crate::error::{Failure, Result};
use crate::reload::{AddrPort, Supervisor};

pub fn run(args: RunServer) -> Result<ExitCode> {
    let root = project_root(None)?;
    check_port(&args.addrport)?;
    rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    let package = rjango_codegen::project::package_name(&root)?;
    let bin = cargo::build(&root, &package, Verbosity::Normal)?;
    Supervisor {
        root,
        package,
        addr: args.addrport,
        reload: !args.noreload,
    }
    .run(bin)
}

/// Fails fast, before a possibly long build, when the port is taken: binding a listener and
/// dropping it right away tells whether the server could listen there.
fn check_port(addr: &AddrPort) -> Result<()> {
    match TcpListener::bind((addr.host.as_str(), addr.port)) {
        Ok(listener) => {
            drop(listener);
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::AddrInUse => Err(Failure::new(format!(
            "port {port} is already in use on {host}. Stop the other server, or pick another port: rjango runserver {next}",
            port = addr.port,
            host = addr.host,
            next = addr.port.checked_add(1).unwrap_or(8000),
        ))),
        Err(e) => Err(Failure::new(format!("cannot listen on {addr}: {e}"))),
    }
}
