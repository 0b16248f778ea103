//! Test helpers that read like the domain: write real DOCX (zip + WordprocessingML), PDF (lopdf,
//! Type0 font with a ToUnicode CMap, or a legacy `.VnTimeH` WinAnsi font), HTML and TXT files, and
//! scan them in-process or through the isolated child.

use std::time::Duration;

use bmnn_scan::{FileVerdict, Isolation, MarkingSpec, Scanner, Verdict, scan_bytes};
use lopdf::{Document, Object, Stream, dictionary};

pub fn scanner() -> Scanner<'static> {
    Scanner::new(&MarkingSpec::default_set())
}

pub fn scan(name: &str, bytes: &[u8]) -> FileVerdict {
    scan_bytes(name, bytes, &scanner())
}

pub fn child() -> Isolation {
    let mut iso = Isolation::new(env!("CARGO_BIN_EXE_bmnn-scan-child").into(), vec![]);
    iso.timeout = Duration::from_secs(20);
    iso
}

pub fn scan_isolated(name: &str, bytes: &[u8]) -> FileVerdict {
    scan_bytes(name, bytes, &scanner().with_isolation(child()))
}

pub fn verdict_of_txt(text: &str) -> FileVerdict {
    scan("test.txt", text.as_bytes())
}

/// Assert a text file is blocked (a level/copy/recall stamp found).
#[track_caller]
pub fn assert_blocks(v: &FileVerdict) {
    assert_eq!(
        v.verdict,
        Verdict::Block,
        "expected block: {:#?}",
        v.findings
    );
}

#[track_caller]
pub fn assert_passes(v: &FileVerdict) {
    assert_eq!(v.verdict, Verdict::Pass, "expected pass: {:#?}", v.findings);
}

// ---------------------------------------------------------------- zip (hand-written, stored) ----

pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// One zip entry: name, method (0 stored, 8 deflate), payload as stored, uncompressed size, crc.
pub struct ZipEntry {
    pub name: String,
    pub method: u16,
    pub data: Vec<u8>,
    pub size: u32,
    pub crc: u32,
    pub flags: u16,
}

impl ZipEntry {
    pub fn stored(name: &str, data: &[u8]) -> Self {
        ZipEntry {
            name: name.into(),
            method: 0,
            data: data.to_vec(),
            size: data.len() as u32,
            crc: crc32(data),
            flags: 0,
        }
    }
}

pub fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
        let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
        le32(&mut out, 0x0403_4b50);
        le16(&mut out, 20);
        le16(&mut out, e.flags);
        le16(&mut out, e.method);
        le16(&mut out, 0);
        le16(&mut out, 0x21);
        le32(&mut out, e.crc);
        le32(&mut out, e.data.len() as u32);
        le32(&mut out, e.size);
        le16(&mut out, e.name.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
        le32(&mut central, 0x0201_4b50);
        le16(&mut central, 20);
        le16(&mut central, 20);
        le16(&mut central, e.flags);
        le16(&mut central, e.method);
        le16(&mut central, 0);
        le16(&mut central, 0x21);
        le32(&mut central, e.crc);
        le32(&mut central, e.data.len() as u32);
        le32(&mut central, e.size);
        le16(&mut central, e.name.len() as u16);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A raw deflate stream (fixed Huffman) of `n` zero bytes: one literal then length-258/distance-1
/// copies, 13 bits per 258 bytes — a zip bomb without compressing anything at test time.
pub fn deflate_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        nbits: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, n: u32) {
            self.acc |= value << self.nbits;
            self.nbits += n;
            while self.nbits >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.nbits -= 8;
            }
        }
        /// Huffman codes are sent most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            let mut rev = 0u64;
            for i in 0..len {
                rev |= (((code >> i) & 1) as u64) << (len - 1 - i);
            }
            self.put(rev, len);
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        nbits: 0,
    };
    b.put(1, 1); // BFINAL
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    let mut left = n - 1;
    while left >= 258 {
        b.code(0b1100_0101, 8); // length code 285 = 258
        b.code(0, 5); // distance code 0 = 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block
    b.put(0, 7);
    b.out
}

