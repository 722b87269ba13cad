//! Comparing objects on the wire: one flat set of members (base and own
//! members together, so moving members into a base is invisible), plus
//! the members of the branch the discriminator selects.

use rqapi_schema::Schema;
use rqapi_schema::schema::{Branches, EntityId, EnumMember, ObjectMember, ObjectType};

use crate::change::ChangeKind;
use crate::context::Ctx;
use crate::engine::Comparer;

fn refs(members: &[ObjectMember]) -> Vec<&ObjectMember> {
    members.iter().collect()
}

/// The object type `id`, if it is one.
fn object(schema: &Schema, id: EntityId) -> Option<&ObjectType> {
    schema.entity(id).as_object()
}

/// The enum value a union branch is selected by, for its features.
fn tag_value<'s>(schema: &'s Schema, branches: &Branches, name: &str) -> Option<&'s EnumMember> {
    let tag = branches.tag_member.as_ref()?;
    schema
        .entity(tag.ty)
        .as_enum()?
        .members
        .iter()
        .find(|m| m.name == name)
}

impl Comparer<'_> {
    pub(crate) fn compare_object(&mut self, o: EntityId, n: EntityId, ctx: Ctx, path: &str) {
        let (Some(oo), Some(no)) = (object(self.old, o), object(self.new, n)) else {
            return;
        };
        match (&oo.branches, &no.branches) {
            (None, None) => {
                self.compare_members(&refs(&oo.members), &refs(&no.members), None, ctx, path);
            }
            (Some(ob), Some(nb)) if ob.tag_name == nb.tag_name => {
                // The discriminator's values are compared as branches.
                let tag = Some(ob.tag_name.as_str());
                self.compare_members(&refs(&oo.members), &refs(&no.members), tag, ctx, path);
                self.compare_branches(ob, nb, ctx, path);
            }
            (None, Some(nb)) => self.struct_became_union(oo, no, nb, ctx, path),
            (Some(ob), _) => {
                // A union became a struct (or changed discriminator): each
                // old branch's members against the new common members.
                for (value, members) in self.views(self.old, oo, ob) {
                    let bpath = format!("{path}[{}={value}]", ob.tag_name);
                    self.compare_members(&members, &refs(&no.members), None, ctx, &bpath);
                }
            }
        }
    }

    /// Every branch's flat member list (common members, then the
    /// branch type's), by tag value.
    fn views<'s>(
        &self,
        schema: &'s Schema,
        obj: &'s ObjectType,
        branches: &'s Branches,
    ) -> Vec<(&'s str, Vec<&'s ObjectMember>)> {
        branches
            .variants
            .iter()
            .filter(|v| self.config.present(&v.ifcond))
            .map(|v| {
                let mut members = refs(&obj.members);
                if let Some(branch) = object(schema, v.ty) {
                    members.extend(branch.members.iter());
                }
                (v.name.as_str(), members)
            })
            .collect()
    }

    /// A struct became a union. If the struct had the discriminator, each
    /// old value continues as its branch; otherwise the old shape continues
    /// as the branch that keeps most of its members. Other branches are new.
    fn struct_became_union(
        &mut self,
        oo: &ObjectType,
        no: &ObjectType,
        nb: &Branches,
        ctx: Ctx,
        path: &str,
    ) {
        let old_members = refs(&oo.members);
        let views = self.views(self.new, no, nb);
        let old_tag = oo.members.iter().find(|m| m.name == nb.tag_name);
        let continues: Vec<bool> = match old_tag {
            Some(tag) => {
                let values = self.old.entity(tag.ty).as_enum().map(|e| {
                    e.members
                        .iter()
                        .filter(|m| self.config.present(&m.ifcond))
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                });
                views
                    .iter()
                    .map(|(v, _)| values.as_ref().is_none_or(|vals| vals.contains(v)))
                    .collect()
            }
            None => {
                let kept = |members: &[&ObjectMember]| {
                    old_members
                        .iter()
                        .filter(|o| members.iter().any(|m| m.name == o.name))
                        .count()
                };
                let best = (0..views.len()).max_by_key(|&i| (kept(&views[i].1), usize::MAX - i));
                (0..views.len()).map(|i| Some(i) == best).collect()
            }
        };
        let tag = old_tag.map(|_| nb.tag_name.as_str());
        for ((value, members), continued) in views.iter().zip(continues) {
            let bpath = format!("{path}[{}={value}]", nb.tag_name);
            if continued {
                self.compare_members(&old_members, members, tag, ctx, &bpath);
            } else if let Some(v) = nb.variants.iter().find(|v| v.name == *value) {
                let features = tag_value(self.new, nb, value).map_or(&[][..], |m| &m.features[..]);
                let bctx = ctx.under(&[], features);
                let site = self.site(None, Some(&v.info));
                let msg = format!("branch '{value}' of union '{}' added", v.defined_in);
                self.report(ChangeKind::BranchAdded, bctx, false, &bpath, &site, msg);
            }
        }
    }

    /// Members matched by name. `tag`: the discriminator, whose type
    /// [`compare_branches`](Self::compare_branches) covers.
    fn compare_members(
        &mut self,
        olds: &[&ObjectMember],
        news: &[&ObjectMember],
        tag: Option<&str>,
        ctx: Ctx,
        path: &str,
    ) {
        let live = |m: &&&ObjectMember| self.config.present(&m.ifcond);
        let olds: Vec<&ObjectMember> = olds.iter().filter(live).copied().collect();
        let news: Vec<&ObjectMember> = news.iter().filter(live).copied().collect();
        for om in &olds {
            let mpath = format!("{path}.{}", om.name);
            let Some(nm) = news.iter().find(|nm| nm.name == om.name) else {
                let mctx = ctx.under(&om.features, &[]);
                let site = self.site(Some(&om.info), None);
                // Receivers cope with a missing optional member already.
                let breaking = mctx.breaks(true, !om.optional);
                let msg = format!(
                    "{} {} removed",
                    if om.optional { "optional" } else { "mandatory" },
                    om.describe(None)
                );
                self.report(
                    ChangeKind::MemberRemoved,
                    mctx,
                    breaking,
                    &mpath,
                    &site,
                    msg,
                );
                continue;
            };
            self.compare_member(om, nm, tag == Some(om.name.as_str()), ctx, &mpath);
        }
        for nm in &news {
            if olds.iter().any(|om| om.name == nm.name) {
                continue;
            }
            let mctx = ctx.under(&[], &nm.features);
            let site = self.site(None, Some(&nm.info));
            // Senders that do not know it cannot send a mandatory one.
            let breaking = mctx.breaks(!nm.optional, false);
            let msg = format!(
                "{} {} added",
                if nm.optional { "optional" } else { "mandatory" },
                nm.describe(None)
            );
            let mpath = format!("{path}.{}", nm.name);
            self.report(ChangeKind::MemberAdded, mctx, breaking, &mpath, &site, msg);
        }
    }

    fn compare_member(
        &mut self,
        om: &ObjectMember,
        nm: &ObjectMember,
        is_tag: bool,
        ctx: Ctx,
        path: &str,
    ) {
        let mctx = ctx.under(&om.features, &nm.features);
        let site = self.site(Some(&om.info), Some(&nm.info));
        let what = om.describe(None);
        self.compare_meta(mctx, path, &site, &what, (&om.ifcond, &nm.ifcond));
        self.compare_features(mctx, path, &site, &what, &om.features, &nm.features);
        if om.optional != nm.optional {
            let (kind, msg, breaking) = if nm.optional {
                (
                    ChangeKind::MemberBecameOptional,
                    format!("{what} became optional"),
                    mctx.breaks(false, true),
                )
            } else {
                (
                    ChangeKind::MemberBecameMandatory,
                    format!("{what} became mandatory"),
                    mctx.breaks(true, false),
                )
            };
            self.report(kind, mctx, breaking, path, &site, msg);
        }
        if !is_tag {
            self.compare_type(om.ty, nm.ty, mctx, path, &site);
        }
    }

    /// Union branches matched by tag value. Implicit empty branches
    /// count: a tag value is a branch whether or not it adds members.
    fn compare_branches(&mut self, ob: &Branches, nb: &Branches, ctx: Ctx, path: &str) {
        let live = |v: &&rqapi_schema::schema::Variant| self.config.present(&v.ifcond);
        let olds: Vec<_> = ob.variants.iter().filter(live).collect();
        let news: Vec<_> = nb.variants.iter().filter(live).collect();
        let tag = &ob.tag_name;
        let no_features = &[][..];
        for ov in &olds {
            let bpath = format!("{path}[{tag}={}]", ov.name);
            let oval = tag_value(self.old, ob, &ov.name);
            let ofeat = oval.map_or(no_features, |v| &v.features[..]);
            let Some(nv) = news.iter().find(|nv| nv.name == ov.name) else {
                let bctx = ctx.under(ofeat, &[]);
                let site = self.site(Some(&ov.info), None);
                let msg = format!("branch '{}' of union '{}' removed", ov.name, ov.defined_in);
                // Receivers simply stop seeing it.
                let breaking = bctx.breaks(true, false);
                self.report(
                    ChangeKind::BranchRemoved,
                    bctx,
                    breaking,
                    &bpath,
                    &site,
                    msg,
                );
                continue;
            };
            let nval = tag_value(self.new, nb, &nv.name);
            let nfeat = nval.map_or(no_features, |v| &v.features[..]);
            let bctx = ctx.under(ofeat, nfeat);
            let site = self.site(Some(&ov.info), Some(&nv.info));
            if let (Some(oval), Some(nval)) = (oval, nval) {
                let what = format!("branch '{}' of union '{}'", ov.name, ov.defined_in);
                self.compare_meta(bctx, &bpath, &site, &what, (&oval.ifcond, &nval.ifcond));
                self.compare_features(bctx, &bpath, &site, &what, &oval.features, &nval.features);
            }
            self.compare_type(ov.ty, nv.ty, bctx, &bpath, &site);
        }
        for nv in &news {
            if olds.iter().any(|ov| ov.name == nv.name) {
                continue;
            }
            let nfeat = tag_value(self.new, nb, &nv.name).map_or(no_features, |v| &v.features[..]);
            let bctx = ctx.under(&[], nfeat);
            let site = self.site(None, Some(&nv.info));
            let msg = format!("branch '{}' of union '{}' added", nv.name, nv.defined_in);
            let bpath = format!("{path}[{}={}]", nb.tag_name, nv.name);
            self.report(ChangeKind::BranchAdded, bctx, false, &bpath, &site, msg);
        }
    }
}
