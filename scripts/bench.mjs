#!/usr/bin/env node
// `npm run bench`: builds the package, then prints each benchmark's figures beside the peers
// measured in the same run. Figures only: nothing here passes or fails on speed or size.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { build } from "./build.mjs";
import { root } from "../tests/support/relay.mjs";
import { run as capture } from "../bench/capture.mjs";
import { run as redaction } from "../bench/redaction.mjs";
import { run as screenshot } from "../bench/screenshot.mjs";
import { run as screenshotScale } from "../bench/screenshot-scale.mjs";
import { run as size } from "../bench/size.mjs";

build();
// The browser benchmarks run against the release relay, as deployed.
execFileSync("cargo", ["build", "--release", "-p", "bugcap-relay"], { cwd: root, stdio: "inherit" });
process.env.BUGCAP_RELAY_BIN ??= join(root, "target", "release", "bugcap-relay");
size({ root });
await capture();
await screenshot();
await screenshotScale();
await redaction();
// The native benchmarks print their own tables.
for (const [pkg, bench] of [["bugcap-protocol", "redaction"], ["bugcap-relay", "ingest"], ["bugcap-relay", "media"]]) {
  execFileSync("cargo", ["bench", "-p", pkg, "--bench", bench], { cwd: root, stdio: ["ignore", "inherit", "ignore"] });
}
