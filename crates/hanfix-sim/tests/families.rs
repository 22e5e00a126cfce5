//! Every family damages, is deterministic, and compositions depend on order.

use hanfix_sim::{script, Family, Pipeline, NAMES};

const TEXT: &str = "会议于２０２４年在北京召开，来自三十个国家的代表发表了讲话。\
他说：“我们后来学习了很多新的方法，发展得很好！”\
这个问题目前还不能解决吗？专家们认为，通过合作可以提高效率。\
天气预报说明天会下雨，记得带伞。我们一起去图书馆看书吧！\n\
这家公司的创始人曾在大学里研究人工智能，他的团队只有十二个人。\
据统计，今年上半年全市新增就业岗位约三万个，比去年同期增长百分之八。";

const TEXT_HANT: &str = "會議於今年在臺北召開，來自三十個國家的代表發表了講話。\
他說：「我們後來學習了很多新的方法，發展得很好！」這個問題還不能解決嗎？";

/// `pinyin_trad` annotates Traditional-only characters, so it gets a Traditional input; the
/// sparse byte-shift families damage about one sentence end in eight, so they get a longer one.
fn input(name: &str) -> String {
    if name == "pinyin_trad" {
        TEXT_HANT.to_string()
    } else if name.ends_with("_sparse") {
        TEXT.repeat(8)
    } else {
        TEXT.to_string()
    }
}

fn damages(name: &str) -> bool {
    // `s2t` (and `spin`'s table half) need hanfix's generated tables; until they land `s2t` is the
    // identity and is only checked through the unit tests' stand-in table.
    name != "s2t" || script::tables_ready()
}

#[test]
fn every_family_damages_and_is_deterministic() {
    for &name in NAMES {
        let p1 = Pipeline::parse(name, 1).unwrap();
        let text = input(name);
        let a = p1.apply(&text);
        assert_eq!(a, p1.apply(&text), "{name} not deterministic");
        if damages(name) {
            assert_ne!(a, text, "{name} did not damage");
            let b = Pipeline::parse(name, 2).unwrap().apply(&text);
            assert_ne!(b, text, "{name} did not damage with seed 2");
        }
    }
}

#[test]
fn doc_scope_damages_everything() {
    for k in hanfix_sim::mojibake::Kind::ALL {
        let name = format!("{}:doc", k.name());
        let out = Pipeline::parse(&name, 1).unwrap().apply(TEXT);
        assert!(!out.contains("会议于"), "{name}: {out}");
    }
}

#[test]
fn different_seeds_usually_differ() {
    let fixed = ["fold", "s2t"];
    for &name in NAMES.iter().filter(|n| !fixed.contains(n)) {
        let outs: std::collections::HashSet<String> = (0..6)
            .map(|s| Pipeline::parse(name, s).unwrap().apply(&input(name)))
            .collect();
        assert!(outs.len() >= 2, "{name}: every seed gave the same damage");
    }
}

#[test]
fn composition_order_matters() {
    // Folding before the shift leaves the shift's fullwidth garbage (`！`) unfolded, and
    // pinyin after the shift annotates garbage instead of the original characters.
    let a = Pipeline::parse("pinyin+gbshift+fold", 4)
        .unwrap()
        .apply(TEXT);
    let b = Pipeline::parse("gbshift+fold+pinyin", 4)
        .unwrap()
        .apply(TEXT);
    assert_ne!(a, b);
    let c = Pipeline::parse("fold+gbshift", 4).unwrap().apply(TEXT);
    let d = Pipeline::parse("gbshift+fold", 4).unwrap().apply(TEXT);
    assert_ne!(c, d);
}

#[test]
fn parse_rejects_unknown_and_accepts_dashes() {
    assert!(Family::parse("nope").is_err());
    assert!(Family::parse("gbshift-annotated").is_ok());
    assert!(Family::parse("pinyin:doc").is_err());
    assert_eq!(
        Pipeline::parse("s2t+pinyin+gbshift+fold", 0)
            .unwrap()
            .families
            .len(),
        4
    );
}

#[test]
fn seed_order_pipeline_damages() {
    let out = Pipeline::seed_order(11).apply(TEXT);
    assert_ne!(out, TEXT);
    assert!(out.contains('(') && out.contains(','), "{out}");
}

#[test]
fn demo_is_fixed_and_damaged() {
    let (clean, damaged) = hanfix_sim::corpus::demo();
    assert_eq!((clean.clone(), damaged.clone()), hanfix_sim::corpus::demo());
    assert_ne!(clean, damaged);
    assert!(damaged.contains('(') && damaged.contains('?'), "{damaged}");
}
