//! Fixed models used across the tests: an outgoing register, a secret report and an official
//! letter with a landscape table. Their Vietnamese text exercises every diacritic class.

use bmnn_docs::{AdminDoc, Block, DocTable, HeadingLevel, RegisterColumn, RegisterDoc, Signer};
use time::macros::date;

fn col(title: &str, width_weight: u16) -> RegisterColumn {
    RegisterColumn {
        title: title.to_owned(),
        width_weight,
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// The ten outgoing-register columns of legal.md §10.2 (indicative `[U]`).
pub fn outgoing_columns() -> Vec<RegisterColumn> {
    vec![
        col("Số thứ tự", 5),
        col("Số, ký hiệu tài liệu, vật chứa BMNN", 10),
        col("Ngày tháng xác định tài liệu, vật chứa BMNN", 10),
        col("Tên loại và trích yếu nội dung", 22),
        col("Độ mật", 7),
        col("Người ký tài liệu, vật chứa BMNN", 11),
        col("Nơi nhận và ký nhận", 14),
        col("Đơn vị lưu", 8),
        col("Số lượng", 6),
        col("Ghi chú", 7),
    ]
}

pub fn outgoing_register() -> RegisterDoc {
    let blank = vec![String::new(); 10];
    RegisterDoc {
        title: "Sổ đăng ký bí mật nhà nước đi".to_owned(),
        superior_agency: Some("Ủy ban nhân dân tỉnh Bắc Ninh".to_owned()),
        agency: "Sở Tư pháp".to_owned(),
        year: 2026,
        first_date: Some(date!(2026 - 01 - 05)),
        last_date: Some(date!(2026 - 06 - 30)),
        first_number: Some(1),
        last_number: Some(125),
        book_number: Some(1),
        columns: outgoing_columns(),
        rows: vec![
            row(&[
                "01",
                "01/BC-STP",
                "05/01/2026",
                "Báo cáo tình hình bảo vệ bí mật nhà nước năm 2025",
                "Mật",
                "Nguyễn Văn Bình",
                "Văn phòng UBND tỉnh",
                "Văn phòng",
                "03",
                "",
            ]),
            row(&[
                "02",
                "02/KH-STP",
                "12/01/2026",
                "Kế hoạch kiểm tra công tác bảo vệ bí mật nhà nước <quý I> & quý II",
                "Tối mật",
                "Trần Thị Hương",
                "Phòng PA03 Công an tỉnh",
                "Phòng Hành chính tư pháp",
                "02",
                "Trả lại sau khi xem",
            ]),
            row(&[
                "03",
                "03/CV-STP",
                "20/01/2026",
                "",
                "Tuyệt mật",
                "Nguyễn Văn Bình",
                "Đồng chí Giám đốc Công an tỉnh",
                "Văn phòng",
                "01",
                "Trích yếu không ghi (Tuyệt mật)",
            ]),
            blank.clone(),
            blank,
        ],
        instructions: vec![
            "Sổ dùng để đăng ký tài liệu, vật chứa bí mật nhà nước do cơ quan, tổ chức phát hành."
                .to_owned(),
            "Cột (1): ghi số thứ tự, bắt đầu từ số 01 vào ngày đầu năm và kết thúc vào ngày 31 tháng 12."
                .to_owned(),
            "Cột (4): đối với tài liệu độ Tuyệt mật, chỉ ghi trích yếu khi được người có thẩm quyền xác định độ mật đồng ý."
                .to_owned(),
        ],
    }
}

/// A small register for the snapshot: two columns, one row, no instructions.
pub fn tiny_register() -> RegisterDoc {
    RegisterDoc {
        title: "Sổ đăng ký bí mật nhà nước đến".to_owned(),
        superior_agency: None,
        agency: "Văn phòng".to_owned(),
        year: 2026,
        first_date: None,
        last_date: None,
        first_number: None,
        last_number: None,
        book_number: Some(2),
        columns: vec![col("Số thứ tự", 1), col("Ghi chú", 3)],
        rows: vec![row(&["01", "Đã nhận đủ"])],
        instructions: vec![],
    }
}

fn signer() -> Signer {
    Signer {
        authority: Some("KT. Giám đốc".to_owned()),
        position: "Phó Giám đốc".to_owned(),
        name: "Nguyễn Văn Bình".to_owned(),
    }
}

fn para(text: &str) -> Block {
    Block::Paragraph(text.to_owned())
}

fn heading(level: HeadingLevel, text: &str) -> Block {
    Block::Heading {
        level,
        text: text.to_owned(),
    }
}

/// A secret annual report long enough to reach page 2 (so the page number shows).
pub fn report() -> AdminDoc {
    let filler = "Các cơ quan, đơn vị trực thuộc đã quán triệt, triển khai thực hiện nghiêm túc \
        Luật Bảo vệ bí mật nhà nước và các văn bản hướng dẫn thi hành; rà soát, xác định độ mật, \
        đăng ký, lưu giữ, bảo quản tài liệu, vật chứa bí mật nhà nước đúng quy định; không để xảy ra \
        lộ, mất bí mật nhà nước.";
    let mut body = vec![
        heading(HeadingLevel::Roman, "Tình hình chung"),
        para(filler),
        heading(HeadingLevel::Arabic, "Công tác ban hành văn bản"),
        para(filler),
        heading(HeadingLevel::Letter, "Văn bản chỉ đạo"),
        para(filler),
        heading(HeadingLevel::Letter, "Đào tạo, bồi dưỡng"),
        para(filler),
        heading(HeadingLevel::Roman, "Kết quả thống kê"),
        Block::Table(DocTable {
            title: Some("Bảng 1. Số lượng tài liệu bí mật nhà nước".to_owned()),
            columns: vec![col("Độ mật", 3), col("Phát hành", 2), col("Tiếp nhận", 2)],
            rows: vec![
                row(&["Tuyệt mật", "02", "01"]),
                row(&["Tối mật", "14", "09"]),
                row(&["Mật", "57", "112"]),
            ],
            landscape: false,
        }),
        heading(HeadingLevel::Roman, "Phương hướng, nhiệm vụ năm 2026"),
    ];
    for _ in 0..4 {
        body.push(para(filler));
    }
    AdminDoc {
        superior_agency: Some("Ủy ban nhân dân tỉnh Bắc Ninh".to_owned()),
        agency: "Sở Tư pháp".to_owned(),
        number: "05/BC-STP".to_owned(),
        place: "Bắc Ninh".to_owned(),
        date: date!(2026 - 03 - 05),
        level_stamp: Some("Mật".to_owned()),
        doc_type: Some("Báo cáo".to_owned()),
        summary: "Công tác bảo vệ bí mật nhà nước năm 2025".to_owned(),
        body,
        recipients: vec![
            "Bộ Công an (A03)".to_owned(),
            "UBND tỉnh".to_owned(),
            "Công an tỉnh (PA03)".to_owned(),
        ],
        archive: "VT, VP".to_owned(),
        signer: signer(),
    }
}

/// An official letter (công văn, no type line) carrying a landscape table.
pub fn letter() -> AdminDoc {
    AdminDoc {
        superior_agency: None,
        agency: "Sở Tư pháp tỉnh Bắc Ninh".to_owned(),
        number: "12/STP-VP".to_owned(),
        place: "Bắc Ninh".to_owned(),
        date: date!(2026 - 01 - 09),
        level_stamp: None,
        doc_type: None,
        summary: "Đề nghị cung cấp danh mục bí mật nhà nước".to_owned(),
        body: vec![
            para("Kính gửi: Công an tỉnh Bắc Ninh."),
            para("Sở Tư pháp đề nghị cung cấp các tài liệu sau:"),
            Block::Table(DocTable {
                title: None,
                columns: outgoing_columns(),
                rows: vec![row(&[
                    "01",
                    "01/QĐ-TTg",
                    "02/01/2026",
                    "Danh mục bí mật nhà nước lĩnh vực tư pháp",
                    "Mật",
                    "Đỗ Quang Huy",
                    "Sở Tư pháp",
                    "Văn phòng",
                    "01",
                    "",
                ])],
                landscape: true,
            }),
            para("Trân trọng đề nghị."),
        ],
        recipients: vec!["Như trên".to_owned()],
        archive: "VT".to_owned(),
        signer: Signer {
            authority: None,
            position: "Giám đốc".to_owned(),
            name: "Lê Thị Ánh".to_owned(),
        },
    }
}

/// A one-page report for the snapshot.
pub fn tiny_report() -> AdminDoc {
    AdminDoc {
        superior_agency: None,
        agency: "Văn phòng".to_owned(),
        number: "01/BC-VP".to_owned(),
        place: "Hà Nội".to_owned(),
        date: date!(2026 - 02 - 01),
        level_stamp: Some("Tối mật".to_owned()),
        doc_type: Some("Báo cáo".to_owned()),
        summary: "Kết quả kiểm tra".to_owned(),
        body: vec![
            heading(HeadingLevel::Roman, "Kết quả"),
            para("Không phát hiện vi phạm."),
        ],
        recipients: vec!["Lãnh đạo".to_owned()],
        archive: "VT".to_owned(),
        signer: Signer {
            authority: None,
            position: "Chánh Văn phòng".to_owned(),
            name: "Phạm Văn Cường".to_owned(),
        },
    }
}
