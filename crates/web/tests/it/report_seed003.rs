//! Seed 003 (the Đồng Tháp three-year review of the Law, 01/7/2020 → 09/2023) entered through
//! the API as a security officer would, then the multi-year review built over 01/7/2020 →
//! 30/9/2023 (issue 14):
//!
//! (a) every figure equals the hand count of the records entered, in the JSON and in the
//!     sentences of the DOCX (with its footnotes as real Word footnotes);
//! (b) the share of the seed's words bmnn's text reproduces, printed (`--nocapture`).
//!
//! # The metric
//!
//! Text is *folded*: lower case, every run of letters and digits a word, everything else a
//! separator ("2.215" is the words "2" and "215"). The seed's **body** is the text from its
//! opening ("Thực hiện Quyết định …") to the closing "./." before "Nơi nhận", footnotes included.
//! **Word coverage** is the share of the body's words that lie inside at least one word 4-gram
//! that also occurs in the generated DOCX text (body and footnotes). **Figure-sentence coverage**
//! is the share of the seed's sentences holding a figure (a digit) of which at least half of
//! the 4-grams occur in the generated text. Only text bmnn writes counts: the assessment and
//! proposals people write on the page are left empty here.
//!
//! Run: `cargo test -p bmnn-web --test it report_seed003 -- --nocapture` (PostgreSQL too with
//! `TEST_DATABASE_URL`, see helpers.rs).

use crate::helpers::TestApp;
use axum::http::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SEED: &str = include_str!("../fixtures/seed003_dong_thap.txt");
const FROM: &str = "2020-07-01";
const TO: &str = "2023-09-30";

struct Inc {
    date: &'static str,
    channel: &'static str,
    place: &'static str,
}

/// The 13 incidents of the seed (footnotes 1–3, 13): 10 on the Internet, 3 improper provisions;
/// one more before the period and one after it, which the review must not count.
fn incidents() -> Vec<Inc> {
    let mut v = Vec::new();
    for (i, place) in [
        "Lịch công tác của Thường trực Tỉnh ủy",
        "Lịch công tác của Ban Dân vận Tỉnh ủy",
        "Lịch công tác của Huyện ủy Hồng Ngự",
        "Trang Thông tin điện tử Sở Nội vụ",
        "Trang Thông tin điện tử Sở Nội vụ",
        "Trang Thông tin điện tử Sở Nông nghiệp và Phát triển nông thôn",
        "Trang thông tin điện tử của Sở Tư pháp",
    ]
    .into_iter()
    .enumerate()
    {
        v.push(Inc {
            date: [
                "2020-09-14",
                "2021-03-02",
                "2021-06-21",
                "2021-11-08",
                "2022-02-15",
                "2022-08-09",
                "2023-04-11",
            ][i],
            channel: "agency-website",
            place,
        });
    }
    for date in ["2021-05-05", "2022-05-19", "2023-02-01"] {
        v.push(Inc {
            date,
            channel: "social-network",
            place: "Mạng xã hội",
        });
    }
    for (date, place) in [
        (
            "2021-09-30",
            "Văn phòng điều phối chương trình mục tiêu quốc gia xây dựng Nông thôn mới Tỉnh (Sở Nông nghiệp và Phát triển nông thôn)",
        ),
        ("2022-10-12", "Tòa án nhân dân Tỉnh"),
        (
            "2023-06-06",
            "Ngân hàng thương mại cổ phần An Bình - chi nhánh Thành phố Hồ Chí Minh",
        ),
    ] {
        v.push(Inc {
            date,
            channel: "improper-provision",
            place,
        });
    }
    // Outside 01/7/2020 → 30/9/2023.
    v.push(Inc {
        date: "2020-06-30",
        channel: "social-network",
        place: "Mạng xã hội",
    });
    v.push(Inc {
        date: "2023-10-01",
        channel: "agency-website",
        place: "Trang Thông tin điện tử Sở Tài chính",
    });
    v
}

fn in_period(d: &str) -> bool {
    (FROM..=TO).contains(&d)
}

/// The documents of incident `i` (of those in the period): the seed's 18 (Tối mật 04, Mật 09,
/// 05 unmarked but in the catalogue), one or two per incident.
fn documents(i: usize) -> Vec<Value> {
    let mut d = vec![if i < 4 {
        json!({"level": "toi-mat", "in_catalogue": false})
    } else {
        json!({"level": "mat", "in_catalogue": false})
    }];
    if i >= 8 {
        d.push(json!({"level": null, "in_catalogue": true}));
    }
    d
}

