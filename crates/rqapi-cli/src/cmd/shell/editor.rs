//! The line editor (rustyline): completion, history, and events printed
//! while the prompt waits.

use std::path::Path;

use rqapi_runtime::client::Event;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{
    CompletionType, Config, Editor, ExternalPrinter, Helper, Highlighter, Hinter, Validator,
};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use rqapi_cli::complete::Completions;
use rqapi_cli::session::{event_message, format_json};

use super::Shell;

#[derive(Helper, Hinter, Highlighter, Validator)]
struct ShellHelper {
    completions: Completions,
}

impl Completer for ShellHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.completions.complete(line, pos))
    }
}

/// Reads and runs lines until end of input or disconnection.
pub fn run(
    shell: &Shell,
    completions: Completions,
    history: Option<&Path>,
) -> rustyline::Result<()> {
    let config = Config::builder()
        .max_history_size(1000)?
        .completion_type(CompletionType::List)
        .build();
    let mut editor = Editor::<ShellHelper, FileHistory>::with_config(config)?;
    editor.set_helper(Some(ShellHelper { completions }));
    if let Some(path) = history
        && path.exists()
        && let Err(error) = editor.load_history(path)
    {
        eprintln!("warning: cannot read history {}: {error}", path.display());
    }
    let mut pending_events = None;
    if let Some(mut events) = shell.events() {
        if Shell::interactive() {
            // Print events as they come, above the prompt.
            let mut printer = editor.create_external_printer()?;
            shell.runtime.spawn(async move {
                loop {
                    match events.recv().await {
                        Ok(event) => {
                            let text = format_event(&event);
                            if printer.print(text + "\n").is_err() {
                                return;
                            }
                        }
                        Err(RecvError::Lagged(_)) => {}
                        Err(RecvError::Closed) => return,
                    }
                }
            });
        } else {
            pending_events = Some(events);
        }
    }
    loop {
        let line = match editor.readline(shell.prompt()) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(error),
        };
        // Added here rather than by rustyline, which skips it when input
        // is not a terminal.
        if !line.trim().is_empty() {
            editor.add_history_entry(line.as_str())?;
        }
        let connected = shell.run_line(&line);
        if let Some(events) = &mut pending_events {
            print_pending_events(events);
        }
        if !connected {
            break;
        }
    }
    if let Some(path) = history {
        save_history(&mut editor, path);
    }
    Ok(())
}

fn print_pending_events(events: &mut broadcast::Receiver<Event>) {
    loop {
        match events.try_recv() {
            Ok(event) => println!("{}", format_event(&event)),
            Err(TryRecvError::Lagged(lost)) => eprintln!("({lost} events lost)"),
            Err(TryRecvError::Empty | TryRecvError::Closed) => return,
        }
    }
}

fn format_event(event: &Event) -> String {
    format_json(&event_message(event), true)
}

fn save_history(editor: &mut Editor<ShellHelper, FileHistory>, path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(error) = editor.save_history(path) {
        eprintln!("warning: cannot save history {}: {error}", path.display());
    }
}
