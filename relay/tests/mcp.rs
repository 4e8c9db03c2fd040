//! The MCP server (`POST /mcp`) against the running binary, spoken to as raw JSON-RPC over
//! HTTP: tokens, scopes, the SDK's headers, bad arguments and bounded answers. The e2e test
//! (`tests/e2e/mcp.test.mjs`) drives it with the official TypeScript client.

mod support;

use serde_json::{Value, json};
use support::{ORIGIN, Relay, Response, cli, fresh_report};

const VERSION: &str = "2025-11-25";

fn rpc(relay: &Relay, token: Option<&str>, extra: &[(&str, &str)], body: &Value) -> Response {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
        ("mcp-protocol-version", VERSION),
    ];
    if let Some(auth) = &auth {
        headers.push(("authorization", auth.as_str()));
    }
    headers.extend_from_slice(extra);
    relay.raw("POST", "/mcp", &headers, body.to_string().as_bytes())
}

/// A request's `result`, after checking it is one.
fn result(relay: &Relay, token: &str, method: &str, params: Value) -> Value {
    let res = rpc(
        relay,
        Some(token),
        &[],
        &json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }),
    );
    assert_eq!(res.status, 200, "{method}: {}", res.text());
    let body = res.json();
    assert!(body.get("error").is_none(), "{method}: {body}");
    body["result"].clone()
}

/// A tool call's answer: (is_error, the text of its text blocks, the whole result).
fn call(relay: &Relay, token: &str, tool: &str, args: Value) -> (bool, String, Value) {
    let r = result(
        relay,
        token,
        "tools/call",
        json!({ "name": tool, "arguments": args }),
    );
    let text = r["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    (r["isError"] == json!(true), text, r)
}

/// A tool call that must fail as a JSON-RPC error: its code and message.
fn refused(relay: &Relay, token: &str, tool: &str, args: Value) -> (i64, String) {
    let res = rpc(
        relay,
        Some(token),
        &[],
        &json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": { "name": tool, "arguments": args } }),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    let error = &body["error"];
    assert!(
        error.is_object(),
        "{tool} {args}: expected an error, got {body}"
    );
    (
        error["code"].as_i64().unwrap(),
        error["message"].as_str().unwrap().to_owned(),
    )
}

fn file(relay: &Relay, key: &str, report: &Value) -> String {
    assert_eq!(relay.post_report(key, Some(ORIGIN), report).status, 201);
    report["id"].as_str().unwrap().to_owned()
}

fn tool_names(relay: &Relay, token: &str) -> Vec<String> {
    result(relay, token, "tools/list", json!({}))["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_agent_lists_and_reads_reports_and_every_call_is_audited_without_content() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let reader = relay.create_token("reports:read");
    let mut report = fresh_report();
    report["feedback"]["text"] = json!("Checkout button does nothing\nI clicked it twice");
    let id = file(&relay, &key, &report);

    let res = rpc(
        &relay,
        Some(&reader),
        &[],
        &json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": VERSION, "capabilities": {},
            "clientInfo": { "name": "test", "version": "1" } } }),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let init = res.json()["result"].clone();
    assert_eq!(init["serverInfo"]["name"], "bugcap-relay");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    assert!(
        init["instructions"]
            .as_str()
            .unwrap()
            .contains("list_reports")
    );
    // Stateless: nothing to carry between requests, so any relay behind a balancer answers.
    assert_eq!(res.header("mcp-session-id"), None);

    let (is_error, text, _) = call(
        &relay,
        &reader,
        "list_reports",
        json!({ "search": "checkout" }),
    );
    assert!(!is_error, "{text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["reports"][0]["id"], id);
    assert_eq!(page["reports"][0]["title"], "Checkout button does nothing");
    assert_eq!(page["reports"][0]["status"], "new");

    let (is_error, text, _) = call(&relay, &reader, "get_report", json!({ "id": id }));
    assert!(!is_error, "{text}");
    let (summary, json_part) = text.split_once("## The report as JSON").unwrap();
    assert!(summary.contains("I clicked it twice"), "{summary}");
    let json_text = json_part
        .split("```json\n")
        .nth(1)
        .unwrap()
        .split("\n```")
        .next()
        .unwrap();
    let doc: Value = serde_json::from_str(json_text).unwrap();
    assert_eq!(doc["id"], id);
    assert!(!text.contains("Cut to fit"));

    let (is_error, text, _) = call(&relay, &reader, "get_screenshot", json!({ "id": id }));
    assert!(is_error);
    assert!(text.contains("no screenshot"), "{text}");

    let log = cli(&relay.dir(), &["audit", "--limit", "10"]);
    let entries = log.as_array().unwrap();
    let calls: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("mcp."))
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            ("mcp.get_screenshot", id.as_str()),
            ("mcp.get_report", id.as_str()),
            ("mcp.list_reports", "")
        ]
    );
    for e in entries
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("mcp."))
    {
        assert_eq!(e["subject"].as_str().unwrap(), &reader[..12]);
    }
    assert!(
        !log.to_string().contains("Checkout"),
        "report content in the audit log: {log}"
    );
}

