//! A real S3-compatible server for the media tests: `s3s-fs` (installed by
//! `scripts/bootstrap.sh`), which checks SigV4 signatures, presigned ones included, on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::{free_port, wait_for_port};

pub const ACCESS_KEY: &str = "bugcap-test-access";
pub const SECRET_KEY: &str = "bugcap-test-secret-0123456789";
pub const BUCKET: &str = "reports";

pub struct S3Server {
    pub root: tempfile::TempDir,
    pub endpoint: String,
    child: Child,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("BUGCAP_S3S_FS") {
        return path.into();
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    let path = home.join("bin/s3s-fs");
    assert!(
        path.exists(),
        "s3s-fs is not installed at {}: run scripts/bootstrap.sh",
        path.display()
    );
    path
}

impl S3Server {
    pub fn start() -> S3Server {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(BUCKET)).unwrap();
        let port = free_port();
        let child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        let addr = format!("127.0.0.1:{port}");
        wait_for_port(&addr);
        S3Server {
            root,
            endpoint: format!("http://{addr}"),
            child,
        }
    }

    /// Where s3s-fs keeps `key` on disk.
    pub fn object_path(&self, key: &str) -> PathBuf {
        self.root.path().join(BUCKET).join(key)
    }

    /// A relay config file pointing the media backend at this server.
    pub fn write_config(&self, dir: &Path) -> PathBuf {
        let path = dir.join("relay-s3.toml");
        std::fs::write(
            &path,
            format!(
                "[media]\nbackend = \"s3\"\n[media.s3]\nendpoint = \"{}\"\nbucket = \"{BUCKET}\"\nregion = \"us-east-1\"\npath_style = true\naccess_key_id = \"{ACCESS_KEY}\"\nsecret_access_key = \"{SECRET_KEY}\"\n",
                self.endpoint
            ),
        )
        .unwrap();
        path
    }
}