// ---------------------------------------------------------------- DOCX -------------------------

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A run with optional run properties XML.
pub fn run(text: &str, rpr: &str) -> String {
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    format!(
        r#"<w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    )
}

pub fn para(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

/// A plain paragraph of one run.
pub fn p(text: &str) -> String {
    para(&run(text, ""))
}

/// A DrawingML text box written the way Word writes it: `mc:Choice` + VML `mc:Fallback` copy.
pub fn textbox(paras: &str) -> String {
    format!(
        r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#
    )
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps""#;

#[derive(Default)]
pub struct DocxBuilder {
    pub body: String,
    pub header: Option<String>,
    pub footer: Option<String>,
    pub core_title: Option<String>,
    pub custom: Vec<(String, String)>,
    pub styles: Option<String>,
    pub comments: Option<String>,
    pub images: usize,
    /// Real image bytes for `word/media/` (otherwise `images` placeholders are written).
    pub image_bytes: Option<Vec<u8>>,
}

impl DocxBuilder {
    pub fn body(body: &str) -> Self {
        DocxBuilder {
            body: body.into(),
            ..Default::default()
        }
    }

    pub fn build(&self) -> Vec<u8> {
        let mut rels = String::new();
        let mut sect = String::new();
        let mut ct_over = String::new();
        let mut entries = Vec::new();
        if let Some(h) = &self.header {
            rels.push_str(r#"<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#);
            sect.push_str(r#"<w:headerReference w:type="default" r:id="rIdH"/>"#);
            ct_over.push_str(r#"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#);
            entries.push(ZipEntry::stored("word/header1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}>{h}</w:hdr>"#).as_bytes()));
        }
        if let Some(f) = &self.footer {
            rels.push_str(r#"<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#);
            sect.push_str(r#"<w:footerReference w:type="default" r:id="rIdF"/>"#);
            ct_over.push_str(r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#);
            entries.push(ZipEntry::stored("word/footer1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NS}>{f}</w:ftr>"#).as_bytes()));
        }
        if let Some(c) = &self.comments {
            entries.push(ZipEntry::stored("word/comments.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:comments {NS}><w:comment w:id="0">{c}</w:comment></w:comments>"#).as_bytes()));
        }
        if let Some(s) = &self.styles {
            entries.push(ZipEntry::stored(
                "word/styles.xml",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {NS}>{s}</w:styles>"#)
                    .as_bytes(),
            ));
        }
        if let Some(t) = &self.core_title {
            entries.push(ZipEntry::stored("docProps/core.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title></cp:coreProperties>"#, esc(t)).as_bytes()));
        }
        if !self.custom.is_empty() {
            let props: String = self
                .custom
                .iter()
                .enumerate()
                .map(|(i, (k, v))| format!(r#"<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#, i + 2, esc(k), esc(v)))
                .collect();
            entries.push(ZipEntry::stored("docProps/custom.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>"#).as_bytes()));
        }
        for i in 0..self.images {
            entries.push(ZipEntry::stored(
                &format!("word/media/image{}.png", i + 1),
                b"\x89PNG\r\n\x1a\nnot-really",
            ));
        }
        if let Some(img) = &self.image_bytes {
            entries.push(ZipEntry::stored("word/media/stamp.png", img));
        }
        let doc = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{}<w:sectPr>{sect}<w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#,
            self.body
        );
        let mut all = vec![
            ZipEntry::stored(
                "[Content_Types].xml",
                format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>{ct_over}</Types>"#).as_bytes(),
            ),
            ZipEntry::stored(
                "_rels/.rels",
                br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
            ),
            ZipEntry::stored("word/document.xml", doc.as_bytes()),
            ZipEntry::stored(
                "word/_rels/document.xml.rels",
                format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#).as_bytes(),
            ),
        ];
        all.extend(entries);
        zip(&all)
    }
}

// ---------------------------------------------------------------- PDF --------------------------

/// One line of PDF text: (text, x, y, size, red, legacy TCVN3 capital font).
pub struct PdfLine<'a> {
    pub text: &'a str,
    pub y: i64,
    pub red: bool,
    pub legacy_tcvn3: bool,
}

pub fn line(text: &str, y: i64) -> PdfLine<'_> {
    PdfLine {
        text,
        y,
        red: false,
        legacy_tcvn3: false,
    }
}

/// A one-or-more-page PDF: each page a list of lines; optional stamp annotation per page.
pub fn pdf(pages: &[(&[PdfLine], Option<&str>)]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    // Type0/Identity-H font with a ToUnicode CMap mapping each 2-byte code to the same code point.
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in (0u32..256).collect::<Vec<_>>().chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for hi in chunk {
            cmap.push_str(&format!("<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let tounicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "TimesNewRoman",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 500,
    });
    let f1 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "TimesNewRoman", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => Object::Reference(tounicode),
    });
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => ".VnTimeH", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => Object::Reference(f1), "F2" => Object::Reference(f2) } });
    let mut kids = Vec::new();
    for (lines, annot) in pages {
        let mut ops = String::new();
        if lines.is_empty() {
            ops.push_str("0.5 g 100 100 200 200 re f\n"); // a drawing only: no text layer
        }
        for l in lines.iter() {
            let (font, hex) = if l.legacy_tcvn3 {
                let bytes: String = l
                    .text
                    .chars()
                    .map(|c| format!("{:02X}", c as u32 as u8))
                    .collect();
                ("F2", bytes)
            } else {
                (
                    "F1",
                    l.text.encode_utf16().map(|u| format!("{u:04X}")).collect(),
                )
            };
            let color = if l.red { "1 0 0 rg" } else { "0 0 0 rg" };
            ops.push_str(&format!(
                "BT {color} /{font} 12 Tf 72 {} Td <{hex}> Tj ET\n",
                l.y
            ));
        }
        let content = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
        let mut page = dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id), "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => Object::Reference(content), "Resources" => Object::Reference(resources),
        };
        if let Some(a) = annot {
            let mut utf16 = vec![0xFE, 0xFF];
            for u in a.encode_utf16() {
                utf16.extend_from_slice(&u.to_be_bytes());
            }
            let annot = doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "Stamp", "Rect" => vec![400.into(), 750.into(), 550.into(), 800.into()],
                "Contents" => Object::String(utf16, lopdf::StringFormat::Hexadecimal),
            });
            page.set("Annots", vec![Object::Reference(annot)]);
        }
        kids.push(Object::Reference(doc.add_object(page)));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write pdf");
    out
}

/// A PDF page with large Helvetica (WinAnsi) text lines — used to render stamp images for OCR.
pub fn pdf_helvetica(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold", "Encoding" => "WinAnsiEncoding" });
    let resources =
        doc.add_object(dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font) } });
    let mut ops = String::new();
    for (i, l) in lines.iter().enumerate() {
        ops.push_str(&format!(
            "BT 1 0 0 rg /F1 40 Tf 40 {} Td ({l}) Tj ET\n",
            200 - 60 * i as i64
        ));
    }
    let content = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id), "MediaBox" => vec![0.into(), 0.into(), 400.into(), 260.into()],
        "Contents" => Object::Reference(content), "Resources" => Object::Reference(resources),
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 }));
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write pdf");
    out
}

/// Render page 1 of a PDF to PNG with pdftoppm; None when poppler-utils is not installed.
pub fn render_png(pdf: &[u8]) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().ok()?;
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).ok()?;
    let out = dir.path().join("out");
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(&input)
        .arg(&out)
        .status()
        .ok()?
        .success();
    if !ok {
        return None;
    }
    std::fs::read(dir.path().join("out.png")).ok()
}

/// A one-page "scanned" PDF: the page is only an image (an RGB PNG re-used through FlateDecode with
/// the PNG predictor), no text layer.
pub fn pdf_scan_of(png: &[u8]) -> Vec<u8> {
    // Parse the PNG chunks: IHDR (size, 8-bit RGB expected from pdftoppm) and the IDAT stream.
    let mut pos = 8;
    let (mut w, mut h, mut colors) = (0u32, 0u32, 3i64);
    let mut idat = Vec::new();
    while pos + 8 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &png[pos + 4..pos + 8];
        let data = &png[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data[0..4].try_into().unwrap());
                h = u32::from_be_bytes(data[4..8].try_into().unwrap());
                colors = if data[9] == 0 { 1 } else { 3 };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
            "ColorSpace" => if colors == 1 { "DeviceGray" } else { "DeviceRGB" }, "BitsPerComponent" => 8,
            "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! { "Predictor" => 15, "Colors" => colors, "BitsPerComponent" => 8, "Columns" => w as i64 },
        },
        idat,
    ));
    let resources = doc
        .add_object(dictionary! { "XObject" => dictionary! { "Im1" => Object::Reference(image) } });
    let (pw, ph) = (w as i64 * 72 / 150, h as i64 * 72 / 150);
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q {pw} 0 0 {ph} 0 0 cm /Im1 Do Q\n").into_bytes(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id), "MediaBox" => vec![0.into(), 0.into(), pw.into(), ph.into()],
        "Contents" => Object::Reference(content), "Resources" => Object::Reference(resources),
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 }));
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write pdf");
    out
}

