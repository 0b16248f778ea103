//! Mẫu in (printed forms) of programme records: the commitment to protect state secrets (bản
//! cam kết bảo vệ BMNN) and the minutes of wiping a device before it changes use (biên bản xóa
//! dữ liệu BMNN trước khi chuyển mục đích sử dụng).
//!
//! Text only, with the legal basis each clause rests on; the web face lays a [`PrintedForm`]
//! out as a Decree 30/2020 administrative document (`bmnn_docs::admin_docx`).

use super::{Commitment, CommitmentOccasion, Device, Wipe};
use crate::dates::fmt_vn;
use crate::rules::{Cite, Regime};

/// A form ready to print: its type line, title, body paragraphs and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedForm {
    /// "BẢN CAM KẾT", "BIÊN BẢN".
    pub doc_type: String,
    /// Trích yếu.
    pub title: String,
    /// Số, ký hiệu ("     /BB-…" until numbered).
    pub number: String,
    pub paragraphs: Vec<String>,
    /// Signature block: who signs (position line) and the name.
    pub signer_position: String,
    pub signer_name: String,
}

/// Bản cam kết bảo vệ BMNN for `c`; `position` is the signer's post and unit when known.
/// `regime`: the regime in force on the day of signing (its citations are printed).
pub fn commitment_form(
    c: &Commitment,
    position: Option<&str>,
    agency_symbol: &str,
    regime: &Regime,
) -> PrintedForm {
    let occasion = match c.occasion {
        CommitmentOccasion::Assignment => {
            "được phân công làm công tác liên quan đến bí mật nhà nước"
        }
        CommitmentOccasion::Access => "được tiếp cận bí mật nhà nước",
        CommitmentOccasion::Leaving => "thôi việc, chuyển công tác",
        CommitmentOccasion::Retirement => "nghỉ hưu",
    };
    let mut p = vec![
        format!("Tôi tên là: {}", c.person),
        format!(
            "Chức vụ, đơn vị công tác: {}",
            position.filter(|s| !s.trim().is_empty()).unwrap_or("………………………………")
        ),
        format!("Dịp cam kết: khi {occasion} ({}).", c.occasion.label()),
        "Tôi xin cam kết:".to_string(),
        "1. Nghiêm chỉnh chấp hành các quy định của Luật Bảo vệ bí mật nhà nước, các văn bản hướng dẫn thi hành và quy chế bảo vệ bí mật nhà nước của cơ quan.".to_string(),
        format!("2. Không làm lộ, mất, không cung cấp, chuyển giao, sao, chụp, mang ra khỏi nơi lưu giữ, đăng tải bí mật nhà nước trái quy định ({}).", regime.cite(Cite::ProhibitedActs).basis),
    ];
    if matches!(
        c.occasion,
        CommitmentOccasion::Leaving | CommitmentOccasion::Retirement
    ) {
        p.push(format!("3. Đã bàn giao đầy đủ tài liệu, vật chứa bí mật nhà nước đang quản lý cho cơ quan và không tiết lộ bí mật nhà nước đã biết sau khi thôi việc, chuyển công tác, nghỉ hưu ({}).", regime.cite(Cite::StaffEnd).basis));
    } else {
        p.push(format!("3. Chỉ tiếp cận, sử dụng bí mật nhà nước trong phạm vi nhiệm vụ được giao; khi thôi việc, chuyển công tác, nghỉ hưu sẽ bàn giao toàn bộ tài liệu, vật chứa bí mật nhà nước và cam kết bảo vệ bí mật nhà nước đã biết ({}).", regime.cite(Cite::StaffEnd).basis));
    }
    p.push("4. Nếu vi phạm, tôi xin chịu trách nhiệm trước pháp luật.".to_string());
    p.push(format!("Ký ngày {}.", fmt_vn(c.signed_on)));
    PrintedForm {
        doc_type: "BẢN CAM KẾT".into(),
        title: "Bảo vệ bí mật nhà nước".into(),
        number: c
            .reference
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("     /CK-{agency_symbol}")),
        paragraphs: p,
        signer_position: "NGƯỜI CAM KẾT".into(),
        signer_name: c.person.clone(),
    }
}

