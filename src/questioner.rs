//! makemigrations' questions on a terminal, worded as Django's InteractiveMigrationQuestioner
//! words them. Without a terminal (a pipe, CI) a question is an error that says to use
//! --noinput or add the default to models.rs, never a hang.

use dialoguer::{Confirm, Input};
use rjango_codegen::migrations::questioner::{NullAlteration, Questioner, Quit, parse_default};
use rjango_schema::{FieldType, Value};

pub struct Terminal;

fn no_terminal(question: &str) -> Quit {
    Quit(format!(
        "makemigrations needs to ask: {question}, but there is no terminal to ask on. Run it in a terminal, or with --noinput (no renames assumed, missing defaults are errors)."
    ))
}

fn confirm(prompt: String) -> Result<bool, Quit> {
    Confirm::new()
        .with_prompt(&prompt)
        .default(false)
        .interact()
        .map_err(|_| no_terminal(&prompt))
}

/// The numbered choice of Django's questioner: prints the options, reads a number.
fn choose(intro: &str, options: &[&str]) -> Result<usize, Quit> {
    let mut text = format!("{intro}\nPlease select a fix:\n");
    for (i, o) in options.iter().enumerate() {
        text.push_str(&format!(" {}) {o}\n", i + 1));
    }
    eprint!("{text}");
    let n = options.len();
    let answer: String = Input::new()
        .with_prompt("Select an option")
        .validate_with(|s: &String| -> Result<(), String> {
            match s.trim().parse::<usize>() {
                Ok(k) if (1..=n).contains(&k) => Ok(()),
                _ => Err(format!("Please select a valid option (1 to {n})")),
            }
        })
        .interact_text()
        .map_err(|_| no_terminal(intro))?;
    Ok(answer.trim().parse::<usize>().unwrap_or(n))
}

/// A one-off default typed as a Rust literal, checked against the field's type. `suggested`
/// is taken when the answer is empty (Django offers `timezone.now` for auto_now fields).
fn one_off_default(
    field_class: &str,
    fits: impl Fn(&Value) -> bool,
    suggested: Option<&str>,
) -> Result<Value, Quit> {
    let mut intro = format!(
        "Please enter the default value as a Rust literal ({field_class}): e.g. 0, \"text\", true, or \"2026-01-01T00:00:00Z\" for a date and time."
    );
    if let Some(s) = suggested {
        intro.push_str(&format!(
            "\nAccept the default '{s}' by pressing 'Enter' or provide another value."
        ));
    }
    if fits(&Value::Now) {
        intro.push_str("\nDjango's timezone.now is available, so it is possible to provide timezone.now as a value: the moment the migration runs.");
    }
    eprintln!("{intro}\nType 'exit' to exit this prompt");
    let mut input = Input::new().with_prompt(match suggested {
        Some(s) => format!("[default: {s}] >>>"),
        None => ">>>".to_owned(),
    });
    if suggested.is_some() {
        input = input.allow_empty(true);
    }
    let answer: String = input
        .validate_with(|s: &String| -> Result<(), String> {
            if s.trim() == "exit" || (s.trim().is_empty() && suggested.is_some()) {
                return Ok(());
            }
            let v = parse_default(s)?;
            if fits(&v) {
                Ok(())
            } else {
                Err(format!("{s} is not a value for {field_class}"))
            }
        })
        .interact_text()
        .map_err(|_| no_terminal("a one-off default"))?;
    if answer.trim() == "exit" {
        return Err(Quit(
            "Cancelled: add a default to the field in models.rs, then run makemigrations again."
                .into(),
        ));
    }
    let answer = match (answer.trim(), suggested) {
        ("", Some(s)) => s,
        (typed, _) => typed,
    };
    parse_default(answer).map_err(Quit)
}

fn fits(field_type: &FieldType) -> impl Fn(&Value) -> bool + '_ {
    move |v: &Value| !matches!(v, Value::Null) && field_type.accepts(v)
}

impl Questioner for Terminal {
    fn ask_rename_model(&mut self, app: &str, old_name: &str, new_name: &str) -> bool {
        confirm(format!(
            "Was the model {app}.{old_name} renamed to {new_name}?"
        ))
        .unwrap_or(false)
    }

    fn ask_rename(
        &mut self,
        model: &str,
        old_name: &str,
        new_name: &str,
        field_class: &str,
    ) -> bool {
        confirm(format!(
            "Was {model}.{old_name} renamed to {model}.{new_name} (a {field_class})?"
        ))
        .unwrap_or(false)
    }

    fn ask_not_null_addition(
        &mut self,
        field: &str,
        model: &str,
        field_type: &FieldType,
    ) -> Result<Value, Quit> {
        let field_class = field_type.class_name();
        // Django's ask_auto_now_add_addition: an auto_now field suggests timezone.now.
        let auto = match field_type.auto_now() {
            (_, true) => Some("auto_now_add"),
            (true, _) => Some("auto_now"),
            _ => None,
        };
        let intro = match auto {
            Some(option) => format!(
                "It is impossible to add the field '{field}' with '{option}=true' to {model} without providing a default. This is because the database needs something to populate existing rows."
            ),
            None => format!(
                "It is impossible to add a non-nullable field '{field}' to {model} without specifying a default. This is because the database needs something to populate existing rows."
            ),
        };
        match choose(
            &intro,
            &[
                "Provide a one-off default now (will be set on all existing rows with a null value for this column)",
                "Quit and manually define a default value in models.rs.",
            ],
        )? {
            1 => one_off_default(field_class, fits(field_type), auto.map(|_| "timezone.now")),
            _ => Err(Quit(format!(
                "Add a default to {model}.{field} in models.rs (#[field(default = ...)]) or make it Option<...>, then run makemigrations again."
            ))),
        }
    }

    fn ask_not_null_alteration(
        &mut self,
        field: &str,
        model: &str,
        field_type: &FieldType,
    ) -> Result<NullAlteration, Quit> {
        let field_class = field_type.class_name();
        let intro = format!(
            "It is impossible to change a nullable field '{field}' on {model} to non-nullable without providing a default. This is because the database needs something to populate existing rows."
        );
        match choose(
            &intro,
            &[
                "Provide a one-off default now (will be set on all existing rows with a null value for this column)",
                "Ignore for now. Existing rows that contain NULL values will have to be handled manually, for example with a RunRust or RunSql operation.",
                "Quit and manually define a default value in models.rs.",
            ],
        )? {
            1 => one_off_default(field_class, fits(field_type), None)
                .map(NullAlteration::OneOffDefault),
            2 => Ok(NullAlteration::Ignore),
            _ => Err(Quit(format!(
                "Add a default to {model}.{field} in models.rs, then run makemigrations again."
            ))),
        }
    }
}

/// Django's question before writing a merge migration (No unless answered yes).
pub fn confirm_merge() -> Result<bool, Quit> {
    eprintln!(
        "\nMerging will only work if the operations printed above do not conflict\nwith each other (working on different fields or models)"
    );
    confirm("Should these migration branches be merged?".to_owned())
}

/// Django's question before squashing (No unless answered yes).
pub fn confirm_squash(names: &[String]) -> Result<bool, Quit> {
    let mut list = String::from("Will squash the following migrations:");
    for n in names {
        list.push_str(&format!("\n - {n}"));
    }
    eprintln!("{list}");
    confirm("Do you wish to proceed?".to_owned())
}
