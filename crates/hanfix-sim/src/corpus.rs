//! Built-in clean text, so the harness and the demo work on a fresh machine.
//!
//! All sentences were written for this crate.

use crate::family::Pipeline;

/// The script a clean document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Simplified Chinese.
    Hans,
    /// Traditional Chinese.
    Hant,
}

/// Built-in Simplified sentences: news, encyclopedia, dialogue, numbers and Latin mixed in.
pub const HANS: &[&str] = &[
    "市气象台今天上午发布暴雨蓝色预警，预计未来六小时内城区将出现短时强降水，请市民减少外出。",
    "据国家统计局消息，今年前三季度全国规模以上工业增加值同比增长4.6%，其中高技术制造业增长较快。",
    "第十五届全国运动会的火炬传递活动于周六在广州启动，共有两百余名火炬手参与。",
    "这座古桥始建于明代，全长约八十米，由青石砌成，至今仍在使用。",
    "“你吃饭了吗？”“还没呢，等会儿一起去楼下那家面馆吧。”",
    "他把行李放在门口，转身对母亲说：“我下个月再回来看您。”",
    "熊猫是中国特有的哺乳动物，主要分布在四川、陕西和甘肃的山区，以竹子为主要食物。",
    "长江是亚洲第一长河，全长约6300公里，流经青海、西藏、四川等十一个省级行政区。",
    "新款手机搭载了自主研发的芯片，支持5G网络和Wi-Fi 7，售价为3999元起。",
    "研究人员利用CRISPR技术对水稻基因进行编辑，使其在干旱条件下的产量提高了约两成。",
    "会议指出，要进一步优化营商环境，支持民营企业发展壮大，稳定市场预期。",
    "小王昨天去银行办理了信用卡，工作人员告诉他下周就能收到卡片。",
    "这部电影讲述了一个普通家庭在时代变迁中的悲欢离合，上映首周票房突破五亿元。",
    "请在2025年3月31日前登录官网提交申请材料，逾期将不再受理。",
    "孩子们在操场上放风筝，笑声一阵接一阵，春天真的来了。",
    "图书馆新增了三千册外文图书，读者可以通过自助借还机办理借阅手续。",
    "地铁五号线南延段今日开通运营，沿线居民出行将更加便捷。",
    "他一边喝茶一边翻着报纸，忽然抬头问：“今天几号了？”",
    "该公司发布公告称，拟以每股12.5元的价格回购不超过两千万股公司股票。",
    "唐朝诗人李白被后人誉为“诗仙”，他的作品想象丰富，语言奔放。",
    "Python和Rust都是目前很受欢迎的编程语言，但它们的设计目标并不相同。",
    "比赛最后三分钟，主队连续得分，以98比95逆转取胜。",
    "医生建议，成年人每天应保证七到八小时的睡眠，并适当进行体育锻炼。",
    "这个问题我们已经讨论过很多次了，今天必须拿出一个解决方案。",
    "台风“海燕”预计将于明天凌晨在沿海地区登陆，最大风力可达十四级。",
    "她从小就喜欢画画，大学毕业后成为了一名插画师，作品曾多次获奖。",
    "根据合同第8条的规定，乙方应在收到货款后十个工作日内发货。",
    "我们村今年种了两百亩草莓，通过网络直播卖到了全国各地。",
    "博物馆的开放时间为周二至周日9:00—17:00，周一闭馆。",
    "老张退休以后迷上了钓鱼，每个周末都要去水库边坐上一整天。",
    "月球表面布满了大小不一的撞击坑，最大的直径超过两千公里。",
    "这家餐厅的招牌菜是红烧肉和清蒸鲈鱼，周末常常需要提前预订。",
];

/// Built-in Traditional sentences.
pub const HANT: &[&str] = &[
    "颱風過後，許多果農的香蕉園受到嚴重損害，政府將提供緊急補助。",
    "這間咖啡廳的老闆每天清晨親自烘焙豆子，吸引了不少熟客。",
    "臺灣的高速鐵路全長約三百五十公里，從臺北到高雄只需要一個半小時。",
    "「你明天會來參加讀書會嗎？」「應該會，不過可能晚一點到。」",
    "學校圖書館週末也對外開放，民眾憑身分證即可入館閱覽。",
    "根據氣象署預報，本週後半段將有鋒面通過，北部地區氣溫明顯下降。",
    "他從小在漁村長大，對海洋生態的變化特別敏感。",
    "這款筆記型電腦重量不到一公斤，電池續航力可達十五小時。",
];

/// The built-in documents with their scripts.
pub fn builtin() -> Vec<(String, Script)> {
    HANS.iter()
        .map(|s| (s.to_string(), Script::Hans))
        .chain(HANT.iter().map(|s| (s.to_string(), Script::Hant)))
        .collect()
}

/// The demo paragraph: a short news item in Simplified Chinese.
pub const DEMO_CLEAN: &str = "本报讯　记者从市交通运输局获悉，全市首批二十辆氢能源公交车将于下月投入运营，主要服务于开发区和高铁站之间的线路。\
据介绍，这批车辆加满一次氢气只需十分钟，续航里程可达四百公里，运行过程中只排放水。\
“我们希望通过这条示范线路积累经验，为今后的大规模推广打下基础。”交通运输局相关负责人说。\
为了保障车辆安全运行，有关部门已在沿线建成两座加氢站，并对驾驶员进行了专门培训。\
市民可以通过手机应用查询车辆的实时位置和预计到站时间。";

/// The seed the demo is damaged with.
pub const DEMO_SEED: u64 = 2;

/// The demo pair `(clean, damaged)`: [`DEMO_CLEAN`] damaged in the reference crawl's layer
/// order (`s2t+pinyin_trad+gbshift+fold`) under [`DEMO_SEED`].
pub fn demo() -> (String, String) {
    let damaged = Pipeline::seed_order(DEMO_SEED).apply(DEMO_CLEAN);
    (DEMO_CLEAN.to_owned(), damaged)
}