#[test]
fn tools_follow_the_tokens_scopes_in_the_list_and_in_calls() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let reader = relay.create_token("reports:read");
    let writer = relay.create_token("reports:write");
    let id = file(&relay, &key, &fresh_report());

    let read_tools = tool_names(&relay, &reader);
    assert_eq!(
        read_tools,
        [
            "list_reports",
            "get_report",
            "get_screenshot",
            "get_dom_snapshot"
        ]
    );
    let all = result(&relay, &writer, "tools/list", json!({}))["tools"].clone();
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    for tool in all.as_array().unwrap() {
        let writes =
            ["update_report_status", "add_comment"].contains(&tool["name"].as_str().unwrap());
        assert_eq!(
            tool["annotations"]["readOnlyHint"],
            json!(!writes),
            "{tool}"
        );
        assert_eq!(tool["inputSchema"]["type"], "object");
        assert!(tool["description"].as_str().unwrap().len() > 40);
        if writes {
            assert_eq!(tool["annotations"]["destructiveHint"], json!(false));
        }
    }

    let (code, message) = refused(
        &relay,
        &reader,
        "update_report_status",
        json!({ "id": id, "status": "resolved" }),
    );
    assert_eq!(code, -32602);
    assert!(message.contains("reports:write"), "{message}");
    let (code, _) = refused(
        &relay,
        &reader,
        "add_comment",
        json!({ "id": id, "text": "hi" }),
    );
    assert_eq!(code, -32602);
    let status = relay.get_report(&reader, &id).json()["triage"]["status"].clone();
    assert_eq!(status, "new");

    let (is_error, text, _) = call(
        &relay,
        &writer,
        "update_report_status",
        json!({ "id": id, "status": "resolved" }),
    );
    assert!(!is_error, "{text}");
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        json!({ "id": id, "status": "resolved", "changed": true })
    );
    let (_, text, _) = call(
        &relay,
        &writer,
        "update_report_status",
        json!({ "id": id, "status": "resolved" }),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["changed"],
        false
    );
    let (is_error, text, _) = call(
        &relay,
        &writer,
        "add_comment",
        json!({ "id": id, "text": "Fixed in #42" }),
    );
    assert!(!is_error, "{text}");
    let activity = relay
        .admin("GET", &format!("/v1/reports/{id}/activity"), &writer, None)
        .json();
    let kinds: Vec<&str> = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["status", "comment"]);
    assert_eq!(activity["activity"][1]["actor"]["name"], &writer[..12]);
}

