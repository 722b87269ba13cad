//! The comparison state and the roots clients start from: commands
//! (arguments in, return values out) and events (data out).

use std::collections::HashSet;

use rqapi_schema::Schema;
use rqapi_schema::schema::{Command, Entity, EntityId, Feature, IfCond};
use rqapi_schema::source::SourceInfo;

use crate::change::{Change, ChangeKind, Direction, Severity};
use crate::context::{Config, Ctx, implies};

/// Old and new locations of the thing a report is about.
#[derive(Clone, Debug, Default)]
pub(crate) struct Site {
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
}

/// Compares two schemas; see [`crate::compare`].
pub(crate) struct Comparer<'a> {
    pub(crate) old: &'a Schema,
    pub(crate) new: &'a Schema,
    pub(crate) config: &'a Config,
    old_dir: String,
    new_dir: String,
    /// Type pairs already compared in a context: ends recursion through
    /// recursive types and reports a shared type once per context.
    memo: HashSet<(EntityId, EntityId, Ctx)>,
    pub(crate) changes: Vec<Change>,
}

/// The directory part of `path` with its trailing `/`, for trimming.
fn dir_prefix(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_owned(),
        None => String::new(),
    }
}

/// The empty object: what a command without `data` takes, or without
/// `returns` returns, and an event without `data` carries.
fn empty_object(schema: &Schema) -> Option<EntityId> {
    schema.lookup_id("q_empty")
}

impl<'a> Comparer<'a> {
    pub(crate) fn new(old: &'a Schema, new: &'a Schema, config: &'a Config) -> Self {
        Comparer {
            old,
            new,
            config,
            old_dir: dir_prefix(old.fname()),
            new_dir: dir_prefix(new.fname()),
            memo: HashSet::new(),
            changes: Vec::new(),
        }
    }

    fn loc(dir: &str, info: &SourceInfo) -> String {
        let fname = info.fname.strip_prefix(dir).unwrap_or(&info.fname);
        format!("{fname}:{}", info.line)
    }

    pub(crate) fn old_loc(&self, info: Option<&SourceInfo>) -> Option<String> {
        info.map(|i| Self::loc(&self.old_dir, i))
    }

    pub(crate) fn new_loc(&self, info: Option<&SourceInfo>) -> Option<String> {
        info.map(|i| Self::loc(&self.new_dir, i))
    }

    pub(crate) fn site(&self, old: Option<&SourceInfo>, new: Option<&SourceInfo>) -> Site {
        Site {
            old: self.old_loc(old),
            new: self.new_loc(new),
        }
    }

    /// Records a change; `breaking` is whether it breaks clients in
    /// `ctx`'s direction.
    pub(crate) fn report(
        &mut self,
        kind: ChangeKind,
        ctx: Ctx,
        breaking: bool,
        path: &str,
        site: &Site,
        message: String,
    ) {
        self.changes.push(Change {
            kind,
            direction: ctx.dir,
            severity: ctx.severity(breaking),
            path: path.to_owned(),
            old_loc: site.old.clone(),
            new_loc: site.new.clone(),
            message,
        });
    }

    /// First visit of a type pair in `ctx`?
    pub(crate) fn first_visit(&mut self, old: EntityId, new: EntityId, ctx: Ctx) -> bool {
        self.memo.insert((old, new, ctx))
    }

    pub(crate) fn run(&mut self) {
        self.commands();
        self.events();
    }