/// Trainings (seed §II.2, footnotes 4–5): the province's own session for 740, then 17
/// sessions of the agencies for 2.215 people; one more after the period.
fn trainings() -> Vec<(&'static str, &'static str, u32)> {
    let mut v = vec![("2021-01-15", PROVINCE, 740)];
    let organisers = [
        "Công an Tỉnh",
        "Sở Nội vụ",
        "Bệnh viện Phổi Đồng Tháp",
        "Bệnh viện Tâm thần Đồng Tháp",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Ủy ban nhân dân thành phố Cao Lãnh",
        "Ủy ban nhân dân thành phố Sa Đéc",
        "Ủy ban nhân dân thành phố Hồng Ngự",
        "Ủy ban nhân dân huyện Cao Lãnh",
        "Ủy ban nhân dân huyện Châu Thành",
        "Ủy ban nhân dân huyện Hồng Ngự",
        "Ủy ban nhân dân huyện Lai Vung",
        "Ủy ban nhân dân huyện Lấp Vò",
        "Ủy ban nhân dân huyện Tam Nông",
        "Ủy ban nhân dân huyện Thanh Bình",
        "Ủy ban nhân dân huyện Tháp Mười",
        "Tòa án nhân dân Tỉnh",
    ];
    let days = [
        "2021-03-10",
        "2021-04-12",
        "2021-05-20",
        "2021-06-15",
        "2021-08-18",
        "2021-09-22",
        "2021-10-26",
        "2021-11-16",
        "2022-03-08",
        "2022-04-19",
        "2022-05-24",
        "2022-06-14",
        "2022-08-23",
        "2022-10-11",
        "2023-03-21",
        "2023-05-16",
        "2023-07-18",
    ];
    for (i, o) in organisers.into_iter().enumerate() {
        v.push((days[i], o, if i == 0 { 135 } else { 130 }));
    }
    v.push(("2023-11-20", "Công an Tỉnh", 90));
    v
}

/// Issued texts (seed §II–III, footnotes 6–10): kind, number, date, title; two before the
/// period (Kế hoạch 70 of 2019, Công văn 102 of 24/3/2020).
fn directives() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    vec![
        (
            "plan",
            "70/KH-UBND",
            "2019-03-25",
            "triển khai thi hành Luật Bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "102/UBND-TCD-NC",
            "2020-03-24",
            "triển khai biểu mẫu sử dụng trong công tác bảo vệ bí mật nhà nước",
        ),
        (
            "plan",
            "293/KH-UBND",
            "2020-12-15",
            "tập huấn chuyên sâu Luật Bảo vệ bí mật nhà nước",
        ),
        (
            "regulation",
            "24/2021/QĐ-UBND",
            "2021-10-11",
            "ban hành Quy chế bảo vệ bí mật nhà nước trên địa bàn Tỉnh",
        ),
        (
            "decision",
            "101/QĐ-UBND-TL",
            "2022-06-07",
            "kiện toàn Ban Chỉ đạo công tác bảo vệ bí mật nhà nước Tỉnh",
        ),
        (
            "letter",
            "625/UBND-TCD-NC",
            "2020-12-15",
            "việc triển khai thực hiện nghiêm Luật Bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "63/UBND-TCD-NC",
            "2021-03-18",
            "việc tăng cường công tác bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "121/UBND-TCD-NC",
            "2021-05-20",
            "việc chấn chỉnh công tác bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "272/UBND-TCD-NC",
            "2021-08-10",
            "việc khắc phục tồn tại, hạn chế trong công tác bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "64/UBND-TCD-NC",
            "2022-03-24",
            "nâng cao chất lượng công tác bảo vệ bí mật nhà nước",
        ),
        (
            "letter",
            "391/UBND-TCD-NC",
            "2022-10-03",
            "tăng cường công tác bảo vệ bí mật nhà nước trên địa bàn Tỉnh",
        ),
    ]
}

