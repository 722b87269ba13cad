//! Comparing two types by wire shape: names are invisible to clients, so
//! only JSON types, value ranges, enum values, members and branches count.

use rqapi_schema::Schema;
use rqapi_schema::schema::{Builtin, Entity, EntityId, EntityKind, EnumType, JsonType};

use crate::change::{ChangeKind, Direction};
use crate::context::Ctx;
use crate::engine::{Comparer, Site};

/// A JSON type as a client tells values apart (QEMU's alternate rule:
/// `int` and `number` are both numbers).
fn wire_name(json: JsonType) -> &'static str {
    match json {
        JsonType::String => "string",
        JsonType::Number | JsonType::Int => "number",
        JsonType::Boolean => "boolean",
        JsonType::Null => "null",
        JsonType::Array => "array",
        JsonType::Object => "object",
        JsonType::Value => "any",
    }
}

/// The type as a schema author writes it: `int32`, `Foo`, `['Foo']`.
pub(crate) fn type_label(schema: &Schema, id: EntityId) -> String {
    let e = schema.entity(id);
    match &e.kind {
        EntityKind::Array(a) => format!("['{}']", a.element_type_name),
        _ => format!("'{}'", e.name),
    }
}

fn is_any(e: &Entity) -> bool {
    matches!(e.kind, EntityKind::Builtin(Builtin::Any))
}

/// Values a numeric built-in can carry: integer bounds, or any number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
    Int(i128, i128),
    Float,
}

impl Range {
    /// The range a client may use: QEMU's input visitor also accepts
    /// negative numbers for `uint64` and `size` (wrapping them, for
    /// backward compatibility), so senders may use the whole `int64` range
    /// there too.
    fn of(b: Builtin, dir: Direction) -> Option<Range> {
        let int = |lo: i128, hi: i128| Some(Range::Int(lo, hi));
        match b {
            Builtin::Uint64 | Builtin::Size if dir == Direction::Input => {
                int(i64::MIN.into(), u64::MAX.into())
            }
            Builtin::Int8 => int(i8::MIN.into(), i8::MAX.into()),
            Builtin::Int16 => int(i16::MIN.into(), i16::MAX.into()),
            Builtin::Int32 => int(i32::MIN.into(), i32::MAX.into()),
            Builtin::Int | Builtin::Int64 => int(i64::MIN.into(), i64::MAX.into()),
            Builtin::Uint8 => int(0, u8::MAX.into()),
            Builtin::Uint16 => int(0, u16::MAX.into()),
            Builtin::Uint32 => int(0, u32::MAX.into()),
            Builtin::Uint64 | Builtin::Size => int(0, u64::MAX.into()),
            Builtin::Number => Some(Range::Float),
            _ => None,
        }
    }

    fn within(self, other: Range) -> bool {
        match (self, other) {
            (_, Range::Float) => true,
            (Range::Float, Range::Int(..)) => false,
            (Range::Int(lo, hi), Range::Int(olo, ohi)) => olo <= lo && hi <= ohi,
        }
    }
}

