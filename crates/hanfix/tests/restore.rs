//! End-to-end behaviour of the pipeline on sentences written for these tests, damaged by hand or
//! with the byte model the simulator implements (GB18030 encoded, decoded one byte late, lost
//! lead byte shown as `?`, user-defined pairs dropped, fullwidth punctuation folded).

use std::borrow::Cow;

use hanfix::{Fixer, Options, PunctMode, ScriptDecision, ScriptMode, StageKind};

fn fix(text: &str) -> String {
    hanfix::fix(text)
}

fn keep_script() -> Fixer {
    Fixer::new(Options {
        script: ScriptMode::Keep,
        ..Options::default()
    })
}

/// Asserts that the defaults with `--punct keep` leave each text as it is.
fn assert_untouched(texts: &[&str]) {
    let fixer = Fixer::new(Options {
        punct: PunctMode::Keep,
        ..Options::default()
    });
    for text in texts {
        assert_eq!(fixer.fix(text), *text);
    }
}

#[test]
fn seed_style_layers_come_off_in_reverse() {
    // Converted to Traditional, annotated, shifted at `。“`, punctuation folded.
    let damaged = "去年冬天,這家工廠的訂(dìng)單明?@減少。“我們正在尋(xún)找新的市場。”廠長表示。";
    assert_eq!(
        fix(damaged),
        "去年冬天，这家工厂的订单明显减少。“我们正在寻找新的市场。”厂长表示。"
    );
}

#[test]
fn shift_starting_mid_sentence_is_realigned() {
    let damaged = "他說(shuō),?鞘芯G化的目標是讓每個居民步行十分鐘就能到達公園。";
    assert_eq!(
        fix(damaged),
        "他说，城市绿化的目标是让每个居民步行十分钟就能到达公园。"
    );
}

#[test]
fn shift_over_quotes_restores_fullwidth_punctuation() {
    let damaged = "會(huì)議期間,代表們圍繞鄉村振興提出了許多建議。?斑@些建議很實在。”一位專家說。";
    assert_eq!(
        fix(damaged),
        "会议期间，代表们围绕乡村振兴提出了许多建议。“这些建议很实在。”一位专家说。"
    );
}

#[test]
fn shift_is_repaired_without_touching_the_script_when_asked() {
    let damaged = "他說,?鞘芯G化的目標是讓每個居民步行十分鐘就能到達公園。";
    let report = keep_script().fix_report(damaged);
    assert_eq!(
        report.text,
        "他說，城市綠化的目標是讓每個居民步行十分鐘就能到達公園。"
    );
    assert!(report.edits.iter().any(|e| e.stage == StageKind::ByteShift));
}

#[test]
fn a_lost_lead_byte_with_its_trail_surfacing_at_once_is_one_character() {
    // `說` is D5 66 in GBK: shifted, its lead byte is lost and its trail surfaces as `f`, a span of
    // one character. A letter alone after `?` is seldom text, though the model scores it as the
    // start of a Latin word after a question mark.
    let damaged = "警方?f,他也要求在他的審判中出庭";
    assert_eq!(
        keep_script().fix(damaged),
        "警方說，他也要求在他的審判中出庭"
    );
}

#[test]
fn annotated_garbage_of_a_shift_is_undone() {
    // Reversed layer order: the shift's garbage character 嗳 got its own reading `(ài)`, and the
    // orphan lead byte swallowed the `(`.
    let damaged = "許多?ài)讼M@項政策能夠延續下去。";
    assert_eq!(
        keep_script().fix(damaged),
        "許多人希望這項政策能夠延續下去。"
    );
}

#[test]
fn a_span_starting_at_a_full_stop_before_an_annotated_character_keeps_the_full_stop() {
    // `名。張(zhāng)` shifted at `。`: its lead byte is lost, its trail A3 and the lead 95 of
    // `張` read as a user-defined pair and vanish, and the trail C5 swallows the `(`. Read as a
    // span starting at `張` instead, the same `??` would drop the full stop.
    assert_eq!(
        keep_script().fix("他的作品很有名??zhāng)先生在北京工作。"),
        "他的作品很有名。張(zhāng)先生在北京工作。"
    );
}

#[test]
fn injected_pinyin_in_every_style_is_removed() {
    let k = keep_script();
    assert_eq!(
        k.fix("我們學(xué)習(xí)了新的技術(shù)"),
        "我們學習了新的技術"
    );
    assert_eq!(
        k.fix("會(huì )議的(de)(de)內容很重要(yào)"),
        "會議的內容很重要"
    );
    assert_eq!(k.fix("我们学(xue2)习(xi2)新的技术"), "我们学习新的技术");
    assert_eq!(k.fix("她(ta)们(men)在绿(lv4)地上"), "她们在绿地上");
}

#[test]
fn a_genuine_gloss_is_kept() {
    let text = "这个字读作“行(háng)”，意思是行业。";
    assert!(matches!(Fixer::default().fix(text), Cow::Borrowed(_)));
}

#[test]
fn converted_text_goes_back_to_simplified_with_context() {
    let out = fix("學(xué)習:他們承載著(zhù)對未來的期待,這部著名作品");
    assert_eq!(out, "学习：他们承载着对未来的期待，这部著名作品");
}

#[test]
fn corner_quotes_from_the_source_do_not_outvote_the_converter_signature() {
    // Converted from Simplified text that used corner quotes: the quotes count once, `后` (left
    // alone by the converter, written `後` by genuine Traditional text) counts twice.
    let out =
        fix("會議之后，代表們提出「綠色出行」和「社區食堂」兩項建議，隨后又參觀了新建的公園。");
    assert_eq!(
        out,
        "会议之后，代表们提出「绿色出行」和「社区食堂」两项建议，随后又参观了新建的公园。"
    );
    // Genuine Traditional text with corner quotes and `後` stays.
    let text = "會議之後，代表們提出「綠色出行」的建議。";
    assert_eq!(fix(text), text);
}

