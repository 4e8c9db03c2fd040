// Generated pages for the screenshot's bench and fidelity tests. Each is a function run in the
// page (`page.evaluate(appPage, n)`): it cannot refer to anything outside itself.

/**
 * In the page: replaces the body with an app of about `n` elements whose document scrolls: a
 * sticky top bar, a sticky sidebar, a data table and a feed of cards, and a fixed help button.
 * What real dashboards, tables and feeds look like to a screenshot: most of the page is far
 * outside the viewport. Returns the number of elements in the document.
 */
export function appPage(n) {
  const style = document.createElement("style");
  style.textContent = `
    body { margin: 0; max-width: none; font: 14px/1.4 system-ui, sans-serif; color: #111827; background: #f3f4f6; }
    .top { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 16px; height: 52px;
           padding: 0 20px; background: #111827; color: #f9fafb; }
    .top input { margin-left: auto; width: 260px; padding: 6px 10px; border-radius: 6px; border: 0; }
    .shell { display: grid; grid-template-columns: 220px 1fr; align-items: start; }
    .side { position: sticky; top: 52px; height: calc(100vh - 52px); overflow: auto; background: #1f2937; padding: 10px; }
    .side a { display: block; color: #d1d5db; padding: 5px 8px; border-radius: 4px; text-decoration: none; }
    .side a.on { background: #374151; color: #fff; }
    main { padding: 20px; min-width: 0; }
    h2 { margin: 24px 0 10px; font-size: 18px; }
    table { width: 100%; border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px #0002; }
    th, td { padding: 6px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; }
    tbody tr:nth-child(even) { background: #f9fafb; }
    .pill { font-size: 12px; padding: 1px 8px; border-radius: 9px; background: #dbeafe; color: #1e40af; }
    tr:nth-child(3n) .pill { background: #fee2e2; color: #991b1b; }
    .card { display: flex; gap: 12px; margin: 10px 0; padding: 12px; background: #fff; border-radius: 8px;
            box-shadow: 0 1px 3px #0002; }
    .card .avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; background: linear-gradient(135deg, #6366f1, #ec4899); }
    .card p { margin: 4px 0 0; color: #4b5563; }
    .help { position: fixed; right: 20px; bottom: 20px; z-index: 3; padding: 10px 16px; border-radius: 20px;
            background: #2563eb; color: #fff; box-shadow: 0 4px 12px #0004; }`;
  document.head.append(style);
  const nav = Array.from({ length: 40 }, (_, i) => `<a href="#s${i}" class="${i === 3 ? "on" : ""}">Section ${i + 1}</a>`).join("");
  // A table row is 11 elements, a card 7: half the page each.
  const rows = Math.max(10, Math.round((n - 120) / 2 / 11));
  const cards = Math.max(10, Math.round((n - 120) / 2 / 7));
  const row = (i) =>
    `<tr><td><b>#${10000 + i}</b></td><td>Customer ${i}</td><td><span class="pill">${["open", "paid", "late"][i % 3]}</span></td>` +
    `<td>${(i * 7.31).toFixed(2)} €</td><td><a href="#r${i}">view</a></td><td><i>${1 + (i % 28)} Nov</i></td></tr>`;
  const card = (i) =>
    `<article class="card"><div class="avatar"></div><div><b>Update ${i}</b> <small>${i % 59} min ago</small>` +
    `<p>Shipment ${i} left the warehouse and is on its way to the customer.</p></div></article>`;
  document.body.innerHTML = `<header class="top"><b>Acme Console</b><a style="color:#93c5fd">Orders</a><a style="color:#93c5fd">Customers</a>
    <input placeholder="Search"></header>
    <div class="shell"><nav class="side">${nav}</nav><main>
      <h2>Orders</h2><table><thead><tr><th>Order</th><th>Customer</th><th>Status</th><th>Total</th><th></th><th>Date</th></tr></thead>
      <tbody>${Array.from({ length: rows }, (_, i) => row(i)).join("")}</tbody></table>
      <h2>Activity</h2>${Array.from({ length: cards }, (_, i) => card(i)).join("")}
    </main></div><button class="help">Help</button>`;
  return document.querySelectorAll("*").length;
}
