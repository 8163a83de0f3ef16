// The browsers in tests/sip_campaigns/sip_desk_controls_test.sh: Debian's
// Chromium, driven by playwright-core (tests/e2e's packages), with two
// operators at their desks and a supervisor at the wallboard (three browser
// contexts, in Russian): olga takes an incoming call, holds the caller and
// takes them back; the supervisor anna listens in, whispers, hangs up; olga
// then consults pavel, makes a conference of the three and leaves the caller
// with him (an attended transfer); pavel finishes the call.
//
//   node desk_controls.mjs BASE_URL CAMPAIGN_ID READY_FILE
//
// Both operators sign in and join the campaign; olga presses Ready, pavel
// stays paused; anna signs in and opens the wallboard. Then it writes
// READY_FILE (the test's cue to start the caller). On olga's desk: the call on
// the screen with its controls («Удержание»), 2 s of talk, Hold («Снять с
// удержания» then), 3 s, taken back, 1 s. anna asks to listen to pavel, who
// is paused: refused (409, monitor.not_on_call). On olga's row of the
// wallboard anna clicks «Слушать» (the notice: her phone rings); olga's desk
// says the supervisor listens; 1.5 s later «Подсказывать» (olga's desk says
// anna whispers), 1.5 s later «Отключиться» (the badge goes), 1 s; pavel
// presses Ready.
// olga opens «Перевести на…», waits until pavel is offered as ready, chooses
// him and clicks «Консультация»: her controls give way to the consultation's
// («Звоним pavel; абонент на удержании», «Соединить с абонентом» and
// «Конференция» disabled while his phone rings — the test's SIPp phone rings
// 2 s — «Вернуться к абоненту»). His phone answers: «Консультация с pavel;
// абонент на удержании», both buttons enabled; pavel's desk, on a call, says
// «olga консультируется с вами» and has no controls of the call (not his
// yet). 1.5 s later olga clicks «Конференция»: «Конференция с pavel» on her
// desk («Оставить их вдвоём», «Отключить pavel», no «Конференция»),
// «Конференция с olga» on his. 2 s later «Оставить их вдвоём»: olga is in
// wrap-up with no controls and no disposition due; pavel's desk has the call
// (the caller's card, the controls, no consultation badge). When the caller
// hangs up pavel records the disposition, and anna reads the call in the call
// log (GET /api/v1/call-log: its outcome, operator and route).
// The last line of its output is JSON with the wall-clock times (seconds since
// 1970) of each step, and what it read. Exits non-zero, saying what did not
// appear, on any failure.
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
const pages = {};
async function step(what, fn) {
    try {
        return await fn();
    } catch (e) {
        let banners = '';
        for (const [who, page] of Object.entries(pages)) {
            const banner = await page.getByTestId('error').first().innerText({ timeout: 500 }).catch(() => '');
            const state = await page.getByTestId('work-state').getAttribute('data-state', { timeout: 500 }).catch(() => '');
            banners += `; ${who}: state "${state}"${banner ? `, error banner "${banner}"` : ''}`;
        }
        console.error(`desk_controls: ${what}: ${e.message.split('\n')[0]}${banners}`);
        await browser.close();
        process.exit(1);
    }
}
const now = () => Date.now() / 1000;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stateIs = (page, state, timeout) =>
    page.locator(`[data-testid="work-state"][data-state="${state}"]`).waitFor({ timeout });
// The visible text of a control, compared with the Russian one expected.
async function textIs(locator, want) {
    const text = (await locator.innerText({ timeout: 5000 })).trim();
    if (text !== want) throw new Error(`the text is «${text}», not «${want}»`);
}