#[test]
fn characters_a_converter_leaves_alone_reveal_converted_text() {
    // `于`, `并`, `采` have Traditional forms of their own (`於`, `並`, `採`) that genuine
    // Traditional text writes; a character-level converter leaves them as they are.
    let out = fix("該項目位于市中心，采用了新的設計方案，預計明年完工。");
    assert_eq!(out, "该项目位于市中心，采用了新的设计方案，预计明年完工。");
    let text = "該項目位於市中心，採用了新的設計方案，預計明年完工。";
    assert_eq!(fix(text), text);
}

#[test]
fn question_marks_a_writer_doubled_are_not_a_shifted_span() {
    // `??` between Chinese text is also what a one-character span leaves (`。` and the line
    // break it swallowed); the literal reading is scored as the fullwidth marks folding would
    // have left, which these sentences favour.
    assert_untouched(&[
        "你真的去了吗??我不信。",
        "这是什么??怎么回事!!",
        "他在干什么??快告诉我。",
    ]);
}

#[test]
fn question_marks_a_writer_repeated_after_a_question_are_not_a_shifted_span() {
    // Web text repeats question marks; the model, trained on formal text, finds a second `？`
    // as unlikely as garbage, and `??` or `???` is also what a short span leaves.
    assert_untouched(&[
        "你为什么不来???我等了你很久。",
        "他到底去哪儿了???大家都在找他。",
        "这是为什么呢??谁能告诉我",
        "怎么还没到啊??都等了一个小时了",
        "明天去不去??去的话叫上我",
        "你吃饭了没??我请客",
        "楼主是哪里人??我也是那边的",
        // No question word, but three marks and no garbage anywhere in the document.
        "真的假的???不会吧",
        "这也行???服了",
        // After a Latin word, two are enough.
        "what??你说啥",
        "这个OK??我觉得可以",
    ]);
    // After a digit, two marks are still `年` (or another character) and a swallowed digit.
    assert_eq!(fix("该馆于1961??月13日开放。"), "该馆于1961年1月13日开放。");
    // A question only named in quotes, or markup an orphan broke open after the marks: a shift.
    assert_eq!(
        keep_script().fix("老師問大家：「為什麼」??他說：「因為天氣太冷了。」"),
        "老師問大家：「為什麼」。\n他說：「因為天氣太冷了。」"
    );
    assert_eq!(
        fix("你知道吗??/span>还有比这更重要的事情。"),
        "你知道吗？还有比这更重要的事情。"
    );
}

#[test]
fn accented_latin_names_in_chinese_text_are_not_mojibake() {
    assert_untouched(&[
        "我们在Café见面，歌手Beyoncé说他来自Zürich。",
        "西班牙球员Núñez和Peña在马德里，São Paulo是巴西城市。",
        "François Hollande访问北京，Müller先生和Žižek也来了。",
    ]);
}

#[test]
fn genuine_traditional_text_stays_traditional() {
    let text = "颱風過後，許多果農的香蕉園受到嚴重損害，政府將提供緊急補助。";
    let report = Fixer::default().fix_report(text);
    assert_eq!(report.text, text);
    assert_eq!(report.script, ScriptDecision::KeptTraditional);
}

#[test]
fn clean_simplified_text_is_borrowed_untouched() {
    for text in [
        "今天上午，市图书馆举办了一场关于古籍修复的讲座，吸引了两百多名读者。",
        "他说：“我们明年还会再来。”大家都笑了。",
        "新版本修复了 3 个问题，下载量超过 12,000 次。",
    ] {
        assert!(
            matches!(Fixer::default().fix(text), Cow::Borrowed(_)),
            "{text}"
        );
    }
}

#[test]
fn punctuation_rule_only_touches_marks_beside_chinese() {
    assert_eq!(
        fix("24日,习近平出席会议:议题很多;大家说好!"),
        "24日，习近平出席会议：议题很多；大家说好！"
    );
    assert_eq!(fix("比分是3:2,时间22:08:32"), "比分是3:2，时间22:08:32");
    let keep = Fixer::new(Options {
        punct: PunctMode::Keep,
        ..Options::default()
    });
    assert_eq!(keep.fix("你去过北京吗?我去过。"), "你去过北京吗?我去过。");
}

#[test]
fn shift_that_swallowed_a_line_break_gives_it_back() {
    // `。` + newline shifted: the lost lead shows as `?`, the orphan trail swallows the newline.
    let damaged = "会议结束以后，代表们参观了新建的污水处理厂??第二天上午，他们又去了附近的村庄。";
    assert_eq!(
        fix(damaged),
        "会议结束以后，代表们参观了新建的污水处理厂。\n第二天上午，他们又去了附近的村庄。"
    );
}

#[test]
fn a_swallowed_line_break_before_a_year_is_not_a_fifth_digit() {
    // The model scores digits as one class: `。` then a digit outscores `。` then a line break,
    // but a year of five digits is far rarer than the class makes it.
    let damaged = "这座桥很旧了，村民们都知道??2016 年夏天，桥终于修好了。";
    assert_eq!(
        fix(damaged),
        "这座桥很旧了，村民们都知道。\n2016 年夏天，桥终于修好了。"
    );
    let damaged = "他在那里工作了很多年??1998年他回到了家乡。";
    assert_eq!(fix(damaged), "他在那里工作了很多年。\n1998年他回到了家乡。");
}

