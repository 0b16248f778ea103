//! Output faces: human, JSON, SARIF, CLI.
