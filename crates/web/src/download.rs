//! Names of downloaded files (tên tệp tải về): every download is offered under a Vietnamese
//! name (`filename*=UTF-8''…`, RFC 6266/5987) with an ASCII fallback for old clients, built
//! here once for the pages and the API.

/// The `Content-Disposition` value of a download named `name` (Vietnamese, with extension).
pub fn disposition(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(name),
        pct(name)
    )
}

/// The name without diacritics, with anything but letters, digits, dot, dash and underscore
/// made a dash (the fallback of clients that do not read `filename*`).
pub fn ascii_name(n: &str) -> String {
    let s: String = bmnn_core::text::fold(n)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "tep".into() } else { s }
}

/// RFC 5987 percent-encoding of the UTF-8 name.
fn pct(n: &str) -> String {
    n.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The name of a report's file (báo cáo công tác bảo vệ BMNN), without extension.
pub fn report_name(kind: bmnn_core::programme::ReportKind, year: i32) -> String {
    use bmnn_core::programme::ReportKind;
    match kind {
        ReportKind::Annual => format!("Báo cáo công tác bảo vệ BMNN năm {year}"),
        ReportKind::FiveYear => {
            format!("Báo cáo tổng kết 5 năm công tác bảo vệ BMNN đến năm {year}")
        }
        ReportKind::Incident => format!("Báo cáo đột xuất về bảo vệ BMNN năm {year}"),
        ReportKind::MultiYear => format!("Báo cáo sơ kết thi hành Luật Bảo vệ BMNN đến năm {year}"),
        ReportKind::AnnualPlan => format!("Kế hoạch công tác bảo vệ BMNN năm {year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_name_keeps_its_letters_and_has_an_ascii_fallback() {
        let d = disposition("Sổ đăng ký BMNN đi năm 2026.docx");
        assert_eq!(
            d,
            "attachment; filename=\"so-dang-ky-bmnn-di-nam-2026.docx\"; \
             filename*=UTF-8''S%E1%BB%95%20%C4%91%C4%83ng%20k%C3%BD%20BMNN%20%C4%91i%20n%C4%83m%202026.docx"
        );
    }
}