#[test]
fn no_token_or_a_revoked_one_gets_401_with_a_bearer_challenge() {
    let relay = Relay::start();
    let reader = relay.create_token("reports:read");
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    let res = rpc(&relay, None, &[], &list);
    assert_eq!(res.status, 401);
    assert_eq!(
        res.header("www-authenticate"),
        Some(r#"Bearer realm="bugcap""#)
    );

    assert_eq!(rpc(&relay, Some(&reader), &[], &list).status, 200);
    cli(&relay.dir(), &["tokens", "revoke", &reader[..12]]);
    let res = rpc(&relay, Some(&reader), &[], &list);
    assert_eq!(res.status, 401);
    assert!(
        res.header("www-authenticate")
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );
    let res = rpc(&relay, Some("bc_adm_not_a_real_token"), &[], &list);
    assert_eq!(res.status, 401);
}

#[test]
fn bad_arguments_and_bad_requests_get_clear_errors_never_a_500() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let id = file(&relay, &key, &fresh_report());

    for (tool, args, says) in [
        (
            "get_report",
            json!({ "id": "../../etc/passwd" }),
            "not a report id",
        ),
        ("get_report", json!({}), "missing field `id`"),
        (
            "get_report",
            json!({ "id": id, "verbose": true }),
            "unknown field `verbose`",
        ),
        (
            "get_report",
            json!({ "id": id, "max_chars": 10 }),
            "max_chars",
        ),
        ("list_reports", json!({ "limit": 500 }), "limit"),
        ("list_reports", json!({ "since": "yesterday" }), "since"),
        (
            "list_reports",
            json!({ "status": ["open"] }),
            "unknown variant `open`",
        ),
        ("list_reports", json!({ "cursor": "x" }), "cursor"),
        (
            "update_report_status",
            json!({ "id": id, "status": "done" }),
            "unknown variant",
        ),
        (
            "add_comment",
            json!({ "id": id, "text": "   " }),
            "write the comment",
        ),
        (
            "get_dom_snapshot",
            json!({ "id": id, "selector": "div[" }),
            "selector",
        ),
        ("no_such_tool", json!({}), "no tool named"),
    ] {
        let (code, message) = refused(&relay, &writer, tool, args.clone());
        assert_eq!(code, -32602, "{tool} {args}: {message}");
        assert!(message.contains(says), "{tool} {args}: {message}");
    }
    // A well-formed id that names nothing is the tool's answer, for the model to read.
    let (is_error, text, _) = call(
        &relay,
        &writer,
        "get_report",
        json!({ "id": support::uuid_v4() }),
    );
    assert!(is_error);
    assert!(text.contains("no report"), "{text}");

    let res = relay.raw(
        "POST",
        "/mcp",
        &[
            ("authorization", &format!("Bearer {writer}")),
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
        ],
        b"{not json",
    );
    assert!(
        (400..500).contains(&res.status) || res.json()["error"]["code"] == -32700,
        "{} {}",
        res.status,
        res.text()
    );

    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let res = rpc(
        &relay,
        Some(&writer),
        &[("mcp-protocol-version", "1999-01-01")],
        &list,
    );
    assert_eq!(res.status, 400, "{}", res.text());
    // Stateless: no stream to open and no session to end.
    let auth = format!("Bearer {writer}");
    for method in ["GET", "DELETE"] {
        let res = relay.raw(
            method,
            "/mcp",
            &[
                ("authorization", &auth),
                ("accept", "application/json, text/event-stream"),
            ],
            b"",
        );
        assert_eq!(res.status, 405, "{method}");
    }
    // A browser page (any Origin) is refused: agents do not send one.
    let res = rpc(
        &relay,
        Some(&writer),
        &[("origin", "https://evil.example")],
        &list,
    );
    assert_eq!(res.status, 403, "{}", res.text());
}

#[test]
fn a_large_report_is_cut_to_max_chars_and_the_answer_says_what_was_cut() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let reader = relay.create_token("reports:read");
    let mut report = fresh_report();
    report["console"] = (0..100)
        .map(|i| json!({ "level": "log", "message": format!("line {i} {}", "x".repeat(600)), "timestamp": 1_733_000_000_000_i64 + i }))
        .collect();
    let id = file(&relay, &key, &report);

    let (is_error, text, _) = call(
        &relay,
        &reader,
        "get_report",
        json!({ "id": id, "max_chars": 8000 }),
    );
    assert!(!is_error, "{text}");
    assert!(text.len() < 8000 + 800, "{} bytes", text.len());
    assert!(text.contains("Cut to fit max_chars"), "{text}");
    assert!(text.contains("older entries"), "{text}");
    assert!(
        text.contains("line 99"),
        "the latest console line is kept: {text}"
    );
    assert!(text.contains(&format!("/v1/reports/{id}")));

    let (_, whole, _) = call(
        &relay,
        &reader,
        "get_report",
        json!({ "id": id, "max_chars": 200000 }),
    );
    assert!(!whole.contains("Cut to fit"), "{} bytes", whole.len());
}

