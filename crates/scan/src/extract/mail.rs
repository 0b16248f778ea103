//! E-mail (thư điện tử `.eml`) and other MIME messages (`.mht`): parsed with `mail-parser`; the
//! subject, every text and HTML part, and every attachment (extracted as a file of its own through
//! the caller, so a `.docx` or a `.zip` attached is read with its own limits, 3 levels deep) and
//! every attached message.
//!
//! Fails closed: a part whose transfer encoding is broken, an encrypted message or part (S/MIME,
//! OpenPGP) and an attachment that cannot be read are noted, so the verdict is `review` at best,
//! while stamps found elsewhere in the message still block.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::office::Nested;
use super::{ExtractError, html, txt};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

pub fn extract(bytes: &[u8], nested: Nested) -> Result<Extracted, ExtractError> {
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| ExtractError::Corrupt("thư điện tử không đọc được".into()))?;
    let mut out = Extracted::new("eml");
    if let Some(subject) = msg.subject()
        && !subject.trim().is_empty()
    {
        out.units.push(TextUnit {
            part: Part::Metadata,
            page: None,
            index: 0,
            group: 0,
            text: subject.to_owned(),
            style: Style::default(),
            source: "tiêu đề thư".into(),
        });
    }
    for (i, part) in msg.parts.iter().enumerate() {
        let no = i + 1;
        let label = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("phần {no} của thư"));
        if part.is_encoding_problem {
            out.notes.push(ExtractNote::Skipped {
                what: format!("«{label}»: mã hoá truyền tải bị hỏng"),
            });
            continue;
        }
        if let Some(ct) = part.content_type() {
            let t = ct.c_type.to_ascii_lowercase();
            let s = ct
                .c_subtype
                .as_deref()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if (t == "multipart" && s == "encrypted")
                || (t == "application"
                    && matches!(
                        s.as_str(),
                        "pkcs7-mime" | "x-pkcs7-mime" | "pgp-encrypted" | "pkcs7-encrypted"
                    ))
            {
                out.notes.push(ExtractNote::Skipped {
                    what: format!("«{label}»: nội dung được mã hoá"),
                });
                continue;
            }
        }
        let inner = match &part.body {
            PartType::Multipart(_) => continue,
            PartType::Text(t) if part.attachment_name().is_none() => {
                if t.contains("-----BEGIN PGP MESSAGE-----") {
                    out.notes.push(ExtractNote::Skipped {
                        what: format!("«{label}»: nội dung được mã hoá (OpenPGP)"),
                    });
                    continue;
                }
                txt::extract_checked(t.as_bytes())
            }
            PartType::Html(h) if part.attachment_name().is_none() => Ok(html::extract_str(h)),
            PartType::Text(_)
            | PartType::Html(_)
            | PartType::Binary(_)
            | PartType::InlineBinary(_) => {
                let name = part
                    .attachment_name()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("phan-{no}.bin"));
                nested(part.contents(), &name)
            }
            PartType::Message(m) => nested(m.raw_message(), &format!("thu-dinh-kem-{no}.eml")),
        };
        match inner {
            Ok(x) => {
                for mut u in x.units {
                    u.source = format!("{label} › {}", u.source);
                    out.units.push(u);
                }
                out.notes.extend(x.notes);
            }
            Err(e) => out.notes.push(ExtractNote::Skipped {
                what: format!("«{label}» trong thư: {e}"),
            }),
        }
    }
    Ok(out)
}