#[test]
fn shift_that_swallowed_a_digit_gets_one_back() {
    let damaged = "这座桥建成于上世?汀?958年以后，它一直是镇上最重要的通道。";
    assert_eq!(
        fix(damaged),
        "这座桥建成于上世纪。1958年以后，它一直是镇上最重要的通道。"
    );
}

#[test]
fn latin_letter_read_as_a_trail_byte_ends_the_span() {
    // `L` (0x4C) became the trail of the garbage character `琇`; it is the original letter.
    let damaged = "合作社去年买来了新的烘干机，?骨肜戳思际踉保琇i老师负责培训。";
    assert_eq!(
        fix(damaged),
        "合作社去年买来了新的烘干机，还请来了技术员，Li老师负责培训。"
    );
}

#[test]
fn long_span_with_many_vanished_pairs_is_realigned_throughout() {
    // Nine pairs of this span fall into GBK's user-defined areas and vanish. The span's first
    // character keeps only its trail byte F1, which `今` (BD F1) and `採` (92 F1) share; with no
    // script evidence outside the span the model decides, and it knows `政府采` from legal text.
    let damaged = "市政府?衲杲绦平暇尚∏脑旃ぷ鳎苹瓿筛脑斓男∏勘热ツ暝黾右槐叮式鹬饕刹普?承担。";
    let fixed = fix(damaged);
    for part in ["年将继续推进老旧小区改造工作", "比去年增加一倍", "财政"] {
        assert!(fixed.contains(part), "{part} missing from {fixed}");
    }
}

#[test]
fn the_character_after_a_vanished_pair_is_chosen_with_what_follows_it() {
    // `，研` is A3 AC D1 D0, and the shifted pair AC D1 vanishes: `研` keeps only its trail D0,
    // which `有` (D3 D0) shares. After `晚上，` the model prefers `有`; only `究` after it says
    // otherwise, and the readings of a vanished pair are kept or dropped before `究` is read.
    let damaged = "?搅送砩希芯咳嗽被乖谑笛槭依锾致凼荨?";
    assert_eq!(fix(damaged), "到了晚上，研究人员还在实验室里讨论数据。");
}

#[test]
fn a_closing_quote_the_model_ranks_low_still_closes_the_line_s_opening_one() {
    // `果”，` is B9 FB A1 B1 A3 AC: shifted, FB A1 and AC B9 (`，关`) vanish, so `”` keeps only
    // its trail B1, which `时` (CA B1) shares. The model prefers `效果时`; only the `“` left
    // open says otherwise, and the search must keep the `”` reading until the line's end.
    let damaged = "专家认为“?Ч保丶谟诔て诩岢侄土渡硖濉?";
    assert_eq!(fix(damaged), "专家认为“效果”，关键在于长期坚持锻炼身体。");
}

#[test]
fn a_line_that_lost_its_characters_to_question_marks_is_left_alone_beside_a_shifted_one() {
    // An encoder without Chinese wrote `?` for every other character of the first line: no byte
    // shift reads like that, and it is left as it is. The shifted line after it is repaired.
    let lost = "学?习?中?文?的?方?法?很?多?，?每?个?人?都?不?一?样?。";
    let damaged = format!("{lost}\n?搅送砩希芯咳嗽被乖谑笛槭依锾致凼荨?\n");
    let fixer = Fixer::new(Options {
        script: ScriptMode::Keep,
        punct: PunctMode::Keep,
        ..Options::default()
    });
    assert_eq!(
        fixer.fix(&damaged),
        format!("{lost}\n到了晚上，研究人员还在实验室里讨论数据。\n")
    );
}

#[test]
fn names_the_document_uses_elsewhere_are_read_back_in_a_span() {
    // The corpus model has never seen `喀纳巴斯` and prefers `摩纳巴斯` (and `浪花`) for these bytes;
    // the rest of the document says otherwise. The same for `赛马节` against `全错节`.
    let clean = "研究人员在喀纳巴斯峡谷发现了一种新的兰花。\n喀纳巴斯峡谷气候湿润。\n当地政府决定在喀纳巴斯峡谷设立保护区。\n";
    let damaged = format!("研究人员在?δ砂退瓜抗确⑾至艘恢中碌睦?花。\n喀纳巴斯峡谷气候湿润。\n当地政府决定在喀纳巴斯峡谷设立保护区。\n{clean}");
    assert_eq!(keep_script().fix(&damaged), format!("{clean}{clean}"));
    let clean = "塔莫萨尔湖位于高原北部，湖水清澈。\n每年夏天，塔莫萨尔湖周边的牧民会举办赛马节。\n今年，塔莫萨尔湖迎来了更多游客。\n";
    let damaged = format!("塔莫萨尔湖位于高原北部，湖水清澈。\n每年夏天，塔莫萨尔湖周边?哪撩窕峋侔烊斫凇?今年，塔莫萨尔湖迎来了更多游客。\n{clean}");
    assert_eq!(keep_script().fix(&damaged), format!("{clean}{clean}"));
}

#[test]
fn a_name_one_span_spells_out_is_read_back_in_the_next() {
    // Both lines are shifted from their start, so no undamaged text names `喀纳巴斯`: alone, the
    // second line reads `摩纳巴斯`. Once the first line is repaired, it names it.
    let damaged = "?钡卣龆ㄔ诳δ砂退瓜抗壬枇⒈；で?\n研究人员在?δ砂退瓜抗确⑾至艘恢中碌睦蓟ā?\n";
    assert_eq!(
        keep_script().fix(damaged),
        "当地政府决定在喀纳巴斯峡谷设立保护区。\n研究人员在喀纳巴斯峡谷发现了一种新的兰花。\n"
    );
}

