//! The masked DOM snapshot: one test per masking rule, each failing if its rule is removed, and
//! the shape rrweb-snapshot's `rebuild` needs (ids from 1, placeholders, shadow and iframe nodes).

use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::js;

wasm_bindgen_test_configure!(run_in_browser);

const OPTIONS: &str =
    r#"{ key: "bc_pub_abcdefghijklmnopqrstuvwxyz012345", relay: "https://relay.test" }"#;

/// Puts `html` in a fresh container on the page, runs `setup` (JS with `root` bound to the
/// container), snapshots with `options` and removes the container again.
fn snapshot_of(html: &str, setup: &str, options: &str) -> (String, Value) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    root.set_id("under-test");
    root.set_inner_html(html);
    document.body().unwrap().append_child(&root).unwrap();
    js(&format!(
        "(() => {{ const root = document.getElementById('under-test'); {setup} }})()"
    ));
    // As the loader calls it: the options checked by the capture module first.
    let options = js(options);
    let checked = bugcap_widget::session::check_options(options.clone())
        .unwrap()
        .as_string()
        .unwrap();
    let text = bugcap_widget::reporter::snapshot(&checked, options).unwrap();
    root.remove();
    let value: Value = serde_json::from_str(&text).expect("the snapshot is JSON");
    (text, value)
}

fn snap(html: &str, setup: &str) -> (String, Value) {
    snapshot_of(html, setup, OPTIONS)
}

fn with(extra: &str) -> String {
    OPTIONS.replace(" }", &format!(", {extra} }}"))
}

/// Every node of the tree, depth first.
fn nodes(v: &Value) -> Vec<&Value> {
    let mut out = vec![v];
    if let Some(children) = v["childNodes"].as_array() {
        for c in children {
            out.extend(nodes(c));
        }
    }
    out
}

fn element<'a>(v: &'a Value, id_attr: &str) -> &'a Value {
    nodes(v)
        .into_iter()
        .find(|n| n["attributes"]["id"] == id_attr)
        .unwrap_or_else(|| panic!("no element #{id_attr}"))
}

fn text_of(v: &Value) -> String {
    nodes(v)
        .iter()
        .filter_map(|n| n["textContent"].as_str())
        .collect()
}

#[wasm_bindgen_test]
fn ids_start_at_one_and_are_unique() {
    let (_, v) = snap("<p>hello</p>", "");
    assert_eq!(v["type"], 0);
    assert_eq!(v["id"], 1);
    let mut ids: Vec<u64> = nodes(&v)
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
    assert_eq!(ids[0], 1);
    assert_eq!(*ids.last().unwrap() as usize, count, "ids are 1..=n");
}

