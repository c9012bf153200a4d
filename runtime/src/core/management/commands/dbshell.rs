//! `dbshell [--database ALIAS] [-- ARGS]`: Django's dbshell. Runs the database's own client
//! (sqlite3, psql, mysql) on the alias's database, with what the URL says, the password passed
//! through the environment as Django passes it (PGPASSWORD, MYSQL_PWD), never on the command
//! line.

use std::process::Command;

use crate::db::Dialect;

/// A client to run: the program, its arguments, and variables for its environment.
pub type ClientCommand = (String, Vec<String>, Vec<(String, String)>);

/// The client program, its arguments and its environment for `url`, as Django's backends'
/// `settings_to_cmd_args_env` build them.
pub fn client_command(url: &str, params: &[String]) -> Option<ClientCommand> {
    let dialect = Dialect::from_url(url)?;
    Some(match dialect {
        Dialect::Sqlite => {
            let path = crate::db::url::name(url).unwrap_or_default();
            let mut args = vec![path];
            args.extend(params.iter().cloned());
            ("sqlite3".to_owned(), args, Vec::new())
        }
        Dialect::Postgres => {
            let p = crate::db::url::parts(url);
            let mut args = Vec::new();
            if let Some(user) = &p.user {
                args.extend(["-U".to_owned(), user.clone()]);
            }
            if let Some(host) = &p.host {
                args.extend(["-h".to_owned(), host.clone()]);
            }
            if let Some(port) = &p.port {
                args.extend(["-p".to_owned(), port.clone()]);
            }
            args.extend(params.iter().cloned());
            args.push(p.name.clone().unwrap_or_else(|| "postgres".to_owned()));
            let env = p
                .password
                .map(|pw| vec![("PGPASSWORD".to_owned(), pw)])
                .unwrap_or_default();
            ("psql".to_owned(), args, env)
        }
        Dialect::Mysql => {
            let p = crate::db::url::parts(url);
            let mut args = Vec::new();
            if let Some(user) = &p.user {
                args.push(format!("--user={user}"));
            }
            if let Some(host) = &p.host {
                args.push(if host.contains('/') {
                    format!("--socket={host}")
                } else {
                    format!("--host={host}")
                });
            }
            if let Some(port) = &p.port {
                args.push(format!("--port={port}"));
            }
            if let Some(name) = &p.name {
                args.push(name.clone());
            }
            args.extend(params.iter().cloned());
            let env = p
                .password
                .map(|pw| vec![("MYSQL_PWD".to_owned(), pw)])
                .unwrap_or_default();
            ("mysql".to_owned(), args, env)
        }
    })
}

pub fn run(
    settings: &crate::conf::Settings,
    database: &str,
    params: &[String],
) -> Result<u8, String> {
    let url = settings.DATABASES.url(database).ok_or_else(|| {
        format!("CommandError: the database alias '{database}' is not in DATABASES")
    })?;
    let (program, args, env) = client_command(&url, params).ok_or_else(|| {
        format!(
            "CommandError: unknown database URL scheme: {}",
            crate::db::url::redact(&url)
        )
    })?;
    let status = Command::new(&program).args(&args).envs(env).status().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("CommandError: You appear not to have the '{program}' program installed or on your path.")
        } else {
            format!("CommandError: could not run {program}: {e}")
        }
    })?;
    if status.success() {
        return Ok(0);
    }
    let code = status.code().unwrap_or(1);
    eprintln!(
        "CommandError: \"{program} {}\" returned non-zero exit status {code}.",
        args.join(" ")
    );
    Ok(u8::try_from(code).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_as_django_runs_them() {
        let (p, args, env) = client_command(
            "postgres://ann:s%40cret@db.example:5433/shop",
            &["-c".into(), "SELECT 1".into()],
        )
        .unwrap();
        assert_eq!(p, "psql");
        assert_eq!(
            args,
            [
                "-U",
                "ann",
                "-h",
                "db.example",
                "-p",
                "5433",
                "-c",
                "SELECT 1",
                "shop"
            ]
        );
        assert_eq!(env, [("PGPASSWORD".to_owned(), "s@cret".to_owned())]);
        let (p, args, env) = client_command(
            "mysql://root@127.0.0.1:3306/shop",
            &["-e".into(), "SELECT 1".into()],
        )
        .unwrap();
        assert_eq!(p, "mysql");
        assert_eq!(
            args,
            [
                "--user=root",
                "--host=127.0.0.1",
                "--port=3306",
                "shop",
                "-e",
                "SELECT 1"
            ]
        );
        assert!(env.is_empty());
        let (p, args, _) = client_command("sqlite:///srv/site/db.sqlite3?mode=rwc", &[]).unwrap();
        assert_eq!(
            (p.as_str(), args),
            ("sqlite3", vec!["/srv/site/db.sqlite3".to_owned()])
        );
        assert_eq!(
            crate::db::url::parts("postgres://h/db").host.as_deref(),
            Some("h")
        );
    }
}
