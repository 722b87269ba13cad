//! Per-entity checks: name resolution, clashes, union and alternate rules.

use super::{Checker, Progress, SeenMap, check_clash, check_feature_clash, err_at, member_seen};
use crate::common::c_name;
use crate::error::Result;
use crate::schema::model::{EntityId, EntityKind, ObjectMember, Role, Variant, describe_member};
use crate::source::SourceInfo;

impl Checker {
    pub fn check_entity(&mut self, id: EntityId) -> Result<()> {
        match &self.entity(id).kind {
            EntityKind::Builtin(_) => Ok(()),
            EntityKind::Enum(_) => self.check_enum(id),
            EntityKind::Array(_) => self.check_array(id),
            EntityKind::Object(_) => self.check_object(id),
            EntityKind::Alternate(_) => self.check_alternate(id),
            EntityKind::Command(_) | EntityKind::Event(_) => self.check_command_or_event(id),
        }
    }

    /// QEMU's `QAPISchemaType.check`: feature clashes, no special features.
    fn check_type_features(&self, id: EntityId) -> Result<()> {
        let e = self.entity(id);
        check_feature_clash(&e.features, e.info.as_ref())?;
        if let Some(f) = e.features.iter().find(|f| f.is_special()) {
            let msg = format!("feature '{}' is not supported for types", f.name);
            return Err(err_at(e.info.as_ref(), msg));
        }
        Ok(())
    }

    fn check_enum(&mut self, id: EntityId) -> Result<()> {
        self.check_type_features(id)?;
        let e = self.entity(id);
        let mut seen = SeenMap::default();
        for m in e
            .as_enum()
            .map(|en| en.members.as_slice())
            .unwrap_or_default()
        {
            check_clash(
                Role::Value,
                &m.name,
                &m.defined_in,
                e.info.as_ref(),
                &mut seen,
            )?;
        }
        Ok(())
    }

    fn check_array(&mut self, id: EntityId) -> Result<()> {
        self.check_type_features(id)?;
        let e = self.entity(id);
        let Some(a) = e.as_array() else { return Ok(()) };
        let meta = e
            .info
            .as_ref()
            .and_then(|i| i.defn.as_ref())
            .map(|d| d.meta.clone());
        let what = meta.unwrap_or_default();
        let elem = self.resolve_type(&a.element_type_name, e.info.as_ref(), &what)?;
        if let EntityKind::Array(a) = &mut self.b.entities[id.index()].kind {
            a.element_type = elem;
        }
        Ok(())
    }

    /// QEMU's `QAPISchemaObjectTypeMember.check`: resolves the type.
    fn check_member(&self, m: &mut ObjectMember, role: Role) -> Result<()> {
        m.ty = self.resolve_type_with(&m.type_name, Some(&m.info), || {
            describe_member(role, &m.name, &m.defined_in, Some(&m.info))
        })?;
        check_feature_clash(&m.features, Some(&m.info))
    }

    fn check_variant(&self, v: &mut Variant) -> Result<()> {
        v.ty = self.resolve_type_with(&v.type_name, Some(&v.info), || v.describe(Some(&v.info)))?;
        Ok(())
    }