#[test]
fn a_span_at_a_line_start_may_open_with_a_symbol() {
    // `喀` is BF A6: the first pair after the lost byte, A6 C4, is the Greek `δ`. The bytes name
    // every character up to `气`; after it five pairs vanished (`气候湿润` and `气球失误` score
    // alike under a character trigram), so only what the bytes prove is asserted.
    let fixed = keep_script().fix("?δ砂退瓜抗绕蚴螅磕晡罅坑慰汀?\n");
    assert!(fixed.contains("纳巴斯峡谷气"), "{fixed}");
    assert!(!fixed.contains('?'), "{fixed}");
}

#[test]
fn a_span_in_simplified_text_is_read_back_in_simplified_characters() {
    // The model gives `佈` and `布` one id. Where the bytes of a vanished pair allow either, the
    // script of the rest of the document decides: this had read `提供了解发佈的午餐`.
    let context = "这项规定由国务院发布，各级机关应当遵守，违反规定的单位将被处罚。\n";
    let (damaged, clean) = (
        "学校为学生提供了?夥训奈绮汀?",
        "学校为学生提供了免费的午餐。",
    );
    assert_eq!(
        keep_script().fix(&format!("{context}{damaged}")),
        format!("{context}{clean}")
    );
}

#[test]
fn annotations_of_garbage_characters_go_with_the_garbage() {
    // Garbage characters of a shifted span received their own pinyin.
    let damaged = "村委会决?ò押(yā)颖叩目盏馗慕ǔ尚(shàng)」愠。先嗣强梢栽谡饫锵缕辶奶臁?";
    let fixed = fix(damaged);
    assert!(
        fixed.starts_with("村委会决定把河边的空地改建成小广场，"),
        "{fixed}"
    );
    assert!(!fixed.contains('('), "{fixed}");
}

#[test]
fn an_annotation_names_the_character_an_orphan_completes_after_a_vanished_pair() {
    // Seed order: `的，處(chù)` is B5 C4 A3 AC CC A6 then `(`; read one byte late, C4 A3 is `模`,
    // AC CC falls into the user-defined area and vanishes, and A6 is an orphan lead that
    // swallows the `(`. This had read `的，(chù)`.
    let damaged = "責(zé)令改正，?懿桓恼模?chù)十萬元以上罰款。";
    assert_eq!(fix(damaged), "责令改正，拒不改正的，处十万元以上罚款。");
}

#[test]
fn a_span_of_one_character_ends_in_an_orphan_that_swallowed_something() {
    // `。` then a line break: the lead byte A1 is lost and A3 becomes an orphan that swallows the
    // line break. Read as one character with nothing swallowed (`自尊心如果`, `优美的游客`), the
    // span would need a second resynchronising boundary two bytes after the first.
    assert_eq!(
        keep_script().fix("他说大家都很有自尊??如果不尊重别人"),
        "他说大家都很有自尊。\n如果不尊重别人"
    );
    // The bytes allow `的` and a swallowed comma as well (B5 C4 2C), which the model prefers
    // after `优美` by two orders of magnitude once it reads `游客` whole; either way the orphan
    // swallowed something.
    let fixed = keep_script().fix("这里的风景非常优美??游客络绎不绝");
    assert!(
        [
            "这里的风景非常优美。\n游客络绎不绝",
            "这里的风景非常优美的，游客络绎不绝"
        ]
        .contains(&fixed.as_ref()),
        "{fixed}"
    );
}

#[test]
fn a_span_that_starts_with_a_folded_fullwidth_letter_is_searched() {
    // `。明` is A1 A3 C3 F7: with A1 lost, A3 C3 reads `Ｃ`, which folding turned into `C`. The
    // `?` stands between a digit and a letter, no Chinese text beside it.
    let damaged = "版本号是v2?C魈煳颐羌绦致壅飧鑫侍獾慕饩霭旆ā?";
    assert_eq!(
        fix(damaged),
        "版本号是v2。明天我们继续讨论这个问题的解决办法。"
    );
}

#[test]
fn a_second_span_soon_after_the_first_is_repaired_on_its_own() {
    // `。` + line break read one byte late (`??`), then a second span starting two to four
    // characters into the next line. Read as one span, the best reading explained the second
    // span's `?` too (`。烤荩开山体报道`): measured against the literal garbage, any reading of it
    // gains. The two spans' own repairs now compete with it.
    for damaged in [
        "会议结束以后，代表们陆续离开了会场??据?教灞ǖ溃芡潮硎窘绦贫母铩?",
        "会议结束以后，代表们陆续离开了会场??据媒?灞ǖ溃芡潮硎窘绦贫母铩?",
        "会议结束以后，代表们陆续离开了会场??据媒体?ǖ溃芡潮硎窘绦贫母铩?",
    ] {
        assert_eq!(
            fix(damaged),
            "会议结束以后，代表们陆续离开了会场。\n据媒体报道，总统表示将继续推动改革。"
        );
    }
}

