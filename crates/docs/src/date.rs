//! Vietnamese date and number strings as administrative documents write them.
//!
//! ND30 (Phụ lục I, box 4) writes the date in words and numbers: "Hà Nội, ngày 05 tháng 3 năm
//! 2026". Days below 10 and the months 1 and 2 take a leading zero ("ngày 05", "tháng 01",
//! "tháng 02"); months 3 to 12 do not (so that "tháng 1" cannot be misread as "tháng 10"–"12"
//! once someone writes a digit after it). Numbers in "Số:" below 10 take a leading zero too (box 3).

use time::Date;

/// "ngày 05 tháng 3 năm 2026": the date words of ND30 box 4, without the place.
pub fn vn_date_words(date: Date) -> String {
    let month = u8::from(date.month());
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("ngày {:02} tháng {} năm {}", date.day(), month, date.year())
}

/// "Hà Nội, ngày 05 tháng 3 năm 2026": place and date line (ND30 box 4). The place is used as
/// given (the caller knows whether it is a province or a commune name).
pub fn vn_date_line(place: &str, date: Date) -> String {
    format!("{}, {}", place.trim(), vn_date_words(date))
}

/// "05/03/2026": the short numeric form (dd/mm/yyyy) used in registers and tables.
pub fn fmt_date(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// "05/BC-VP": a document number and symbol with the ND30 leading zero for numbers below 10.
pub fn number_symbol(number: u32, symbol: &str) -> String {
    format!("{number:02}/{}", symbol.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn date_line_pads_day_and_early_months_only() {
        assert_eq!(
            vn_date_line("Hà Nội", date!(2026 - 03 - 05)),
            "Hà Nội, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            vn_date_line("Đà Nẵng", date!(2026 - 01 - 09)),
            "Đà Nẵng, ngày 09 tháng 01 năm 2026"
        );
        assert_eq!(
            vn_date_words(date!(2026 - 02 - 28)),
            "ngày 28 tháng 02 năm 2026"
        );
        assert_eq!(
            vn_date_words(date!(2025 - 12 - 31)),
            "ngày 31 tháng 12 năm 2025"
        );
        assert_eq!(
            vn_date_words(date!(2025 - 10 - 10)),
            "ngày 10 tháng 10 năm 2025"
        );
    }

    #[test]
    fn every_day_of_a_year_formats_consistently() {
        let mut d = date!(2024 - 01 - 01);
        while d.year() == 2024 {
            let words = vn_date_words(d);
            let month = u8::from(d.month());
            assert!(
                words.starts_with(&format!("ngày {:02} ", d.day())),
                "{words}"
            );
            let expected_month = if month <= 2 {
                format!("tháng 0{month} ")
            } else {
                format!("tháng {month} ")
            };
            assert!(words.contains(&expected_month), "{words}");
            assert_eq!(fmt_date(d).len(), 10);
            d = d.next_day().unwrap();
        }
    }

    #[test]
    fn short_date_and_number() {
        assert_eq!(fmt_date(date!(2026 - 03 - 05)), "05/03/2026");
        assert_eq!(fmt_date(date!(2026 - 11 - 25)), "25/11/2026");
        assert_eq!(number_symbol(5, "BC-VP"), "05/BC-VP");
        assert_eq!(number_symbol(123, "QĐ-UBND"), "123/QĐ-UBND");
    }
}