    fn commands(&mut self) {
        let present = |s: &'a Schema| -> Vec<(&'a Entity, &'a Command)> {
            s.commands()
                .filter(|(e, _)| self.config.present(&e.ifcond))
                .collect()
        };
        let (old_cmds, new_cmds) = (present(self.old), present(self.new));
        for &(oe, oc) in &old_cmds {
            match new_cmds.iter().find(|(ne, _)| ne.name == oe.name) {
                Some(&(ne, nc)) => self.command(oe, oc, ne, nc),
                None => {
                    let ctx = Ctx::new(Direction::Input).under(&oe.features, &[]);
                    let site = self.site(oe.info.as_ref(), None);
                    let msg = format!("command '{}' removed", oe.name);
                    self.report(ChangeKind::CommandRemoved, ctx, true, &oe.name, &site, msg);
                }
            }
        }
        for &(ne, _) in &new_cmds {
            if !old_cmds.iter().any(|(oe, _)| oe.name == ne.name) {
                let ctx = Ctx::new(Direction::Input).under(&[], &ne.features);
                let site = self.site(None, ne.info.as_ref());
                let msg = format!("command '{}' added", ne.name);
                self.report(ChangeKind::CommandAdded, ctx, false, &ne.name, &site, msg);
            }
        }
    }

    fn command(&mut self, oe: &Entity, oc: &Command, ne: &Entity, nc: &Command) {
        let name = &oe.name;
        let input = Ctx::new(Direction::Input).under(&oe.features, &ne.features);
        let site = self.site(oe.info.as_ref(), ne.info.as_ref());
        let what = format!("command '{name}'");
        self.compare_meta(input, name, &site, &what, (&oe.ifcond, &ne.ifcond));
        self.compare_features(input, name, &site, &what, &oe.features, &ne.features);
        self.command_flags(input, name, &site, oc, nc);
        let (Some(old_empty), Some(new_empty)) = (empty_object(self.old), empty_object(self.new))
        else {
            return;
        };
        self.compare_type(
            oc.arg_type.unwrap_or(old_empty),
            nc.arg_type.unwrap_or(new_empty),
            input,
            &format!("{name}(args)"),
            &site,
        );
        let output = Ctx {
            dir: Direction::Output,
            ..input
        };
        self.compare_type(
            oc.ret_type.unwrap_or(old_empty),
            nc.ret_type.unwrap_or(new_empty),
            output,
            &format!("{name}(returns)"),
            &site,
        );
    }

    /// Flags that change what a client may do with the command.
    fn command_flags(&mut self, ctx: Ctx, path: &str, site: &Site, oc: &Command, nc: &Command) {
        let flags = [
            ("allow-oob", oc.allow_oob, nc.allow_oob),
            ("allow-preconfig", oc.allow_preconfig, nc.allow_preconfig),
        ];
        for (flag, old, new) in flags {
            if old != new {
                let msg = format!(
                    "command '{path}' {} '{flag}'",
                    if new { "gained" } else { "lost" }
                );
                self.report(ChangeKind::CommandFlagChanged, ctx, old, path, site, msg);
            }
        }
        if oc.success_response != nc.success_response {
            let msg = format!(
                "command '{path}' {} a success response",
                if nc.success_response {
                    "now sends"
                } else {
                    "no longer sends"
                }
            );
            self.report(ChangeKind::CommandFlagChanged, ctx, true, path, site, msg);
        }
    }

    fn events(&mut self) {
        let out = Direction::Output;
        let present = |s: &'a Schema| -> Vec<&'a Entity> {
            s.events()
                .filter(|(e, _)| self.config.present(&e.ifcond))
                .map(|(e, _)| e)
                .collect()
        };
        let (old_evs, new_evs) = (present(self.old), present(self.new));
        for &oe in &old_evs {
            let Some(&ne) = new_evs.iter().find(|ne| ne.name == oe.name) else {
                let ctx = Ctx::new(out).under(&oe.features, &[]);
                let site = self.site(oe.info.as_ref(), None);
                let msg = format!("event '{}' removed", oe.name);
                self.report(ChangeKind::EventRemoved, ctx, true, &oe.name, &site, msg);
                continue;
            };
            let ctx = Ctx::new(out).under(&oe.features, &ne.features);
            let site = self.site(oe.info.as_ref(), ne.info.as_ref());
            let what = format!("event '{}'", oe.name);
            self.compare_meta(ctx, &oe.name, &site, &what, (&oe.ifcond, &ne.ifcond));
            self.compare_features(ctx, &oe.name, &site, &what, &oe.features, &ne.features);
            let data =
                |s: &Schema, e: &Entity| e.as_event().and_then(|v| v.arg_type).or(empty_object(s));
            if let (Some(o), Some(n)) = (data(self.old, oe), data(self.new, ne)) {
                self.compare_type(o, n, ctx, &format!("{}(data)", oe.name), &site);
            }
        }
        for &ne in &new_evs {
            if !old_evs.iter().any(|oe| oe.name == ne.name) {
                let ctx = Ctx::new(out).under(&[], &ne.features);
                let site = self.site(None, ne.info.as_ref());
                let msg = format!("event '{}' added", ne.name);
                self.report(ChangeKind::EventAdded, ctx, false, &ne.name, &site, msg);
            }
        }
    }

    /// Reports a changed `if` condition of `what` (only when conditions
    /// are not evaluated: then absent things simply are absent).
    pub(crate) fn compare_meta(
        &mut self,
        ctx: Ctx,
        path: &str,
        site: &Site,
        what: &str,
        (old, new): (&IfCond, &IfCond),
    ) {
        if self.config.evaluates() || old == new {
            return;
        }
        let show = |c: &IfCond| {
            if c.is_present() {
                format!("'{}'", c.docgen())
            } else {
                "none".to_owned()
            }
        };
        let msg = format!(
            "condition of {what} changed from {} to {}",
            show(old),
            show(new)
        );
        self.report(ChangeKind::ConditionChanged, ctx, false, path, site, msg);
        // A narrower condition drops it from some builds; a wider one
        // (or none) only adds builds that have it.
        if let Some(change) = self.changes.last_mut() {
            let wider = implies(old.cond(), new.cond());
            if !wider && change.severity == Severity::Compatible {
                change.severity = Severity::Conditional;
            }
        }
    }

    /// Reports features gained or lost by `what` (visible in
    /// introspection; never breaking by themselves).
    pub(crate) fn compare_features(
        &mut self,
        ctx: Ctx,
        path: &str,
        site: &Site,
        what: &str,
        old: &[Feature],
        new: &[Feature],
    ) {
        let live = |f: &&Feature| self.config.present(&f.ifcond);
        let old: Vec<&Feature> = old.iter().filter(live).collect();
        let new: Vec<&Feature> = new.iter().filter(live).collect();
        for f in &old {
            if !new.iter().any(|n| n.name == f.name) {
                let msg = format!("{what} lost feature '{}'", f.name);
                self.report(ChangeKind::FeatureRemoved, ctx, false, path, site, msg);
            }
        }
        for f in &new {
            if !old.iter().any(|o| o.name == f.name) {
                let msg = format!("{what} gained feature '{}'", f.name);
                self.report(ChangeKind::FeatureAdded, ctx, false, path, site, msg);
            }
        }
    }
}
