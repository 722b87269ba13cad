//! Times generation for one schema: `cargo run --release --example prof SCHEMA`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: prof SCHEMA");
        return;
    };
    let schema = match rqapi_schema::load(&path) {
        Ok(s) => s,
        Err(e) => return eprintln!("{e}"),
    };
    let options = rqapi_codegen::Options {
        conditions: rqapi_codegen::Conditions::Cfg {
            map: Default::default(),
            default: Some("all()".into()),
        },
        ..Default::default()
    };
    for _ in 0..3 {
        let t = std::time::Instant::now();
        match rqapi_codegen::generate(&schema, &options) {
            Ok(out) => eprintln!("total {:?} {} bytes", t.elapsed(), out.len()),
            Err(e) => eprintln!("{e}"),
        }
    }
}
