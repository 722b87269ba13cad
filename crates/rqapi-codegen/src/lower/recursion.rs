//! Which type references need a `Box`: those inside a cycle of types that
//! contain each other by value (members, union branches, alternatives;
//! arrays already point to the heap). Tarjan's strongly connected
//! components over that containment graph.

use rqapi_schema::Schema;
use rqapi_schema::schema::{EntityId, EntityKind};

/// Strongly connected component number of every entity.
#[derive(Debug)]
pub struct Cycles {
    component: Vec<u32>,
}

impl Cycles {
    pub fn new(schema: &Schema) -> Self {
        let n = schema.entities().len();
        let edges: Vec<Vec<usize>> = schema.entities().iter().map(contained).collect();
        let mut state = Tarjan {
            edges: &edges,
            index: vec![u32::MAX; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            component: vec![u32::MAX; n],
            components: 0,
        };
        for v in 0..n {
            if state.index[v] == u32::MAX {
                state.visit(v);
            }
        }
        Cycles {
            component: state.component,
        }
    }

    /// Whether `owner` containing `member` by value would be infinite.
    pub fn needs_box(&self, schema: &Schema, owner: EntityId, member: EntityId) -> bool {
        if owner == member {
            return true;
        }
        let is_array = schema.entity(member).as_array().is_some();
        !is_array && self.component[owner.index()] == self.component[member.index()]
    }
}

fn contained(entity: &rqapi_schema::schema::Entity) -> Vec<usize> {
    match &entity.kind {
        EntityKind::Object(o) => o
            .members
            .iter()
            .map(|m| m.ty.index())
            .chain(
                o.branches
                    .iter()
                    .flat_map(|b| b.variants.iter().map(|v| v.ty.index())),
            )
            .collect(),
        EntityKind::Alternate(a) => a.variants.iter().map(|v| v.ty.index()).collect(),
        _ => Vec::new(),
    }
}

struct Tarjan<'a> {
    edges: &'a [Vec<usize>],
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: u32,
    component: Vec<u32>,
    components: u32,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &self.edges[v] {
            if self.index[w] == u32::MAX {
                self.visit(w);
                self.low[v] = self.low[v].min(self.low[w]);
            } else if self.on_stack[w] {
                self.low[v] = self.low[v].min(self.index[w]);
            }
        }
        if self.low[v] == self.index[v] {
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                self.component[w] = self.components;
                if w == v {
                    break;
                }
            }
            self.components += 1;
        }
    }
}
