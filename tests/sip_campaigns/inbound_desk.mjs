// The operator's browser in tests/sip_campaigns/sip_inbound_test.sh: Debian's
// Chromium, driven by playwright-core (tests/e2e's packages), works the
// Operator desk as olga while a caller dials the center's number.
//
//   node inbound_desk.mjs BASE_URL CAMPAIGN_ID READY_FILE
//
// It signs in, joins the campaign, presses Ready and then writes READY_FILE
// (the test's cue to start the caller). It waits for the incoming call on the
// screen, notes the wall-clock times (seconds since 1970) at which the banner
// and the card appeared, waits for the wrap-up and records the disposition
// through the form. Then it writes READY_FILE.2 (the cue for a caller who
// comes through the voice menu), waits for that call's banner with the
// answer given in the menu («В меню: …»), and records its disposition too.
// The last line of its output is JSON: {banner_at, card_at, banner, name,
// state_after, menu_banner}. Exits non-zero, saying what did not appear, on
// any failure.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('../e2e/node_modules/playwright-core');

const [base, campaign, readyFile] = process.argv.slice(2);
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
let page;
async function step(what, fn) {
    try {
        return await fn();
    } catch (e) {
        const banner = page ? await page.getByTestId('error').first().innerText().catch(() => '') : '';
        console.error(`inbound_desk: ${what}: ${e.message.split('\n')[0]}${banner ? `; error banner: "${banner}"` : ''}`);
        await browser.close();
        process.exit(1);
    }
}
try {
    const context = await browser.newContext({ locale: 'ru-RU' });
    page = await context.newPage();
    await step('sign in', async () => {
        await page.goto(`${base}/#/login`);
        await page.getByTestId('login-user').fill('olga');
        await page.getByTestId('login-password').fill('olga-pass-1234');
        await page.getByTestId('login-submit').click();
        await page.getByTestId('page-search').waitFor({ timeout: 10000 });
    });
    await step('join the campaign and go ready', async () => {
        await page.goto(`${base}/#/work`);
        await page.getByTestId('work-campaign').waitFor({ timeout: 15000 });
        await page.getByTestId('work-campaign').selectOption(campaign);
        await page.getByTestId('work-join').click();
        await page.locator('[data-testid="work-state"][data-state="paused"]').waitFor({ timeout: 10000 });
        await page.getByTestId('work-ready').click();
        await page.locator('[data-testid="work-state"][data-state="ready"]').waitFor({ timeout: 10000 });
    });
    // When the banner and the card appear, on the page's own clock (the same
    // machine's wall clock): a MutationObserver notes the first render of each.
    await page.evaluate(() => {
        const seen = (window.__seen = {});
        new MutationObserver(() => {
            if (!seen.banner && document.querySelector('[data-testid="work-inbound"]')) seen.banner = Date.now();
            if (!seen.card && document.querySelector('[data-testid="work-card-name"]')) seen.card = Date.now();
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    writeFileSync(readyFile, 'ready\n');
    const banner = await step('the incoming call on the screen', async () => {
        await page.getByTestId('work-inbound').waitFor({ timeout: 30000 });
        return { at: (await page.evaluate(() => window.__seen.banner)) / 1000, text: await page.getByTestId('work-inbound').innerText() };
    });
    const card = await step("the caller's card", async () => {
        await page.getByTestId('work-card-name').waitFor({ timeout: 10000 });
        return { at: (await page.evaluate(() => window.__seen.card)) / 1000, name: await page.getByTestId('work-card-name').innerText() };
    });
    const dispose = (what, note) =>
        step(what, async () => {
            await page.getByTestId('work-disposition').waitFor({ timeout: 40000 });
            await page.getByTestId('work-disp-status').selectOption('decided');
            await page.getByTestId('work-disp-note').fill(note);
            await page.getByTestId('work-disp-save').click();
            await page.getByTestId('work-disposition').waitFor({ state: 'detached', timeout: 10000 });
        });
    await dispose('the disposition after the call', 'Звонил сам, продлевает');
    const state = await page.getByTestId('work-state').getAttribute('data-state');
    // The caller who answered the menu: the answer is on the banner before
    // olga speaks.
    writeFileSync(`${readyFile}.2`, 'ready\n');
    const menuBanner = await step("the menu caller's banner with the menu's answer", async () => {
        await page.getByTestId('work-menu-answers').waitFor({ timeout: 40000 });
        return await page.getByTestId('work-inbound').innerText();
    });
    await dispose('the disposition after the menu caller', 'Узнал из поиска');
    console.log(JSON.stringify({ banner_at: banner.at, card_at: card.at, banner: banner.text, name: card.name, state_after: state, menu_banner: menuBanner }));
} finally {
    await browser.close();
}
