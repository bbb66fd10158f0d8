// Helpers of the browser journey: chromium, screenshots at phone and desktop widths, axe-core,
// the confirmation code from identity's .eml files, TOTP codes, SQL for test set-up.
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest: browser_journey_test)`);
  return v;
};

export const BASE = env('MELTINGDOC_BASE_URL');
const ARTIFACTS = env('MELTINGDOC_ARTIFACTS');
const MAIL_DIR = env('MELTINGDOC_MAIL_DIR');

export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.MELTINGDOC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORTS[1], locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.problems = problems;
  return page;
}

let shot = 0;
export const report = { pages: [], violations: [] };

/** Screenshots of the page at both widths, and axe-core at both: serious or critical
 *  violations fail the journey. */
export async function snap(page, name) {
  shot++;
  const label = `${String(shot).padStart(2, '0')}-${name}`;
  await page.waitForLoadState('networkidle').catch(() => undefined);
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(ARTIFACTS, `${label}-${vp.name}.png`), fullPage: true });
    const bad = await axe(page);
    for (const v of bad) report.violations.push({ page: label, viewport: vp.name, ...v });
  }
  await page.setViewportSize(VIEWPORTS[1]);
  report.pages.push(label);
  if (report.violations.length) {
    throw new Error(`axe-core: serious/critical violations on ${label}:\n${JSON.stringify(report.violations, null, 2)}`);
  }
  if (page.problems.length) throw new Error(`${label}: ${page.problems.join('\n')}`);
}

async function axe(page) {
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not
  // govern; an injected <script> would be refused.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })),
    ),
  );
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The latest 6-digit confirmation code mailed to `email` (identity's file transport). */
export async function confirmationCode(email) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const names = readdirSync(MAIL_DIR).filter((n) => n.endsWith('.eml')).sort().reverse();
    for (const n of names) {
      const text = readFileSync(join(MAIL_DIR, n), 'utf8');
      if (!text.includes(`\r\nTo: ${email}\r\n`)) continue;
      const m = /confirmation code is ([0-9]{6})/.exec(text) ?? /\b([0-9]{6})\b/.exec(text.split('\r\n\r\n').slice(1).join('\n'));
      if (m) return m[1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no confirmation mail to ${email} in ${MAIL_DIR}`);
}

/** RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) of a base32 secret, at `offset` steps from now. */
export function totp(secretBase32, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Test set-up only: SQL as the database superuser on the journey's scratch database. */
export function sql(statement) {
  const [bin, ...args] = env('MELTINGDOC_PSQL').split(' ');
  return execFileSync(bin, [...args, '-At', '-c', statement], { encoding: 'utf8' });
}

export function expect(cond, message) {
  if (!cond) throw new Error(`expectation failed: ${message}`);
}