#[test]
fn a_span_cut_short_next_to_a_second_span_is_split_where_the_split_gains_most() {
    // A first span cut short by an orphan that swallowed nothing (the simulator caps a span that
    // never realigns), then a second span a character or two later. Splitting at the first later
    // `?` gave the second span the cut-off character's bytes (`居民来圆队。开。上下游`); the split
    // that beats the long reading by most now wins. Lost and vanished bytes stay lost, so the
    // repairs are close, not exact.
    for (damaged, clean, before) in [
        (
            "这条河发源于北部的高山,全长三百多公里?Q匕斗植甲判矶喙爬系拇遄图校用袷来圆队??I舷掠沃涞慕煌ㄖ饕揽看弧?",
            "这条河发源于北部的高山，全长三百多公里。沿岸分布着许多古老的村庄和集市，居民世代以捕鱼为生。上下游之间的交通主要依靠船只。",
            8,
        ),
        (
            "学校图书馆今年新增了两千册藏书?9莩そ樯芩担庑┦榇蠖嘤尚S丫??谌莺抢贰⑽难Ш妥匀豢蒲?。学生们可以在周末借阅。",
            "学校图书馆今年新增了两千册藏书。馆长介绍说，这些书大多由校友捐赠，内容涵盖历史、文学和自然科学。学生们可以在周末借阅。",
            11,
        ),
    ] {
        let wrong = hanfix_sim::metrics::distance(&fix(damaged), clean);
        assert!(wrong < before - 2, "{wrong} characters wrong: {}", fix(damaged));
    }
}

#[test]
fn a_span_that_realigns_where_a_pair_vanished_with_a_letter_is_still_repaired() {
    // `翰·D·洛` is BA B2 A1 A4 44 A1 A4 C2 E5; read one byte late, A4 44 falls into the
    // user-defined area A140-A7A0 and vanishes with the letter, and the reading realigns at the
    // second `·`. The search models no such end, so no reading finished and the span stayed
    // garbage. Ending where nothing modelled realigns now costs a fixed penalty: the span comes
    // back without `·D`, which left no trace.
    for damaged in [
        "美国石?痛蠛嘣己病·洛克菲勒创办了标准石油公司。",
        "美国石油?蠛嘣己病·洛克菲勒创办了标准石油公司。",
    ] {
        assert_eq!(
            fix(damaged),
            "美国石油大亨约翰·洛克菲勒创办了标准石油公司。"
        );
    }
}

#[test]
fn a_vanished_pair_may_hide_before_a_folded_character() {
    // `名。新` is C3 FB A1 A3 D0 C2: read one byte late, FB A1 falls into the user-defined area
    // and vanishes, and A3 D0 reads `Ｐ`, which folding turned into `P`. Without the vanished pair
    // the span read `得茫` (C3 A3) for `得名。`.
    for (damaged, clean) in [
        (
            "这座城?性诿鞒钡妹P鲁乔挥诤恿鞯亩丁?",
            "这座城市在明朝时得名。新城区位于河流的东岸。",
        ),
        (
            "地铁三?畔咭丫度朐擞U庾嫡疚挥谑兄行摹?",
            "地铁三号线已经投入运营。这座车站位于市中心。",
        ),
    ] {
        assert_eq!(fix(damaged), clean);
    }
}

#[test]
fn an_orphan_before_a_latin_word_swallowed_its_space_not_a_tag() {
    // The span's last lead byte met the space before `Michael`: an orphan that swallowed the
    // space. `Michael Smith` is no tag (no attribute follows the name), so no `<` is restored.
    for damaged in [
        "这本小?档淖髡呤怯⒐骷?Michael Smith 先生。",
        "这次展览由?┪锕莺?Google 公司共同举办。",
    ] {
        let fixed = fix(damaged);
        assert!(!fixed.contains('<'), "{fixed}");
        assert!(fixed.contains(" Michael Smith") || fixed.contains(" Google"));
    }
    assert_eq!(
        fix("这本小?档淖髡呤怯⒐骷?Michael Smith 先生。"),
        "这本小说的作者是英国作家 Michael Smith 先生。"
    );
}

#[test]
fn annotation_names_the_realigned_character_after_a_vanished_pair() {
    // Seed order: `國舉(jǔ)` is 87 F8 C5 65 then the annotation; read one byte late, F8 C5 vanishes
    // and 65 surfaces as `e`. The character before `e` comes out of a vanished-pair reading,
    // which the annotation's bonus did not reach: `全國裡(jǔ)` was read, the annotation stayed
    // and the document with it stayed Traditional.
    for damaged in [
        "他們決?ㄔ谌珖e(jǔ)辦一場比賽。",
        "他們決定在?珖e(jǔ)辦一場比賽。",
    ] {
        assert_eq!(fix(damaged), "他们决定在全国举办一场比赛。");
    }
    assert_eq!(
        fix("這項活動將?谥袊e(jǔ)辦三天。"),
        "这项活动将在中国举办三天。"
    );
}

#[test]
fn annotation_after_a_span_names_the_realigned_character() {
    // Seed order: annotated, then shifted at `檢` (99 7A), whose trail surfaces as `z`.
    let damaged = "他負責本院的?z(jiǎn)察工作，也管理人員。";
    assert_eq!(fix(damaged), "他负责本院的检察工作，也管理人员。");
}

#[test]
fn a_span_that_lost_both_bytes_of_its_first_character_most_likely_starts_at_a_sentence_end() {
    // Shifted at `。`: A1 is lost, A3 is an orphan that swallowed the year's first digit. Any
    // character fits `??`; without the prior for sentence ends these read `第二章 913年`,
    // `加工，1966年` and `开始于2018年`.
    assert_eq!(
        fix("他在这次比赛中的分数排名第二??913年，他再次参加比赛。"),
        "他在这次比赛中的分数排名第二。1913年，他再次参加比赛。"
    );
    assert_eq!(
        fix("这家工厂后来改为出口加工??966年，政府在此设立加工区。"),
        "这家工厂后来改为出口加工。1966年，政府在此设立加工区。"
    );
    assert_eq!(
        fix("他说这是一个好的开始??018年的比赛很激烈。"),
        "他说这是一个好的开始。2018年的比赛很激烈。"
    );
}

