//! Packs a rendered body and its headers into a `.docx` (an OPC zip package).
//!
//! The package holds exactly the parts Word needs to open a file without repair: content types,
//! package and document relationships, `word/document.xml`, `word/styles.xml` (document defaults:
//! Times New Roman for all four script slots, 14 pt, Vietnamese language tag),
//! `word/settings.xml` (Word 2013+ compatibility mode), the header parts, and the core and app
//! properties. Entries carry the fixed 1980-01-01 timestamp, so the same model always yields the
//! same bytes.

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::DocsError;
use crate::ooxml::{FONT, escape};

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// A header part: its relationship id (as referenced from `<w:sectPr>`) and its paragraphs.
pub(crate) struct HeaderPart {
    pub rel_id: &'static str,
    pub paragraphs: String,
}

/// Everything needed to write one document.
pub(crate) struct Package {
    /// Document title for `docProps/core.xml`.
    pub title: String,
    /// Body content, ending with the final `<w:sectPr>`.
    pub body: String,
    pub headers: Vec<HeaderPart>,
    /// Footnote paragraphs, footnote `n` at index `n - 1` (`word/footnotes.xml` when any).
    pub footnotes: Vec<String>,
}

impl Package {
    pub(crate) fn document_xml(&self) -> String {
        format!(
            "{XML_DECL}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:body>\n{}</w:body></w:document>\n",
            self.body
        )
    }

    /// `word/footnotes.xml`: the separator (-1) and continuation separator (0) Word expects,
    /// then the footnotes 1, 2, ….
    fn footnotes_xml(&self) -> String {
        let mut s = format!(
            concat!(
                "{}<w:footnotes xmlns:w=\"{}\" xmlns:r=\"{}\">",
                "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>",
                "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>\n"
            ),
            XML_DECL, NS_W, NS_R
        );
        for (i, p) in self.footnotes.iter().enumerate() {
            s.push_str(&format!(
                "<w:footnote w:id=\"{}\">{p}</w:footnote>\n",
                i + 1
            ));
        }
        s.push_str("</w:footnotes>\n");
        s
    }

    fn header_xml(header: &HeaderPart) -> String {
        let paragraphs = if header.paragraphs.is_empty() {
            "<w:p/>"
        } else {
            header.paragraphs.as_str()
        };
        format!("{XML_DECL}<w:hdr xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\">\n{paragraphs}</w:hdr>\n")
    }

    fn content_types(&self) -> String {
        let mut s = format!(
            concat!(
                "{}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
                "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
                "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
                "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
                "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
                "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
            ),
            XML_DECL
        );
        for (i, _) in self.headers.iter().enumerate() {
            s.push_str(&format!(
                "<Override PartName=\"/word/header{}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>",
                i + 1
            ));
        }
        if !self.footnotes.is_empty() {
            s.push_str("<Override PartName=\"/word/footnotes.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/>");
        }
        s.push_str("</Types>\n");
        s
    }

    fn document_rels(&self) -> String {
        let mut s = format!(
            concat!(
                "{}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
                "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
                "<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
            ),
            XML_DECL
        );
        for (i, h) in self.headers.iter().enumerate() {
            s.push_str(&format!(
                "<Relationship Id=\"{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header{}.xml\"/>",
                h.rel_id,
                i + 1
            ));
        }
        if !self.footnotes.is_empty() {
            s.push_str("<Relationship Id=\"rIdFootnotes\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/>");
        }
        s.push_str("</Relationships>\n");
        s
    }

    fn core_xml(&self) -> String {
        format!(
            concat!(
                "{}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ",
                "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" ",
                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
                "<dc:title>{}</dc:title><dc:language>vi-VN</dc:language>",
                "</cp:coreProperties>\n"
            ),
            XML_DECL,
            escape(&self.title)
        )
    }

    /// Every part of the package, by name, in the order they are zipped.
    pub(crate) fn parts(&self) -> Vec<(String, String)> {
        let mut parts = vec![
            ("[Content_Types].xml".to_owned(), self.content_types()),
            ("_rels/.rels".to_owned(), ROOT_RELS.to_owned()),
            ("docProps/core.xml".to_owned(), self.core_xml()),
            ("docProps/app.xml".to_owned(), APP_XML.to_owned()),
            ("word/document.xml".to_owned(), self.document_xml()),
            ("word/styles.xml".to_owned(), styles_xml()),
            ("word/settings.xml".to_owned(), SETTINGS_XML.to_owned()),
            (
                "word/_rels/document.xml.rels".to_owned(),
                self.document_rels(),
            ),
        ];
        for (i, h) in self.headers.iter().enumerate() {
            parts.push((format!("word/header{}.xml", i + 1), Self::header_xml(h)));
        }
        if !self.footnotes.is_empty() {
            parts.push(("word/footnotes.xml".to_owned(), self.footnotes_xml()));
        }
        parts
    }

    /// Zip all parts into the bytes of a `.docx`.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>, DocsError> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default());
        for (name, content) in self.parts() {
            zip.start_file(name, options)?;
            zip.write_all(content.as_bytes())?;
        }
        Ok(zip.finish()?.into_inner())
    }
}

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>\n"
);

/// The extended properties, with no application named: an official document is the agency's,
/// and never names the software that printed it (issue 14).
const APP_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">",
    "</Properties>\n"
);

const SETTINGS_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:defaultTabStop w:val=\"720\"/>",
    "<w:characterSpacingControl w:val=\"doNotCompress\"/>",
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>",
    "</w:settings>\n"
);

fn styles_xml() -> String {
    format!(
        concat!(
            "{decl}<w:styles xmlns:w=\"{ns}\">",
            "<w:docDefaults><w:rPrDefault><w:rPr>",
            "<w:rFonts w:ascii=\"{f}\" w:hAnsi=\"{f}\" w:eastAsia=\"{f}\" w:cs=\"{f}\"/>",
            "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>",
            "<w:lang w:val=\"vi-VN\" w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\"/>",
            "</w:rPr></w:rPrDefault>",
            "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>",
            "</w:docDefaults>",
            "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
            "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>",
            "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/>",
            "<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>",
            "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
            "</w:styles>\n"
        ),
        decl = XML_DECL,
        ns = NS_W,
        f = FONT
    )
}