/// A page whose only content is a Form XObject (`/Fm1 Do`) that draws `text` with a Type0 font
/// from the form's own resources — how PDF editors add stamps and watermarks.
pub fn pdf_form_stamp(text: &str) -> Vec<u8> {
    let stamp = PdfLine {
        text,
        y: 760,
        red: true,
        legacy_tcvn3: false,
    };
    let base = pdf(&[(&[stamp, line("Báo cáo.", 700)], None)]);
    let mut doc = Document::load_mem(&base).expect("reload");
    let page_id = *doc.get_pages().values().next().expect("page");
    let page = doc.get_dictionary(page_id).expect("page dict").clone();
    let res_id = page
        .get(b"Resources")
        .and_then(Object::as_reference)
        .expect("resources ref");
    let content_id = page
        .get(b"Contents")
        .and_then(Object::as_reference)
        .expect("contents ref");
    let old = doc
        .get_object(content_id)
        .and_then(Object::as_stream)
        .expect("stream")
        .content
        .clone();
    let form = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Resources" => Object::Reference(res_id) },
        old,
    ));
    // The page itself has no font resources of its own any more, only the form.
    let page_res = doc
        .add_object(dictionary! { "XObject" => dictionary! { "Fm1" => Object::Reference(form) } });
    let new_content = doc.add_object(Stream::new(dictionary! {}, b"q /Fm1 Do Q\n".to_vec()));
    let page = doc
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .expect("page");
    page.set("Resources", Object::Reference(page_res));
    page.set("Contents", Object::Reference(new_content));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write pdf");
    out
}