#[test]
fn a_surfaced_trail_before_a_folded_ideographic_space_is_a_span() {
    // `條　` is 97 6C A1 A1: shifted at `條`, 97 is lost, 6C surfaces as `l`, and folding turns
    // the ideographic space into an ASCII one.
    let damaged = "第 23 條 本辦法依建築法訂定之,以下簡稱本法。\n第 24 ?l 共同清除、處理之事項,由主管機關定之。";
    assert_eq!(
        fix(damaged),
        "第 23 條\u{3000}本辦法依建築法訂定之，以下簡稱本法。\n第 24 條\u{3000}共同清除、處理之事項，由主管機關定之。"
    );
}

#[test]
fn garbage_made_of_common_characters_is_still_searched() {
    // Shifted at `布`: `剂斯业男` is garbage, but each of its characters is common, and after
    // `发` it scored -3.8 log10 per character, which the gate in front of the search had taken
    // for fluent text after a literal question mark.
    assert_eq!(
        fix("他们今天发?剂斯业男鹿娑ā?"),
        "他们今天发布了国家的新规定。"
    );
}

#[test]
fn a_span_right_after_a_folded_comma_is_searched() {
    // Shifted at `并`, after a `，` that folding made ASCII: nothing Chinese touches the `?`
    // (`⒋ξ` are symbols). The `3` the orphan swallowed is lost; a digit is guessed.
    assert_eq!(
        fix("违法所得一万元以上的,?⒋ξシㄋ?倍以上五倍以下罚款。"),
        "违法所得一万元以上的，并处违法所得1倍以上五倍以下罚款。"
    );
}

#[test]
fn symbols_lost_to_question_marks_are_not_read_as_shifted_spans() {
    // Emoji saved as GBK became `?`. A run right after a comma cannot be a span's `。⏎` (a
    // character and a line break in mid-sentence), so the document shows lost symbols, and
    // its runs stay: none becomes `。` and a line break.
    assert_untouched(&[
        "今天天气真好，??我们去公园散步吧??大家都很开心，??明天还要再去一次。",
        "看完这个视频，??我笑了半天??真是太有意思了",
    ]);
    // A shifted span in such a document is still repaired; its garbage explains it.
    let fixer = Fixer::new(Options {
        punct: PunctMode::Keep,
        ..Options::default()
    });
    assert_eq!(
        fixer.fix("太好了，??违法所得一万元以上的,?⒋ξシㄋ?倍以上五倍以下罚款。"),
        "太好了，??违法所得一万元以上的,并处违法所得1倍以上五倍以下罚款。"
    );
    // Without that evidence `??` between sentences is still the span it most often is.
    assert_eq!(
        fixer.fix("这是他成功的动力??罗比就是我的朋友"),
        "这是他成功的动力。\n罗比就是我的朋友"
    );
}

#[test]
fn a_document_folded_before_it_was_shifted_gets_its_swallowed_commas_back() {
    // Folded first, the commas were ASCII bytes when the shift came: the orphan byte at each
    // span's end swallowed one, which stood for `，`. Nothing in these repairs restores a
    // fullwidth mark from a pair, so the document is read as folded first.
    assert_eq!(
        fix("该地区由于?秸刃枨?行省除了负责民政,还要负责军事。"),
        "该地区由于战争等需求，行省除了负责民政，还要负责军事。"
    );
    assert_eq!(
        fix("在印度的文?吧窕爸?人们认为这条河是神圣的,也常常在河边祭祀。"),
        "在印度的文化及神话中，人们认为这条河是神圣的，也常常在河边祭祀。"
    );
}

#[test]
fn brackets_are_widened_only_in_a_folded_document() {
    let folded = "第一条 为了规范管理,制定本办法。\n(一)报告;(二)记录。";
    assert_eq!(
        fix(folded),
        "第一条 为了规范管理，制定本办法。\n（一）报告；（二）记录。"
    );
    // Fullwidth punctuation elsewhere: the document was not folded, its brackets stay.
    let mixed = "第一条 为了规范管理，制定本办法：\n(一)报告;(二)记录。";
    assert_eq!(
        fix(mixed),
        "第一条 为了规范管理，制定本办法：\n(一)报告；(二)记录。"
    );
}

#[test]
fn ideographic_spaces_come_back_only_in_a_folded_document_and_where_the_model_expects_them() {
    // Folding wrote U+3000 as an ASCII space; after `第 1 條` Taiwan's laws write U+3000.
    let folded = "第 1 條 本辦法依據建築法訂定之,以下簡稱本法。\n第 2 條 主管機關:在中央為內政部。";
    assert_eq!(
        fix(folded),
        "第 1 條\u{3000}本辦法依據建築法訂定之，以下簡稱本法。\n第 2 條\u{3000}主管機關：在中央為內政部。"
    );
    // After `第一条` the mainland's laws write an ASCII space: it stays.
    assert_eq!(
        fix("第一条 为了规范管理,制定本办法:\n第二条 本办法适用于全市。"),
        "第一条 为了规范管理，制定本办法：\n第二条 本办法适用于全市。"
    );
    // Fullwidth punctuation elsewhere: the document was not folded, its spaces stay.
    let mixed = "第 1 條 本辦法依據建築法訂定之，以下簡稱本法。\n第 2 條 主管機關:在中央為內政部。";
    assert_eq!(
        fix(mixed),
        "第 1 條 本辦法依據建築法訂定之，以下簡稱本法。\n第 2 條 主管機關：在中央為內政部。"
    );
}

#[test]
fn a_literal_question_mark_is_not_taken_for_a_shift() {
    assert_eq!(fix("你去过北京吗?我去过。"), "你去过北京吗？我去过。");
    assert_eq!(fix("价格是多少?大约三百元"), "价格是多少？大约三百元");
}