const INSPECTED_2022: &[&str] = &[
    "Cục Hải quan Tỉnh",
    "Thanh tra Tỉnh",
    "Tòa án nhân dân Tỉnh",
    "Viện Kiểm sát nhân dân Tỉnh",
    "Sở Nội vụ",
    "Sở Khoa học và Công nghệ",
    "Sở Lao động, Thương binh và Xã hội",
    "Sở Tài chính",
    "Sở Tài nguyên và Môi trường",
    "Ủy ban nhân dân thành phố Cao Lãnh",
    "Ủy ban nhân dân thành phố Sa Đéc",
    "Ủy ban nhân dân thành phố Hồng Ngự",
    "Ủy ban nhân dân huyện Tân Hồng",
    "Ủy ban nhân dân huyện Tháp Mười",
    "Ủy ban nhân dân huyện Lấp Vò",
];
const INSPECTED_2023: &[&str] = &[
    "Ban Quản lý Khu kinh tế Tỉnh",
    "Ban Quản lý Vườn quốc gia Tràm Chim",
    "Bảo hiểm xã hội Tỉnh",
    "Bưu điện Tỉnh",
    "Cục Thi hành án dân sự Tỉnh",
    "Cục Thống kê Tỉnh",
    "Cục Thuế Tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh Đồng Tháp",
    "Kho bạc Nhà nước Tỉnh",
    "Liên minh Hợp tác xã",
    "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Đồng Tháp",
    "Sở Giáo dục và Đào tạo",
    "Sở Giao thông vận tải",
    "Sở Ngoại vụ",
    "Sở Thông tin và Truyền thông",
    "Sở Tư pháp",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Xây dựng",
    "Sở Y tế",
    "Ủy ban nhân dân huyện Cao Lãnh",
    "Ủy ban nhân dân huyện Châu Thành",
    "Ủy ban nhân dân huyện Lai Vung",
    "Ủy ban nhân dân huyện Thanh Bình",
    "Ủy ban nhân dân huyện Tam Nông",
    "Ủy ban nhân dân huyện Hồng Ngự",
];
const FINDINGS: &[&str] = &[
    "chưa ban hành nội quy bảo vệ bí mật nhà nước",
    "một số văn bản bí mật nhà nước không có Phiếu đề xuất độ mật",
    "xác định bí mật nhà nước không căn cứ vào Danh mục bí mật nhà nước",
    "xác định sai độ mật",
    "sao, chụp bí mật nhà nước không đúng trình tự, thủ tục, thẩm quyền",
    "chuyển giao bí mật nhà nước chưa ký nhận",
    "chưa có quyết định phân công cán bộ thực hiện nhiệm vụ kiêm nhiệm công tác bảo vệ bí mật nhà nước",
];
/// Stamp sets (seed §III.2: "bộ dấu mật (18 con dấu)").
const STAMPS: &[(&str, u32)] = &[
    ("Văn phòng Ủy ban nhân dân Tỉnh", 6),
    ("Công an Tỉnh", 6),
    ("Sở Nội vụ", 6),
];

async fn add(app: &TestApp, kind: &str, record: Value) {
    app.post_json(
        &format!("/api/v1/programme/records/{kind}"),
        "baomat",
        json!({ "record": record }),
    )
    .await
    .expect(201);
}

