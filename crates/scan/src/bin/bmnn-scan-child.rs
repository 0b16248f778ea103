//! Test/stand-alone extraction child: reads one request on stdin, writes JSON on stdout.
fn main() {
    std::process::exit(bmnn_scan::child_main());
}
