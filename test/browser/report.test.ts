import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { launchBrowser } from '../support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('HTML report in Chromium', () => {
  it('renders its charts and tables without network requests or script errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-browser-'));
    writeFileSync(
      join(dir, 'a.csv'),
      '姓名,身份证号,手机号,银行卡号\n张三,110105199003071239,13812345678,6222021234567890128\n',
    );
    writeFileSync(join(dir, 'b.txt'), 'contact 13900001111 or zhang.wei@example.com\n');
    const first = await runCli(['scan', '.', '--quiet'], '', { cwd: dir });
    expect(first.exitCode).toBe(0);
    // A change between two scans, so the change chart has bars: b.txt grows a phone, c.txt is new.
    writeFileSync(join(dir, 'b.txt'), 'contact 13900001111 or zhang.wei@example.com\nalso 13700002222\n');
    writeFileSync(join(dir, 'c.txt'), 'fax 13600003333\n');
    const scan = await runCli(['scan', '.', '--report', 'report.html', '--quiet'], '', { cwd: dir });
    expect(scan.exitCode).toBe(0);
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    for (const id of ['chart-types', 'chart-assets', 'chart-grades', 'chart-people', 'chart-changes']) {
      const bars = await page.locator(`#${id} svg rect`).count();
      expect(bars, id).toBeGreaterThan(0);
      const box = await page.locator(`#${id} svg`).boundingBox();
      expect(box!.width).toBeGreaterThan(100);
    }
    // The change chart: one bar per kind of change (new-asset for c.txt, grown for b.txt's phones).
    const changeLabels = await page.locator('#chart-changes svg text').allTextContents();
    expect(changeLabels.join(' ')).toMatch(/new-asset/);
    expect(changeLabels.join(' ')).toMatch(/grown/);
    expect(await page.locator('#totals .card', { hasText: 'changes since run 1' }).locator('b').textContent()).toBe(
      '2',
    );
    expect(await page.locator('#assets tbody tr.asset').count()).toBe(3);
    expect(await page.locator('#totals .card b').first().textContent()).toBe('8');
    expect(await page.content()).not.toContain('110105199003071239');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const png = await page.screenshot({ fullPage: true });
    expect(png.length).toBeGreaterThan(1000);
    writeFileSync(join(dir, 'report.png'), png);
    expect(readFileSync(join(dir, 'report.png')).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });
});