async fn enter_seed(app: &TestApp) {
    app.send(
        Method::PUT,
        "/api/v1/agency",
        Some("admin"),
        Some(json!({"name": "Ủy ban nhân dân Tỉnh", "superior": null, "place": "Đồng Tháp", "symbol": "UBND"})),
    )
    .await
    .expect(200);
    let mut n = 0;
    for x in incidents() {
        let i = if in_period(x.date) { n } else { 0 };
        n += in_period(x.date) as usize;
        add(
            app,
            "incident",
            json!({
                "discovered_on": x.date, "kind": "exposure", "channel": x.channel,
                "place": x.place, "documents": documents(i),
                "cause": "Lỗi chủ quan, mất cảnh giác của công chức, viên chức",
                "recovered": x.channel == "improper-provision",
                "taken_down": x.channel != "improper-provision",
                "discipline": {"disciplined": (i == 0) as u32, "criticised": if i == 12 { 0 } else { 3 }},
                "state": "concluded", "state_on": x.date,
                "outcome": "Đã xác minh, kết luận; thu hồi, tháo gỡ tài liệu",
            }),
        )
        .await;
    }
    for (date, organiser, participants) in trainings() {
        add(
            app,
            "training",
            json!({"date": date, "kind": "training", "organiser": organiser,
                   "organised_by": if organiser == PROVINCE { "own" } else { "subordinate" },
                   "audience": "Cán bộ, công chức, viên chức", "participants": participants}),
        )
        .await;
    }
    for (kind, number, date, title) in directives() {
        add(
            app,
            "directive",
            json!({"date": date, "direction": "issued", "kind": kind, "number_symbol": number,
                   "issuer": "Ủy ban nhân dân Tỉnh", "title": title}),
        )
        .await;
    }
    for (date, units, findings) in [
        ("2022-09-20", INSPECTED_2022, &[][..]),
        ("2023-08-15", INSPECTED_2023, FINDINGS),
    ] {
        add(
            app,
            "inspection",
            json!({"date": date, "kind": "inspection", "inspector": "Ủy ban nhân dân Tỉnh",
                   "units": units, "findings": findings}),
        )
        .await;
    }
    for (unit, stamps) in STAMPS {
        add(
            app,
            "equipment",
            json!({"unit": unit, "as_of": "2023-06-30", "stamps": stamps, "registers": 0}),
        )
        .await;
    }
    // Footnote 12: 14 agencies inspected their own units, 20 rounds over 277 units; each
    // round a record, the agency's units shared out over its rounds.
    for (agency, rounds, units) in SUBORDINATE_INSPECTIONS {
        for r in 0..*rounds {
            let count = units / rounds + u32::from(r < units % rounds);
            add(
                app,
                "inspection",
                json!({"date": "2022-11-15", "kind": "inspection", "inspector": agency,
                       "organised_by": "subordinate", "units": [], "units_count": count}),
            )
            .await;
        }
    }
    // Seed §II.3: 12/12 districts and cities have their steering committee.
    for unit in DISTRICTS {
        add(
            app,
            "steering-committee",
            json!({"unit": unit, "as_of": "2023-06-30", "body": "committee",
                   "decision_ref": "Quyết định kiện toàn Ban Chỉ đạo", "decision_date": "2022-07-01"}),
        )
        .await;
    }
}

const PROVINCE: &str = "Ủy ban nhân dân Tỉnh";

/// Footnote 12: agency, rounds, units inspected.
const SUBORDINATE_INSPECTIONS: &[(&str, u32, u32)] = &[
    ("Công an Tỉnh", 3, 41),
    ("Bộ Chỉ huy Bộ đội Biên phòng Tỉnh", 2, 7),
    ("Sở Giáo dục và Đào tạo", 1, 55),
    ("Ủy ban nhân dân thành phố Cao Lãnh", 1, 7),
    ("Ủy ban nhân dân thành phố Sa Đéc", 1, 9),
    ("Ủy ban nhân dân thành phố Hồng Ngự", 1, 7),
    ("Ủy ban nhân dân huyện Hồng Ngự", 2, 29),
    ("Ủy ban nhân dân huyện Tân Hồng", 1, 16),
    ("Ủy ban nhân dân huyện Tam Nông", 1, 17),
    ("Ủy ban nhân dân huyện Thanh Bình", 1, 21),
    ("Ủy ban nhân dân huyện Cao Lãnh", 2, 16),
    ("Ủy ban nhân dân huyện Châu Thành", 1, 8),
    ("Ủy ban nhân dân huyện Lai Vung", 1, 20),
    ("Ủy ban nhân dân huyện Lấp Vò", 2, 24),
];

const DISTRICTS: &[&str] = &[
    "Thành phố Cao Lãnh",
    "Thành phố Sa Đéc",
    "Thành phố Hồng Ngự",
    "Huyện Hồng Ngự",
    "Huyện Tân Hồng",
    "Huyện Tam Nông",
    "Huyện Thanh Bình",
    "Huyện Cao Lãnh",
    "Huyện Tháp Mười",
    "Huyện Châu Thành",
    "Huyện Lai Vung",
    "Huyện Lấp Vò",
];

fn zip_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).ok()?, &mut s).ok()?;
    Some(s)
}