#[wasm_bindgen_test]
fn typed_input_values_are_masked_on_every_path() {
    let (text, v) = snap(
        r#"<input id="name"><input id="mirrored"><input id="hidden" type="hidden" value="csrf-7QxR">
           <textarea id="notes">default secret words</textarea>
           <select id="plan"><option>Basic tier</option><option>Platinum tier</option></select>"#,
        r#"root.querySelector('#name').value = 'Jane Zyxwvut';
           const m = root.querySelector('#mirrored'); m.value = 'Quokka42'; m.setAttribute('value', 'Quokka42');
           root.querySelector('#notes').value = 'typed Wombat text';
           root.querySelector('#plan').selectedIndex = 1;"#,
    );
    for secret in [
        "Zyxwvut",
        "Quokka42",
        "csrf-7QxR",
        "Wombat",
        "default secret",
        "Platinum",
        "Basic",
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked: {text}");
    }
    assert_eq!(element(&v, "name")["attributes"]["value"], "**** *******");
    assert_eq!(
        element(&v, "notes")["attributes"]["value"],
        "***** ****** ****"
    );
    assert!(
        element(&v, "notes")["childNodes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let plan = element(&v, "plan");
    assert_eq!(
        text_of(plan),
        "***** ************ ****",
        "option texts masked"
    );
    assert!(
        !plan.to_string().contains("selected"),
        "the choice is hidden: {plan}"
    );
}

#[wasm_bindgen_test]
fn password_values_are_never_written_even_unmasked() {
    let (text, v) = snapshot_of(
        r#"<input id="pw" type="password" value="attr-Hunter2">"#,
        "root.querySelector('#pw').value = 'typed-Hunter3';",
        &with("maskInputs: false"),
    );
    assert!(!text.contains("Hunter"), "{text}");
    assert!(element(&v, "pw")["attributes"].get("value").is_none());
}

#[wasm_bindgen_test]
fn mask_inputs_false_keeps_values() {
    // The control for the masking tests: the same page, masking off, shows the values.
    let (text, v) = snapshot_of(
        r#"<input id="name"><input id="agree" type="checkbox">"#,
        "root.querySelector('#name').value = 'Jane Zyxwvut'; root.querySelector('#agree').checked = true;",
        &with("maskInputs: false"),
    );
    assert!(text.contains("Jane Zyxwvut"));
    assert_eq!(element(&v, "agree")["attributes"]["checked"], "");
    let (_, v) = snap(
        r#"<input id="agree" type="checkbox">"#,
        "root.querySelector('#agree').checked = true;",
    );
    assert!(element(&v, "agree")["attributes"].get("checked").is_none());
}

#[wasm_bindgen_test]
fn contenteditable_text_is_masked() {
    let (text, _) = snap(
        r#"<div contenteditable="true">Draft about Capybara</div>"#,
        "",
    );
    assert!(!text.contains("Capybara"));
    assert!(text.contains("***** ***** ********"));
}

#[wasm_bindgen_test]
fn blocked_elements_become_same_size_boxes() {
    let (text, v) = snap(
        r#"<div id="a" data-bugcap-block style="width:120px;height:30px">Account Narwhal</div>
           <div id="b" class="x bugcap-block" style="width:10px;height:20px"><b>Narwhal two</b></div>"#,
        "",
    );
    assert!(!text.contains("Narwhal"), "{text}");
    // The box keeps its size and class, nothing else: not even its id.
    assert!(!text.contains(r#""id":"a""#));
    let boxes: Vec<&Value> = nodes(&v)
        .into_iter()
        .filter(|n| n["attributes"].get("rr_width").is_some())
        .collect();
    assert_eq!(boxes.len(), 2);
    assert_eq!(boxes[0]["attributes"]["rr_width"], "120px");
    assert_eq!(boxes[0]["attributes"]["rr_height"], "30px");
    assert_eq!(boxes[1]["attributes"]["class"], "x bugcap-block");
    assert!(
        boxes
            .iter()
            .all(|b| b["childNodes"].as_array().unwrap().is_empty())
    );
}

#[wasm_bindgen_test]
fn masked_text_is_replaced_character_for_character() {
    let (text, _) = snap(
        r#"<p data-bugcap-mask>Balance 1234</p><p class="bugcap-mask" title="Hint Okapi">Okapi</p>"#,
        "",
    );
    assert!(
        !text.contains("Balance") && !text.contains("Okapi"),
        "{text}"
    );
    assert!(text.contains(r#""textContent":"******* ****""#));
    assert!(text.contains(r#""title":"**** *****""#));
}

#[wasm_bindgen_test]
fn data_attributes_of_masked_elements_are_masked_as_a_stylesheet_can_draw_them() {
    let (text, v) = snap(
        r#"<span id="owed" data-bugcap-mask data-amount="4200 EUR"></span>
           <span id="plain" data-amount="12 EUR"></span>"#,
        "",
    );
    assert!(!text.contains("4200 EUR"), "{text}");
    assert_eq!(element(&v, "owed")["attributes"]["data-amount"], "**** ***");
    assert_eq!(
        element(&v, "plain")["attributes"]["data-amount"],
        "12 EUR",
        "control: outside a masked element the value is the page's"
    );
}

#[wasm_bindgen_test]
fn host_selectors_block_and_mask() {
    let (text, _) = snapshot_of(
        r#"<section class="private">Secret Axolotl</section><p class="pii">Dugong</p>"#,
        "",
        &with(r#"blockSelector: ".private", maskSelector: ".pii""#),
    );
    assert!(
        !text.contains("Axolotl") && !text.contains("Dugong"),
        "{text}"
    );
    assert!(text.contains(r#""textContent":"******""#));
    let (text, _) = snap(r#"<section class="private">Secret Axolotl</section>"#, "");
    assert!(
        text.contains("Axolotl"),
        "without the selector the text stays"
    );
}

#[wasm_bindgen_test]
fn scripts_handlers_and_script_urls_are_dropped() {
    let (text, _) = snap(
        r#"<script>var apiKey = "Pangolin";</script>
           <button onclick="steal('Tapir')">Go</button><a href="javascript:alert('Tarsier')">x</a>"#,
        "",
    );
    for code in ["Pangolin", "Tapir", "onclick", "Tarsier", "javascript:"] {
        assert!(!text.contains(code), "`{code}` in {text}");
    }
}

#[wasm_bindgen_test]
fn open_shadow_roots_are_inlined_and_masked() {
    let (text, v) = snap(
        r#"<div id="host"></div>"#,
        r#"const shadow = root.querySelector('#host').attachShadow({ mode: 'open' });
           shadow.innerHTML = '<span>inside shadow</span><input id="si">';
           shadow.querySelector('#si').value = 'Shadow Quetzal';"#,
    );
    assert!(!text.contains("Quetzal"), "{text}");
    let host = element(&v, "host");
    assert_eq!(host["isShadowHost"], true);
    let children = host["childNodes"].as_array().unwrap();
    assert!(children.iter().all(|c| c["isShadow"] == true));
    assert!(text_of(host).contains("inside shadow"));
}

#[wasm_bindgen_test]
async fn same_origin_iframes_are_inlined_with_root_id_and_masked() {
    let document = web_sys::window().unwrap().document().unwrap();
    let frame: web_sys::HtmlIFrameElement =
        document.create_element("iframe").unwrap().unchecked_into();
    frame.set_id("same-origin-frame");
    document.body().unwrap().append_child(&frame).unwrap();
    let doc = frame.content_document().unwrap();
    doc.body()
        .unwrap()
        .set_inner_html(r#"<p>in frame</p><input id="fi">"#);
    js(
        "document.getElementById('same-origin-frame').contentDocument.getElementById('fi').value = 'Frame Kinkajou'",
    );
    let (text, v) = snap("", "");
    frame.remove();
    assert!(!text.contains("Kinkajou"), "{text}");
    let iframe = element(&v, "same-origin-frame");
    let inner = &iframe["childNodes"][0];
    assert_eq!(inner["type"], 0, "the iframe's document");
    let root_id = inner["id"].clone();
    assert!(
        nodes(inner).iter().all(|n| n["rootId"] == root_id),
        "{inner}"
    );
    assert!(text_of(inner).contains("in frame"));
}

#[wasm_bindgen_test]
fn unreadable_iframes_canvas_and_video_are_placeholders() {
    let (text, v) = snap(
        r#"<iframe id="sandboxed" sandbox srcdoc="<p>Opaque Fossa</p>" style="width:50px;height:40px"></iframe>
           <canvas id="c" width="30" height="20"></canvas><video id="vid" src="/movie.mp4"></video>"#,
        "",
    );
    assert!(
        !text.contains("Fossa") && !text.contains("movie.mp4"),
        "{text}"
    );
    for n in nodes(&v) {
        if matches!(n["tagName"].as_str(), Some("iframe" | "canvas" | "video")) {
            assert!(n["attributes"].get("rr_width").is_some(), "{n}");
            assert!(n["childNodes"].as_array().unwrap().is_empty());
        }
    }
}

#[wasm_bindgen_test]
fn stylesheets_are_inlined_with_absolute_urls() {
    let (text, v) = snap(
        r#"<style id="s">.logo { background: url(img/logo.png) }</style><img id="i" src="pic.png" srcset="a.png 1x, b.png 2x">"#,
        r#"const sheet = new CSSStyleSheet(); sheet.replaceSync('.adopted { color: rebeccapurple }');
           document.adoptedStyleSheets = [sheet];"#,
    );
    js("document.adoptedStyleSheets = []");
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let style = element(&v, "s");
    let css = style["attributes"]["_cssText"].as_str().unwrap();
    assert!(css.starts_with(".logo"), "{css}");
    assert!(
        css.contains(&format!("{origin}/")) && css.contains("img/logo.png"),
        "{css}"
    );
    let img = element(&v, "i");
    assert!(
        img["attributes"]["src"]
            .as_str()
            .unwrap()
            .starts_with(&origin)
    );
    assert!(
        img["attributes"]["srcset"]
            .as_str()
            .unwrap()
            .contains(&format!("{origin}/"))
    );
    assert!(
        text.contains(r#""data-bugcap-adopted":"""#) && text.contains("rebeccapurple"),
        "adopted sheets are kept"
    );
}

#[wasm_bindgen_test]
fn secrets_in_text_and_attributes_are_redacted() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let (text, _) = snap(
        &format!(r#"<p>token {jwt}</p><a href="/cb?access_token=Ocelot99">link</a>"#),
        "",
    );
    assert!(!text.contains(jwt) && !text.contains("Ocelot99"), "{text}");
    assert!(text.contains("[REDACTED:jwt]"), "{text}");
}

#[wasm_bindgen_test]
fn attribute_values_go_by_their_name_and_meta_tags_by_what_they_name() {
    let (text, v) = snap(
        r#"<meta id="csrf" name="csrf-token" content="k9Xq2Lw0">
           <meta id="desc" name="description" content="The demo shop">
           <div id="cfg" data-api-key="pk_test_local_77" data-theme="dark"></div>"#,
        "",
    );
    assert!(
        !text.contains("k9Xq2Lw0"),
        "the CSRF token is not in the snapshot"
    );
    assert!(
        !text.contains("pk_test_local_77"),
        "the key attribute is not either"
    );
    let placeholder = "[REDACTED:sensitive_key]";
    assert_eq!(element(&v, "csrf")["attributes"]["content"], placeholder);
    assert_eq!(element(&v, "csrf")["attributes"]["name"], "csrf-token");
    assert_eq!(
        element(&v, "cfg")["attributes"]["data-api-key"],
        placeholder
    );
    // Controls: what names nothing secret is kept as the page has it.
    assert_eq!(
        element(&v, "desc")["attributes"]["content"],
        "The demo shop"
    );
    assert_eq!(element(&v, "cfg")["attributes"]["data-theme"], "dark");
}
