//! Comparing objects on the wire: one flat set of members (base and own
//! members together, so moving members into a base is invisible), plus
//! the members of the branch the discriminator selects.

use rqapi_schema::Schema;
use rqapi_schema::schema::{Branches, EntityId, EnumMember, ObjectMember, ObjectType};

use crate::change::ChangeKind;
use crate::context::Ctx;
use crate::engine::Comparer;

/// The object type `id` (every caller checked it is one).
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
        let same_tag = match (&oo.branches, &no.branches) {
            (Some(ob), Some(nb)) => ob.tag_name == nb.tag_name,
            _ => false,
        };
        // With the same discriminator, its values are compared as branches.
        let tag = same_tag
            .then(|| oo.branches.as_ref().map(|b| b.tag_name.as_str()))
            .flatten();
        self.compare_members(&oo.members, &no.members, tag, ctx, path);
        match (&oo.branches, &no.branches) {
            (Some(ob), Some(nb)) if same_tag => self.compare_branches(ob, nb, ctx, path),
            (ob, nb) => {
                // A struct became a union or the reverse (or the
                // discriminator changed): each branch's members appear or
                // disappear for the tag value selecting it.
                if let Some(ob) = ob {
                    for v in ob
                        .variants
                        .iter()
                        .filter(|v| self.config.present(&v.ifcond))
                    {
                        let members = object(self.old, v.ty).map_or(&[][..], |t| &t.members);
                        let bpath = format!("{path}[{}={}]", ob.tag_name, v.name);
                        self.compare_members(members, &[], None, ctx, &bpath);
                    }
                }
                if let Some(nb) = nb {
                    for v in nb
                        .variants
                        .iter()
                        .filter(|v| self.config.present(&v.ifcond))
                    {
                        let members = object(self.new, v.ty).map_or(&[][..], |t| &t.members);
                        let bpath = format!("{path}[{}={}]", nb.tag_name, v.name);
                        self.compare_members(&[], members, None, ctx, &bpath);
                    }
                }
            }
        }
    }

    /// Members matched by name. `tag`: the discriminator, whose type
    /// [`compare_branches`](Self::compare_branches) covers.
    fn compare_members(
        &mut self,
        olds: &[ObjectMember],
        news: &[ObjectMember],
        tag: Option<&str>,
        ctx: Ctx,
        path: &str,
    ) {
        let live = |m: &&ObjectMember| self.config.present(&m.ifcond);
        let olds: Vec<&ObjectMember> = olds.iter().filter(live).collect();
        let news: Vec<&ObjectMember> = news.iter().filter(live).collect();
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