/// The text of a WordprocessingML part, entities of names decoded.
fn xml_text(xml: &str) -> String {
    crate::api_programme::xml_text(xml)
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// A DOCX the API returns, as `giamdoc`.
async fn docx(app: &TestApp, path: &str) -> Vec<u8> {
    let req = axum::http::Request::get(path)
        .header(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {}", app.login_as("giamdoc")),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let page = crate::ui_client::send(&app.router, req).await;
    assert_eq!(page.status.as_u16(), 200);
    page.bytes
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn grams(w: &[String]) -> BTreeSet<Vec<String>> {
    w.windows(4).map(|g| g.to_vec()).collect()
}

/// (word coverage, figure-sentence coverage) of `seed` by `generated` (module doc).
fn coverage(seed: &str, generated: &str) -> (f64, f64, usize, usize) {
    let have = grams(&words(generated));
    let body = seed
        .split_once("Thực hiện Quyết định")
        .map(|(_, b)| b)
        .unwrap_or(seed);
    let body = body.split("Nơi nhận:").next().unwrap_or(body);
    let w = words(body);
    let mut covered = vec![false; w.len()];
    for i in 0..w.len().saturating_sub(3) {
        if have.contains(&w[i..i + 4]) {
            covered[i..i + 4].iter_mut().for_each(|c| *c = true);
        }
    }
    let word_share = covered.iter().filter(|c| **c).count() as f64 / w.len() as f64;
    let sentences: Vec<&str> = body
        .split(['.', ';', '\n'])
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()) && words(s).len() >= 6)
        .collect();
    let produced = sentences
        .iter()
        .filter(|s| {
            let g = grams(&words(s));
            let hit = g.iter().filter(|x| have.contains(*x)).count();
            !g.is_empty() && hit * 2 >= g.len()
        })
        .count();
    (
        word_share,
        produced as f64 / sentences.len().max(1) as f64,
        produced,
        sentences.len(),
    )
}

#[tokio::test]
async fn the_three_year_review_of_seed_003_counts_the_records_and_writes_them_as_prose() {
    let app = TestApp::spawn();
    enter_seed(&app).await;
    // The period, place and date of the review, set as the report page and the API do.
    app.send(
        Method::PUT,
        "/api/v1/programme/reports/multi-year/2023/draft",
        Some("baomat"),
        Some(json!({"text": {"period_start": FROM, "period_end": TO, "place": "Đồng Tháp",
                              "date": "2023-09-30", "recipients": ["Bộ Công an (Cục An ninh chính trị nội bộ)"],
                              "signer_authority": "TM. ỦY BAN NHÂN DÂN", "signer_position": "CHỦ TỊCH"}})),
    )
    .await
    .expect(200);
    let m = app
        .get("/api/v1/programme/reports/multi-year/2023", "giamdoc")
        .await
        .expect(200);
    assert_eq!(m["period"]["start"], FROM);
    assert_eq!(m["period"]["end"], TO);
    assert_eq!(
        m["title"],
        "Sơ kết 03 năm thi hành Luật Bảo vệ bí mật nhà nước"
    );

    // (a) Hand counts of what was entered, within the period.
    let inc: Vec<(usize, Inc)> = incidents()
        .into_iter()
        .filter(|x| in_period(x.date))
        .enumerate()
        .collect();
    let internet = inc
        .iter()
        .filter(|(_, x)| x.channel != "improper-provision")
        .count();
    let improper = inc.len() - internet;
    let docs: Vec<Value> = inc.iter().flat_map(|(i, _)| documents(*i)).collect();
    let toi_mat = docs.iter().filter(|d| d["level"] == "toi-mat").count();
    let mat = docs.iter().filter(|d| d["level"] == "mat").count();
    let catalogue = docs.iter().filter(|d| d["in_catalogue"] == true).count();
    let criticised: usize = inc.iter().map(|(i, _)| if *i == 12 { 0 } else { 3 }).sum();
    let tr: Vec<_> = trainings().into_iter().filter(|t| in_period(t.0)).collect();
    let participants: u32 = tr.iter().map(|t| t.2).sum();
    let letters = directives()
        .iter()
        .filter(|d| d.0 == "letter" && in_period(d.2))
        .count();
    let units = INSPECTED_2022.len() + INSPECTED_2023.len();
    let sub_rounds: u32 = SUBORDINATE_INSPECTIONS.iter().map(|x| x.1).sum();
    let sub_units: u32 = SUBORDINATE_INSPECTIONS.iter().map(|x| x.2).sum();
    let own_tr: Vec<_> = tr.iter().filter(|t| t.1 == PROVINCE).collect();
    let own_participants: u32 = own_tr.iter().map(|t| t.2).sum();
    let stamps: u32 = STAMPS.iter().map(|s| s.1).sum();
    let f = &m["figures"];
    assert_eq!(f["incidents"]["incidents"], inc.len());
    assert_eq!(
        f["incidents"]["by_channel"]["agency_website"]
            .as_u64()
            .unwrap()
            + f["incidents"]["by_channel"]["social_network"]
                .as_u64()
                .unwrap(),
        internet as u64
    );
    assert_eq!(f["incidents"]["by_channel"]["improper_provision"], improper);
    assert_eq!(f["incidents"]["documents"], docs.len());
    assert_eq!(f["incidents"]["documents_by_level"]["toi_mat"], toi_mat);
    assert_eq!(f["incidents"]["documents_by_level"]["mat"], mat);
    assert_eq!(f["incidents"]["documents_in_catalogue"], catalogue);
    assert_eq!(f["incidents"]["criticised"], criticised);
    assert_eq!(f["training"]["sessions"], tr.len());
    assert_eq!(f["training"]["participants"], participants);
    assert_eq!(
        f["inspections"]["units_inspected"],
        units + sub_units as usize
    );
    assert_eq!(f["inspections"]["own_units_inspected"], units);
    assert_eq!(f["inspections"]["subordinate_rounds"], sub_rounds);
    assert_eq!(f["inspections"]["subordinate_units_inspected"], sub_units);
    assert_eq!(f["training"]["own_sessions"], own_tr.len());
    assert_eq!(
        f["training"]["subordinate_sessions"],
        tr.len() - own_tr.len()
    );
    assert_eq!(f["incidents"]["concluded"], inc.len());
    assert_eq!(f["steering"]["committees"], DISTRICTS.len());
    // The seed's split, as a check of the hand count itself.
    assert_eq!(
        (own_tr.len(), tr.len() - own_tr.len(), sub_rounds, sub_units),
        (1, 17, 20, 277)
    );
    assert_eq!(f["inspections"]["findings"], FINDINGS.len());
    assert_eq!(f["equipment"]["stamps"], stamps);
    // The seed's own figures, as a check of the hand count itself.
    assert_eq!((inc.len(), internet, improper, docs.len()), (13, 10, 3, 18));

    // The DOCX: the same figures in its sentences, footnotes as real footnotes.
    let d = docx(&app, "/api/v1/programme/reports/multi-year/2023/docx").await;
    let body = xml_text(&zip_part(&d, "word/document.xml").expect("document.xml"));
    let notes_xml = zip_part(&d, "word/footnotes.xml").expect("word/footnotes.xml");
    let notes = xml_text(&notes_xml);
    let n_notes = notes_xml.matches("<w:footnote w:id=\"").count();
    assert_eq!(
        n_notes,
        m["footnotes"].as_array().unwrap().len(),
        "one Word footnote per footnote of the model"
    );
    assert_eq!(
        body.matches("<w:footnoteReference").count(),
        0,
        "references are markup, not text"
    );
    for want in [
        format!("{} vụ lộ, mất tài liệu bí mật nhà nước", inc.len()),
        format!("{internet} vụ lộ bí mật nhà nước trên mạng internet"),
        format!("{improper} vụ cung cấp tài liệu bí mật nhà nước trái quy định của pháp luật"),
        format!("{} buổi tập huấn", own_tr.len()),
        format!(
            "cho {}",
            bmnn_core::programme::reports::num(own_participants as u64)
        ),
        format!(
            "{} buổi tập huấn cho {}",
            tr.len() - own_tr.len(),
            bmnn_core::programme::reports::num((participants - own_participants) as u64)
        ),
        format!("tại {units} lượt đơn vị"),
        format!(
            "{sub_rounds} cuộc kiểm tra công tác bảo vệ bí mật nhà nước tại {sub_units} lượt đơn vị trực thuộc"
        ),
        format!(
            "kết luận {}/{} vụ lộ, mất bí mật nhà nước",
            inc.len(),
            inc.len()
        ),
        format!(
            "{}/{} đơn vị đã thành lập và kiện toàn Ban Chỉ đạo",
            DISTRICTS.len(),
            DISTRICTS.len()
        ),
        format!("({stamps} con dấu)"),
        format!("{letters} văn bản chỉ đạo"),
        "Kế hoạch số 293/KH-UBND ngày 15 tháng 12 năm 2020 về tập huấn chuyên sâu".into(),
        format!("phê bình, rút kinh nghiệm {criticised} trường hợp"),
        "từ ngày 01 tháng 7 năm 2020".into(),
    ] {
        assert!(body.contains(&want), "«{want}» in the DOCX: {body}");
    }
    for want in [
        format!("Tối mật: {toi_mat:02}; Mật: {mat:02}"),
        "Trang Thông tin điện tử Sở Nội vụ (02 vụ)".into(),
        "Mạng xã hội (03 vụ)".into(),
        "Công văn số 625/UBND-TCD-NC, ngày 15/12/2020 của Ủy ban nhân dân Tỉnh".into(),
        "Năm 2022: kiểm tra công tác bảo vệ bí mật nhà nước đối với: Cục Hải quan Tỉnh".into(),
        "Công an Tỉnh: 03 lượt/41 đơn vị; Bộ Chỉ huy Bộ đội Biên phòng Tỉnh: 02 lượt/07 đơn vị"
            .into(),
    ] {
        assert!(notes.contains(&want), "«{want}» in the footnotes: {notes}");
    }
    // Records outside the period are not named.
    assert!(
        !notes.contains("70/KH-UBND") && !notes.contains("Trang Thông tin điện tử Sở Tài chính")
    );
    for dev in ["[U", "[S", "legal.md", "bmnn", "0 đơn vị cấp dưới"] {
        assert!(
            !body.contains(dev) && !notes.contains(dev),
            "{dev} in the report"
        );
    }
    // Empty categories are left out, never a table of zeros.
    assert!(!body.contains("vụ mất tài liệu, vật chứa") && !body.contains(" 0 "));

    // (b) The share of the seed bmnn writes.
    let generated = format!("{body}\n{notes}");
    if std::env::var_os("BMNN_SEED003_PRINT").is_some() {
        println!("{generated}");
    }
    let (word_share, sentence_share, produced, with_figures) = coverage(SEED, &generated);
    println!(
        "seed 003: word 4-gram coverage {:.1}% of the body; {produced}/{with_figures} sentences with a figure ({:.1}%)",
        word_share * 100.0,
        sentence_share * 100.0
    );
    assert!(word_share > 0.0 && produced > 0);
}

/// An annual report of an agency with 20 subordinate units and a plan that names none: no
/// DOCX says "0 đơn vị cấp dưới" above the table of the 20 units, and no table is all zeros.
#[tokio::test]
async fn an_annual_report_never_says_zero_units_above_a_table_of_twenty() {
    let app = TestApp::spawn();
    for n in 0..20u8 {
        let secret = [n + 1; 32];
        app.post_json(
            "/api/v1/programme/unit-keys",
            "baomat",
            json!({"unit": format!("Phòng {n:02}"),
                   "public_key": bmnn_core::programme::bundle::public_key_hex(&secret)}),
        )
        .await
        .expect(201);
    }
    add(
        &app,
        "plan",
        json!({"year": 2025, "number_symbol": "01/KH-SKHĐT", "issued_on": "2025-01-05",
               "tasks": [{"text": "Tập huấn", "unit": "Văn phòng Sở", "deadline": "2025-03-31"}]}),
    )
    .await;
    let m = app
        .get("/api/v1/programme/reports/annual/2025", "giamdoc")
        .await
        .expect(200);
    let units_rows = m["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tables"].as_array().unwrap().iter())
        .find(|t| t["code"] == "units")
        .map(|t| t["rows"].as_array().unwrap().len());
    assert_eq!(units_rows, Some(20));
    let d = docx(&app, "/api/v1/programme/reports/annual/2025/docx").await;
    let body = xml_text(&zip_part(&d, "word/document.xml").unwrap());
    assert!(!body.contains("0 đơn vị cấp dưới"), "{body}");
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Đơn vị cấp dưới 20"),
        "the plan table counts the 20 units: {flat}"
    );
    assert!(
        !flat.contains("Tập huấn, phổ biến, quán triệt Hình thức"),
        "no table of zeros"
    );
    for dev in ["[U", "[S", "legal.md", "bmnn"] {
        assert!(!body.contains(dev), "{dev} in the report");
    }
}