/// A token made with `--project shop` and the reports of two projects.
fn two_projects(relay: &Relay) -> (String, String, String, String) {
    let shop_key = relay.create_key(&[ORIGIN]);
    let other_key = cli(
        &relay.dir(),
        &[
            "keys",
            "create",
            "--project",
            "other",
            "--env",
            "production",
            "--origin",
            ORIGIN,
        ],
    )["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = cli(
        &relay.dir(),
        &[
            "tokens",
            "create",
            "--scope",
            "reports:write",
            "--project",
            "shop",
        ],
    );
    assert_eq!(created["projects"], json!(["shop"]));
    let limited = created["token"].as_str().unwrap().to_owned();
    let mut shop = fresh_report();
    shop["feedback"]["text"] = json!("shared words in shop");
    let mut other = fresh_report();
    other["feedback"]["text"] = json!("shared words in other");
    let (shop, other) = (
        file(relay, &shop_key, &shop),
        file(relay, &other_key, &other),
    );
    (limited, shop, other, other_key)
}

#[test]
fn a_token_limited_to_a_project_never_sees_another_projects_reports_through_mcp() {
    let relay = Relay::start();
    let (limited, shop, other, _) = two_projects(&relay);
    let everyone = relay.create_token("reports:read");

    for args in [
        json!({}),
        json!({ "search": "shared" }),
        json!({ "project": "other" }),
    ] {
        let (_, text, _) = call(&relay, &limited, "list_reports", args.clone());
        let ids: Vec<String> = serde_json::from_str::<Value>(&text).unwrap()["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = if args.get("project").is_some() {
            vec![]
        } else {
            vec![shop.clone()]
        };
        assert_eq!(ids, expected, "{args}");
    }
    let (_, text, _) = call(
        &relay,
        &everyone,
        "list_reports",
        json!({ "search": "shared" }),
    );
    assert!(text.contains(&other), "an unlimited token sees both");

    for (tool, args) in [
        ("get_report", json!({ "id": other })),
        ("get_screenshot", json!({ "id": other })),
        ("get_dom_snapshot", json!({ "id": other })),
        (
            "update_report_status",
            json!({ "id": other, "status": "spam" }),
        ),
        ("add_comment", json!({ "id": other, "text": "hello" })),
    ] {
        let (is_error, text, _) = call(&relay, &limited, tool, args);
        assert!(is_error, "{tool}: {text}");
        assert!(text.contains("no report"), "{tool}: {text}");
    }
    let (is_error, text, _) = call(&relay, &limited, "get_report", json!({ "id": shop }));
    assert!(!is_error, "{text}");
    let triage = relay.get_report(&everyone, &other).json()["triage"].clone();
    assert_eq!(
        triage["status"], "new",
        "nothing changed on the other project's report"
    );
}

#[test]
fn a_token_limited_to_a_project_never_sees_another_projects_reports_through_the_api_or_app() {
    let relay = Relay::start();
    let (limited, shop, other, _) = two_projects(&relay);

    let list = relay
        .admin("GET", "/v1/reports?q=shared", &limited, None)
        .json();
    let ids: Vec<&str> = list["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [shop.as_str()]);
    assert_eq!(relay.get_report(&limited, &shop).status, 200);
    for (method, path, body) in [
        ("GET", format!("/v1/reports/{other}"), None),
        ("GET", format!("/v1/reports/{other}/activity"), None),
        ("GET", format!("/v1/reports/{other}/shares"), None),
        (
            "GET",
            format!("/v1/reports/{other}/media/screenshot.png"),
            None,
        ),
        (
            "PATCH",
            format!("/v1/reports/{other}"),
            Some(json!({ "status": "spam" })),
        ),
        (
            "POST",
            format!("/v1/reports/{other}/comments"),
            Some(json!({ "body": "hi" })),
        ),
        ("POST", format!("/v1/reports/{other}/shares"), None),
        (
            "PATCH",
            "/v1/reports".to_owned(),
            Some(json!({ "ids": [shop, other], "status": "spam" })),
        ),
    ] {
        let res = relay.admin(method, &path, &limited, body.as_ref());
        assert_eq!(res.status, 404, "{method} {path}: {}", res.text());
    }
    // The bulk change touched neither report: all or none.
    assert_eq!(
        relay.get_report(&limited, &shop).json()["triage"]["status"],
        "new"
    );

    // The app shows every project: a limited token cannot open it.
    let form = format!("token={limited}");
    let res = relay.raw(
        "POST",
        "/app/sign-in",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", &relay.base),
            ("sec-fetch-site", "same-origin"),
        ],
        form.as_bytes(),
    );
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(res.text().contains("limited to some projects"));
    assert!(res.header("set-cookie").is_none());

    let tokens = cli(&relay.dir(), &["tokens", "list"]);
    assert_eq!(tokens.as_array().unwrap()[0]["projects"], json!(["shop"]));
}