/// Biên bản xóa dữ liệu BMNN khỏi thiết bị `d` (the wipe `w`) before it changes use.
/// `regime`: the regime in force on the day of the wipe (its citations are printed).
pub fn wipe_form(
    d: &Device,
    w: &Wipe,
    agency: &str,
    agency_symbol: &str,
    regime: &Regime,
) -> PrintedForm {
    let p = vec![
        format!(
            "Hôm nay, ngày {}, tại {agency}, người thực hiện: {}.",
            fmt_vn(w.date),
            w.by
        ),
        format!(
            "Tiến hành xóa dữ liệu bí mật nhà nước trên thiết bị: {} số hiệu {}{}, sử dụng để soạn thảo, lưu giữ bí mật nhà nước từ ngày {}.",
            d.kind.label(),
            d.identity,
            if d.description.trim().is_empty() {
                String::new()
            } else {
                format!(" ({})", d.description)
            },
            fmt_vn(d.in_use_from)
        ),
        format!("Phương pháp xóa: {}.", w.method),
        format!("Kết quả: dữ liệu bí mật nhà nước trên thiết bị đã được xóa, không còn khả năng khôi phục. Thiết bị chỉ được chuyển mục đích sử dụng hoặc thanh lý sau khi đã lập biên bản này ({}).", regime.cite(Cite::DeviceRepurpose).basis),
        "Biên bản lập thành 02 bản, 01 bản lưu tại cán bộ bảo vệ bí mật nhà nước, 01 bản lưu cùng hồ sơ thiết bị.".to_string(),
    ];
    PrintedForm {
        doc_type: "BIÊN BẢN".into(),
        title: format!(
            "Xóa dữ liệu bí mật nhà nước trước khi chuyển mục đích sử dụng thiết bị {}",
            d.identity
        ),
        number: w
            .minutes_ref
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("     /BB-{agency_symbol}")),
        paragraphs: p,
        signer_position: "NGƯỜI THỰC HIỆN".into(),
        signer_name: w.by.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{DeviceKind, DeviceStatus};
    use time::macros::date;

    #[test]
    fn a_leaving_commitment_carries_the_handover_clause_and_the_person() {
        let c = Commitment {
            person: "Nguyễn Văn A".into(),
            staff_id: None,
            occasion: CommitmentOccasion::Retirement,
            signed_on: date!(2025 - 06 - 30),
            reference: None,
        };
        let rules = crate::rules::RuleSet::embedded();
        let f = commitment_form(
            &c,
            Some("Chuyên viên, Văn phòng"),
            "SKHĐT",
            rules.regime_for(c.signed_on).unwrap(),
        );
        let all = f.paragraphs.join("\n");
        assert!(all.contains("Nguyễn Văn A") && all.contains("Chuyên viên, Văn phòng"));
        assert!(all.contains("Đã bàn giao") && all.contains("Điều 26 khoản 2 điểm d"));
        assert!(all.contains("30/06/2025"));
        assert_eq!(f.number, "     /CK-SKHĐT");
        assert_eq!(f.signer_name, "Nguyễn Văn A");
    }

    #[test]
    fn the_wipe_minutes_name_the_device_the_method_and_the_rule() {
        let d = Device {
            identity: "MT-01".into(),
            kind: DeviceKind::Computer,
            description: String::new(),
            in_use_from: date!(2024 - 01 - 10),
            inspected_on: None,
            stamp_ref: None,
            never_connected: true,
            connection: None,
            ai_tool: false,
            warning: None,
            status: DeviceStatus::InUse,
            wipes: vec![],
            repurposed_on: None,
            new_use: None,
            disposed_on: None,
            disposal_ref: None,
        };
        let w = Wipe {
            date: date!(2025 - 02 - 28),
            method: "Ghi đè 3 lần".into(),
            by: "Trần Thị B".into(),
            minutes_ref: Some("02/BB-VP".into()),
        };
        let rules = crate::rules::RuleSet::embedded();
        let f = wipe_form(&d, &w, "Sở X", "SX", rules.regime_for(w.date).unwrap());
        let all = f.paragraphs.join("\n");
        assert!(all.contains("Máy tính số hiệu MT-01,") && all.contains("10/01/2024"));
        assert!(all.contains("Ghi đè 3 lần") && all.contains("Điều 5 khoản 7"));
        assert_eq!(f.number, "02/BB-VP");
        assert!(f.title.contains("MT-01"));
    }
}