    /// Checks an object type once; recursion into itself means its C
    /// struct would contain itself.
    pub fn check_object(&mut self, id: EntityId) -> Result<()> {
        match self.progress.get(&id) {
            Some(Progress::Complete) => return Ok(()),
            Some(Progress::InProgress) => {
                let e = self.entity(id);
                let msg = format!("object {} contains itself", e.name);
                return Err(err_at(e.info.as_ref(), msg));
            }
            None => {}
        }
        self.check_type_features(id)?;
        self.progress.insert(id, Progress::InProgress);
        let e = &mut self.b.entities[id.index()];
        let info = e.info.clone();
        let EntityKind::Object(obj) = &mut e.kind else {
            return Ok(());
        };
        // No other check reads an object's local members: move them out
        // while checking instead of cloning (the rest is small).
        let mut local_members = std::mem::take(&mut obj.local_members);
        let base_name = obj.base_name.clone();
        let mut branches = obj.branches.clone();
        let mut seen = SeenMap::default();
        let mut members = Vec::new();
        let mut base = None;
        if let Some(base_name) = &base_name {
            let base_id = self.resolve_type(base_name, info.as_ref(), "'base'")?;
            let b = self.entity(base_id);
            if b.as_object().is_none_or(|o| o.is_union()) {
                let msg = format!("'base' requires a struct type, {} isn't", b.describe());
                return Err(err_at(info.as_ref(), msg));
            }
            self.check_object(base_id)?;
            self.object_check_clash(base_id, info.as_ref(), &mut seen)?;
            members.extend(
                self.entity(base_id)
                    .as_object()
                    .map(|o| o.members.clone())
                    .unwrap_or_default(),
            );
            base = Some(base_id);
        }
        // QEMU resolves and clash-checks each member in turn. The map
        // borrows the members, so resolve them all first, then report
        // whichever error that order would have met first: a clash
        // before the first member that failed to resolve, else that.
        let mut resolve_error = None;
        for (i, m) in local_members.iter_mut().enumerate() {
            if let Err(e) = self.check_member(m, Role::Member) {
                resolve_error = Some((i, e));
                break;
            }
        }
        let resolved = resolve_error
            .as_ref()
            .map_or(local_members.len(), |(i, _)| *i);
        for m in &local_members[..resolved] {
            let (role, name, defined_in) = member_seen(m);
            check_clash(role, name, defined_in, info.as_ref(), &mut seen)?;
        }
        if let Some((_, e)) = resolve_error {
            return Err(e);
        }
        let has_members = !seen.is_empty();
        members.extend(local_members.iter().cloned());
        if let Some(br) = &mut branches {
            self.check_branches(br, &members, has_members)?;
            // Checking the branches needed `self` mutably, ending the
            // borrows: collect the (already clash-free) members again.
            let mut seen = SeenMap::default();
            if let Some(base_id) = base {
                self.object_check_clash(base_id, info.as_ref(), &mut seen)?;
            }
            for m in &local_members {
                let (role, name, defined_in) = member_seen(m);
                check_clash(role, name, defined_in, info.as_ref(), &mut seen)?;
            }
            for v in &br.variants {
                self.object_check_clash_branch(v.ty, info.as_ref(), &mut seen)?;
            }
        }
        if let EntityKind::Object(o) = &mut self.b.entities[id.index()].kind {
            o.base = base;
            o.local_members = local_members;
            o.members = members;
            o.branches = branches;
        }
        self.progress.insert(id, Progress::Complete);
        Ok(())
    }

