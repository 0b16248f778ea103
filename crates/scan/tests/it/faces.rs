//! Output faces: human (Vietnamese), JSON, SARIF 2.1.0, the folder walker and the CLI.

use bmnn_scan::report::{human, json, sarif};
use bmnn_scan::{MarkingSpec, OutputFormat, ScanArgs, Verdict, run_cli, scan_paths};

use crate::util::*;

fn sample_results() -> Vec<bmnn_scan::FileVerdict> {
    let mut d = DocxBuilder::body(&p("Báo cáo."));
    d.header = Some(p("TỐI MẬT"));
    vec![
        scan("mat.docx", &d.build()),
        verdict_of_txt("Thông báo lịch họp."),
        scan("hong.docx", b"PK\x03\x04xx"),
    ]
}

#[test]
fn human_report_is_vietnamese_and_shows_only_the_stamp() {
    let mut d = DocxBuilder::body(&p("Nội dung tuyệt đối không được in ra ngoài"));
    d.header = Some(p("TỐI MẬT"));
    let out = human(&[scan("mat.docx", &d.build())]);
    assert!(
        out.contains("mat.docx: Chặn: có dấu hiệu bí mật nhà nước"),
        "{out}"
    );
    assert!(
        out.contains("[CHẶN] Phát hiện dấu chỉ độ mật «TỐI MẬT» (độ Tối mật) ở đầu trang (header)"),
        "{out}"
    );
    assert!(
        !out.contains("Nội dung tuyệt đối"),
        "document text must not be printed"
    );
    let all = human(&sample_results());
    assert!(
        all.contains("Tổng cộng 3 tệp: 1 bị chặn, 1 cần xem xét, 1 không phát hiện dấu hiệu."),
        "{all}"
    );
}

#[test]
fn json_report_round_trips() {
    let r = sample_results();
    let back: Vec<bmnn_scan::FileVerdict> = serde_json::from_str(&json(&r)).unwrap();
    assert_eq!(back, r);
}

#[test]
fn sarif_report_shape() {
    let v: serde_json::Value = serde_json::from_str(&sarif(&sample_results())).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "bmnn-scan");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "BMNN001");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "mat.docx"
    );
    assert_eq!(results[0]["properties"]["evidence"], "TỐI MẬT");
    assert_eq!(results[1]["ruleId"], "BMNN005");
    assert_eq!(results[1]["level"], "warning");
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in results {
        assert!(rule_ids.contains(&r["ruleId"].as_str().unwrap()));
    }
}

#[test]
fn folder_walk_with_progress_and_cli_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("con");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("sach.txt"), "Thông báo lịch họp giao ban.").unwrap();
    std::fs::write(sub.join("mat.html"), "<html><body><p>MẬT</p></body></html>").unwrap();
    // Pictures are walked too (read by OCR, or reviewed); files of other extensions are
    // sniffed: text is read, anything else is reviewed (nothing is skipped).
    std::fs::write(sub.join("anh.png"), b"\x89PNG").unwrap();
    std::fs::write(sub.join("ghi-chu.xyz"), b"khac").unwrap();
    let mut calls = Vec::new();
    let res = scan_paths(&[dir.path().to_path_buf()], &scanner(), |done, total, _| {
        calls.push((done, total))
    });
    assert_eq!(res.len(), 4);
    assert_eq!(calls, vec![(1, 4), (2, 4), (3, 4), (4, 4)]);
    assert_eq!(
        res.iter().filter(|r| r.verdict == Verdict::Block).count(),
        1
    );
    assert_eq!(
        res.iter().filter(|r| r.verdict == Verdict::Pass).count(),
        2,
        "the clean texts pass (one of an unknown extension); the unreadable picture does not"
    );

    let args = |paths: Vec<std::path::PathBuf>| ScanArgs {
        paths,
        format: OutputFormat::Json,
        timeout: 10,
        in_process: true,
        workers: None,
    };
    assert_eq!(
        run_cli(
            args(vec![dir.path().join("sach.txt")]),
            MarkingSpec::default_set(),
            None
        ),
        0
    );
    assert_eq!(
        run_cli(
            args(vec![dir.path().to_path_buf()]),
            MarkingSpec::default_set(),
            None
        ),
        1
    );
    assert_eq!(
        run_cli(
            args(vec![dir.path().join("khong-co.docx")]),
            MarkingSpec::default_set(),
            None
        ),
        2
    );
}

#[test]
fn clap_parses_scan_args() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        scan: ScanArgs,
    }
    let c = Cli::try_parse_from(["bmnn", "a.docx", "thu-muc", "--format", "sarif"]).unwrap();
    assert_eq!(c.scan.paths.len(), 2);
    assert_eq!(c.scan.format, OutputFormat::Sarif);
    assert!(
        Cli::try_parse_from(["bmnn", "a.docx", "--max-level", "2"]).is_err(),
        "copies are looked for at every level, whoever scans"
    );
    assert!(Cli::try_parse_from(["bmnn"]).is_err(), "a path is required");
}