#[test]
fn classic_mojibake_families_are_reversed() {
    assert_eq!(fix("测试鍚堝奖成功"), "测试合影成功");
    assert_eq!(fix("标题：ÖÐÎÄ"), "标题：中文");
    assert_eq!(fix("标题：ä¸\u{AD}æ–‡"), "标题：中文");
    let report = Fixer::default().fix_report("乱码锟斤拷出现");
    assert_eq!(report.text, "乱码\u{FFFD}\u{FFFD}出现");
    assert!(report.garble > 0.0);
}

#[test]
fn html_residue_is_removed() {
    assert_eq!(fix("“心合意同，谋无不成?!?/p>"), "“心合意同，谋无不成。”");
    assert_eq!(fix("<p>第一段</p>\n第二段&rdquo;"), "第一段\n第二段”");
}

#[test]
fn a_doubled_comma_in_text_with_nothing_else_wrong_goes() {
    // No markup, no ASCII punctuation: the scan alone would call this text clean.
    assert_eq!(
        fix("展区分为书画，，陶瓷和玉器三部分，、每天开放。"),
        "展区分为书画，陶瓷和玉器三部分，每天开放。"
    );
    // Folded after Chinese text and a closing bracket, or before Chinese text.
    assert_eq!(fix("成立于(1949年),,随后迁址"), "成立于(1949年)，随后迁址");
    assert_eq!(fix("全长10km,,途经三个县"), "全长10km，途经三个县");
}

