//! The one integration-test binary of `bmnn-docs`: produces real `.docx` files from fixed models,
//! unzips them and checks their XML, snapshots `word/document.xml`, and, where LibreOffice is
//! installed, converts them to PDF and reads the text back.

#![forbid(unsafe_code)]

mod admin;
mod fixtures;
mod libreoffice;
mod register;
mod util;