try {
    for (const user of ['olga', 'pavel', 'anna']) {
        const context = await browser.newContext({ locale: 'ru-RU' });
        const page = (pages[user] = await context.newPage());
        await step(`${user}: sign in`, async () => {
            await page.goto(`${base}/#/login`);
            await page.getByTestId('login-user').fill(user);
            await page.getByTestId('login-password').fill(`${user}-pass-1234`);
            await page.getByTestId('login-submit').click();
            await page.getByTestId('page-search').waitFor({ timeout: 10000 });
        });
        if (user === 'anna') break;  // the supervisor works at the wallboard
        await step(`${user}: join the campaign`, async () => {
            await page.goto(`${base}/#/work`);
            await page.getByTestId('work-campaign').waitFor({ timeout: 15000 });
            await page.getByTestId('work-campaign').selectOption(campaign);
            await page.getByTestId('work-join').click();
            await stateIs(page, 'paused', 10000);
        });
    }
    const { olga, pavel, anna } = pages;
    await step('olga: ready', async () => {
        await olga.getByTestId('work-ready').click();
        await stateIs(olga, 'ready', 10000);
    });
    // The wallboard's rows of olga and pavel; anna may listen in (the column
    // is there) but nobody is on a call: no buttons yet.
    const row = (agent) => anna.locator(`[data-testid="wallboard-agent"][data-agent="${agent}"]`);
    const monitorCell = (agent) => row(agent).getByTestId('wallboard-monitor');
    await step('anna: the wallboard', async () => {
        await anna.goto(`${base}/#/wallboard`);
        await anna.locator('[data-testid="page-wallboard"][data-loaded="yes"]').waitFor({ timeout: 10000 });
        await anna.locator('[data-testid="wallboard-agent"][data-agent="olga"][data-state="ready"]').waitFor({ timeout: 10000 });
        await anna.locator('[data-testid="wallboard-agent"][data-agent="pavel"][data-state="paused"]').waitFor({ timeout: 10000 });
        for (const agent of ['olga', 'pavel']) {
            const mode = await monitorCell(agent).getAttribute('data-mode', { timeout: 5000 });
            if (mode !== 'off') throw new Error(`${agent}'s monitoring cell says «${mode}», not off`);
            if (await monitorCell(agent).locator('button').count()) throw new Error(`buttons on ${agent}'s row, not on a call`);
        }
    });
    writeFileSync(readyFile, 'ready\n');
    const seen = {};
    await step('olga: the call on the desk', async () => {
        await stateIs(olga, 'on_call', 30000);
        seen.olga_on_call = now();
        await textIs(olga.getByTestId('work-state'), 'на звонке');
    });
    const hold = olga.getByTestId('work-hold');
    await step("olga: the call's controls once the voices meet", async () => {
        await olga.getByTestId('work-call-controls').waitFor({ timeout: 15000 });
        seen.olga_controls = now();
        await textIs(hold, 'Удержание');
        if ((await hold.getAttribute('data-held')) !== 'no') throw new Error('the call is held already');
    });
    await pause(2000);
    await step('olga: hold', async () => {
        seen.hold_click = now();
        await hold.click();
        await olga.locator('[data-testid="work-hold"][data-held="yes"]').waitFor({ timeout: 5000 });
        seen.held = now();
        await textIs(hold, 'Снять с удержания');
    });
    await pause(3000);
    await step('olga: take the caller back from hold', async () => {
        seen.unhold_click = now();
        await hold.click();
        await olga.locator('[data-testid="work-hold"][data-held="no"]').waitFor({ timeout: 5000 });
        seen.unheld = now();
        await textIs(hold, 'Удержание');
    });
    await pause(1000);
    // As the page asks (the session's CSRF token in X-CSRF-Token): to listen
    // to pavel, paused, is refused.
    seen.refused = await step('anna: listening to pavel, paused, is refused', async () => {
        const answer = await anna.evaluate(async () => {
            const who = await (await fetch('/api/v1/session')).json();
            const r = await fetch('/api/v1/wallboard/monitor', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': who.csrf },
                body: JSON.stringify({ agent: 'pavel', mode: 'listen' }),
            });
            return { status: r.status, problem: await r.json().catch(() => null) };
        });
        if (answer.status !== 409 || answer.problem?.code !== 'monitor.not_on_call') {
            throw new Error(`the answer: ${JSON.stringify(answer)}`);
        }
        return answer;
    });
    const badge = olga.getByTestId('work-monitored');
    await step("anna: «Слушать» on olga's row; olga's desk says so", async () => {
        await anna.locator('[data-testid="wallboard-agent"][data-agent="olga"][data-state="on_call"]').waitFor({ timeout: 10000 });
        const listen = monitorCell('olga').getByTestId('wallboard-monitor-listen');
        await textIs(listen, 'Слушать');
        await textIs(monitorCell('olga').getByTestId('wallboard-monitor-whisper'), 'Подсказывать');
        await textIs(monitorCell('olga').getByTestId('wallboard-monitor-barge'), 'Войти в разговор');
        if (await monitorCell('pavel').locator('button').count()) throw new Error("buttons on pavel's row, paused");
        if (await badge.count()) throw new Error("olga's desk says she is listened to already");
        seen.listen_click = now();
        await listen.click();
        await anna.getByTestId('wallboard-monitor-notice').waitFor({ timeout: 5000 });
        await textIs(anna.getByTestId('wallboard-monitor-notice'), 'Звонит ваш телефон: снимите трубку, чтобы слышать разговор olga.');
        await anna.locator('[data-testid="wallboard-agent"][data-agent="olga"] [data-testid="wallboard-monitor"][data-mode="listen"]').waitFor({ timeout: 5000 });
        await textIs(monitorCell('olga').getByTestId('wallboard-monitor-off'), 'Отключиться');
        await olga.locator('[data-testid="work-monitored"][data-mode="listen"]').waitFor({ timeout: 5000 });
        seen.listened = now();
        await textIs(badge, 'Разговор слушает супервизор anna');
    });
    await pause(1500);
    await step("anna: «Подсказывать»; olga's desk says so", async () => {
        seen.whisper_click = now();
        await monitorCell('olga').getByTestId('wallboard-monitor-whisper').click();
        await anna.locator('[data-testid="wallboard-agent"][data-agent="olga"] [data-testid="wallboard-monitor"][data-mode="whisper"]').waitFor({ timeout: 5000 });
        await olga.locator('[data-testid="work-monitored"][data-mode="whisper"]').waitFor({ timeout: 5000 });
        seen.whispered = now();
        await textIs(badge, 'Супервизор anna подсказывает вам');
    });
    await pause(1500);
    await step("anna: «Отключиться»; the badge leaves olga's desk", async () => {
        // A click, as a supervisor's: the cell is an actions cell, never cut
        // (a plain .grid td keeps 36ch and hid this last button once).
        const off = monitorCell('olga').getByTestId('wallboard-monitor-off');
        seen.off_click = now();
        await off.click({ timeout: 5000 });
        await anna.locator('[data-testid="wallboard-agent"][data-agent="olga"] [data-testid="wallboard-monitor"][data-mode="off"]').waitFor({ timeout: 5000 });
        await anna.getByTestId('wallboard-monitor-notice').waitFor({ state: 'detached', timeout: 5000 });
        await badge.waitFor({ state: 'detached', timeout: 5000 });
        seen.unmonitored = now();
        if ((await olga.getByTestId('work-state').getAttribute('data-state')) !== 'on_call') throw new Error('olga is no longer on the call');
    });
    await pause(1000);
    await step('pavel: ready', async () => {
        await pavel.getByTestId('work-ready').click();
        await stateIs(pavel, 'ready', 10000);
        await textIs(pavel.getByTestId('work-state'), 'готов');
    });
    const target = olga.getByTestId('work-transfer-target');
    seen.targets = await step('olga: pavel offered as ready in «Перевести на…»', async () => {
        // The list is read again when it gets the focus; pavel went ready
        // after it was first read.
        await target.focus();
        const option = target.locator('option[value="agent:pavel"]:not([disabled])');
        for (let tries = 0; ; ++tries) {
            try {
                await option.waitFor({ state: 'attached', timeout: 2000 });
                break;
            } catch (e) {
                if (tries >= 4) throw e;
                await target.blur();
                await target.focus();
            }
        }
        const first = (await target.locator('option').first().innerText()).trim();
        if (first !== 'Перевести на…') throw new Error(`the list's prompt is «${first}»`);
        const text = (await option.innerText()).trim();
        if (text !== 'pavel — готов') throw new Error(`pavel's option reads «${text}»`);
        return (await target.locator('option').allInnerTexts()).map((s) => s.trim());
    });
    // The consultation's controls on olga's desk (instead of hold and
    // transfer) and the badge on pavel's.
    const consultBadge = olga.getByTestId('work-consult');
    const complete = olga.getByTestId('work-consult-complete');
    const conference = olga.getByTestId('work-consult-conference');
    const cancel = olga.getByTestId('work-consult-cancel');
    const consulted = pavel.getByTestId('work-consulted');
    // Waits (5 s at most) for the button of olga's desk to be enabled (or
    // disabled): the desk is busy for a moment after each click.
    const enabled = async (button, want) => {
        const testid = await button.getAttribute('data-testid', { timeout: 5000 });
        await olga
            .locator(`[data-testid="${testid}"]:${want ? 'enabled' : 'disabled'}`)
            .waitFor({ timeout: 5000 })
            .catch(() => {
                throw new Error(`«${testid}» is not ${want ? 'enabled' : 'disabled'}`);
            });
    };
    await step("olga: «Консультация» with pavel; his phone rings", async () => {
        await target.selectOption('agent:pavel');
        await textIs(olga.getByTestId('work-transfer'), 'Перевести');
        const button = olga.getByTestId('work-consult-start');
        await textIs(button, 'Консультация');
        seen.consult_click = now();
        await button.click();
        await olga.locator('[data-testid="work-consult"][data-answered="no"][data-conference="no"]').waitFor({ timeout: 5000 });
        seen.ringing = now();
        await textIs(consultBadge, 'Звоним pavel; абонент на удержании');
        await textIs(complete, 'Соединить с абонентом');
        await enabled(complete, false);
        await textIs(conference, 'Конференция');
        await enabled(conference, false);
        await textIs(cancel, 'Вернуться к абоненту');
        await enabled(cancel, true);
        if (await olga.getByTestId('work-hold').count()) throw new Error('«Удержание» stays on the desk while consulting');
        if (await target.count()) throw new Error('«Перевести на…» stays on the desk while consulting');
    });
    await step("olga: pavel's phone answers", async () => {
        await olga.locator('[data-testid="work-consult"][data-answered="yes"]').waitFor({ timeout: 10000 });
        seen.consult_answered = now();
        await textIs(consultBadge, 'Консультация с pavel; абонент на удержании');
        await enabled(complete, true);
        await enabled(conference, true);
    });
    await step('pavel: his desk says olga consults him', async () => {
        await pavel.locator('[data-testid="work-consulted"][data-conference="no"]').waitFor({ timeout: 5000 });
        seen.pavel_consulted = now();
        await textIs(consulted, 'olga консультируется с вами');
        if ((await pavel.getByTestId('work-state').getAttribute('data-state')) !== 'on_call') throw new Error('pavel is not on a call');
        await textIs(pavel.getByTestId('work-state'), 'на звонке');
        if (await pavel.getByTestId('work-call-controls').count()) throw new Error("the call's controls on pavel's desk: the call is olga's yet");
    });
    await pause(1500);
    await step('olga: «Конференция»; both desks say so', async () => {
        seen.conference_click = now();
        await conference.click();
        await olga.locator('[data-testid="work-consult"][data-conference="yes"]').waitFor({ timeout: 5000 });
        seen.conference = now();
        await textIs(consultBadge, 'Конференция с pavel');
        await textIs(complete, 'Оставить их вдвоём');
        await enabled(complete, true);
        await textIs(cancel, 'Отключить pavel');
        if (await conference.count()) throw new Error('«Конференция» stays on the desk in the conference');
        await pavel.locator('[data-testid="work-consulted"][data-conference="yes"]').waitFor({ timeout: 5000 });
        seen.pavel_conference = now();
        await textIs(consulted, 'Конференция с olga');
    });
    await pause(2000);
    await step('olga: «Оставить их вдвоём»; she is in wrap-up', async () => {
        seen.complete_click = now();
        await complete.click();
        await stateIs(olga, 'wrap_up', 10000);
        seen.olga_wrap_up = now();
        await textIs(olga.getByTestId('work-state'), 'постобработка');
        if (await olga.getByTestId('work-call-controls').count()) throw new Error('the controls stay on the desk');
        if (await consultBadge.count()) throw new Error('the conference badge stays on the desk');
        if (await olga.getByTestId('work-disposition').count()) throw new Error('a disposition is asked of her');
    });
    await step('pavel: the call on his desk', async () => {
        await pavel.getByTestId('work-card-name').waitFor({ timeout: 10000 });
        seen.pavel_card_shown = now();
        seen.pavel_card = (await pavel.getByTestId('work-card-name').innerText()).trim();
        if ((await pavel.getByTestId('work-state').getAttribute('data-state')) !== 'on_call') throw new Error('pavel is not on the call');
        await consulted.waitFor({ state: 'detached', timeout: 5000 });
    });
    await step("pavel: the call's controls once the voices meet", async () => {
        await pavel.getByTestId('work-call-controls').waitFor({ timeout: 15000 });
        seen.pavel_controls = now();
        await textIs(pavel.getByTestId('work-hold'), 'Удержание');
    });
    await step('pavel: the caller hangs up; the disposition is his', async () => {
        await stateIs(pavel, 'wrap_up', 40000);
        seen.pavel_wrap_up = now();
        await pavel.getByTestId('work-disposition').waitFor({ timeout: 10000 });
        await pavel.getByTestId('work-disp-status').selectOption('decided');
        await pavel.getByTestId('work-disp-note').fill('Переведён от olga');
        await pavel.getByTestId('work-disp-save').click();
        await pavel.getByTestId('work-disposition').waitFor({ state: 'detached', timeout: 10000 });
    });
    // As the call log's page asks: the newest call first.
    seen.call_log = await step('anna: the call in the call log', async () => {
        const answer = await anna.evaluate(async () => {
            const r = await fetch('/api/v1/call-log');
            return { status: r.status, body: await r.json().catch(() => null) };
        });
        const call = answer.body?.calls?.[0];
        if (answer.status !== 200 || !call) throw new Error(`the answer: ${JSON.stringify(answer).slice(0, 500)}`);
        return { total: answer.body.total, outcome: call.outcome, agent: call.agent, route: call.route };
    });
    console.log(JSON.stringify(seen));
} finally {
    await browser.close();
}