    /// QEMU's `QAPISchemaObjectType.check_clash` on behalf of `info`.
    fn object_check_clash<'a>(
        &'a self,
        id: EntityId,
        info: Option<&SourceInfo>,
        seen: &mut SeenMap<'a>,
    ) -> Result<()> {
        let Some(obj) = self.entity(id).as_object() else {
            return Ok(());
        };
        for m in &obj.members {
            let (role, name, defined_in) = member_seen(m);
            check_clash(role, name, defined_in, info, seen)?;
        }
        if let Some(br) = &obj.branches {
            for v in &br.variants {
                self.object_check_clash_branch(v.ty, info, seen)?;
            }
        }
        Ok(())
    }

    /// [`Self::object_check_clash`] against a copy of `seen` (branches do
    /// not clash with each other): what it adds is dropped again.
    fn object_check_clash_branch<'a>(
        &'a self,
        id: EntityId,
        info: Option<&SourceInfo>,
        seen: &mut SeenMap<'a>,
    ) -> Result<()> {
        let len = seen.len();
        self.object_check_clash(id, info, seen)?;
        seen.truncate(len);
        Ok(())
    }

    /// QEMU's `QAPISchemaBranches.check`: the discriminator, implicit
    /// empty branches, and each branch's type.
    fn check_branches(
        &mut self,
        br: &mut crate::schema::model::Branches,
        members: &[ObjectMember],
        has_members: bool,
    ) -> Result<()> {
        let info = br.info.clone();
        let tag_cname = c_name(&br.tag_name, true);
        let tag = members.iter().find(|m| c_name(&m.name, true) == tag_cname);
        let mut base = "'base'".to_owned();
        let Some(tag) = tag.filter(|t| t.name == br.tag_name) else {
            let msg = format!("discriminator '{}' is not a member of {base}", br.tag_name);
            return Err(err_at(Some(&info), msg));
        };
        let tag = tag.clone();
        if self
            .b
            .lookup_type(&tag.defined_in)
            .is_some_and(|t| !self.entity(t).is_implicit())
        {
            base = format!("base type '{}'", tag.defined_in);
        }
        let tag_prefix = format!("discriminator member '{}' of {base}", br.tag_name);
        let Some(tag_enum) = self.entity(tag.ty).as_enum().cloned() else {
            return Err(err_at(
                Some(&info),
                format!("{tag_prefix} must be of enum type"),
            ));
        };
        if tag.optional {
            return Err(err_at(
                Some(&info),
                format!("{tag_prefix} must not be optional"),
            ));
        }
        if tag.ifcond.is_present() {
            return Err(err_at(
                Some(&info),
                format!("{tag_prefix} must not be conditional"),
            ));
        }
        for m in &tag_enum.members {
            if !br.variants.iter().any(|v| v.name == m.name) {
                br.variants.push(Variant {
                    name: m.name.clone(),
                    info: info.clone(),
                    ifcond: m.ifcond.clone(),
                    type_name: "q_empty".to_owned(),
                    ty: EntityId::UNRESOLVED,
                    defined_in: tag.defined_in.clone(),
                });
            }
        }
        if br.variants.is_empty() {
            return Err(err_at(Some(&info), "union has no branches".to_owned()));
        }
        let tag_type_desc = self.entity(tag.ty).describe();
        for v in &mut br.variants {
            self.check_variant(v)?;
            if has_members {
                if !tag_enum.members.iter().any(|m| m.name == v.name) {
                    let msg = format!("branch '{}' is not a value of {tag_type_desc}", v.name);
                    return Err(err_at(Some(&info), msg));
                }
                if self.entity(v.ty).as_object().is_none() {
                    let msg = format!(
                        "{} cannot use {}",
                        v.describe(Some(&info)),
                        self.entity(v.ty).describe()
                    );
                    return Err(err_at(Some(&info), msg));
                }
                self.check_object(v.ty)?;
            }
        }
        br.tag_member = Some(tag);
        Ok(())
    }

    fn check_alternate(&mut self, id: EntityId) -> Result<()> {
        self.check_type_features(id)?;
        let e = self.entity(id);
        let info = e.info.clone();
        let Some(mut alt) = e.as_alternate().cloned() else {
            return Ok(());
        };
        self.check_member(&mut alt.tag_member, Role::Member)?;
        for v in &mut alt.variants {
            self.check_variant(v)?;
        }
        let mut seen = SeenMap::default();
        let mut types_seen: Vec<(&'static str, String)> = Vec::new();
        for v in &alt.variants {
            check_clash(
                Role::Branch,
                &v.name,
                &v.defined_in,
                info.as_ref(),
                &mut seen,
            )?;
            let vt = self.entity(v.ty);
            let Some(qtype) = vt.json_type().and_then(|j| j.alternate_qtype()) else {
                let msg = format!("{} cannot use {}", v.describe(info.as_ref()), vt.describe());
                return Err(err_at(info.as_ref(), msg));
            };
            let mut conflicting = vec![qtype];
            if qtype == "QTYPE_QSTRING" {
                match vt.as_enum() {
                    Some(en) => {
                        for m in &en.members {
                            if m.name == "on" || m.name == "off" {
                                push_unique(&mut conflicting, "QTYPE_QBOOL");
                            }
                            if m.name.starts_with([
                                '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                            ]) {
                                push_unique(&mut conflicting, "QTYPE_QNUM");
                            }
                        }
                    }
                    None => {
                        push_unique(&mut conflicting, "QTYPE_QNUM");
                        push_unique(&mut conflicting, "QTYPE_QBOOL");
                    }
                }
            }
            for qt in conflicting {
                if let Some((_, other)) = types_seen.iter().find(|(t, _)| *t == qt) {
                    let msg = format!(
                        "{} can't be distinguished from '{other}'",
                        v.describe(info.as_ref())
                    );
                    return Err(err_at(info.as_ref(), msg));
                }
                types_seen.push((qt, v.name.clone()));
            }
        }
        if let EntityKind::Alternate(a) = &mut self.b.entities[id.index()].kind {
            *a = alt;
        }
        Ok(())
    }

    fn check_command_or_event(&mut self, id: EntityId) -> Result<()> {
        let e = self.entity(id);
        let info = e.info.clone();
        let name = e.name.clone();
        check_feature_clash(&e.features, info.as_ref())?;
        let (what, arg_name, boxed, ret_name) = match &e.kind {
            EntityKind::Command(c) => (
                "command",
                c.arg_type_name.clone(),
                c.boxed,
                c.ret_type_name.clone(),
            ),
            EntityKind::Event(v) => ("event", v.arg_type_name.clone(), v.boxed, None),
            _ => return Ok(()),
        };
        let mut arg_type = None;
        if let Some(arg_name) = arg_name {
            let arg = self.resolve_type(
                arg_name.as_str(),
                info.as_ref(),
                &format!("{what}'s 'data'"),
            )?;
            let at = self.entity(arg);
            let Some(obj) = at.as_object() else {
                let msg = format!("{what}'s 'data' cannot take {}", at.describe());
                return Err(err_at(info.as_ref(), msg));
            };
            if obj.is_union() && !boxed {
                let msg = format!(
                    "{what}'s 'data' can take {} only with 'boxed': true",
                    at.describe()
                );
                return Err(err_at(info.as_ref(), msg));
            }
            self.check_object(arg)?;
            let conditional = self
                .entity(arg)
                .as_object()
                .is_some_and(|o| o.has_conditional_members());
            if conditional && !boxed {
                let msg = format!("conditional {what} arguments require 'boxed': true");
                return Err(err_at(info.as_ref(), msg));
            }
            arg_type = Some(arg);
        }
        let mut ret_type = None;
        if let Some(ret_name) = ret_name {
            let ret = self.resolve_type(&ret_name, info.as_ref(), "command's 'returns'")?;
            if !self.b.pragma.command_returns_exceptions.contains(&name)
                && !self.returns_object(ret)
            {
                let msg = format!(
                    "command's 'returns' cannot take {}",
                    self.entity(ret).describe()
                );
                return Err(err_at(info.as_ref(), msg));
            }
            ret_type = Some(ret);
        }
        match &mut self.b.entities[id.index()].kind {
            EntityKind::Command(c) => {
                c.arg_type = arg_type;
                c.ret_type = ret_type;
            }
            EntityKind::Event(v) => v.arg_type = arg_type,
            _ => {}
        }
        Ok(())
    }

    /// An object type, or an array of one.
    fn returns_object(&self, ret: EntityId) -> bool {
        let e = self.entity(ret);
        let elem = match e.as_array() {
            Some(a) if a.element_type == EntityId::UNRESOLVED => {
                self.b.lookup_type(&a.element_type_name)
            }
            Some(a) => Some(a.element_type),
            None => Some(ret),
        };
        elem.is_some_and(|t| self.entity(t).as_object().is_some())
    }
}

fn push_unique(list: &mut Vec<&'static str>, qt: &'static str) {
    if !list.contains(&qt) {
        list.push(qt);
    }
}
