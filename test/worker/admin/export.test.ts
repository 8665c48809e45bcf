// The CSV export: cells a spreadsheet would run as formulas are defused, and a page holds the
// orders of the date range only, the next page's cursor in X-Next-Cursor.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../worker/admin/export';
import { adminApi, adminEnv, adminGet, seedOrder, uniqueRef } from '../support/back-office';
import { refusalOf, testApp } from '../support/app';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['ada@example.com', 'ada@example.com'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('a number stays a number (a negative amount is not a formula), null is empty', () => {
    expect(csvCell(-1200)).toBe('-1200');
    expect(csvCell(null)).toBe('');
  });
});

describe('GET /api/admin/orders.csv', () => {
  it('exports the orders of the range only, newest first, with every line, a buyer-typed formula defused', async () => {
    const app = testApp();
    const day = Date.UTC(2031, 0, 10);
    const inside = await seedOrder({ createdAt: day + 3_600_000, email: `=cmd|${uniqueRef('x')}@example.com`, amountTotal: 4100 });
    await env.DB.prepare("INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency) VALUES (?, 0, 'price_1', 'field-notes', 'Field Notes Pattern Pack', 2, 2400, 'usd')").bind(inside).run();
    const before = await seedOrder({ createdAt: day - 1 });
    const after = await seedOrder({ createdAt: day + 86_400_000 });
    const response = await adminApi(app)['orders.csv'].$get({ query: { from: '2031-01-10', to: '2031-01-10' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('x-next-cursor')).toBeNull();
    const csv = await response.text();
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('order,created,status,email,buyer,items,amount_total,currency,payment_intent');
    expect(rows.filter((row) => row.startsWith(inside))).toHaveLength(1);
    expect(csv).toContain(`,'=cmd|`);
    expect(csv).toContain('2 × Field Notes Pattern Pack');
    expect(csv).not.toContain(before);
    expect(csv).not.toContain(after);
  });

  it.each([
    ['no range', '', /^from/],
    ['a range the wrong way round', 'from=2031-02-01&to=2031-01-01', /from must not be after to/],
    ['a range over a year', 'from=2030-01-01&to=2031-06-01', /at most 366 days/],
    ['a day that is not a date', 'from=2031-13-45&to=2031-01-01', /must be a date/],
  ])('%s → 400 saying why', async (_name, query, message) => {
    const response = await testApp().send(adminGet(`orders.csv?${query}`), adminEnv());
    expect(response.status).toBe(400);
    expect(await refusalOf(response)).toMatch(message);
  });
});