impl Comparer<'_> {
    /// Compares what a client sends or receives as type `o` (old schema)
    /// with type `n` (new schema), in `ctx`'s direction.
    pub(crate) fn compare_type(
        &mut self,
        o: EntityId,
        n: EntityId,
        ctx: Ctx,
        path: &str,
        site: &Site,
    ) {
        if !self.first_visit(o, n, ctx) {
            return;
        }
        let (old, new) = (self.old, self.new);
        let (oe, ne) = (old.entity(o), new.entity(n));
        let (ol, nl) = (type_label(old, o), type_label(new, n));
        match (is_any(oe), is_any(ne)) {
            (true, true) => return,
            (true, false) => {
                let msg = format!("type 'any' narrowed to {nl}");
                let breaking = ctx.breaks(true, false);
                return self.report(ChangeKind::TypeNarrowed, ctx, breaking, path, site, msg);
            }
            (false, true) => {
                let msg = format!("type {ol} widened to 'any'");
                let breaking = ctx.breaks(false, true);
                return self.report(ChangeKind::TypeWidened, ctx, breaking, path, site, msg);
            }
            (false, false) => {}
        }
        let (oj, nj) = (oe.json_type(), ne.json_type());
        let either_alternate = oe.as_alternate().is_some() || ne.as_alternate().is_some();
        if either_alternate {
            return self.compare_alternatives(o, n, ctx, path, site);
        }
        if oj.map(wire_name) != nj.map(wire_name) {
            let (ow, nw) = (oj.map_or("?", wire_name), nj.map_or("?", wire_name));
            let msg = format!("type {ol} ({ow}) replaced by {nl} ({nw})");
            return self.report(ChangeKind::TypeChanged, ctx, true, path, site, msg);
        }
        match (&oe.kind, &ne.kind) {
            (EntityKind::Enum(oenum), EntityKind::Enum(nenum)) => {
                self.compare_enum(oenum, nenum, ctx, path);
            }
            (EntityKind::Builtin(Builtin::Str), EntityKind::Enum(_)) => {
                let msg = format!("type {ol} narrowed to enum {nl}");
                let breaking = ctx.breaks(true, false);
                self.report(ChangeKind::TypeNarrowed, ctx, breaking, path, site, msg);
            }
            (EntityKind::Enum(_), EntityKind::Builtin(Builtin::Str)) => {
                // Like adding enum values: clients must cope with strings
                // they do not know.
                let msg = format!("enum {ol} widened to {nl}");
                self.report(ChangeKind::TypeWidened, ctx, false, path, site, msg);
            }
            (EntityKind::Builtin(ob), EntityKind::Builtin(nb)) => {
                self.compare_builtins(*ob, *nb, ctx, path, site);
            }
            (EntityKind::Array(oa), EntityKind::Array(na)) => {
                let elem_path = format!("{path}[]");
                self.compare_type(oa.element_type, na.element_type, ctx, &elem_path, site);
            }
            (EntityKind::Object(_), EntityKind::Object(_)) => {
                self.compare_object(o, n, ctx, path);
            }
            _ => {
                let msg = format!("type {ol} replaced by {nl}");
                self.report(ChangeKind::TypeChanged, ctx, true, path, site, msg);
            }
        }
    }

    /// Integer widths and `number`: senders need the new range to hold
    /// the old one, receivers the old range to hold the new one.
    fn compare_builtins(&mut self, ob: Builtin, nb: Builtin, ctx: Ctx, path: &str, site: &Site) {
        let (Some(or), Some(nr)) = (Range::of(ob, ctx.dir), Range::of(nb, ctx.dir)) else {
            return;
        };
        if or == nr {
            return;
        }
        let (ol, nl) = (ob.name(), nb.name());
        if or.within(nr) {
            let msg = format!("type '{ol}' widened to '{nl}'");
            let breaking = ctx.breaks(false, true);
            self.report(ChangeKind::TypeWidened, ctx, breaking, path, site, msg);
        } else if nr.within(or) {
            let msg = format!("type '{ol}' narrowed to '{nl}'");
            let breaking = ctx.breaks(true, false);
            self.report(ChangeKind::TypeNarrowed, ctx, breaking, path, site, msg);
        } else {
            let msg = format!("type '{ol}' replaced by '{nl}' (ranges differ)");
            self.report(ChangeKind::TypeChanged, ctx, true, path, site, msg);
        }
    }

    /// Alternates (and a plain type on one side, which accepts just its
    /// own JSON type): branches are told apart by JSON type, so they are
    /// matched by it, whatever their names.
    fn compare_alternatives(
        &mut self,
        o: EntityId,
        n: EntityId,
        ctx: Ctx,
        path: &str,
        site: &Site,
    ) {
        let olds = self.alternatives(self.old, o);
        let news = self.alternatives(self.new, n);
        let (ol, nl) = (type_label(self.old, o), type_label(self.new, n));
        for (wire, ot) in &olds {
            match news.iter().find(|(w, _)| w == wire) {
                Some((_, nt)) => {
                    let alt_path = format!("{path}<{wire}>");
                    self.compare_type(*ot, *nt, ctx, &alt_path, site);
                }
                None => {
                    let msg = format!("{nl} no longer accepts {wire} (was {ol})");
                    let breaking = ctx.breaks(true, false);
                    self.report(
                        ChangeKind::AlternativeRemoved,
                        ctx,
                        breaking,
                        path,
                        site,
                        msg,
                    );
                }
            }
        }
        for (wire, _) in &news {
            if !olds.iter().any(|(w, _)| w == wire) {
                let msg = format!("{nl} now also takes {wire} (was {ol})");
                let breaking = ctx.breaks(false, true);
                self.report(ChangeKind::AlternativeAdded, ctx, breaking, path, site, msg);
            }
        }
    }

    /// (JSON type, branch type) of an alternate; a plain type is its own
    /// single branch.
    fn alternatives(&self, schema: &Schema, id: EntityId) -> Vec<(&'static str, EntityId)> {
        let e = schema.entity(id);
        match e.as_alternate() {
            Some(alt) => alt
                .variants
                .iter()
                .filter(|v| self.config.present(&v.ifcond))
                .filter_map(|v| Some((wire_name(schema.entity(v.ty).json_type()?), v.ty)))
                .collect(),
            None => e
                .json_type()
                .map(|j| vec![(wire_name(j), id)])
                .unwrap_or_default(),
        }
    }

    fn compare_enum(&mut self, oenum: &EnumType, nenum: &EnumType, ctx: Ctx, path: &str) {
        let live = |m: &&rqapi_schema::schema::EnumMember| self.config.present(&m.ifcond);
        let olds: Vec<_> = oenum.members.iter().filter(live).collect();
        let news: Vec<_> = nenum.members.iter().filter(live).collect();
        for om in &olds {
            let value_path = format!("{path}={}", om.name);
            match news.iter().find(|nm| nm.name == om.name) {
                Some(nm) => {
                    let vctx = ctx.under(&om.features, &nm.features);
                    let vsite = self.site(om.info.as_ref(), nm.info.as_ref());
                    let what = om.describe(None);
                    self.compare_meta(vctx, &value_path, &vsite, &what, (&om.ifcond, &nm.ifcond));
                    self.compare_features(
                        vctx,
                        &value_path,
                        &vsite,
                        &what,
                        &om.features,
                        &nm.features,
                    );
                }
                None => {
                    let vctx = ctx.under(&om.features, &[]);
                    let vsite = self.site(om.info.as_ref(), None);
                    let msg = format!("{} removed", om.describe(None));
                    let breaking = vctx.breaks(true, false);
                    self.report(
                        ChangeKind::EnumValueRemoved,
                        vctx,
                        breaking,
                        &value_path,
                        &vsite,
                        msg,
                    );
                }
            }
        }
        for nm in &news {
            if !olds.iter().any(|om| om.name == nm.name) {
                let vctx = ctx.under(&[], &nm.features);
                let vsite = self.site(None, nm.info.as_ref());
                let msg = format!("{} added", nm.describe(None));
                let value_path = format!("{path}={}", nm.name);
                self.report(
                    ChangeKind::EnumValueAdded,
                    vctx,
                    false,
                    &value_path,
                    &vsite,
                    msg,
                );
            }
        }
    }
}
