#!/usr/bin/env node
// `npm run demo`: installs what is missing, builds the package and the relay, starts the relay
// on its embedded default (SQLite under ./bugcap-data) with a demo key, serves the demo app and
// prints the URL to open. Ctrl+C stops both.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { build } from "./build.mjs";
import { startWwwServer } from "./www-server.mjs";
import { createKey, relayCli, root, startRelay } from "../tests/support/relay.mjs";

const RELAY_PORT = Number(process.env.BUGCAP_DEMO_RELAY_PORT ?? 8787);
const WWW_PORT = Number(process.env.BUGCAP_DEMO_PORT ?? 8080);
const dataDir = join(root, "bugcap-data");
const pageOrigin = `http://localhost:${WWW_PORT}`;

build();
console.log("building the relay…");
execFileSync("cargo", ["build", "-p", "bugcap-relay"], { cwd: root, stdio: "inherit" });

// The demo keeps its own key and inbox account in the data dir so restarts reuse them. A real
// deployment shows the key and the password once and never stores the plaintext.
const credentialsFile = join(dataDir, "demo-credentials.json");
let credentials = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, "utf8")) : null;
if (credentials?.origin !== pageOrigin) {
  const key = createKey(dataDir, { project: "demo", env: "local", origins: [pageOrigin] });
  credentials = { key: key.key, origin: pageOrigin };
}
if (!credentials.password) {
  const name = `demo-${Date.now().toString(36)}`;
  credentials.user = name;
  credentials.password = relayCli(dataDir, ["users", "create", name, "--generate-password"]).password;
}
writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2));
chmodSync(credentialsFile, 0o600);

let relay;
try {
  relay = await startRelay(dataDir, { listen: `127.0.0.1:${RELAY_PORT}`, env: { BUGCAP_LOG: "info" } });
} catch (e) {
  console.error(`could not start the relay on 127.0.0.1:${RELAY_PORT} (set BUGCAP_DEMO_RELAY_PORT to use another port)\n${e.message}`);
  process.exit(1);
}
relay.process.stderr.pipe(process.stderr);

let www;
try {
  www = await startWwwServer({
    host: "127.0.0.1",
    publicHost: "localhost",
    port: WWW_PORT,
    config: { key: credentials.key, relay: relay.url, inbox: `${relay.url}/app` },
  });
} catch (e) {
  console.error(`could not serve the demo on port ${WWW_PORT} (set BUGCAP_DEMO_PORT to use another port): ${e.message}`);
  await relay.stop();
  process.exit(1);
}

console.log(`
bugcap demo is running.

  Open ${www.url}/ , trigger a bug, describe it and press "Send report"
  (or use the launcher button at the bottom right).

  The team's inbox: ${relay.url}/app/
    sign in as  ${credentials.user}
    password    ${credentials.password}
  The confirmation on the demo page links to the report there.

  relay:    ${relay.url}  (data in ${dataDir})
  key:      ${credentials.key.slice(0, 12)}…  (allowed origin ${pageOrigin})

Press Ctrl+C to stop.`);

const stop = async () => {
  await www.close();
  await relay.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