#[test]
fn every_edit_is_logged_with_a_span_of_the_input() {
    let input = "會(huì )議期間,代表們圍繞鄉村振興提出了許多建議。?斑@些建議很實在。”一位專家說。";
    let report = Fixer::default().fix_report(input);
    assert!(!report.edits.is_empty());
    for e in &report.edits {
        assert!(e.start <= e.end && e.end <= input.len(), "{e:?}");
        assert!(
            input.is_char_boundary(e.start) && input.is_char_boundary(e.end),
            "{e:?}"
        );
        assert!((0.0..=1.0).contains(&e.confidence));
        assert!(!e.reason.is_empty());
    }
    // Edits of the first stage to run see the input itself.
    let first = report
        .edits
        .iter()
        .find(|e| e.stage == StageKind::ByteShift)
        .expect("a shift edit");
    assert_eq!(&input[first.start..first.end], first.before);
    let stages: Vec<StageKind> = report.edits.iter().map(|e| e.stage).collect();
    for k in [
        StageKind::ByteShift,
        StageKind::Pinyin,
        StageKind::Script,
        StageKind::Punct,
    ] {
        assert!(stages.contains(&k), "{k:?} missing");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_decoded_or_logged() {
    let fixer = Fixer::default();
    let (gb, _, _) = encoding_rs::GB18030.encode("这是一段中文文本，用来测试。");
    assert_eq!(
        fixer.fix_bytes(&gb).unwrap().text,
        "这是一段中文文本，用来测试。"
    );
    let report = fixer.fix_bytes(b"abc \xFF\xFE def").unwrap();
    assert!(report.text.contains('\u{FFFD}'));
    assert!(report.edits.iter().any(|e| e.stage == StageKind::Decode));
    assert!(matches!(
        fixer.fix_bytes(b"\x00\x01\x02binary"),
        Err(hanfix::Error::Binary { .. })
    ));
    assert_eq!(fixer.fix_bytes(b"").unwrap().text, "");
}

/// A small deterministic generator of hostile strings.
fn hostile(seed: u64, len: usize) -> String {
    const PIECES: &[&str] = &[
        "?",
        "(",
        ")",
        "(xué)",
        "<",
        "</p>",
        "&",
        "&rdquo;",
        "&#",
        ",",
        "中",
        "國",
        "們",
        "锟斤拷",
        "Ã",
        "©",
        "\u{FFFD}",
        "\u{E000}",
        "\u{85}",
        "\u{A0}",
        "\n",
        " ",
        "!",
        "霸",
        "鸫u",
        "u",
        "@",
        "𠀀",
        "🙂",
        "\u{0}",
        "\u{301}",
        "ä¸",
        "（",
    ];
    let mut x = seed;
    let mut s = String::new();
    for _ in 0..len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
    }
    s
}

#[test]
fn hostile_input_never_panics_and_spans_stay_in_bounds() {
    let fixer = Fixer::default();
    for seed in 1..300u64 {
        let input = hostile(seed, 1 + (seed as usize % 60));
        let report = fixer.fix_report(&input);
        for e in &report.edits {
            assert!(e.start <= e.end && e.end <= input.len());
        }
        let _ = fixer.fix_bytes(input.as_bytes());
    }
}

#[test]
fn a_long_single_line_is_handled() {
    let piece = "會(huì)議期間,代表們圍繞鄉村振興提出了許多建議。?斑@些建議很實在。”一位專家說。";
    let want = "会议期间，代表们围绕乡村振兴提出了许多建议。“这些建议很实在。”一位专家说。";
    let line = piece.repeat(300);
    assert_eq!(fix(&line), want.repeat(300));
}

#[test]
fn the_summary_counts_what_the_report_records() {
    // One document per kind of damage (and one clean): `fix_summary` and `fix` give the text of
    // `fix_report`, and the summary counts its edits stage by stage.
    let docs = [
        "去年冬天,這家工廠的訂(dìng)單明?@減少。“我們正在尋(xún)找新的市場。”廠長表示。",
        "他說(shuō),?鞘芯G化的目標是讓每個居民步行十分鐘就能到達公園。",
        "会议在北京召开。</p><p>代表们讨论了城市绿化&nbsp;的计划,",
        "我们今天学习中文。",
        "",
    ];
    let fixer = Fixer::default();
    for doc in docs {
        let report = fixer.fix_report(doc);
        let summary = fixer.fix_summary(doc);
        assert_eq!(summary.text, report.text, "{doc}");
        assert_eq!(summary.edits_per_stage, report.edits_per_stage(), "{doc}");
        assert_eq!(summary.garble, report.garble, "{doc}");
        assert_eq!(summary.script, report.script, "{doc}");
        assert_eq!(summary.changed(), report.changed(), "{doc}");
        assert_eq!(fixer.fix(doc), report.text.as_str(), "{doc}");
        let bytes = fixer.fix_bytes(doc.as_bytes()).unwrap();
        let counted = fixer.fix_bytes_summary(doc.as_bytes()).unwrap();
        assert_eq!(counted.edits_per_stage, bytes.edits_per_stage(), "{doc}");
    }
    // What the repairs replaced is the damage the garble score sees (script and punctuation
    // normalisation aside).
    assert!(fixer.fix_summary(docs[0]).garble > 0.1);
    assert_eq!(fixer.fix_summary(docs[3]).garble, 0.0);
    // Invalid UTF-8 is a `decode` edit in both.
    let bytes = b"\xE4\xB8\xAD\xFF\xE6\x96\x87";
    let report = fixer.fix_bytes(bytes).unwrap();
    let summary = fixer.fix_bytes_summary(bytes).unwrap();
    assert_eq!(summary.text, report.text);
    assert_eq!(summary.edits_per_stage, report.edits_per_stage());
    assert_eq!(summary.edits_per_stage[0], (StageKind::Decode, 1));
}

#[test]
fn markup_an_orphan_broke_open_is_read_as_what_it_shows() {
    // `。` then a closing tag: the lead byte A1 is lost and A3 swallowed the `<`. The tags are
    // invisible and `</p>` ends the line, so the text after the span is the line break.
    assert_eq!(
        fix("这本书的作者是一位退休的中学语文老师??/a></p>\n第二条 本条例适用于本市的道路交通管理。"),
        "这本书的作者是一位退休的中学语文老师。\n第二条 本条例适用于本市的道路交通管理。"
    );
    // A space entity before a line break is page layout: the span is `。` before the break,
    // and nothing of the entity is left behind.
    assert_eq!(
        fix("会议指出,要进一步加强对中小企业的金融支持??nbsp;<br/>\n研究人员发现,这种植物的叶片含有丰富的维生素。"),
        "会议指出，要进一步加强对中小企业的金融支持。\n研究人员发现，这种植物的叶片含有丰富的维生素。"
    );
    // Between words it is the space it stands for: `条` before a space, as articles are numbered.
    assert_eq!(
        fix("第一条 为了规范行政许可的设定和实施,制定本法。\n第二??nbsp;本法适用于行政许可的设定和实施。"),
        "第一条 为了规范行政许可的设定和实施，制定本法。\n第二条 本法适用于行政许可的设定和实施。"
    );
}

#[test]
fn a_span_of_a_lost_byte_and_broken_markup_is_found_at_a_line_start() {
    // `第` is B5 DA: B5 was lost and DA swallowed the `&` of `&nbsp;`. Nothing Chinese stands
    // beside the two `?`, but an entity without its `&` is damage in itself. (The space after
    // `第 2 条` is left to the width stage, which reads it as a folded ideographic space.)
    let fixed = fix("第一条 为了规范行政许可的设定和实施,制定本法。\n??nbsp;2&nbsp;条 本法适用于行政许可的设定。");
    assert!(fixed.contains("制定本法。\n第 2 条"), "{fixed}");
    assert!(!fixed.contains('?') && !fixed.contains("nbsp"), "{fixed}");
}

#[test]
fn a_span_after_markup_is_read_after_what_the_markup_shows() {
    // `。` shifted after a closing quote written as an entity and a closing tag: read after
    // `;`, the span was `南` (C4 CF, whose trail swallowed the `<` as A3 did).
    let fixed = fix("<p>此地因此得名&ldquo;南亭&rdquo;??/span>初唐时期,在此建立了寺院。</p>");
    assert_eq!(fixed, "此地因此得名“南亭”。初唐时期，在此建立了寺院。");
}

#[test]
fn a_quote_an_earlier_line_opened_may_close_in_a_span() {
    // `。」⏎` shifted: A1 lost, A3 A1 is `！` (folded to `!`), B9 swallowed the line break. The
    // quote opened two lines up; counted on its own line only, `」` looked unopened and `。`
    // won (`。。`).
    for (first, last) in [
        (
            "教練說：「我們與他商量只踢半場。",
            "他在那個時候進球對我們來說是非常幸運的",
        ),
        ("市長說：「這座橋已經使用了五十年。", "工程將在明年春天開始"),
    ] {
        let damaged = format!("{first}\n它需要全面的檢修。\n{last}?!?市議會下週將討論預算。\n");
        let fixed = keep_script().fix(&damaged);
        assert!(fixed.contains(&format!("{last}。」\n市議會")), "{fixed}");
    }
}

#[test]
fn a_span_is_judged_by_the_two_characters_after_it() {
    // `意见。⏎新建` shifted from `的`: read with only the next character, `，新` and `。⏎新` were
    // close; the character after it (`建`) makes the line break the likelier reading.
    assert_eq!(
        fix("两国领导人就双边关系和共同关心的?饰侍饨换涣艘饧?新建的体育馆可以容纳一万二千名观众。"),
        "两国领导人就双边关系和共同关心的国际问题交换了意见。\n新建的体育馆可以容纳一万二千名观众。"
    );
}
