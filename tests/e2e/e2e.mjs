// End-to-end test of the web UI: the real callbase binary serving web/dist, driven
// through Debian's Chromium with playwright-core (which downloads nothing).
//
//   CALLBASE=build/src/cli/callbase WEB_DIR=web/dist OUT_DIR=out node tests/e2e/e2e.mjs
//
// It builds its own base in a temporary directory with the CLI (init, a generated
// 300-contact file imported while the base has no users, calls allowed all day, then
// one user per role, TOTP enrolled where the role needs it), starts `callbase serve
// --listen 127.0.0.1:0 --web WEB_DIR` on the simulated network of sim.toml, runs
// the scenarios below and always stops the server. Each scenario reports PASS or
// FAIL with the reason; the last line is "N passed, N failed" and the exit code is
// non-zero when anything failed.
// Screenshots (1366×768, and the search page at 375×667) go to OUT_DIR.
//
// Logins are limited to 10 a minute from one address, so each role logs in once
// and keeps its browser context for the later scenarios.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const CALLBASE = resolve(requiredEnv('CALLBASE'));
const WEB_DIR = resolve(requiredEnv('WEB_DIR'));
const OUT_DIR = resolve(process.env.OUT_DIR || join(tmpdir(), 'callbase-e2e-out'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const KEEP = process.env.E2E_KEEP === '1'; // keep the temporary base for a look afterwards

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 375, height: 667 };

const PASSWORDS = {
    admin: 'admin-pass-0001',
    supervisor: 'super-pass-0002',
    operator: 'oper-pass-00003',
    analyst: 'analyst-pass-04',
    dpo: 'dpo-pass-000005',
};
// The nav links each role must see (and no others), from docs/security.md.
const NAV = {
    operator: ['contacts', 'work', 'calls', 'stop-list', 'consents', 'deletions', 'health'],
    supervisor: ['contacts', 'work', 'campaigns', 'calls', 'reports', 'wallboard', 'staffing', 'routing', 'telephony', 'import', 'exports', 'stop-list', 'consents', 'rules', 'registries', 'purposes', 'deletions', 'health', 'dictionaries'],
    analyst: ['contacts', 'staffing', 'exports', 'health'],
    admin: ['contacts', 'work', 'campaigns', 'calls', 'reports', 'wallboard', 'staffing', 'routing', 'telephony', 'import', 'stop-list', 'consents', 'rules', 'registries', 'purposes', 'deletions', 'audit', 'health', 'dictionaries', 'users', 'teams'],
    dpo: ['contacts', 'calls', 'reports', 'wallboard', 'exports', 'stop-list', 'consents', 'registries', 'deletions', 'audit', 'health'],
};
// The people of the analyst's export (scenario q): name and comment; numbers are fresh.
const EXPORT_SOURCE = 'e2e-export';
const EXPORT_SEGMENT = [
    ['Выгрузкин Глеб Ильич', 'просил не звонить утром'],
    ['Одобрина Зоя Петровна', 'клиентка с 2019 года'],
    ['Проверкин Савелий', 'почта: savely@example.ru'],
    ['Пседонимова Ада', 'любит звонки по пятницам'],
];
// The columns every export has, in order, before the custom fields (ingest/exporter.cc).
const EXPORT_FIXED_COLUMNS = ['ФИО', 'Телефон', 'Регион', 'Источник', 'E-mail', 'Статус', 'Теги', 'Комментарий', 'Дата добавления'];
const ALL_NAV = ['contacts', 'work', 'campaigns', 'calls', 'reports', 'wallboard', 'staffing', 'routing', 'telephony', 'import', 'exports', 'stop-list', 'consents', 'rules', 'registries', 'purposes', 'deletions', 'audit', 'health', 'dictionaries', 'users', 'teams'];
// The simulated callees of the campaign scenario: everyone answers within a second
// and talks for four; serve runs the simulation at 4× real time.
const SIM_SCENARIO = resolve(import.meta.dirname, 'sim.toml');
const SIM_SPEED = '4';

function requiredEnv(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`e2e: set ${name} (CALLBASE = the binary, WEB_DIR = web/dist, OUT_DIR = where screenshots go)`);
        process.exit(2);
    }
    return value;
}

// ---------------------------------------------------------------- helpers

class Failure extends Error {}

function check(condition, message) {
    if (!condition) throw new Failure(message);
}

function log(...args) {
    console.log(...args);
}

// RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, base32 secret.
function base32Decode(text) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = 0;
    let value = 0;
    const out = [];
    for (const c of text.replace(/[=\s]/g, '').toUpperCase()) {
        const index = alphabet.indexOf(c);
        if (index < 0) throw new Error(`not base32: ${c}`);
        value = ((value << 5) | index) & 0xffff;
        bits += 5;
        if (bits >= 8) {
            out.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return Buffer.from(out);
}

export function totp(secret, now = Date.now()) {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
    const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
    const offset = mac[mac.length - 1] & 0x0f;
    return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// A code that stays valid for the next few seconds (waits out the end of a
// step) and that no login took before: the server takes each code once, so a
// second login within a step uses the next step's code (one step of clock
// drift is accepted), and a third waits for the step to pass.
const usedSteps = new Map();
async function freshTotp(secret) {
    for (;;) {
        const left = 30 - (Math.floor(Date.now() / 1000) % 30);
        if (left < 4) await sleep(left * 1000 + 200);
        const now = Math.floor(Date.now() / 1000 / 30);
        const last = usedSteps.get(secret) ?? -1;
        const step = Math.max(now, last + 1);
        if (step <= now + 1) {
            usedSteps.set(secret, step);
            return totp(secret, step * 30 * 1000);
        }
        await sleep(left * 1000 + 200);
    }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Windows-1251 for the letters a Russian file holds; everything else must be ASCII.
function cp1251(text) {
    const out = [];
    for (const ch of text) {
        const c = ch.codePointAt(0);
        if (c < 0x80) out.push(c);
        else if (c >= 0x410 && c <= 0x44f) out.push(c - 0x410 + 0xc0);
        else if (c === 0x401) out.push(0xa8);
        else if (c === 0x451) out.push(0xb8);
        else if (c === 0x2116) out.push(0xb9);
        else if (c === 0xab) out.push(0xab);
        else if (c === 0xbb) out.push(0xbb);
        else if (c === 0x2014) out.push(0x97);
        else if (c === 0x2013) out.push(0x96);
        else throw new Error(`no cp1251 form for ${ch}`);
    }
    return Buffer.from(out);
}

// A CSV reader for the generated file: quotes, doubled quotes, line breaks in quotes.
function parseCsv(text, delimiter = ';') {
    const rows = [];
    let row = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                cell += '"';
                i++;
            } else if (c === '"') quoted = false;
            else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === delimiter) {
            row.push(cell);
            cell = '';
        } else if (c === '\n' || c === '\r') {
            if (c === '\r' && text[i + 1] === '\n') i++;
            row.push(cell);
            rows.push(row);
            row = [];
            cell = '';
        } else cell += c;
    }
    if (cell || row.length) {
        row.push(cell);
        rows.push(row);
    }
    return rows;
}

// The ten national digits of a Russian mobile written any way, or null.
function nationalDigits(spelling) {
    let d = spelling.replace(/\D/g, '');
    if (d.length === 11 && (d[0] === '7' || d[0] === '8')) d = d.slice(1);
    return d.length === 10 && d[0] === '9' ? d : null;
}

const spell8 = (d) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;

// ---------------------------------------------------------------- the base

const work = mkdtempSync(join(tmpdir(), 'callbase-e2e-'));
const DB = join(work, 'base.db');
const secrets = {};

function cli(args, env = {}) {
    try {
        return execFileSync(CALLBASE, ['--db', DB, ...args], {
            env: { ...process.env, CALLBASE_USER: '', ...env },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
        });
    } catch (e) {
        throw new Error(`callbase ${args.join(' ')} failed (exit ${e.status}):\n${e.stderr || e.stdout || e.message}`);
    }
}

async function asAdmin(args, env = {}) {
    return cli(['--user', 'admin', ...args], {
        CALLBASE_PASSWORD: PASSWORDS.admin,
        CALLBASE_TOTP: await freshTotp(secrets.admin),
        ...env,
    });
}

async function enrolTotp(name) {
    const env = { CALLBASE_PASSWORD: PASSWORDS[name] };
    const answer = JSON.parse(cli(['--json', 'user', 'totp', name], env).trim().split('\n').pop());
    check(answer.secret, `user totp ${name}: no secret in ${JSON.stringify(answer)}`);
    secrets[name] = answer.secret;
    cli(['user', 'totp', name, '--confirm', await freshTotp(answer.secret)], env);
}

async function setUp() {
    log(`e2e: base in ${work}`);
    cli(['init']);
    const generated = join(work, 'contacts.csv');
    cli(['gen', 'contacts', '--rows', '300', '--seed', '7', '--out', generated]);
    cli(['import', 'contacts', generated, '--source', 'demo']);
    // The campaign scenario dials whenever the test runs: calls allowed all day, every day.
    cli(['rules', 'set', JSON.stringify({ window_start: '00:00', window_end: '24:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] })]);

    cli(['user', 'add', 'admin', '--role', 'admin'], { CALLBASE_NEW_PASSWORD: PASSWORDS.admin });
    await enrolTotp('admin');
    for (const role of ['supervisor', 'operator', 'analyst', 'dpo']) {
        await asAdmin(['user', 'add', role, '--role', role], { CALLBASE_NEW_PASSWORD: PASSWORDS[role] });
        if (role === 'analyst' || role === 'dpo') await enrolTotp(role);
    }
    // An operator sees only the contacts assigned to them (docs/security.md): all, here.
    cli(['--user', 'supervisor', 'contacts', 'assign', '--filter', 'added>=2000-01-01', '--to', 'operator'], {
        CALLBASE_PASSWORD: PASSWORDS.supervisor,
    });

    // Known contacts: rows of the generated file with a clean mobile number.
    const rows = parseCsv(readFileSync(generated, 'utf8').replace(/^\uFEFF/, ''));
    const header = rows[0];
    const phoneCol = header.indexOf('Телефон');
    const nameCol = header.indexOf('ФИО');
    check(phoneCol >= 0 && nameCol >= 0, `generated file: no ФИО/Телефон in ${header.join(';')}`);
    const seen = new Map();
    for (const r of rows.slice(1)) {
        const d = nationalDigits(r[phoneCol] ?? '');
        if (d) seen.set(d, (seen.get(d) ?? 0) + 1);
    }
    const known = [];
    for (const r of rows.slice(1)) {
        const d = nationalDigits(r[phoneCol] ?? '');
        if (d && seen.get(d) === 1 && r[nameCol]) known.push({ digits: d, name: r[nameCol], spelled: r[phoneCol] });
    }
    check(known.length >= 3, 'generated file: fewer than 3 contacts with a clean, unique mobile number');

    // Numbers for the messy import file: another seed, none of them in the base.
    const other = join(work, 'other.csv');
    cli(['gen', 'contacts', '--rows', '40', '--seed', '99', '--junk-rate', '0', '--dup-rate', '0', '--out', other]);
    const fresh = [];
    for (const r of parseCsv(readFileSync(other, 'utf8').replace(/^\uFEFF/, '')).slice(1)) {
        const d = nationalDigits(r[phoneCol] ?? '');
        if (d && !seen.has(d) && !fresh.includes(d)) fresh.push(d);
    }
    check(fresh.length >= 6 + EXPORT_SEGMENT.length, `second generated file: fewer than ${6 + EXPORT_SEGMENT.length} fresh numbers`);

    // The analyst's export (scenario q): a few people of their own source, so the
    // rows it must hold are known exactly.
    const segment = EXPORT_SEGMENT.map(([name, comment], i) => ({ name, comment, digits: fresh[6 + i] }));
    const segmentFile = join(work, 'export-segment.csv');
    writeFileSync(
        segmentFile,
        ['ФИО;Телефон;Город;Комментарий', ...segment.map((p) => `${p.name};+7${p.digits};Казань;${p.comment}`)].join('\n') + '\n',
    );
    cli(['--user', 'supervisor', 'import', 'contacts', segmentFile, '--source', EXPORT_SOURCE], {
        CALLBASE_PASSWORD: PASSWORDS.supervisor,
    });
    return { known, fresh, segment };
}

// The messy Windows-1251 file: `;`, Russian header, good rows in mixed spellings and
// bad phone rows. Returns its path and the file lines (1 = header) of the bad rows.
function writeMessyFile(fresh) {
    const good = [
        ['Петров Иван Сергеевич', spell8(fresh[0]), 'Москва', 'клиент с сайта'],
        ['Сидорова Анна Павловна', `+7${fresh[1]}`, 'Казань', 'перезвонить вечером'],
        ['Кузнецов Олег', `8${fresh[2]}`, 'Самара', ''],
        ['Ёлкина Мария Ильинична', `7 ${fresh[3].slice(0, 3)} ${fresh[3].slice(3)}`, 'Пермь', 'заказ №12'],
        ['Новиков Пётр', `тел. 8-${fresh[4].slice(0, 3)}-${fresh[4].slice(3, 6)}-${fresh[4].slice(6)}`, 'Уфа', 'дорого'],
        ['Волкова Елена', spell8(fresh[5]), 'Тверь', 'VIP'],
    ];
    const bad = [
        ['Безномерный Аркадий', 'нет телефона', 'Омск', 'номер не оставил'],
        ['Коротков Семён', '12345', 'Томск', 'ошибка ввода'],
        ['Буквин Лев', 'abc-def', 'Курск', 'мусор'],
    ];
    const lines = ['ФИО;Телефон;Город;Комментарий'];
    const badLines = [];
    const order = [good[0], bad[0], good[1], good[2], bad[1], good[3], good[4], bad[2], good[5]];
    for (const row of order) {
        lines.push(row.join(';'));
        if (bad.includes(row)) badLines.push(lines.length);
    }
    const path = join(work, 'messy-cp1251.csv');
    writeFileSync(path, cp1251(lines.join('\r\n') + '\r\n'));
    return { path, badLines, badValues: bad.map((r) => r[1]) };
}

// ---------------------------------------------------------------- the server

let server;

function startServer() {
    return new Promise((resolvePromise, reject) => {
        const args = ['--db', DB, '--json', 'serve', '--listen', '127.0.0.1:0', '--web', WEB_DIR];
        server = spawn(CALLBASE, [...args, '--sim-scenario', SIM_SCENARIO, '--sim-speed', SIM_SPEED], {
            env: { ...process.env, CALLBASE_USER: '' },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        server.stderr.on('data', (d) => {
            stderr += d;
            if (process.env.E2E_SERVER_LOG === '1') process.stderr.write(d);
        });
        const timer = setTimeout(() => reject(new Error(`serve printed no first line in 20 s; stderr:\n${stderr}`)), 20000);
        server.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`serve exited (${code}) before listening; stderr:\n${stderr}`));
        });
        const lines = createInterface({ input: server.stdout });
        lines.once('line', (line) => {
            clearTimeout(timer);
            try {
                const first = JSON.parse(line);
                check(first.listening, `serve's first line has no "listening": ${line}`);
                resolvePromise(first.listening.replace(/\/$/, ''));
            } catch (e) {
                reject(new Error(`serve's first line is not JSON: ${line} (${e.message})`));
            }
        });
        lines.on('line', (line) => {
            if (process.env.E2E_SERVER_LOG === '1') process.stderr.write(`${line}\n`);
        });
    });
}

async function stopServer() {
    // Gone already (an exit code, or a signal such as SIGSEGV): no exit event will come.
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.exitCode === null && server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
}

// ---------------------------------------------------------------- the browser

let browser;
let base;
const sessions = {}; // role → { context, page }

async function newPage(viewport = DESKTOP) {
    const context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
    return { context, page };
}

async function shot(page, name) {
    // From the top: a sticky top bar on a scrolled page lands mid-picture in a full-page shot.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT_DIR, `${name}.png`), fullPage: true });
}

async function errorText(page) {
    const banner = page.getByTestId('error');
    return (await banner.count()) ? (await banner.innerText()).trim() : '';
}

// Fails with what the error banner says, if anything, when a wait times out.
async function waitFor(page, locator, what, options = {}) {
    try {
        await locator.first().waitFor({ state: 'visible', ...options });
    } catch {
        const banner = await errorText(page);
        throw new Failure(`${what} did not appear${banner ? `; error banner: "${banner}"` : ''}`);
    }
}

async function login(page, role, password = PASSWORDS[role]) {
    await page.goto(`${base}/#/login`);
    await waitFor(page, page.getByTestId('page-login'), 'the login page');
    await page.getByTestId('login-user').fill(role);
    await page.getByTestId('login-password').fill(password);
    if (secrets[role]) await page.getByTestId('login-totp').fill(await freshTotp(secrets[role]));
    await page.getByTestId('login-submit').click();
}

// Why the top bar does not fit the window (a string), or '' when it does: nothing
// runs past its right edge and the links stay in one row.
async function topBarFit(page) {
    return page.evaluate(() => {
        const bar = document.querySelector('header.topbar');
        if (!bar) return 'no top bar';
        if (bar.scrollWidth > bar.clientWidth + 1) return `the bar is ${bar.scrollWidth} px wide in ${bar.clientWidth} px`;
        const items = [...bar.querySelectorAll('nav > *')].filter((el) => el.getBoundingClientRect().width > 0);
        const tops = new Set(items.map((el) => Math.round(el.getBoundingClientRect().top)));
        if (tops.size > 1) return `the links fall into ${tops.size} rows`;
        const right = Math.max(...[...bar.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right));
        return right > window.innerWidth + 1 ? `an element ends at ${Math.round(right)} px of ${window.innerWidth}` : '';
    });
}

async function navNames(page) {
    return page.locator('[data-testid^="nav-"]').evaluateAll((links) =>
        links.map((a) => a.getAttribute('data-testid').slice(4)),
    );
}

async function openContacts(page) {
    await page.goto(`${base}/#/contacts`);
    await waitFor(page, page.getByTestId('page-search'), 'the search page');
}

// The id of a known contact, found by its number through the API as the page's user.
async function contactId(page, contact) {
    const id = await page.evaluate(async (phone) => {
        const r = await fetch(`/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
        const body = await r.json();
        return body.items?.[0]?.id ?? null;
    }, `+7${contact.digits}`);
    check(id, `no contact with +7${contact.digits}`);
    return id;
}

async function search(page, fields) {
    await openContacts(page);
    for (const key of ['phone', 'name', 'region', 'source']) {
        await page.getByTestId(`search-${key}`).fill(fields[key] ?? '');
    }
    // Wait for this search's answer, and for the table to show it (not the list before).
    await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/contacts'),
        page.getByTestId('search-submit').click(),
    ]);
    await page.waitForFunction(() => document.querySelector('[data-testid="results"]')?.getAttribute('aria-busy') !== 'true');
}

// ---------------------------------------------------------------- one language on screen

// Latin words a Russian screen may show: the product's name, names of formats and
// standards, and what the test itself typed (user names, file names, addresses).
const LATIN_ALLOWED = new Set([
    'callbase', 'csv', 'xlsx', 'xls', 'sip', 'utf', 'cp1251', 'windows', 'totp', 'json', 'api', 'url', 'ivr',
    'utm', 'http', 'https', 'id', 'e', 'mail', 'e-mail', 'sms', 'dpo', 'pdf', 'wav', 'break-glass', 'otp',
    'admin', 'supervisor', 'operator', 'analyst', 'dpo', 'service', 'robot', 'e2e', 'ok',
    'utc', 'sha', 'excel', 'gzip', 'asterisk', 'vip',
    'opros', 'fas', // the example codes of a purpose and a registry (codes are Latin)
]);

// Free text this test types (a stop-list reason, an export's reason, import
// sources): data on screen, not interface text, whatever its language.
const TYPED_TEXT = ['asked not to be called', 'e2e: calling list for Moscow', 'e2e: call next year', 'e2e: the banner goes', 'e2e-messy', EXPORT_SOURCE];

// The names the base holds (users, campaigns, tags, fields, purposes, registries,
// teams, saved filters): data, shown as they were written.
async function dataValues(page) {
    const values = await page.evaluate(async () => {
        const out = [];
        const take = async (path, pick) => {
            const r = await fetch(`/api/v1${path}`);
            if (!r.ok) return;
            const body = await r.json();
            for (const item of body.items ?? body.campaigns ?? []) for (const v of pick(item)) if (typeof v === 'string') out.push(v);
        };
        await take('/users', (x) => [x.name]);
        await take('/campaigns', (x) => [x.name, x.purpose]);
        await take('/tags', (x) => [x.name]);
        await take('/fields', (x) => [x.name]);
        await take('/purposes', (x) => [x.name]);
        await take('/registries', (x) => [x.name]);
        await take('/teams', (x) => [x.name, ...x.members]);
        await take('/saved-filters', (x) => [x.name]);
        return out;
    });
    return [...new Set([...values, ...TYPED_TEXT])].filter((v) => v.trim().length > 1);
}

// Every string a person sees on the page: text of visible elements and the titles,
// placeholders and labels of controls (not what a user typed into a field).
async function visibleStrings(page) {
    return page.evaluate(() => {
        const out = new Set();
        const visible = (el) => {
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || style.display === 'none') return false;
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0;
        };
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent.trim();
            const el = node.parentElement;
            // Data (data-user-text), text that says it is English (a record as the
            // server wrote it, the EN of the language switch) and code samples.
            if (!text || !el || el.closest('script,style,code,[data-user-text],[lang|="en"]') || !visible(el)) continue;
            out.add(text);
        }
        for (const el of document.querySelectorAll('[title],[placeholder],[aria-label]')) {
            if (!visible(el) || el.closest('[data-user-text],[lang|="en"]')) continue;
            for (const a of ['title', 'placeholder', 'aria-label']) {
                const v = el.getAttribute(a);
                if (v && v.trim()) out.add(v.trim());
            }
        }
        for (const el of document.querySelectorAll('option')) {
            if (el.textContent.trim() && !el.closest('[data-user-text],[lang|="en"]')) out.add(el.textContent.trim());
        }
        return [...out];
    });
}

// The strings of `strings` with a Latin word outside LATIN_ALLOWED and outside what
// is data: a value the base holds (`data`, longest first), or data by its shape
// (addresses, file names, e-mails, hashes and pseudonyms, key=value filter terms,
// kind:id references, HTTP request lines).
function englishIn(strings, extra = [], data = []) {
    const allowed = new Set([...LATIN_ALLOWED, ...extra.map((w) => w.toLowerCase())]);
    const values = [...data].sort((a, b) => b.length - a.length);
    const found = [];
    for (const text of strings) {
        let cleaned = text
            .replace(/`[^`]*`/g, ' ')
            .replace(/\bcallbase( [a-z][\w-]*)+/g, ' ')
            .replace(/\b(GET|POST|PUT|PATCH|DELETE) \/\S*/g, ' ')
            .replace(/\b[a-z_]+(=|>=|<=|>|<|:)[^\s,;]+/g, ' ')
            .replace(/\bP-[0-9a-f]{6,}\b/g, ' ')
            .replace(/\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*\b/g, (m) => (m.length >= 8 ? ' ' : m));
        for (const v of values) cleaned = cleaned.split(v).join(' ');
        cleaned = cleaned
            .replace(/https?:\/\/\S+/g, ' ')
            .replace(/\S+@\S+/g, ' ')
            .replace(/[\w.-]+\.(csv|xlsx|xls|txt|wav|json|toml|cbr|png)\b/gi, ' ')
            .replace(/#\/[\w/-]*/g, ' ');
        const words = cleaned.match(/[A-Za-z][A-Za-z-]*[A-Za-z]|[A-Za-z]/g) ?? [];
        const bad = words.filter((w) => w.length > 1 && !allowed.has(w.toLowerCase()));
        if (bad.length) found.push(`"${text.slice(0, 120)}" (${[...new Set(bad)].slice(0, 6).join(', ')})`);
    }
    return found;
}

// ---------------------------------------------------------------- scenarios

const results = [];

async function scenario(name, fn) {
    const started = Date.now();
    try {
        await fn();
        results.push({ name, ok: true });
        log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
        // A server that died mid-scenario is the likelier story than what the page said.
        const died = server && (server.exitCode !== null || server.signalCode !== null);
        const why = died ? `${e.message} (callbase serve has exited: ${server.signalCode ?? `code ${server.exitCode}`})` : e.message;
        results.push({ name, ok: false, why });
        log(`FAIL ${name}: ${e instanceof Failure ? why : e.stack}${died && !(e instanceof Failure) ? `\n  (callbase serve has exited: ${server.signalCode ?? `code ${server.exitCode}`})` : ''}`);
    }
}

async function main() {
    check(existsSync(CALLBASE), `no binary at ${CALLBASE}`);
    check(existsSync(join(WEB_DIR, 'index.html')), `no index.html in ${WEB_DIR}: run npm run build --prefix web`);
    check(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM`);
    mkdirSync(OUT_DIR, { recursive: true });

    const { known, fresh, segment } = await setUp();
    const messy = writeMessyFile(fresh);
    base = await startServer();
    log(`e2e: server at ${base}`);

    browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-default-apps',
            '--disable-sync',
            '--no-first-run',
            '--disable-domain-reliability',
            '--metrics-recording-only',
        ],
    });

    // a. Each role logs in and sees its nav; a wrong password shows the banner.
    await scenario('a. wrong password shows the error banner', async () => {
        const { context, page } = await newPage();
        try {
            await page.goto(`${base}/#/login`);
            await waitFor(page, page.getByTestId('page-login'), 'the login page');
            await shot(page, 'login');
            await login(page, 'operator', 'not-the-password');
            await waitFor(page, page.getByTestId('error'), 'the error banner');
            check(await page.getByTestId('page-login').isVisible(), 'a wrong password left the login page');
            await shot(page, 'login-error');
        } finally {
            await context.close();
        }
    });
    for (const role of ['operator', 'supervisor', 'analyst', 'admin', 'dpo']) {
        await scenario(`a. ${role} logs in and sees its nav`, async () => {
            const s = await newPage();
            sessions[role] = s;
            await login(s.page, role);
            await waitFor(s.page, s.page.getByTestId('page-search'), `the search page after ${role}'s login`);
            await waitFor(s.page, s.page.getByTestId('logout'), 'the logout button');
            const nav = (await navNames(s.page)).sort();
            const want = [...NAV[role]].sort();
            check(
                JSON.stringify(nav) === JSON.stringify(want),
                `${role}'s nav is [${nav.join(', ')}], expected [${want.join(', ')}] (not: ${ALL_NAV.filter((n) => !want.includes(n)).join(', ')})`,
            );
        });
    }
    const supervisor = sessions.supervisor?.page;
    const operator = sessions.operator?.page;
    const admin = sessions.admin?.page;

    await scenario('a. the language switch turns the UI Russian and back', async () => {
        check(supervisor, 'no supervisor session');
        await supervisor.getByTestId('lang-switch').click();
        const text = await supervisor.getByTestId('nav-contacts').innerText();
        check(text.includes('Контакты'), `after the switch the contacts link reads "${text}"`);
        await supervisor.reload();
        await waitFor(supervisor, supervisor.getByTestId('page-search'), 'the search page after reload');
        const kept = await supervisor.getByTestId('nav-contacts').innerText();
        check(kept.includes('Контакты'), `the language was not kept across a reload ("${kept}")`);
        await shot(supervisor, 'search-ru');
        await supervisor.getByTestId('lang-switch').click();
        const back = await supervisor.getByTestId('nav-contacts').innerText();
        check(back.includes('Contacts'), `after switching back the link reads "${back}"`);
    });

    // b. Search by a known contact's number in another spelling; the card shows it in full.
    const target = known[0];
    await scenario('b. supervisor finds a contact by phone and its card shows the full number', async () => {
        check(supervisor, 'no supervisor session');
        await search(supervisor, { phone: spell8(target.digits) });
        const rows = supervisor.getByTestId('result-row');
        await waitFor(supervisor, rows, `a result for ${spell8(target.digits)}`);
        const count = await rows.count();
        check(count === 1, `searching ${spell8(target.digits)} found ${count} rows, expected 1`);
        await shot(supervisor, 'search');
        await rows.first().click();
        await waitFor(supervisor, supervisor.getByTestId('page-card'), 'the card');
        await waitFor(supervisor, supervisor.getByTestId('card-phone'), 'a phone on the card');
        const phones = await supervisor.getByTestId('card-phone').allInnerTexts();
        const full = `+7${target.digits}`;
        check(
            phones.some((p) => p.replace(/[\s()-]/g, '').includes(full)),
            `the card's phones [${phones.join(' | ')}] do not show ${full}`,
        );
        const name = await supervisor.getByTestId('card-name').innerText();
        check(name.trim().length > 0, 'the card shows no name');
        await shot(supervisor, 'card');
    });

    // c. The import wizard with a messy cp1251 file.
    await scenario('c. supervisor imports a messy Windows-1251 file through the wizard', async () => {
        check(supervisor, 'no supervisor session');
        await supervisor.goto(`${base}/#/import`);
        await waitFor(supervisor, supervisor.getByTestId('page-import'), 'the import page');
        await supervisor.getByTestId('import-file').setInputFiles(messy.path);
        await waitFor(supervisor, supervisor.getByTestId('import-encoding'), 'the preview (encoding)');
        const encoding = await supervisor.getByTestId('import-encoding').inputValue();
        const delimiter = await supervisor.getByTestId('import-delimiter').inputValue();
        check(/^(cp1251|windows-1251)$/i.test(encoding), `detected encoding "${encoding}", expected cp1251`);
        check(delimiter === ';', `detected delimiter "${delimiter}", expected ";"`);
        const maps = await supervisor.getByTestId('import-map').count();
        check(maps === 4, `the mapping table has ${maps} column selects, expected 4`);
        const phoneMap = await supervisor.locator('[data-testid="import-map"][data-header="Телефон"]').inputValue();
        check(phoneMap === 'phone', `Телефон is mapped to "${phoneMap}", expected phone`);
        const previewText = await supervisor.getByTestId('import-mapping').innerText();
        check(previewText.includes('Петров Иван'), 'the preview does not show the first row decoded (Петров Иван)');
        await supervisor.getByTestId('import-source').fill('e2e-messy');
        await shot(supervisor, 'import-preview');
        // The progress comes over the WebSocket (the page polls only when it fails).
        let frames = 0;
        const onSocket = (ws) => {
            if (ws.url().includes('/api/v1/imports/')) ws.on('framereceived', () => frames++);
        };
        supervisor.on('websocket', onSocket);
        await supervisor.getByTestId('import-start').click();
        await waitFor(supervisor, supervisor.getByTestId('import-progress'), 'the progress bar');
        await waitFor(supervisor, supervisor.getByTestId('import-summary'), 'the import summary', { timeout: 30000 });
        const number = async (key) =>
            Number((await supervisor.getByTestId(`import-summary-${key}`).innerText()).replace(/\D/g, ''));
        const rejected = await number('rejected');
        const inserted = await number('inserted');
        check(rejected === messy.badValues.length, `summary says rejected ${rejected}, expected ${messy.badValues.length}`);
        check(inserted === 6, `summary says inserted ${inserted}, expected 6`);
        supervisor.off('websocket', onSocket);
        check(frames > 0, 'no message came over /api/v1/imports/{job}/events (the page fell back to polling)');
        await shot(supervisor, 'import-summary');
        // The page lists the rows of the report, and says each reason in the
        // user's language: in Russian, no English word in them (the phone
        // cleaner's reasons too).
        const rowLines = async () =>
            (await supervisor.getByTestId('import-error-rows').locator('tbody tr td:first-child').allInnerTexts()).map(Number);
        const shown = await rowLines();
        check(
            messy.badLines.every((n) => shown.includes(n)),
            `the import page lists lines ${shown.join(', ')}; the bad rows are at ${messy.badLines.join(', ')}`,
        );
        await supervisor.getByTestId('lang-switch').click();
        const reasons = await supervisor.getByTestId('import-error-rows').locator('tbody tr td:last-child').allInnerTexts();
        const english = englishIn(reasons);
        check(reasons.length > 0 && english.length === 0, `English in the import page's reasons in Russian: ${english.join('; ')}`);
        await shot(supervisor, 'import-summary-ru');
        await supervisor.getByTestId('lang-switch').click();

        const [download] = await Promise.all([
            supervisor.waitForEvent('download', { timeout: 15000 }),
            supervisor.getByTestId('import-errors-link').click(),
        ]);
        const report = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
        writeFileSync(join(OUT_DIR, 'import-errors.csv'), report);
        const reportRows = parseCsv(report).filter((r) => r.length > 1);
        const lines = new Set(reportRows.slice(1).map((r) => Number(r[0])));
        const missing = messy.badLines.filter((n) => !lines.has(n));
        check(
            missing.length === 0,
            `the error report lacks lines ${missing.join(', ')} (bad rows are at ${messy.badLines.join(', ')}); it holds:\n${report}`,
        );
        for (const value of messy.badValues) {
            check(report.includes(value), `the error report does not quote the bad value "${value}"`);
        }
    });

    // d. Add to the stop-list from the card; the service call turns denied.
    const stopTarget = known[1];
    await scenario('d. supervisor adds a contact to the stop-list from its card', async () => {
        check(supervisor, 'no supervisor session');
        await search(supervisor, { phone: `+7${stopTarget.digits}` });
        await waitFor(supervisor, supervisor.getByTestId('result-row'), `a result for +7${stopTarget.digits}`);
        await supervisor.getByTestId('result-row').first().click();
        await waitFor(supervisor, supervisor.getByTestId('card-stop'), 'the stop-list state on the card');
        const decision = /\b(allowed|denied)\b|разрешён|запрещён/;
        for (const purpose of ['marketing', 'service']) {
            const text = await supervisor.getByTestId(`can-call-${purpose}`).innerText();
            check(decision.test(text), `can-call-${purpose} shows no decision: "${text}"`);
        }
        const before = await supervisor.getByTestId('card-stop').innerText();
        check(!/Do not disturb|Не беспокоить/.test(before), `the contact is in the stop-list already: "${before}"`);
        await supervisor.getByTestId('card-add-stop').click();
        // It asks which category and why, offering the contact's numbers.
        await waitFor(supervisor, supervisor.getByTestId('stop-ask'), 'the stop-list question');
        await supervisor.getByTestId('stop-category').selectOption('do_not_disturb');
        await supervisor.getByTestId('stop-reason').fill('asked not to be called');
        await supervisor.getByTestId('stop-confirm').click();
        try {
            await supervisor.getByTestId('card-stop').filter({ hasText: /Do not disturb|Не беспокоить/ }).waitFor();
        } catch {
            throw new Failure(
                `card-stop does not show the entry after the click: "${await supervisor.getByTestId('card-stop').innerText()}"; banner: "${await errorText(supervisor)}"`,
            );
        }
        const service = await supervisor.getByTestId('can-call-service').innerText();
        check(/denied|запрещён/.test(service), `can-call-service after the stop-list entry: "${service}", expected denied`);
        check(/on the stop-list: Do not disturb|в стоп-листе: Не беспокоить/.test(service), `can-call-service gives no stop-list reason in words: "${service}"`);
        check(!/stop_list|do_not_disturb/.test(service), `can-call-service shows a raw code: "${service}"`);
        await shot(supervisor, 'card-stopped');

        await supervisor.goto(`${base}/#/stop-list`);
        await waitFor(supervisor, supervisor.getByTestId('stop-row'), 'a row on the stop-list page');
        const table = await supervisor.getByTestId('stop-table').innerText();
        check(table.replace(/\D/g, '').includes(stopTarget.digits.slice(-4)), `the stop-list page does not list …${stopTarget.digits.slice(-4)}`);
        check(table.includes(`+7 ${stopTarget.digits.slice(0, 3)} ${stopTarget.digits.slice(3, 6)}-`), `the stop-list page does not group the number: "${table.slice(0, 300)}"`);
        await shot(supervisor, 'stop-list');
    });

    // e. The operator sees masked numbers and nothing of exports.
    await scenario('e. operator sees masked numbers and no exports', async () => {
        check(operator, 'no operator session');
        await search(operator, { name: target.name.split(' ')[0] });
        await waitFor(operator, operator.getByTestId('result-row'), `a result for the name ${target.name}`);
        check((await operator.getByTestId('export-request').count()) === 0, 'the operator sees the export request button');
        check((await operator.getByTestId('nav-exports').count()) === 0, 'the operator sees the exports link');
        await operator.getByTestId('result-row').first().click();
        await waitFor(operator, operator.getByTestId('card-phone'), 'a phone on the card');
        const phones = await operator.getByTestId('card-phone').allInnerTexts();
        check(phones.every((p) => p.includes('***')), `the operator's card shows unmasked numbers: ${phones.join(' | ')}`);
        const status = await operator.evaluate(() => fetch('/api/v1/exports', { credentials: 'same-origin' }).then((r) => r.status));
        check(status === 403, `GET /api/v1/exports as the operator answered ${status}, expected 403`);
        await shot(operator, 'card-operator');
    });

    // f. The admin reads the audit log: the actions above, filtered by actor.
    await scenario('f. admin finds the actions above in the audit log', async () => {
        check(admin, 'no admin session');
        await admin.goto(`${base}/#/audit`);
        await waitFor(admin, admin.getByTestId('page-audit'), 'the audit page');
        await admin.getByTestId('audit-actor').fill('supervisor');
        await admin.getByTestId('audit-submit').click();
        await admin
            .waitForFunction(() => {
                const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
                return rows.length > 0 && rows.every((r) => r.dataset.actor === 'supervisor');
            })
            .catch(() => undefined); // the checks below say what is wrong
        const rows = await admin.getByTestId('audit-row').evaluateAll((trs) =>
            trs.map((tr) => ({ actor: tr.dataset.actor, action: tr.dataset.action, text: tr.innerText })),
        );
        const others = rows.filter((r) => r.actor !== 'supervisor');
        check(others.length === 0, `the actor filter let through ${others.map((r) => r.actor).join(', ')}`);
        const actions = new Set(rows.map((r) => r.action));
        for (const want of ['login', 'read']) check(actions.has(want), `no "${want}" record for supervisor; actions: ${[...actions].join(', ')}`);
        check(
            actions.has('change') || actions.has('mass_edit'),
            `no change/mass_edit record (import, stop-list) for supervisor; actions: ${[...actions].join(', ')}`,
        );
        check(
            rows.some((r) => /stop/i.test(r.text)),
            `no audit record of the stop-list change; records:\n${rows.map((r) => r.text.replace(/\s+/g, ' ')).join('\n')}`,
        );
        await admin.getByTestId('audit-action').selectOption('login');
        await admin.getByTestId('audit-submit').click();
        await admin
            .waitForFunction(() => {
                const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
                return rows.length > 0 && rows.every((r) => r.dataset.action === 'login');
            })
            .catch(() => undefined);
        const logins = await admin.getByTestId('audit-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.action));
        check(logins.length > 0 && logins.every((a) => a === 'login'), `filtering by action login gave [${logins.join(', ')}]`);
        await admin.getByTestId('audit-action').selectOption('');
        await admin.getByTestId('audit-submit').click();
        await admin.getByTestId('audit-verify').click();
        await waitFor(admin, admin.getByTestId('audit-verify-result'), 'the verify result');
        const verdict = await admin.getByTestId('audit-verify-result').innerText();
        check(/chain holds/i.test(verdict), `audit verify says: "${verdict}"`);
        await shot(admin, 'audit');
    });

    // g. The remaining screenshots, and the phone-sized search page.
    await scenario('g. health, users and the phone-sized layout', async () => {
        check(admin && supervisor, 'no admin or supervisor session');
        await admin.goto(`${base}/#/health`);
        await waitFor(admin, admin.getByTestId('health-metric'), 'a health metric');
        await waitFor(admin, admin.locator('[data-testid="health-chart"] canvas'), 'the health chart');
        const contacts = Number((await admin.getByTestId('health-contacts').innerText()).replace(/\D/g, ''));
        check(contacts > 250, `health shows ${contacts} contacts, expected about 300`);
        await shot(admin, 'health');
        await admin.goto(`${base}/#/users`);
        await waitFor(admin, admin.getByTestId('user-row'), 'a user row');
        const users = await admin.getByTestId('user-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.name));
        for (const role of Object.keys(PASSWORDS)) check(users.includes(role), `the users page lacks ${role}`);
        await waitFor(admin, admin.getByTestId('permission-table'), 'the permission table');
        await shot(admin, 'users');

        await supervisor.setViewportSize(PHONE);
        await openContacts(supervisor);
        await supervisor.getByTestId('search-reset').click();
        await supervisor
            .waitForFunction(() => document.querySelectorAll('[data-testid="result-row"]').length > 1)
            .catch(() => {
                throw new Failure('Reset did not bring back the whole list on the phone-sized page');
            });
        check(!(await supervisor.getByTestId('nav-import').isVisible()), 'the nav is not collapsed at 375 px');
        const overflow = await supervisor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 1, `the phone-sized page scrolls sideways by ${overflow} px`);
        await shot(supervisor, 'search-phone');
        await supervisor.getByTestId('menu-toggle').click();
        await waitFor(supervisor, supervisor.getByTestId('nav-import'), 'the nav in the opened menu');
        await shot(supervisor, 'search-phone-menu');
        await supervisor.setViewportSize(DESKTOP);
    });

    // h. Editing on the card: status with a callback time, a custom field, a tag.
    await scenario('h. supervisor edits a card: status, custom field, tag', async () => {
        check(supervisor, 'no supervisor session');
        await supervisor.goto(`${base}/#/contacts/${await contactId(supervisor, known[2])}`);
        await waitFor(supervisor, supervisor.getByTestId('card-status-select'), 'the status editor');
        await supervisor.getByTestId('card-status-select').selectOption('callback');
        // A month ahead: a callback more than a year ahead is refused (issue 17).
        const ahead = new Date(Date.now() + 30 * 86400e3);
        const day = `${ahead.getFullYear()}-${String(ahead.getMonth() + 1).padStart(2, '0')}-${String(ahead.getDate()).padStart(2, '0')}`;
        await supervisor.getByTestId('card-callback-at').fill(`${day}T10:30`);
        await supervisor.getByTestId('card-status-set').click();
        await waitFor(supervisor, supervisor.getByTestId('card-callback'), 'the callback time on the card');
        const callback = await supervisor.getByTestId('card-callback').innerText();
        check(callback.includes(String(ahead.getFullYear())) && callback.includes('10:30'), `the card's callback time reads "${callback}"`);
        const field = supervisor.getByTestId('card-field').first();
        if (await field.count()) {
            const name = await field.getAttribute('data-field');
            await field.fill('4321');
            await field.press('Enter');
            await supervisor.getByTestId('card-history').filter({ hasText: '4321' }).waitFor().catch(async () => {
                throw new Failure(`the history does not show the new value of ${name}; banner: "${await errorText(supervisor)}"`);
            });
        }
        const options = await supervisor.getByTestId('card-tag-select').locator('option').evaluateAll((o) => o.map((x) => x.value).filter(Boolean));
        if (options.length) {
            await supervisor.getByTestId('card-tag-select').selectOption(options[0]);
            await supervisor.getByTestId('card-tag-add').click();
            await supervisor.getByTestId('card-tag').filter({ hasText: options[0] }).waitFor();
            await supervisor.getByTestId('card-tag').filter({ hasText: options[0] }).getByRole('button').click();
            await supervisor.getByTestId('card-tag').filter({ hasText: options[0] }).waitFor({ state: 'detached' });
        } else {
            log('  (the tag dictionary is empty: tags not tried)');
        }
        await shot(supervisor, 'card-edited');
    });

    // i. Four eyes: the supervisor asks for an export, the dpo approves, the supervisor downloads it.
    await scenario('i. export: supervisor requests, dpo approves, supervisor downloads', async () => {
        const dpo = sessions.dpo?.page;
        check(supervisor && dpo, 'no supervisor or dpo session');
        await search(supervisor, { region: 'Москва' });
        await supervisor.getByTestId('export-reason').fill('e2e: calling list for Moscow');
        await supervisor.getByTestId('export-request').click();
        await waitFor(supervisor, supervisor.getByTestId('notice'), 'the export request notice');
        await dpo.goto(`${base}/#/exports`);
        await waitFor(dpo, dpo.getByTestId('export-review'), 'a review button for the dpo');
        const row = dpo.getByTestId('export-row').filter({ hasText: 'e2e: calling list' });
        check((await row.innerText()).includes('region=Москва'), `the request's filter is not region=Москва: "${await row.innerText()}"`);
        // The approver approves from the preview: a supervisor's export leaves as stored.
        await row.getByTestId('export-review').click();
        const preview = dpo.getByTestId('export-preview');
        await waitFor(dpo, preview.getByTestId('export-preview-rows'), 'the export preview');
        const names = preview.locator('[data-testid="export-preview-column"][data-column="ФИО"]');
        const shownAs = (await names.innerText()).trim();
        check(shownAs.endsWith('as stored'), `the supervisor's export shows ФИО as "${shownAs}", expected "as stored"`);
        await preview.getByTestId('export-approve').click();
        await row.filter({ has: dpo.locator('.badge.approved') }).waitFor().catch(async () => {
            throw new Failure(`the request was not approved: "${await row.innerText()}"; banner: "${await errorText(dpo)}"`);
        });
        await supervisor.goto(`${base}/#/exports`);
        const mine = supervisor.getByTestId('export-row').filter({ hasText: 'e2e: calling list' });
        await waitFor(supervisor, mine.getByTestId('export-download'), 'the download link');
        const [download] = await Promise.all([
            supervisor.waitForEvent('download', { timeout: 15000 }),
            mine.getByTestId('export-download').click(),
        ]);
        const csv = readFileSync(await download.path(), 'utf8');
        check(csv.includes('Москва'), `the export holds no Москва rows: ${csv.slice(0, 200)}`);
        await shot(supervisor, 'exports');
    });

    // i. An analyst's export carries the analyst's view, and the approver sees it
    // before approving, in Russian: who asked and in which role, the exact row
    // count, every column and how it leaves; then the file holds what was shown.
    await scenario('i. export: analyst requests, the approver sees what will leave (Russian UI), the file holds it', async () => {
        const analyst = sessions.analyst?.page;
        check(supervisor && analyst, 'no supervisor or analyst session');
        const reason = 'e2e: размер сегмента для отчёта';
        await search(analyst, { source: EXPORT_SOURCE });
        const found = await analyst.getByTestId('results').getByRole('row').count();
        check(found === segment.length + 1, `the analyst's search by source found ${found - 1} rows, expected ${segment.length}`);
        await analyst.getByTestId('export-reason').fill(reason);
        await analyst.getByTestId('export-request').click();
        await waitFor(analyst, analyst.getByTestId('notice'), "the analyst's export request notice");

        await supervisor.getByTestId('lang-switch').click();
        try {
            const navText = await supervisor.getByTestId('nav-contacts').innerText();
            check(navText.includes('Контакты'), `the supervisor's UI is not Russian ("${navText}")`);
            // A fresh list: scenario i leaves the supervisor on this page, and a same-hash goto loads nothing.
            await supervisor.goto(`${base}/#/exports`);
            await supervisor.reload();
            const row = supervisor.getByTestId('export-row').filter({ hasText: reason });
            await waitFor(supervisor, row, "the analyst's request");
            check((await row.getByTestId('export-approve').count()) === 0, 'the request can be approved from the list, without its preview');
            await row.getByTestId('export-review').click();
            const preview = supervisor.getByTestId('export-preview');
            await waitFor(supervisor, preview.getByTestId('export-preview-rows'), 'the export preview');
            const text = async (id) => (await preview.getByTestId(id).innerText()).trim();

            const rows = await preview.getByTestId('export-preview-rows').getAttribute('data-rows');
            check(rows === String(segment.length), `the preview says ${rows} rows, expected ${segment.length}`);
            check((await text('export-preview-rows')) === String(segment.length), `the preview shows "${await text('export-preview-rows')}" rows`);
            const requester = await text('export-preview-requester');
            check(requester.startsWith('analyst') && requester.includes('Аналитик'), `the requester reads "${requester}", expected analyst · Аналитик`);
            const view = await text('export-preview-view');
            check(view.startsWith('псевдонимы'), `the view reads "${view}", expected псевдонимы…`);
            check((await text('export-preview-filter')) === `source=${EXPORT_SOURCE}`, `the filter reads "${await text('export-preview-filter')}"`);
            check((await text('export-preview-reason')) === reason, `the reason reads "${await text('export-preview-reason')}"`);

            // Every column the file will have, in its order, and how each leaves.
            const columns = await preview.getByTestId('export-preview-column').evaluateAll((trs) =>
                trs.map((tr) => ({ name: tr.dataset.column, shown: tr.cells[1].innerText.trim() })),
            );
            const custom = await supervisor.evaluate(() =>
                fetch('/api/v1/fields').then((r) => r.json()).then((b) => b.items.map((f) => f.name)),
            );
            const names = columns.map((c) => c.name);
            check(
                JSON.stringify(names.slice(0, EXPORT_FIXED_COLUMNS.length)) === JSON.stringify(EXPORT_FIXED_COLUMNS) &&
                    JSON.stringify(names.slice(EXPORT_FIXED_COLUMNS.length).sort()) === JSON.stringify([...custom].sort()),
                `the preview's columns are [${names.join(', ')}], expected [${EXPORT_FIXED_COLUMNS.join(', ')}] and the fields [${custom.join(', ')}]`,
            );
            const pseudonym = 'псевдоним (P- и 12 шестнадцатеричных цифр)';
            const want = { ФИО: pseudonym, Телефон: pseudonym, 'E-mail': 'пусто', Комментарий: 'пусто', Регион: 'как хранится', Источник: 'как хранится' };
            for (const c of columns) {
                const expected = want[c.name] ?? 'как хранится';
                check(c.shown === expected, `the preview shows ${c.name} as "${c.shown}", expected "${expected}"`);
            }
            // What the approver sees is what leaves: no name, number or comment of the segment.
            const all = await preview.innerText();
            const allDigits = all.replace(/\D/g, '');
            for (const p of segment) {
                check(!allDigits.includes(p.digits.slice(-7)), `the preview shows the number of ${p.name}`);
                for (const leak of [p.name.split(' ')[0], p.comment]) {
                    check(!all.includes(leak), `the preview shows "${leak}" of ${p.name}`);
                }
            }
            await shot(supervisor, 'export-preview-ru');

            const approve = preview.getByTestId('export-approve');
            check(await approve.isEnabled(), 'the approve button of a loaded preview is disabled');
            check((await approve.innerText()).includes('Одобрить'), `the approve button reads "${await approve.innerText()}"`);
            await approve.click();
            await waitFor(supervisor, supervisor.getByTestId('notice'), 'the approval notice');
            const notice = await supervisor.getByTestId('notice').innerText();
            check(notice.includes('одобрена') && notice.includes(String(segment.length)), `the approval notice reads "${notice}"`);
            await row.filter({ has: supervisor.locator('.badge.approved') }).waitFor();
        } finally {
            await supervisor.getByTestId('lang-switch').click();
        }

        // The analyst's file holds what the approver was shown.
        await analyst.goto(`${base}/#/exports`);
        const mine = analyst.getByTestId('export-row').filter({ hasText: reason });
        await waitFor(analyst, mine.getByTestId('export-download'), "the analyst's download link");
        const [download] = await Promise.all([analyst.waitForEvent('download', { timeout: 15000 }), mine.getByTestId('export-download').click()]);
        const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
        const table = parseCsv(csv, csv.split('\n')[0].includes(';') ? ';' : ',').filter((r) => r.length > 1);
        const header = table[0];
        check(
            JSON.stringify(header.slice(0, EXPORT_FIXED_COLUMNS.length)) === JSON.stringify(EXPORT_FIXED_COLUMNS),
            `the file's header is [${header.join(', ')}]`,
        );
        check(table.length - 1 === segment.length, `the file holds ${table.length - 1} rows, the preview said ${segment.length}`);
        for (const r of table.slice(1)) {
            for (const column of ['ФИО', 'Телефон']) {
                const value = r[header.indexOf(column)];
                check(/^P-[0-9a-f]{12}$/i.test(value), `the file's ${column} is "${value}", expected a pseudonym`);
            }
            for (const column of ['E-mail', 'Комментарий']) check(r[header.indexOf(column)] === '', `the file's ${column} is "${r[header.indexOf(column)]}"`);
        }
        for (const p of segment) {
            for (const leak of [p.name.split(' ')[0], p.digits.slice(-7), p.comment]) check(!csv.includes(leak), `the file holds "${leak}" of ${p.name}`);
        }
    });

    // j. Consents: record one for a known number, see it, revoke it.
    await scenario('j. supervisor records and revokes a consent', async () => {
        check(supervisor, 'no supervisor session');
        const phone = spell8(known[3].digits);
        await supervisor.goto(`${base}/#/consents`);
        await waitFor(supervisor, supervisor.getByTestId('page-consents'), 'the consents page');
        await supervisor.getByTestId('consent-phone').fill(phone);
        await supervisor.getByTestId('consent-purpose').selectOption('marketing');
        await supervisor.getByTestId('consent-add').click();
        await waitFor(supervisor, supervisor.getByTestId('consent-row'), 'the recorded consent');
        await supervisor.getByTestId('consent-revoke').first().click();
        await supervisor.getByTestId('consent-revoke-how').fill('e2e: by phone to the operator');
        await supervisor.getByTestId('consent-revoke-confirm').click();
        await supervisor.locator('[data-testid="consent-row"].inactive').first().waitFor().catch(async () => {
            throw new Failure(`the consent was not revoked; banner: "${await errorText(supervisor)}"`);
        });
        await shot(supervisor, 'consents');
    });

    // k. Deletion requests: the operator takes one, the dpo processes the pending ones.
    await scenario('k. operator takes a deletion request, dpo processes it', async () => {
        const dpo = sessions.dpo?.page;
        check(operator && dpo, 'no operator or dpo session');
        await operator.goto(`${base}/#/deletions`);
        await waitFor(operator, operator.getByTestId('deletion-phone'), 'the deletion request form');
        check((await operator.getByTestId('deletion-process').count()) === 0, 'the operator sees "process pending"');
        await operator.getByTestId('deletion-phone').fill(`+7${known[4].digits}`);
        await operator.getByTestId('deletion-note').fill('e2e: asked by phone');
        await operator.getByTestId('deletion-add').click();
        await waitFor(operator, operator.getByTestId('notice'), 'the request notice');
        await dpo.goto(`${base}/#/deletions`);
        await waitFor(dpo, dpo.getByTestId('deletion-row'), 'the request in the dpo list');
        await dpo.getByTestId('deletion-process').click();
        await waitFor(dpo, dpo.getByTestId('notice'), 'the processed notice');
        const notice = await dpo.getByTestId('notice').innerText();
        check(/Processed: [1-9]/.test(notice), `processing said "${notice}"`);
        await shot(dpo, 'deletions');
    });

    // l. Users: add one, change the role, disable.
    await scenario('l. admin adds a user, changes the role, disables it', async () => {
        check(admin, 'no admin session');
        await admin.goto(`${base}/#/users`);
        await waitFor(admin, admin.getByTestId('user-name'), 'the add-user form');
        await admin.getByTestId('user-name').fill('newbie');
        await admin.getByTestId('user-role').selectOption('operator');
        await admin.getByTestId('user-password').fill('newbie-pass-0001');
        await admin.getByTestId('user-add').click();
        const row = admin.locator('[data-testid="user-row"][data-name="newbie"]');
        await waitFor(admin, row, 'the new user');
        await row.locator('select').selectOption('supervisor');
        await row.getByRole('button', { name: /save/i }).click();
        await waitFor(admin, admin.getByTestId('notice').filter({ hasText: 'newbie' }), 'the role change notice');
        await row.getByTestId('user-disable').click();
        await admin.locator('[data-testid="user-row"][data-name="newbie"].inactive').waitFor().catch(async () => {
            throw new Failure(`newbie was not disabled; banner: "${await errorText(admin)}"`);
        });
        const role = await admin.locator('[data-testid="user-row"][data-name="newbie"] select').inputValue();
        check(role === 'supervisor', `newbie's role is ${role}, expected supervisor`);
    });

    // m. The stop-list page: add "not now" until a date, then remove it with a reason.
    await scenario('m. supervisor adds and removes a stop-list entry on its page', async () => {
        check(supervisor, 'no supervisor session');
        const digits = known[5].digits;
        await supervisor.goto(`${base}/#/stop-list`);
        await waitFor(supervisor, supervisor.getByTestId('stop-phone'), 'the stop-list form');
        await supervisor.getByTestId('stop-phone').fill(spell8(digits));
        await supervisor.getByTestId('stop-category').selectOption('not_now');
        await supervisor.getByTestId('stop-until').fill('2031-01-01T09:00');
        await supervisor.getByTestId('stop-note').fill('e2e: call next year');
        await supervisor.getByTestId('stop-add').click();
        const row = supervisor.getByTestId('stop-row').filter({ hasText: 'e2e: call next year' });
        await waitFor(supervisor, row, 'the new entry');
        check((await row.innerText()).includes('2031'), `the entry shows no until date: "${await row.innerText()}"`);
        await supervisor.getByTestId('stop-filter').selectOption('not_now');
        await waitFor(supervisor, row, 'the entry under the not_now filter');
        await row.getByTestId('stop-remove').click();
        await row.getByTestId('stop-remove-reason').fill('e2e: asked again');
        await row.getByTestId('stop-remove-confirm').click();
        await row.waitFor({ state: 'detached' }).catch(async () => {
            throw new Failure(`the entry was not removed; banner: "${await errorText(supervisor)}"`);
        });
    });

    // n. Dictionaries: a category, a tag in it, the tag retired; a field of a list.
    await scenario('n. supervisor defines a tag and a field, and retires the tag', async () => {
        check(supervisor, 'no supervisor session');
        await supervisor.goto(`${base}/#/dictionaries`);
        await waitFor(supervisor, supervisor.getByTestId('dict-category'), 'the dictionaries page');
        await supervisor.getByTestId('dict-category').fill('E2E');
        await supervisor.getByTestId('dict-category-add').click();
        await waitFor(supervisor, supervisor.getByTestId('notice').filter({ hasText: 'E2E' }), 'the category notice');
        await supervisor.getByTestId('dict-tag-category').fill('E2E');
        await supervisor.getByTestId('dict-tag-name').fill('весна');
        await supervisor.getByTestId('dict-tag-add').click();
        const row = supervisor.locator('[data-testid="dict-tag-row"][data-name="E2E:весна"]');
        await waitFor(supervisor, row, 'the new tag');
        await row.getByTestId('dict-tag-retire').click();
        await supervisor.locator('[data-testid="dict-tag-row"][data-name="E2E:весна"].inactive').waitFor().catch(async () => {
            throw new Failure(`the tag was not retired; banner: "${await errorText(supervisor)}"`);
        });
        await supervisor.getByTestId('dict-field-name').fill('e2e_channel');
        await supervisor.getByTestId('dict-field-type').selectOption('enum');
        await supervisor.getByTestId('dict-field-values').fill('site, call, shop');
        await supervisor.getByTestId('dict-field-add').click();
        await waitFor(supervisor, supervisor.locator('[data-testid="dict-field-row"][data-name="e2e_channel"]'), 'the new field');
        await shot(supervisor, 'dictionaries');
    });

    // o. A new analyst has no one-time code yet: it sets one up on the login page.
    await scenario('o. a new analyst sets up its one-time code on the login page and signs in', async () => {
        const password = 'nadia-e2e-pass-01';
        await asAdmin(['user', 'add', 'nadia', '--role', 'analyst'], { CALLBASE_NEW_PASSWORD: password });
        const { context, page } = await newPage();
        try {
            await page.goto(`${base}/#/login`);
            await waitFor(page, page.getByTestId('page-login'), 'the login page');
            await page.getByTestId('login-user').fill('nadia');
            await page.getByTestId('login-password').fill(password);
            await page.getByTestId('totp-enrol').click();
            await waitFor(page, page.getByTestId('totp-secret'), 'the new secret');
            const secret = (await page.getByTestId('totp-secret').innerText()).trim();
            await page.getByTestId('login-totp').fill(await freshTotp(secret));
            await page.getByTestId('totp-confirm').click();
            await waitFor(page, page.getByTestId('totp-enrolled'), 'the confirmation');
            await page.getByTestId('login-totp').fill(await freshTotp(secret));
            await page.getByTestId('login-submit').click();
            await waitFor(page, page.getByTestId('page-search'), 'the search page after the first sign-in');
        } finally {
            await context.close();
        }
    });

    // p. A campaign on the simulated network (sim.toml: everyone answers, talks 4 s;
    // serve at 4× real time): the supervisor sets it up and starts it, the operator
    // takes calls and records dispositions, the live figures move.
    await scenario('p. supervisor starts a campaign on the simulated network, an operator takes calls and records dispositions, the statistics move', async () => {
        check(supervisor && operator, 'no supervisor or operator session');
        const NAME = 'e2e progressive';
        const SCRIPT = 'E2E script: greet the client by name and ask about the last order.';
        await supervisor.goto(`${base}/#/campaigns`);
        await waitFor(supervisor, supervisor.getByTestId('campaign-form'), 'the campaign form');
        await supervisor.getByTestId('campaign-name').fill(NAME);
        await supervisor.getByTestId('campaign-purpose').selectOption('service');
        await supervisor.getByTestId('campaign-pacing').selectOption('progressive');
        await supervisor.getByTestId('campaign-segment').fill('stat=new');
        await supervisor.getByTestId('campaign-rules').fill('region=Москва:10');
        await supervisor.getByTestId('campaign-caller-ids').fill('+7 495 123-45-67\n8 (495) 123-45-68');
        await supervisor.getByTestId('campaign-schedule').fill('00:00-24:00');
        await supervisor.getByTestId('campaign-wrap-up').fill('3');
        await supervisor.getByTestId('campaign-script').fill(SCRIPT);
        // A segment the server refuses: its message shows by the form.
        await supervisor.getByTestId('campaign-create').click();
        await waitFor(supervisor, supervisor.getByTestId('campaign-error'), 'the refusal of the segment "stat=new"');
        const refusal = await supervisor.getByTestId('campaign-error').innerText();
        check(refusal.includes("'stat=new'") && /unknown key/.test(refusal), `the refusal reads "${refusal}"`);
        await supervisor.getByTestId('campaign-segment').fill('status=new');
        await supervisor.getByTestId('campaign-create').click();
        const row = supervisor.locator(`[data-testid="campaign-row"][data-name="${NAME}"]`);
        await waitFor(supervisor, row, 'the new campaign in the list');
        const created = await supervisor.getByTestId('notice').innerText();
        const leads = Number(/(\d+) contacts/.exec(created)?.[1] ?? 0);
        check(leads >= 5, `the campaign has ${leads} contacts to call ("${created}")`);
        check((await row.getByTestId('campaign-state').getAttribute('data-state')) === 'draft', 'the new campaign is not a draft');
        const id = Number(await row.getAttribute('data-id'));
        await row.getByTestId('campaign-start').click();
        await row.locator('[data-testid="campaign-state"][data-state="running"]').waitFor().catch(async () => {
            throw new Failure(`the campaign did not start: "${await row.innerText()}"; banner: "${await errorText(supervisor)}"`);
        });

        // The live view: figures from the feed before anyone works.
        const frames = [];
        const onSocket = (ws) => {
            if (ws.url().includes(`/api/v1/campaigns/${id}/live`)) ws.on('framereceived', (f) => frames.push(f.payload));
        };
        supervisor.on('websocket', onSocket);
        await row.getByTestId('campaign-open').click();
        await waitFor(supervisor, supervisor.getByTestId('page-campaign'), 'the campaign page');
        await supervisor.waitForFunction(() => Number(document.querySelector('[data-testid="page-campaign"]')?.dataset.frames) > 0, null, { timeout: 15000 }).catch(() => {
            throw new Failure('no live figures came over /api/v1/campaigns/{id}/live');
        });
        const figure = async (key) => Number((await supervisor.getByTestId(`live-${key}`).innerText()).replace(/\D/g, ''));
        const before = { attempts: await figure('attempts'), answered: await figure('answered') };

        // The operator joins, goes ready and works two calls.
        await operator.goto(`${base}/#/work`);
        await waitFor(operator, operator.getByTestId('work-campaign'), 'the running campaigns on the operator desk');
        await operator.getByTestId('work-campaign').selectOption(String(id));
        await operator.getByTestId('work-join').click();
        await waitFor(operator, operator.locator('[data-testid="work-state"][data-state="paused"]'), 'the operator paused after joining');
        await operator.getByTestId('work-ready').click();
        const seen = [];
        for (let i = 0; i < 2; i++) {
            await operator
                .waitForFunction((ids) => {
                    const card = document.querySelector('[data-testid="work-card"]');
                    return card && !ids.includes(card.dataset.contact);
                }, seen, { timeout: 20000 })
                .catch(async () => {
                    throw new Failure(
                        `call ${i + 1}: no contact card came; state "${await operator.getByTestId('work-state').innerText()}"; banner: "${await errorText(operator)}"`,
                    );
                });
            const contact = await operator.getByTestId('work-card').getAttribute('data-contact');
            seen.push(contact);
            const script = await operator.getByTestId('work-script').innerText();
            check(script.includes(SCRIPT), `the script beside the card reads "${script}"`);
            check((await operator.getByTestId('work-card-name').innerText()).trim().length > 0, 'the card shows no name');
            const phones = await operator.getByTestId('work-card-phone').allInnerTexts();
            check(phones.length > 0 && phones.every((p) => p.includes('***')), `the operator's card shows [${phones.join(' | ')}], expected masked numbers`);
            await waitFor(operator, operator.getByTestId('work-disposition'), `call ${i + 1}: the disposition form in wrap-up`, { timeout: 20000 });
            check((await operator.getByTestId('work-state').getAttribute('data-state')) === 'wrap_up', 'the disposition form shows outside wrap-up');
            await operator.getByTestId('work-disp-status').selectOption('in_progress');
            await operator.getByTestId('work-disp-note').fill(`e2e: call ${i + 1} went well`);
            if (i === 0) await shot(operator, 'operator');
            await operator.getByTestId('work-disp-save').click();
            await operator.getByTestId('work-disposition').waitFor({ state: 'detached' }).catch(async () => {
                throw new Failure(`call ${i + 1}: the disposition was not taken; banner: "${await errorText(operator)}"`);
            });
        }
        // The dispositions are on the contacts: status and history, as the operator.
        for (const contact of seen) {
            const card = await supervisor.evaluate((c) => fetch(`/api/v1/contacts/${c}`).then((r) => r.json()), contact);
            check(card.status === 'in_progress', `contact #${contact} is "${card.status}" after the disposition, expected in_progress`);
            check(
                card.history.some((h) => h.actor === 'operator' && h.after === 'in_progress'),
                `contact #${contact}'s history has no status change by the operator`,
            );
        }

        // The supervisor's figures moved.
        await supervisor
            .waitForFunction(
                (b) => {
                    const n = (k) => Number(document.querySelector(`[data-testid="live-${k}"]`)?.textContent.replace(/\D/g, '') ?? 0);
                    return n('attempts') >= b.attempts + 2 && n('answered') >= b.answered + 2;
                },
                before,
                { timeout: 15000 },
            )
            .catch(() => undefined);
        const after = { attempts: await figure('attempts'), answered: await figure('answered') };
        log(`  live figures: attempts ${before.attempts} → ${after.attempts}, answered ${before.answered} → ${after.answered}`);
        check(after.attempts >= 2 && after.attempts >= before.attempts + 2, `attempts went ${before.attempts} → ${after.attempts}, expected 2 more`);
        check(after.answered >= 2 && after.answered >= before.answered + 2, `answered went ${before.answered} → ${after.answered}, expected 2 more`);
        await supervisor.waitForFunction(() => document.querySelectorAll('[data-testid="chart-calls"] polyline').length === 2, null, { timeout: 15000 }).catch(() => {
            throw new Failure('the attempts/answered chart has no lines');
        });
        check((await supervisor.getByTestId('chart-abandon-limit').count()) === 1, 'the abandon chart has no limit line');
        const bars = await supervisor.getByTestId('caller-id-bar').count();
        check(bars === 2, `the caller-ID bars are ${bars}, expected 2`);
        supervisor.off('websocket', onSocket);
        check(frames.length > 0, 'no frame came over the live WebSocket');
        await shot(supervisor, 'campaigns');

        // Wind down: the campaign pauses, the operator closes what is in flight, pauses and leaves.
        await supervisor.getByTestId('campaign-pause').click();
        await waitFor(supervisor, supervisor.locator('[data-testid="campaign-state"][data-state="paused"]'), 'the paused state');
        const deadline = Date.now() + 20000;
        for (;;) {
            check(Date.now() < deadline, 'the operator never came back to ready after the pause');
            if (await operator.getByTestId('work-disposition').isVisible()) {
                await operator.getByTestId('work-disp-status').selectOption('in_progress');
                await operator.getByTestId('work-disp-save').click();
                await operator.getByTestId('work-disposition').waitFor({ state: 'detached' });
            }
            const state = await operator.getByTestId('work-state').getAttribute('data-state');
            if (state === 'ready' && (await figure('calls')) === 0) break;
            await sleep(300);
        }
        // A pause for a reason of the supervisor's list: the desk says which.
        await operator.getByTestId('work-pause-reason').selectOption('lunch');
        await operator.getByTestId('work-pause').click();
        await waitFor(operator, operator.locator('[data-testid="work-state"][data-state="paused"]'), 'the operator paused');
        const pausedText = await operator.getByTestId('work-waiting').innerText();
        check(/Обед|Lunch/.test(pausedText), `the desk names the pause's reason: "${pausedText}"`);
        const paused = await operator.evaluate(() => fetch('/api/v1/agent').then((r) => r.json()));
        check(paused.pause_reason === 'lunch', `the server keeps the reason: ${JSON.stringify(paused.pause_reason)}`);
        // The supervisor's wallboard shows the operator paused, and why, within a couple of seconds.
        await supervisor.goto(`${base}/#/wallboard`);
        const onBoard = supervisor.locator('[data-testid="wallboard-agent"][data-agent="operator"][data-state="paused"]');
        await waitFor(supervisor, onBoard, 'the paused operator on the wallboard', { timeout: 10000 });
        const boardReason = await onBoard.getByTestId('wallboard-agent-reason').innerText();
        check(boardReason.includes('Lunch'), `the wallboard gives the pause's reason as "${boardReason}"`);
        // No profile yet: blended, no skills (the routing page's scenario gives one).
        const boardBlend = await onBoard.getByTestId('wallboard-agent-blend').innerText();
        const boardSkills = await onBoard.getByTestId('wallboard-agent-skills').innerText();
        check(boardBlend === 'incoming and outgoing' && boardSkills === '—', `the wallboard gives the operator's work as "${boardBlend}", "${boardSkills}"`);
        await shot(supervisor, 'wallboard');
        await operator.getByTestId('work-leave').click();
        await waitFor(operator, operator.getByTestId('work-join-panel'), 'the join panel after leaving');

        // Why was the first contact called: the calls to its number with the gate's evidence.
        const card = await supervisor.evaluate((c) => fetch(`/api/v1/contacts/${c}`).then((r) => r.json()), seen[0]);
        await supervisor.goto(`${base}/#/campaigns`);
        await supervisor.getByTestId('why-phone').fill(card.phones[0].e164);
        await supervisor.getByTestId('why-submit').click();
        await waitFor(supervisor, supervisor.getByTestId('call-row'), 'a call in the "why" lookup');
        const evidence = await supervisor.getByTestId('call-evidence').first().innerText();
        check(evidence.includes('not needed: service') && evidence.includes('00:00-24:00'), `the evidence reads "${evidence}"`);
        // The same on the contact's card.
        await supervisor.goto(`${base}/#/contacts/${seen[0]}`);
        await waitFor(supervisor, supervisor.getByTestId('card-calls-show'), 'the campaign calls button on the card');
        await supervisor.getByTestId('card-calls-show').click();
        await waitFor(supervisor, supervisor.locator('[data-testid="card-calls"] [data-testid="call-row"]'), 'a call on the card');
        await supervisor.goto(`${base}/#/campaigns`);
        const stopRow = supervisor.locator(`[data-testid="campaign-row"][data-name="${NAME}"]`);
        await stopRow.getByTestId('campaign-stop').click();
        await stopRow.getByTestId('campaign-stop-confirm').click();
        await waitFor(supervisor, stopRow.locator('[data-testid="campaign-state"][data-state="stopped"]'), 'the stopped state');
        await shot(supervisor, 'campaigns-list');
    });

    // r. Issue 18, sections 3 and 6, in Russian: the supervisor creates a contact with
    // two phones, renames it, sorts the table, saves a filter and opens it again,
    // builds a segment and watches the count, tags search results at once; the
    // operator sees the name in their callbacks, the disposition's status and note on
    // the card, and adds the contact's numbers to the stop-list with a category and
    // a reason. Self-contained: its own contact and its own preview campaign.
    const RU_NAME = 'Ксения Зимородкова-Тестова';
    const RU_RENAMED = 'Ксения Зимородкова';
    const RU_PHONES = ['8 (999) 123-45-01', '+7 999 123-45-02'];
    let ruContact = null;
    const inRussian = async (page) => {
        if (!(await page.getByTestId('nav-contacts').innerText()).includes('Контакты')) await page.getByTestId('lang-switch').click();
        await page.getByTestId('nav-contacts').filter({ hasText: 'Контакты' }).waitFor();
    };
    const searchSettled = (page) =>
        page.waitForFunction(() => document.querySelector('[data-testid="results"]')?.getAttribute('aria-busy') !== 'true');
    await scenario('r. supervisor creates a contact with two phones and renames it (in Russian)', async () => {
        check(supervisor, 'no supervisor session');
        await openContacts(supervisor);
        await inRussian(supervisor);
        await supervisor.getByTestId('tool-new').click();
        await waitFor(supervisor, supervisor.getByTestId('new-contact'), 'the new contact form');
        await supervisor.getByTestId('new-contact-name').fill(RU_NAME);
        await supervisor.getByTestId('new-contact-phone').first().fill(RU_PHONES[0]);
        await supervisor.getByTestId('new-contact-more').click();
        await supervisor.getByTestId('new-contact-phone').nth(1).fill(RU_PHONES[1]);
        await supervisor.getByTestId('new-contact-label').nth(1).selectOption('рабочий');
        await shot(supervisor, 'contact-new-ru');
        await supervisor.getByTestId('new-contact-save').click();
        await waitFor(supervisor, supervisor.getByTestId('card-name').filter({ hasText: RU_NAME }), 'the new contact card');
        ruContact = Number(/#\/contacts\/(\d+)/.exec(supervisor.url())?.[1]);
        check(ruContact > 0, `the card's address is ${supervisor.url()}`);
        const phones = await supervisor.getByTestId('card-phone').allInnerTexts();
        check(phones.length === 2, `the new card shows ${phones.length} phones: ${phones.join(' | ')}`);
        check(phones[0].includes('+7 999 123-45-01') && phones[0].includes('мобильный'), `the first phone reads "${phones[0]}"`);
        check(phones[1].includes('+7 999 123-45-02') && phones[1].includes('рабочий'), `the second phone reads "${phones[1]}"`);
        // A number that is no number is refused with the reason, and the card stays.
        await supervisor.getByTestId('card-edit').click();
        await waitFor(supervisor, supervisor.getByTestId('contact-editor'), 'the editor');
        await supervisor.getByTestId('edit-name').fill(RU_RENAMED);
        await supervisor.getByTestId('edit-more-phone').click();
        await supervisor.getByTestId('edit-add-phone').fill('12-34');
        await supervisor.getByTestId('edit-save').click();
        await waitFor(supervisor, supervisor.getByTestId('error'), 'the refusal of "12-34"');
        check((await errorText(supervisor)).includes('12-34'), `the refusal reads "${await errorText(supervisor)}"`);
        await supervisor.getByTestId('edit-add-phone').fill('');
        await supervisor.getByTestId('edit-save').click();
        await waitFor(supervisor, supervisor.getByTestId('card-name').filter({ hasText: RU_RENAMED }), 'the new name on the card');
        const history = await supervisor.getByTestId('card-history').innerText();
        check(history.includes(RU_NAME) && history.includes(RU_RENAMED), `the history does not show the rename: "${history.slice(0, 300)}"`);
        await shot(supervisor, 'contact-edited-ru');
    });

    await scenario('r. supervisor sorts the contacts by name, both ways (in Russian)', async () => {
        check(supervisor, 'no supervisor session');
        await openContacts(supervisor);
        await supervisor.getByTestId('search-reset').click();
        await searchSettled(supervisor);
        for (const [want, compare] of [
            ['name', (a, b) => a <= b],
            ['-name', (a, b) => a >= b],
        ]) {
            const [answer] = await Promise.all([
                supervisor.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/contacts' && new URL(r.url()).searchParams.get('sort') === want),
                supervisor.getByTestId('sort-name').click(),
            ]);
            await supervisor.locator(`[data-testid="results"][data-sort="${want}"]`).waitFor();
            await searchSettled(supervisor);
            // The server's order (code points, as the base compares), and the table shows it.
            const names = (await answer.json()).items.map((i) => i.name);
            check(names.length > 10, `sorted by ${want}: ${names.length} rows`);
            const first = (await supervisor.getByTestId('result-name').first().innerText()).trim();
            check(first === (names[0] || '—').trim(), `the first row reads "${first}", the server sent "${names[0]}"`);
            for (let i = 1; i < names.length; i++) {
                check(compare(names[i - 1], names[i]), `sorted by ${want}, "${names[i - 1]}" comes before "${names[i]}"`);
            }
            if (want === 'name') await shot(supervisor, 'search-sorted-ru');
        }
    });

    await scenario('r. supervisor saves a filter and opens it again (in Russian)', async () => {
        check(supervisor && ruContact, 'no supervisor session or no contact of scenario r');
        await openContacts(supervisor);
        await supervisor.getByTestId('search-reset').click();
        await search(supervisor, { name: 'Ксения' });
        const found = await supervisor.getByTestId('result-row').count();
        check(found >= 1, 'the search for Ксения found nobody');
        await supervisor.getByTestId('tool-saved').click();
        await waitFor(supervisor, supervisor.getByTestId('saved-filters'), 'the saved filters');
        await supervisor.getByTestId('saved-name').fill('Все Ксении');
        await supervisor.getByTestId('saved-save').click();
        await waitFor(supervisor, supervisor.getByTestId('notice').filter({ hasText: 'Все Ксении' }), 'the saved notice');
        await supervisor.getByTestId('search-reset').click();
        await searchSettled(supervisor);
        await shot(supervisor, 'saved-filter-ru');
        // Away and back: the filter is in the base, not in the page.
        // Wait for each page: two hash changes in a row may render once, and the contacts page,
        // never left, would still have its saved-filters panel open for the click to close.
        await supervisor.goto(`${base}/#/stop-list`);
        await waitFor(supervisor, supervisor.getByTestId('page-stop-list'), 'the stop list page');
        await openContacts(supervisor);
        await supervisor.getByTestId('tool-saved').click();
        await waitFor(supervisor, supervisor.getByTestId('saved-filters'), 'the saved filters');
        await supervisor.locator('[data-testid="saved-select"] option', { hasText: 'Все Ксении' }).waitFor({ state: 'attached' });
        await supervisor.getByTestId('saved-select').selectOption({ label: 'Все Ксении' });
        await Promise.all([
            supervisor.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/contacts' && new URL(r.url()).searchParams.getAll('filter').includes('name~Ксения')),
            supervisor.getByTestId('saved-open').click(),
        ]);
        await searchSettled(supervisor);
        const filter = await supervisor.getByTestId('search-filter').innerText();
        check(filter.includes('name~Ксения'), `the opened filter reads "${filter}"`);
        const again = await supervisor.getByTestId('result-row').count();
        check(again === found, `the saved filter finds ${again}, the search found ${found}`);
        check((await supervisor.locator(`[data-testid="result-row"][data-id="${ruContact}"]`).count()) === 1, 'the contact of scenario r is not among the results');
    });

    await scenario('r. supervisor builds a segment and sees the count change (in Russian)', async () => {
        check(supervisor && ruContact, 'no supervisor session or no contact of scenario r');
        await openContacts(supervisor);
        await supervisor.getByTestId('tool-segment').click();
        await waitFor(supervisor, supervisor.getByTestId('segment-builder'), 'the segment builder');
        const counted = async () => {
            await supervisor.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.getAttribute('aria-busy') === 'false');
            return Number((await supervisor.getByTestId('segment-count').getAttribute('data-count')) || -1);
        };
        const everyone = await counted();
        check(everyone > 100, `with no condition the builder counts ${everyone}`);
        await supervisor.getByTestId('segment-add').click();
        await supervisor.getByTestId('segment-value').selectOption('new');
        await supervisor.waitForFunction((n) => Number(document.querySelector('[data-testid="segment-count"]')?.dataset.count) !== n, everyone);
        const fresh = await counted();
        check(fresh > 0 && fresh < everyone, `status=new counts ${fresh} of ${everyone}`);
        await supervisor.getByTestId('segment-add').click();
        await supervisor.getByTestId('segment-key').nth(1).selectOption('name');
        await supervisor.getByTestId('segment-op').nth(1).selectOption('~');
        await supervisor.getByTestId('segment-value').nth(1).fill('Ксения');
        await supervisor.waitForFunction((n) => Number(document.querySelector('[data-testid="segment-count"]')?.dataset.count) !== n, fresh);
        const narrow = await counted();
        check(narrow >= 1 && narrow < fresh, `status=new and name~Ксения count ${narrow} (status=new alone ${fresh})`);
        const expression = await supervisor.getByTestId('segment-expression').innerText();
        check(expression.includes('status=new') && expression.includes('name~Ксения'), `the builder wrote "${expression}"`);
        await shot(supervisor, 'segment-ru');
        await supervisor.getByTestId('segment-apply').click();
        await searchSettled(supervisor);
        await supervisor.waitForFunction((n) => document.querySelectorAll('[data-testid="result-row"]').length === n, narrow);
    });

    await scenario('r. supervisor tags all results of a search at once (in Russian)', async () => {
        check(supervisor, 'no supervisor session');
        await openContacts(supervisor);
        await supervisor.getByTestId('search-reset').click();
        await search(supervisor, { source: EXPORT_SOURCE });
        const rows = await supervisor.getByTestId('result-row').count();
        check(rows >= 2, `source=${EXPORT_SOURCE} found ${rows} rows`);
        await supervisor.getByTestId('select-page').check();
        await waitFor(supervisor, supervisor.getByTestId('mass-edit'), 'the mass edit bar');
        const selected = await supervisor.getByTestId('mass-count').innerText();
        check(selected.includes(String(rows)), `the bar reads "${selected}"`);
        await supervisor.getByTestId('mass-action').selectOption('tag');
        await supervisor.getByTestId('mass-tag').selectOption('VIP');
        await supervisor.getByTestId('mass-apply').click();
        await waitFor(supervisor, supervisor.getByTestId('mass-result'), 'the mass edit result');
        const changed = Number(await supervisor.getByTestId('mass-result').getAttribute('data-changed'));
        const failed = Number(await supervisor.getByTestId('mass-result').getAttribute('data-failed'));
        check(changed >= 1 && failed === 0, `the mass edit changed ${changed} of ${rows}, ${failed} failed`);
        const text = await supervisor.getByTestId('mass-result').innerText();
        check(text.includes('Изменено'), `the result reads "${text}"`);
        await shot(supervisor, 'mass-edit-ru');
        const tagged = await supervisor.evaluate(
            (src) => fetch(`/api/v1/contacts/count?filter=source=${encodeURIComponent(src)}&filter=tag=VIP`).then((r) => r.json()),
            EXPORT_SOURCE,
        );
        check(tagged.total === rows, `tag=VIP and source=${EXPORT_SOURCE} count ${tagged.total}, expected ${rows}`);
    });

    await scenario('r. operator: the callback shows a name, the disposition shows on the card, the stop-list asks category and reason (in Russian)', async () => {
        check(supervisor && operator && ruContact, 'no supervisor or operator session, or no contact of scenario r');
        const NAME = 'e2e desk';
        const created = await supervisor.evaluate(async (name) => {
            const csrf = (await fetch('/api/v1/session').then((r) => r.json())).csrf;
            const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf };
            const r = await fetch('/api/v1/campaigns', {
                method: 'POST',
                headers,
                body: JSON.stringify({
                    name,
                    purpose: 'service',
                    pacing: 'preview',
                    segment: ['name~Зимородкова'],
                    caller_ids: ['+74951234569'],
                    schedule: '00:00-24:00',
                    wrap_up_seconds: 1,
                }),
            });
            const body = await r.json();
            if (!r.ok) return { error: body.detail ?? r.status };
            const s = await fetch(`/api/v1/campaigns/${body.id}/start`, { method: 'POST', headers, body: '{}' });
            return s.ok ? { id: body.id } : { error: (await s.json()).detail ?? s.status };
        }, NAME);
        check(created.id, `the desk campaign: ${created.error}`);
        // From another page: the desk reads the running campaigns when it opens.
        await openContacts(operator);
        await operator.goto(`${base}/#/work`);
        await inRussian(operator);
        await waitFor(operator, operator.getByTestId('work-campaign'), 'the running campaigns on the desk');
        await operator.getByTestId('work-campaign').selectOption(String(created.id));
        await operator.getByTestId('work-join').click();
        await waitFor(operator, operator.locator('[data-testid="work-state"][data-state="paused"]'), 'the operator paused after joining');
        await operator.getByTestId('work-ready').click();
        await waitFor(operator, operator.locator('[data-testid="work-state"][data-state="ready"]'), 'the operator ready');
        await operator.getByTestId('work-next-card').click();
        await waitFor(operator, operator.locator(`[data-testid="work-card"][data-contact="${ruContact}"]`), 'the card of the contact of scenario r', { timeout: 20000 });
        await operator.getByTestId('work-dial').click();
        await waitFor(operator, operator.getByTestId('work-disposition'), 'the disposition form', { timeout: 30000 });
        const NOTE = 'Просила перезвонить после обеда';
        const when = new Date(Date.now() + 2 * 3600 * 1000);
        const pad = (n) => String(n).padStart(2, '0');
        const local = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
        await operator.getByTestId('work-disp-status').selectOption('callback');
        await operator.getByTestId('work-disp-note').fill(NOTE);
        await operator.getByTestId('work-disp-callback').fill(local);
        await operator.getByTestId('work-disp-save').click();
        await operator.getByTestId('work-disposition').waitFor({ state: 'detached' }).catch(async () => {
            throw new Failure(`the disposition was not taken; banner: "${await errorText(operator)}"`);
        });
        // The card as the disposition left it (the call's card while in wrap-up, then
        // «Последний звонок»): the status and the note.
        const statuses = await operator.evaluate(() => fetch('/api/v1/statuses').then((r) => r.json()));
        const callbackRu = statuses.items.find((x) => x.id === 'callback').ru;
        const deskCard = `[data-testid="work-card"][data-contact="${ruContact}"], [data-testid="work-last-card"][data-contact="${ruContact}"]`;
        await waitFor(operator, operator.locator(`${deskCard} .status`).filter({ hasText: callbackRu }), `the status «${callbackRu}» on the desk's card`);
        await waitFor(operator, operator.locator(`${deskCard} .timeline`).filter({ hasText: NOTE }), 'the note in the desk card history');
        // «Мои перезвоны» names the person.
        await waitFor(operator, operator.getByTestId('work-callback-name').filter({ hasText: RU_RENAMED }), `«${RU_RENAMED}» among the callbacks`);
        await shot(operator, 'desk-callbacks-ru');
        // Out of the campaign before anything else rings.
        await operator.getByTestId('work-pause').click().catch(() => undefined);
        await operator.getByTestId('work-leave').click();
        await waitFor(operator, operator.getByTestId('work-join-panel'), 'the join panel after leaving');

        // The card: status and the note in the history; the stop-list asks.
        await operator.goto(`${base}/#/contacts/${ruContact}`);
        await waitFor(operator, operator.getByTestId('card-status').filter({ hasText: callbackRu }), `the status «${callbackRu}» on the card`);
        const history = await operator.getByTestId('card-history').innerText();
        check(history.includes(NOTE), `the card's history lacks the note: "${history.slice(0, 300)}"`);
        await operator.getByTestId('card-add-stop').click();
        await waitFor(operator, operator.getByTestId('stop-ask'), 'the stop-list question');
        const offered = operator.getByTestId('stop-phone');
        check((await offered.count()) === 2, `the question offers ${await offered.count()} numbers, expected 2`);
        const labels = await operator.locator('[data-testid="stop-ask"] label.check-line').allInnerTexts();
        check(labels.every((l) => l.includes('***')), `the operator sees unmasked numbers: ${labels.join(' | ')}`);
        await offered.nth(1).check();
        await operator.getByTestId('stop-category').selectOption('written_only');
        check(await operator.getByTestId('stop-confirm').isDisabled(), 'the stop-list can be confirmed without a reason');
        await operator.getByTestId('stop-reason').fill('Просила связываться только письменно');
        await shot(operator, 'card-stop-ask-ru');
        await operator.getByTestId('stop-confirm').click();
        await operator.waitForFunction(() => (document.querySelector('[data-testid="card-stop"]')?.textContent.match(/Только письменно/g) ?? []).length === 2).catch(async () => {
            throw new Failure(`card-stop after the question: "${await operator.getByTestId('card-stop').innerText()}"; banner: "${await errorText(operator)}"`);
        });
        const stop = await operator.getByTestId('card-stop').innerText();
        check(stop.includes('Просила связываться только письменно'), `the stop-list entries lack the reason: "${stop}"`);
        await shot(operator, 'card-stopped-ru');

        await supervisor.evaluate(async (id) => {
            const csrf = (await fetch('/api/v1/session').then((r) => r.json())).csrf;
            await fetch(`/api/v1/campaigns/${id}/stop`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{}' });
        }, created.id);
        await inRussian(supervisor);
        await supervisor.getByTestId('lang-switch').click();
        await operator.getByTestId('lang-switch').click();
    });

    // Issue 18: campaigns edited and cloned, 500 caller IDs on the live page, the call
    // log, a recording played in the browser, the reports — in the Russian UI.
    await issue18CallsScenarios(supervisor);
    // r. The supervisor's everyday tools, as the administrator in Russian: the
    // calling rules (a refusal at its field, then 09:00–20:00 Mon–Fri), a holiday
    // added and removed, two versions of a registry loaded and compared, a purpose
    // with two versions of its consent text, a locked user unlocked, a lost second
    // factor reset (and set up anew on the login page), a team with a supervisor
    // and an operator. The rules and the language are put back afterwards.
    await scenario('r. admin edits the calling rules, holidays, registries, consent texts, users and teams in Russian', async () => {
        check(admin, 'no admin session');
        const ruNav = async () => {
            if ((await admin.getByTestId('lang-switch').innerText()).trim() === 'RU') await admin.getByTestId('lang-switch').click();
        };
        const open = async (hash, testid) => {
            await admin.goto(`${base}/#/${hash}`);
            await waitFor(admin, admin.getByTestId(testid), `the ${hash} page`);
        };
        // The CLI takes a code without spending it: no wait for the next step.
        const adminCli = (args, env = {}) =>
            cli(['--user', 'admin', ...args], { CALLBASE_PASSWORD: PASSWORDS.admin, CALLBASE_TOTP: totp(secrets.admin), ...env });
        const rulesNow = () => admin.evaluate(() => fetch('/api/v1/rules').then((r) => r.json()));
        try {
            // The calling rules.
            await open('rules', 'page-rules');
            await ruNav();
            check((await admin.getByTestId('nav-rules').innerText()).includes('Правила обзвона'), 'the rules link is not Russian');
            await admin.getByTestId('rules-window_start').fill('20:00');
            await admin.getByTestId('rules-window_end').fill('09:00');
            await admin.getByTestId('rules-save').click();
            await waitFor(admin, admin.getByTestId('rules-error-window_end'), 'the refusal at the end of the window');
            const refusal = await admin.getByTestId('rules-error-window_end').innerText();
            check(refusal.includes('Окончание должно быть позже начала'), `the refusal at the field reads "${refusal}"`);
            check(!(await errorText(admin)), `the refusal went to the banner: "${await errorText(admin)}"`);
            check((await rulesNow()).window_start === '00:00', 'a refused change was saved');
            await admin.getByTestId('rules-window_start').fill('09:00');
            await admin.getByTestId('rules-window_end').fill('20:00');
            for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
                await admin.getByTestId(`rules-day-${day}`).setChecked(!['sat', 'sun'].includes(day));
            }
            await admin.getByTestId('rules-save').click();
            await waitFor(admin, admin.getByTestId('notice'), 'the saved notice');
            check((await admin.getByTestId('rules-error-window_end').count()) === 0, 'the refusal stayed after a good save');
            const saved = await rulesNow();
            check(
                saved.window_start === '09:00' && saved.window_end === '20:00' && saved.weekdays.join() === 'mon,tue,wed,thu,fri',
                `the rules in force: ${JSON.stringify(saved)}`,
            );
            await admin.reload();
            await waitFor(admin, admin.getByTestId('rules-summary'), 'the rules summary');
            const summary = await admin.getByTestId('rules-summary').innerText();
            check(summary.includes('Пн–Пт') && summary.includes('с 09:00 до 20:00'), `the summary reads "${summary}"`);
            check((await admin.getByTestId('rules-window_end').inputValue()) === '20:00', 'the form does not show the saved window');
            check(!(await admin.getByTestId('rules-day-sat').isChecked()), 'Saturday is still ticked');

            // A holiday, shown the Russian way, then removed.
            await admin.getByTestId('holiday-date').fill('2026-12-31');
            await admin.getByTestId('holiday-name').fill('Канун Нового года');
            await admin.getByTestId('holiday-add').click();
            const holiday = admin.locator('[data-testid="holiday-row"][data-date="2026-12-31"]');
            await waitFor(admin, holiday, 'the new holiday');
            const shown = (await holiday.getByTestId('holiday-shown').innerText()).trim();
            check(shown === '31.12.2026', `the holiday is shown as "${shown}"`);
            check((await rulesNow()).holidays.includes('2026-12-31'), 'the gate does not know the holiday');
            await shot(admin, 'rules-ru');
            await holiday.getByTestId('holiday-remove').click();
            await holiday.waitFor({ state: 'detached' });
            check(!(await rulesNow()).holidays.includes('2026-12-31'), 'the removed holiday is still in force');

            // A registry: two versions, each followed to the end, then compared.
            await open('registries', 'page-registries');
            const load = async (lines, version) => {
                await admin.getByTestId('registry-name').fill('e2e-fas');
                await admin.getByTestId('registry-file').setInputFiles({
                    name: `fas-v${version}.txt`,
                    mimeType: 'text/plain',
                    buffer: Buffer.from(`${lines.join('\r\n')}\r\n`),
                });
                await admin.getByTestId('registry-load').click();
                // The summary of this version (not the one before): the job is done.
                await waitFor(admin, admin.getByTestId('registry-loaded').filter({ hasText: `версия ${version}:` }), `version ${version} loaded`, {
                    timeout: 20000,
                });
                const bar = admin.getByTestId('registry-progress');
                const [state, percent] = [await bar.getAttribute('data-state'), await bar.getAttribute('aria-valuenow')];
                check(state === 'done' && percent === '100', `the progress bar ended ${state} at ${percent}%`);
                await waitFor(admin, admin.locator(`[data-testid="registry-version-row"][data-version="${version}"]`), `version ${version} in the list`);
            };
            await load(['Телефон', '8 999 100-00-01', '+7 (999) 100-00-02', '89991000003'], 1);
            await load(['+79991000003', '8 999 100-00-04'], 2);
            const row = admin.locator('[data-testid="registry-row"][data-name="e2e-fas"]');
            check((await row.getByTestId('registry-latest').innerText()).trim() === '2', 'the registry list does not show version 2');
            await waitFor(admin, admin.getByTestId('registry-diff-result'), 'the difference between the versions');
            const added = (await admin.getByTestId('registry-diff-added').innerText()).trim();
            const removed = (await admin.getByTestId('registry-diff-removed').innerText()).trim();
            check(added === '+1' && removed === '−2', `the difference reads ${added} ${removed}, expected +1 −2`);
            const v1 = admin.locator('[data-testid="registry-version-row"][data-version="1"]');
            check((await v1.locator('td').nth(1).innerText()).trim() === '3', 'version 1 does not show its 3 numbers');
            await shot(admin, 'registries-ru');

            // A purpose and two versions of its consent text.
            await open('purposes', 'page-purposes');
            await admin.getByTestId('purpose-name').fill('e2e-survey');
            await admin.getByTestId('purpose-description').fill('Опрос о качестве обслуживания');
            await admin.getByTestId('purpose-add').click();
            await waitFor(admin, admin.getByTestId('purpose-texts'), 'the texts of the new purpose');
            const texts = ['Я согласен(на) на звонки с опросом о качестве обслуживания.', 'Я согласен(на) на звонки и SMS с опросом о качестве обслуживания.'];
            for (const [i, text] of texts.entries()) {
                await admin.getByTestId('purpose-text').fill(text);
                await admin.getByTestId('purpose-text-add').click();
                await waitFor(admin, admin.locator(`[data-testid="purpose-text-version"][data-version="${i + 1}"]`), `text version ${i + 1}`);
            }
            const newest = await admin.getByTestId('purpose-text-version').first().innerText();
            check(newest.includes('Версия 2') && newest.includes('действует') && newest.includes('и SMS'), `the newest text reads "${newest}"`);
            const older = await admin.locator('[data-testid="purpose-text-version"][data-version="1"]').innerText();
            check(older.includes(texts[0]) && !older.includes('действует'), `the first text reads "${older}"`);
            const purposeRow = admin.locator('[data-testid="purpose-row"][data-name="e2e-survey"]');
            check((await purposeRow.getByTestId('purpose-latest').innerText()).trim() === '2', 'the list does not show text version 2');
            await shot(admin, 'purposes-ru');

            // Users: a locked operator unlocked; a lost second factor reset.
            const lockedPassword = 'locked-e2e-pass-1';
            adminCli(['user', 'add', 'e2e-locked', '--role', 'operator'], { CALLBASE_NEW_PASSWORD: lockedPassword });
            for (let i = 0; i < 5; i++) {
                try {
                    cli(['--user', 'e2e-locked', 'rules', 'show'], { CALLBASE_PASSWORD: 'not-the-password' });
                } catch {
                    // refused, as meant
                }
            }
            const lostPassword = 'lost-phone-pass-01';
            PASSWORDS['e2e-lost'] = lostPassword;
            adminCli(['user', 'add', 'e2e-lost', '--role', 'analyst'], { CALLBASE_NEW_PASSWORD: lostPassword });
            await enrolTotp('e2e-lost');
            await open('users', 'page-users');
            const locked = admin.locator('[data-testid="user-row"][data-name="e2e-locked"]');
            await waitFor(admin, locked.locator('[data-testid="user-unlock"]'), 'the unlock button of the locked user');
            check((await locked.getAttribute('data-locked')) === 'yes', 'the locked user is not shown locked');
            await locked.getByTestId('user-unlock').click();
            await waitFor(admin, admin.locator('[data-testid="user-row"][data-name="e2e-locked"][data-locked="no"]'), 'the unlocked row');
            check((await admin.getByTestId('notice').innerText()).includes('разблокирован'), 'no notice of the unlock');
            cli(['--user', 'e2e-locked', 'rules', 'show'], { CALLBASE_PASSWORD: lockedPassword });
            const lost = admin.locator('[data-testid="user-row"][data-name="e2e-lost"]');
            check((await lost.getByTestId('user-totp').innerText()).includes('✓'), 'the enrolled user shows no one-time code');
            await lost.getByTestId('user-totp-reset').click();
            await lost.getByTestId('user-totp-reset-confirm').click();
            // The confirmation hides the reset button too: wait for the list read after the reset.
            await admin
                .waitForFunction(() => document.querySelector('[data-testid="user-row"][data-name="e2e-lost"] [data-testid="user-totp"]')?.textContent.trim() === '')
                .catch(() => undefined);
            await waitFor(admin, admin.locator('[data-testid="user-row"][data-name="e2e-lost"]:not(:has([data-testid="user-totp-reset"]))'), 'the row without a code');
            check((await lost.getByTestId('user-totp').innerText()).trim() === '', 'the reset user still shows a code');
            check((await admin.getByTestId('notice').innerText()).includes('сброшен'), 'no notice of the reset');
            await shot(admin, 'users-ru');
            // The user: the old code opens nothing; a new one is set up on the login page.
            const oldSecret = secrets['e2e-lost'];
            delete secrets['e2e-lost'];
            let refused = false;
            try {
                cli(['--user', 'e2e-lost', 'rules', 'show'], { CALLBASE_PASSWORD: lostPassword, CALLBASE_TOTP: totp(oldSecret) });
            } catch (e) {
                refused = /needs a second factor and e2e-lost has none yet/.test(e.message);
            }
            check(refused, 'the lost phone\'s code still opened the account, or the refusal did not say a new code is needed');
            const fresh = await newPage();
            try {
                const page = fresh.page;
                await page.goto(`${base}/#/login`);
                await waitFor(page, page.getByTestId('page-login'), 'the login page');
                await page.getByTestId('login-user').fill('e2e-lost');
                await page.getByTestId('login-password').fill(lostPassword);
                await page.getByTestId('totp-enrol').click();
                await waitFor(page, page.getByTestId('totp-secret'), 'the new secret');
                const secret = (await page.getByTestId('totp-secret').innerText()).trim();
                check(secret !== oldSecret, 'the same secret came back');
                await page.getByTestId('login-totp').fill(await freshTotp(secret));
                await page.getByTestId('totp-confirm').click();
                await waitFor(page, page.getByTestId('totp-enrolled'), 'the confirmation of the new code');
                await page.getByTestId('login-totp').fill(await freshTotp(secret));
                await page.getByTestId('login-submit').click();
                await waitFor(page, page.getByTestId('page-search'), 'the search page after the new code');
            } finally {
                await fresh.context.close();
            }

            // Teams: one with a supervisor and an operator.
            adminCli(['user', 'add', 'e2e-lead', '--role', 'supervisor'], { CALLBASE_NEW_PASSWORD: 'lead-e2e-pass-01' });
            await open('teams', 'page-teams');
            await admin.getByTestId('team-name').fill('Смена А');
            await admin.getByTestId('team-add').click();
            const team = admin.locator('[data-testid="team-row"][data-name="Смена А"]');
            await waitFor(admin, team, 'the new team');
            for (const user of ['e2e-lead', 'e2e-locked']) {
                await admin.getByTestId('team-move-user').selectOption(user);
                await admin.getByTestId('team-move-to').selectOption('Смена А');
                await admin.getByTestId('team-move').click();
                await waitFor(admin, team.locator(`[data-testid="team-member"]:text-is("${user}")`), `${user} in the team`);
            }
            check((await team.getByTestId('team-supervisors').innerText()).includes('e2e-lead'), 'the supervisor is not shown as the team\'s supervisor');
            check((await team.getByTestId('team-members').innerText()).includes('e2e-locked'), 'the operator is not among the members');
            check(!(await team.getByTestId('team-members').innerText()).includes('e2e-lead'), 'the supervisor is listed among the members too');
            const listed = await admin.evaluate(() => fetch('/api/v1/teams').then((r) => r.json()));
            const stored = listed.items.find((x) => x.name === 'Смена А');
            check(stored && stored.members.join() === 'e2e-lead,e2e-locked', `the team holds ${JSON.stringify(stored)}`);
            await shot(admin, 'teams-ru');
        } finally {
            // The later scenarios dial at any hour, in English.
            adminCli(['rules', 'set', JSON.stringify({ window_start: '00:00', window_end: '24:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] })]);
            if ((await admin.getByTestId('lang-switch').innerText()).trim() === 'EN') await admin.getByTestId('lang-switch').click();
        }
    });

    // z. Every page each role may open, in Russian: no English word on screen, and
    // a screenshot of each page at 1366×768 in both languages (ru-*.png, en-*.png).
    await scenario('z. every page in Russian as every role shows no English word', async () => {
        const problems = [];
        // The filter itself: data is left out, English around it is not.
        const probe = englishIn(['Сохранить', 'status=new', 'P-0a1b2c3d4e5f', 'Save changes', 'Кампания e2e desk: paused'], [], ['e2e desk']);
        check(probe.length === 2, `the English filter found ${JSON.stringify(probe)}, expected "Save changes" and "paused"`);
        const typed = Object.keys(PASSWORDS);
        const layout = [];
        // What the base holds, as the administrator and the supervisor see it (a
        // DPO sees campaign names in the call log without the campaigns' list).
        const data = [];
        for (const role of ['admin', 'supervisor']) if (sessions[role]) data.push(...(await dataValues(sessions[role].page)));
        for (const role of ['operator', 'supervisor', 'analyst', 'admin', 'dpo']) {
            const page = sessions[role]?.page;
            if (!page) {
                problems.push(`${role}: no session`);
                continue;
            }
            for (const language of ['ru', 'en']) {
                await page.evaluate((l) => localStorage.setItem('callbase.lang', l), language);
                await page.goto(`${base}/#/contacts`);
                await page.reload();
                for (const name of await navNames(page)) {
                    await page.goto(`${base}/#/${name}`);
                    await page.waitForLoadState('networkidle').catch(() => {});
                    await sleep(300);
                    await shot(page, `${language}-${role}-${name}`);
                    if (language !== 'ru') continue;
                    for (const line of englishIn(await visibleStrings(page), typed, data)) problems.push(`${role} #/${name}: ${line}`);
                    const bar = await topBarFit(page);
                    if (bar) layout.push(`${role} #/${name}: ${bar}`);
                }
            }
        }
        // Every finding is in english-on-russian-screens.txt; a Russian screen shows
        // no English word outside data (what the base holds, what this test typed,
        // hashes, filter terms, commands, the audit record as written).
        const KNOWN_ENGLISH = 0;
        writeFileSync(join(OUT_DIR, 'english-on-russian-screens.txt'), problems.join('\n') + '\n');
        log(`  z: ${problems.length} English strings on Russian screens (at most ${KNOWN_ENGLISH}); list in ${join(OUT_DIR, 'english-on-russian-screens.txt')}`);
        check(problems.length <= KNOWN_ENGLISH, `English on Russian screens rose to ${problems.length} (at most ${KNOWN_ENGLISH}):\n    ${problems.slice(0, 40).join('\n    ')}`);
        check(layout.length === 0, `the top bar does not fit 1366 px in Russian:\n    ${layout.join('\n    ')}`);
    });

    // Issue 18, "layout that survives real data": a 300-character name and a
    // 200-character source are cut in the contacts table, whole on hover and on a
    // click, and the page does not scroll sideways at 1366 px.
    await scenario('layout. long values are cut in the table and whole on demand (Russian, 1366 px)', async () => {
        check(supervisor, 'no supervisor session');
        const word = 'Константинопольская';
        const name = Array.from({ length: 16 }, (_, i) => `${word}${i}`).join(' ').slice(0, 300);
        const source = `e2e-long-${'источник-'.repeat(24)}`.slice(0, 200);
        const digits = `916${String(Date.now() % 10000000).padStart(7, '0')}`;
        const made = await apiAs(supervisor, 'POST', '/contacts', { name, phones: [`+7${digits}`], source, region: 'Москва' });
        check(made.status === 201, `creating the long contact answered ${made.status}: ${made.text}`);
        await supervisor.evaluate(() => localStorage.setItem('callbase.lang', 'ru'));
        await supervisor.goto(`${base}/#/contacts`);
        await supervisor.reload();
        await waitFor(supervisor, supervisor.getByTestId('search-source'), 'the search form');
        await supervisor.getByTestId('search-source').fill(source);
        await supervisor.getByTestId('search-submit').click();
        const row = supervisor.locator(`[data-testid="result-row"][data-id="${made.json.id}"]`);
        await waitFor(supervisor, row, 'the long contact in the results');
        check((await supervisor.getByTestId('error').count()) === 0, `searching by the long source says "${await errorText(supervisor)}"`);
        const total = (await supervisor.getByTestId('results-total').innerText()).replace(/\D/g, '');
        check(total === '1', `searching by the long source found ${total} contacts, expected 1`);
        const wider = await supervisor.getByTestId('results').evaluate((table) => table.scrollWidth - table.parentElement.clientWidth);
        check(wider <= 1, `the results table is ${wider} px wider than its frame at 1366 px`);
        const cells = await row.locator('td').evaluateAll((tds) =>
            tds.map((td) => ({ text: td.innerText.trim(), width: td.getBoundingClientRect().width, cut: td.scrollWidth > td.clientWidth + 1 })),
        );
        const nameCell = cells.find((c) => c.text.startsWith(word));
        const sourceCell = cells.find((c) => c.text.startsWith('e2e-long-'));
        check(nameCell && nameCell.cut && nameCell.width < 500, `the name cell is ${JSON.stringify(nameCell)}: not cut, or wider than 500 px`);
        check(sourceCell && sourceCell.cut && sourceCell.width < 500, `the source cell is ${JSON.stringify(sourceCell)}: not cut, or wider than 500 px`);
        const sideways = await supervisor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(sideways <= 0, `the contacts page scrolls sideways by ${sideways} px`);
        const sourceTd = row.locator('td', { hasText: 'e2e-long-' });
        await sourceTd.hover();
        check((await sourceTd.getAttribute('title')) === source, `hovering the cut source shows "${await sourceTd.getAttribute('title')}", not the whole source`);
        await sourceTd.click();
        check(await sourceTd.evaluate((td) => td.classList.contains('opened')), 'a click on the cut source does not open it in place');
        check(supervisor.url().includes('#/contacts') && !supervisor.url().includes(`#/contacts/${made.json.id}`), `the click on the cut cell left the list for ${supervisor.url()}`);
        const opened = await sourceTd.evaluate((td) => td.innerText.trim());
        check(opened === source, `the opened cell shows "${opened.slice(0, 60)}…", not the whole source`);
        await shot(supervisor, 'ru-long-values');
    });

    await scenario('logout ends the session', async () => {
        check(operator, 'no operator session');
        await operator.getByTestId('logout').click();
        await waitFor(operator, operator.getByTestId('page-login'), 'the login page after logout');
        const status = await operator.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
        check(status === 401, `GET /api/v1/session after logout answered ${status}, expected 401`);
    });

    // Issue 18, "nothing fails silently": an error banner belongs to the action that
    // caused it and goes when the next action succeeds.
    await scenario('silent-1. an error banner goes once the next action succeeds', async () => {
        check(supervisor, 'no supervisor session');
        await supervisor.goto(`${base}/#/stop-list`);
        await waitFor(supervisor, supervisor.getByTestId('stop-phone'), 'the stop-list form');
        await supervisor.getByTestId('stop-phone').fill('12345');
        await supervisor.getByTestId('stop-add').click();
        await waitFor(supervisor, supervisor.getByTestId('error'), 'the error banner after a number that is not one');
        const digits = known[known.length - 1].digits;
        await supervisor.getByTestId('stop-phone').fill(spell8(digits));
        await supervisor.getByTestId('stop-note').fill('e2e: the banner goes');
        await supervisor.getByTestId('stop-add').click();
        const row = supervisor.getByTestId('stop-row').filter({ hasText: 'e2e: the banner goes' });
        await waitFor(supervisor, row, 'the entry added after the error');
        await supervisor
            .getByTestId('error')
            .waitFor({ state: 'detached', timeout: 5000 })
            .catch(async () => {
                throw new Failure(`a stale error banner sits above the success: "${await errorText(supervisor)}"`);
            });
        // The base as it was: the entry goes again.
        await row.getByTestId('stop-remove').click();
        await row.getByTestId('stop-remove-reason').fill('e2e: banner scenario over');
        await row.getByTestId('stop-remove-confirm').click();
        await row.waitFor({ state: 'detached' });
    });

    // Issue 18: a running campaign that dials nothing says why at the top of its page,
    // in the user's language, with a link to the rules. Holidays on the dates around
    // now (whatever a callee's time zone, their today is one of them) hold it back.
    await scenario('silent-2. a stalled campaign says why in Russian, with the rules link', async () => {
        check(supervisor, 'no supervisor session');
        const asSupervisor = (args) => cli(['--user', 'supervisor', ...args], { CALLBASE_PASSWORD: PASSWORDS.supervisor });
        const day = (shift) => new Date(Date.now() + shift * 86400000).toISOString().slice(0, 10);
        const holidays = [day(-1), day(0), day(1)];
        const switchTo = async (want) => {
            const nav = await supervisor.getByTestId('nav-contacts').innerText();
            if (nav.includes('Контакты') !== (want === 'ru')) await supervisor.getByTestId('lang-switch').click();
        };
        for (const d of holidays) asSupervisor(['rules', 'holiday', 'add', d, '--name', 'e2e']);
        let id = null;
        try {
            const created = JSON.parse(
                asSupervisor(['--json', 'campaign', 'create', 'E2E праздник', '--segment', 'status=new', '--caller-id', '+7 495 111-22-99']).trim().split('\n').pop(),
            );
            id = created.id;
            asSupervisor(['campaign', 'start', String(id)]);
            await supervisor.goto(`${base}/#/campaigns/${id}`);
            await waitFor(supervisor, supervisor.getByTestId('campaign-title'), 'the campaign page');
            await switchTo('ru');
            const stall = supervisor.getByTestId('campaign-stall');
            await waitFor(supervisor, stall, 'the stall banner of a campaign on a holiday', { timeout: 15000 });
            const text = await stall.innerText();
            check(text.includes('Кампания сейчас не звонит'), `the stall banner reads "${text}"`);
            check(text.includes('праздничный день по правилам звонков'), `the stall banner does not say it is a holiday: "${text}"`);
            check(/возобновятся/.test(text), `the stall banner does not say when calls resume: "${text}"`);
            check(!/campaign\.stall|day_off|holiday\b/.test(text), `a raw code on a Russian screen: "${text}"`);
            const link = supervisor.getByTestId('campaign-stall-rules');
            check((await link.getAttribute('href')) === '#/rules', `the rules link goes to "${await link.getAttribute('href')}"`);
            check((await link.innerText()).includes('Правила звонков'), `the rules link reads "${await link.innerText()}"`);
            await shot(supervisor, 'campaign-stalled-ru');
        } finally {
            if (id !== null) asSupervisor(['campaign', 'stop', String(id)]);
            for (const d of holidays) asSupervisor(['rules', 'holiday', 'remove', d]);
            await switchTo('en').catch(() => undefined);
        }
    });
}

// ---------------------------------------------------------------- issue 18: campaigns, calls, reports

// A request of the API as the page's user, with the session's CSRF token.
async function apiAs(page, method, path, body) {
    return page.evaluate(
        async ([method, path, body]) => {
            const session = await fetch('/api/v1/session').then((r) => r.json());
            const r = await fetch(`/api/v1${path}`, {
                method,
                headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await r.text();
            let json = null;
            try {
                json = JSON.parse(text);
            } catch {
                // not JSON
            }
            return { status: r.status, json, text };
        },
        [method, path, body],
    );
}

// SQL straight into the base: call records of the past that no run of the test makes
// (calls from many caller IDs, a recording of the SIP network).
function sql(statement) {
    return execFileSync('sqlite3', ['-cmd', '.timeout 10000', DB, statement], { encoding: 'utf8' });
}

// One second of stereo 8 kHz 16-bit WAV, as the SIP adapter records a call: a tone
// on the left (the callee), another on the right (the operator).
function writeStereoWav(path) {
    const rate = 8000;
    const samples = rate;
    const data = Buffer.alloc(samples * 4);
    for (let i = 0; i < samples; i++) {
        data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 4);
        data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 660 * i) / rate)), i * 4 + 2);
    }
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + data.length, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(2, 22);
    header.writeUInt32LE(rate, 24);
    header.writeUInt32LE(rate * 4, 28);
    header.writeUInt16LE(4, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(data.length, 40);
    writeFileSync(path, Buffer.concat([header, data]));
}

// Today on the call center's clock (Moscow, the calling rules' default: the server
// reads a period's days on it) as the Russian UI takes it: 05.12.2026.
// Moscow's midnight of today in ms: records placed before it fall on yesterday's reports.
function moscowMidnight() {
    const day = 24 * 3600e3;
    return Math.floor((Date.now() + 3 * 3600e3) / day) * day - 3 * 3600e3;
}

function todayRu() {
    const d = new Date(Date.now() + 3 * 3600e3);
    const pad = (n) => String(n).padStart(2, '0');
    return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

async function toRussian(page) {
    if (!(await page.getByTestId('nav-contacts').innerText()).includes('Контакты')) await page.getByTestId('lang-switch').click();
}

async function toEnglish(page) {
    if ((await page.getByTestId('nav-contacts').innerText()).includes('Контакты')) await page.getByTestId('lang-switch').click();
}

// The call log filtered as a person would: the period typed, an outcome chosen.
async function filterCallLog(page, { from, to, outcome = '' }) {
    await page.getByTestId('calls-from').fill(from);
    await page.getByTestId('calls-to').fill(to);
    await page.getByTestId('calls-outcome').selectOption(outcome);
    await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/call-log'),
        page.getByTestId('calls-apply').click(),
    ]);
    await page.waitForFunction(() => document.querySelector('[data-testid="call-log-table"]')?.getAttribute('aria-busy') !== 'true');
}

async function issue18CallsScenarios(supervisor) {
    await scenario('s. supervisor edits a draft campaign and clones it (Russian UI)', async () => {
        check(supervisor, 'no supervisor session');
        await toRussian(supervisor);
        try {
            const made = await apiAs(supervisor, 'POST', '/campaigns', {
                name: 'E2E черновик',
                caller_ids: ['+7 495 200-00-01'],
                segment: ['status=new'],
            });
            check(made.status === 201, `creating the draft answered ${made.status}: ${made.text}`);
            const id = made.json.id;
            await supervisor.goto(`${base}/#/campaigns/${id}`);
            await waitFor(supervisor, supervisor.getByTestId('campaign-edit'), 'the Edit button of the draft');
            const label = await supervisor.getByTestId('campaign-edit').innerText();
            check(label.includes('Изменить'), `the Edit button reads "${label}"`);
            await supervisor.getByTestId('campaign-edit').click();
            await waitFor(supervisor, supervisor.getByTestId('campaign-save'), 'the edit form');
            check((await supervisor.getByTestId('campaign-caller-ids').inputValue()) === '+7 495 200-00-01', 'the form does not show the caller ID grouped');
            await supervisor.getByTestId('campaign-name').fill('E2E черновик, правка');
            await supervisor.getByTestId('campaign-caller-ids').fill('+7 495 200-00-01\n8 (495) 200-00-02');
            await supervisor.getByTestId('campaign-schedule').fill('10:00-18:00');
            await supervisor.getByTestId('campaign-pacing').selectOption('preview');
            await shot(supervisor, 'campaign-edit-ru');
            await supervisor.getByTestId('campaign-save').click();
            await supervisor.getByTestId('campaign-title').filter({ hasText: 'E2E черновик, правка' }).waitFor().catch(async () => {
                throw new Failure(`the title did not change; banner "${await errorText(supervisor)}", form error "${await supervisor.getByTestId('campaign-error').innerText().catch(() => '')}"`);
            });
            const settings = await supervisor.getByTestId('campaign-settings').innerText();
            check(settings.includes('10:00–18:00'), `the settings do not show the new schedule: ${settings}`);
            check(settings.includes('+7 495 200-00-02'), `the settings do not show the new caller ID grouped: ${settings}`);
            const saved = (await apiAs(supervisor, 'GET', `/campaigns/${id}`)).json;
            check(saved.pacing === 'preview' && saved.caller_ids.length === 2 && saved.state === 'draft', `saved: ${JSON.stringify(saved).slice(0, 300)}`);

            // Clone: a new draft with the same settings, opened at once.
            await supervisor.getByTestId('campaign-clone').click();
            await supervisor.getByTestId('campaign-title').filter({ hasText: 'E2E черновик, правка (копия)' }).waitFor().catch(async () => {
                throw new Failure(`the copy did not open; banner "${await errorText(supervisor)}"`);
            });
            const copyId = Number(new URL(supervisor.url()).hash.split('/').pop());
            check(copyId !== id, 'the clone opened the original');
            const copy = (await apiAs(supervisor, 'GET', `/campaigns/${copyId}`)).json;
            check(copy.state === 'draft' && copy.schedule_start_minute === 600 && copy.caller_ids.length === 2, `the copy: ${JSON.stringify(copy).slice(0, 300)}`);
            await shot(supervisor, 'campaign-clone-ru');

            // Once started, the original is not a draft: the page says so, the API refuses with the reason.
            check((await apiAs(supervisor, 'POST', `/campaigns/${id}/start`)).status === 200, 'the draft did not start');
            await supervisor.goto(`${base}/#/campaigns/${id}`);
            await waitFor(supervisor, supervisor.getByTestId('campaign-edit-refused'), 'the note that only a draft can be edited');
            check((await supervisor.getByTestId('campaign-edit').count()) === 0, 'a running campaign offers Edit');
            const refused = await apiAs(supervisor, 'PUT', `/campaigns/${id}`, { name: 'x', caller_ids: ['+74952000001'] });
            check(refused.status === 409 && refused.text.includes('only a draft can be edited'), `editing a running campaign answered ${refused.status}: ${refused.text}`);
            await apiAs(supervisor, 'POST', `/campaigns/${id}/stop`);
        } finally {
            await toEnglish(supervisor);
        }
    });

    const hundreds = 'E2E 500 номеров';
    await scenario('s. the campaign page with 500 caller IDs: a summary, the busy ones, search and pages', async () => {
        check(supervisor, 'no supervisor session');
        const numbers = Array.from({ length: 500 }, (_, i) => `+74953${String(i).padStart(6, '0')}`);
        const made = await apiAs(supervisor, 'POST', '/campaigns', {
            name: hundreds,
            caller_ids: numbers,
            daily_cap: 10,
            segment: ['source=nobody-e2e'],
        });
        check(made.status === 201, `creating the campaign answered ${made.status}: ${made.text.slice(0, 300)}`);
        const id = made.json.id;
        // Today's calls: the first number at its cap, the next three near it, the fifth with three
        // (today in Moscow also in the first minutes after its midnight).
        const now = Math.max(Date.now(), moscowMidnight() + 600000);
        const calls = [
            [numbers[0], 10],
            [numbers[1], 9],
            [numbers[2], 9],
            [numbers[3], 9],
            [numbers[4], 3],
        ];
        for (const [number, n] of calls) {
            sql(
                `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n}) ` +
                    `INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, started_at, ended_at, outcome, evidence, direction) ` +
                    `SELECT ${id}, 0, '+79990000001', '${number}', 1, ${now - 600000} + i * 1000, ${now - 590000} + i * 1000, 'no_answer', '{}', 'out' FROM k;`,
            );
        }
        check((await apiAs(supervisor, 'POST', `/campaigns/${id}/start`)).status === 200, 'the campaign did not start');
        try {
            await supervisor.goto(`${base}/#/campaigns/${id}`);
            await waitFor(supervisor, supervisor.getByTestId('caller-id-panel'), 'the caller-ID panel');
            await supervisor.waitForFunction(() => document.querySelector('[data-testid="caller-ids-capped"]')?.textContent === '1', null, { timeout: 15000 }).catch(() => {
                throw new Failure('the summary never showed the number at its cap');
            });
            const figure = async (testid) => Number((await supervisor.getByTestId(testid).innerText()).replace(/\D/g, ''));
            check((await figure('caller-ids-total')) === 500, `the summary counts ${await figure('caller-ids-total')} caller IDs`);
            check((await figure('caller-ids-used')) === 5, `the summary counts ${await figure('caller-ids-used')} in use`);
            check((await figure('caller-ids-near')) === 3, `the summary counts ${await figure('caller-ids-near')} near the cap`);
            const bars = await supervisor.getByTestId('caller-id-bar').evaluateAll((li) => li.map((x) => x.dataset.key));
            check(bars.length === 4 && bars[0] === numbers[0], `the busy numbers listed: ${bars.join(', ')}`);
            check((await supervisor.getByTestId('caller-id-row').count()) === 20, 'the table shows more than a page of numbers');
            const settingsRows = await supervisor.getByTestId('settings-caller-ids').locator('div.mono').count();
            check(settingsRows <= 5, `the settings list ${settingsRows} caller IDs`);
            const height = await supervisor.evaluate(() => document.documentElement.scrollHeight);
            check(height < 4000, `the page is ${height} px tall with 500 caller IDs`);
            await shot(supervisor, 'campaign-500-caller-ids');
            await supervisor.getByTestId('caller-id-search').fill('495 3000-499');
            await supervisor.waitForFunction(() => document.querySelectorAll('[data-testid="caller-id-row"]').length === 1);
            check((await supervisor.getByTestId('caller-id-row').getAttribute('data-number')) === numbers[499], 'the search found another number');
            await supervisor.getByTestId('caller-id-search').fill('');
            await supervisor.getByTestId('caller-id-which').selectOption('capped');
            await supervisor.waitForFunction(() => document.querySelectorAll('[data-testid="caller-id-row"]').length === 1);
            await supervisor.getByTestId('caller-id-which').selectOption('unused');
            await supervisor.waitForFunction(() => document.querySelectorAll('[data-testid="caller-id-row"]').length === 20);
            const pager = await supervisor.getByTestId('caller-id-panel').getByTestId('total').innerText();
            check(pager.includes('495'), `the pager of unused numbers reads "${pager}"`);
        } finally {
            await apiAs(supervisor, 'POST', `/campaigns/${id}/stop`);
        }
    });

    await scenario('s. the call log filtered by period and outcome (Russian UI)', async () => {
        check(supervisor, 'no supervisor session');
        await toRussian(supervisor);
        try {
            await supervisor.goto(`${base}/#/calls`);
            await waitFor(supervisor, supervisor.getByTestId('page-calls'), 'the call log');
            const title = await supervisor.locator('[data-testid="page-calls"] h1').innerText();
            check(title === 'Журнал звонков', `the call log's title reads "${title}"`);
            await filterCallLog(supervisor, { from: todayRu(), to: todayRu(), outcome: 'answered' });
            const answered = await supervisor.getByTestId('call-log-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.outcome));
            check(answered.length > 0 && answered.every((o) => o === 'answered'), `answered calls today: [${answered.join(', ')}]`);
            await filterCallLog(supervisor, { from: todayRu(), to: todayRu(), outcome: 'no_answer' });
            const total = await supervisor.getByTestId('call-log-table').locator('xpath=../..').getByTestId('total').innerText();
            check(/\b40\b/.test(total.replace(/\s/g, ' ')), `the 40 unanswered calls of the caller-ID scenario: the pager reads "${total}"`);
            const outcomes = await supervisor.getByTestId('call-log-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.outcome));
            check(outcomes.length === 40 && outcomes.every((o) => o === 'no_answer'), `no-answer rows: ${outcomes.length}`);
            const phoneCell = await supervisor.getByTestId('call-log-row').first().locator('td').nth(2).innerText();
            check(phoneCell === '+7 999 000-00-01', `the number reads "${phoneCell}"`);
            await shot(supervisor, 'call-log-ru');
            await filterCallLog(supervisor, { from: '01.01.2026', to: '31.01.2026' });
            check((await supervisor.getByTestId('call-log-row').count()) === 0, 'January has calls');
            await supervisor.getByTestId('calls-from').fill('31.02.2026');
            await supervisor.getByTestId('calls-apply').click();
            await waitFor(supervisor, supervisor.getByTestId('calls-form-error'), 'the refusal of 31.02.2026');
            // The export of today's unanswered calls: 40 rows, numbers masked.
            await filterCallLog(supervisor, { from: todayRu(), to: todayRu(), outcome: 'no_answer' });
            const [download] = await Promise.all([supervisor.waitForEvent('download'), supervisor.getByTestId('calls-export').click()]);
            const csv = readFileSync(await download.path(), 'utf8');
            const rows = parseCsv(csv.replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
            check(rows.length === 41 && rows[0][0] === 'Начало', `the export has ${rows.length} rows, header "${rows[0]?.join(';')}"`);
            check(!csv.includes('9990000001') && csv.includes('***'), 'the export shows a number unmasked');
        } finally {
            await toEnglish(supervisor);
        }
    });

    await scenario('s. a call recording plays in the browser', async () => {
        check(supervisor, 'no supervisor session');
        const wav = join(work, 'recording.wav');
        writeStereoWav(wav);
        const id = Number(sql(`SELECT MAX(id) FROM campaign_calls WHERE outcome = 'answered';`).trim());
        check(id > 0, 'no answered call to give a recording');
        sql(`UPDATE campaign_calls SET recording = '${wav.replace(/'/g, "''")}' WHERE id = ${id};`);
        await supervisor.goto(`${base}/#/calls`);
        await waitFor(supervisor, supervisor.getByTestId('page-calls'), 'the call log');
        await filterCallLog(supervisor, { from: todayRu().replace(/\./g, '/'), to: todayRu().replace(/\./g, '/'), outcome: 'answered' });
        const row = supervisor.locator(`[data-testid="call-log-row"][data-call="${id}"]`);
        await waitFor(supervisor, row.getByTestId('call-play'), 'the Play button of the recorded call');
        await row.getByTestId('call-play').click();
        await waitFor(supervisor, row.getByTestId('call-audio'), 'the audio player');
        const duration = await supervisor
            .waitForFunction(
                (call) => {
                    const audio = document.querySelector(`[data-testid="call-log-row"][data-call="${call}"] audio`);
                    return audio && audio.readyState >= 1 && audio.duration > 0 ? audio.duration : null;
                },
                id,
                { timeout: 10000 },
            )
            .then((h) => h.jsonValue())
            .catch(async () => {
                const err = await row.getByTestId('call-audio').evaluate((a) => (a.error ? `error ${a.error.code}` : `readyState ${a.readyState}`));
                throw new Failure(`the recording did not load (${err})`);
            });
        check(Math.abs(duration - 1) < 0.05, `the recording lasts ${duration} s, expected 1 s`);
        // Seeking needs ranges: the server answers one with 206.
        const ranged = await supervisor.evaluate((call) => fetch(`/api/v1/calls/${call}/recording`, { headers: { Range: 'bytes=44-1043' } }).then((r) => [r.status, r.headers.get('content-range')]), id);
        check(ranged[0] === 206 && ranged[1] === 'bytes 44-1043/32044', `a range answered ${ranged.join(' ')}`);
        await shot(supervisor, 'call-recording');
    });

    // The reports page with today's figures (Show pressed: a new load).
    const reportsOfToday = async (page) => {
        await page.goto(`${base}/#/reports`);
        await waitFor(page, page.getByTestId('page-reports'), 'the reports page');
        await page.getByTestId('reports-from').fill(todayRu());
        await page.getByTestId('reports-to').fill(todayRu());
        await page.getByTestId('reports-apply').click();
    };

    await scenario('s. the reports page shows charts for a period (Russian UI)', async () => {
        check(supervisor, 'no supervisor session');
        await toRussian(supervisor);
        try {
            await reportsOfToday(supervisor);
            for (const chart of ['report-chart-hours', 'report-chart-days', 'report-chart-times']) {
                await waitFor(supervisor, supervisor.locator(`[data-testid="${chart}"] canvas`), `the chart ${chart}`);
            }
            const calls = Number((await supervisor.getByTestId('report-calls').innerText()).replace(/\D/g, ''));
            check(calls >= 40, `the report counts ${calls} calls today`);
            check((await supervisor.getByTestId('report-operators-row').count()) >= 1, 'no operator in the report');
            const heading = await supervisor.getByTestId('report-hours').locator('h2').innerText();
            check(heading === 'Звонки по часам суток', `the hours chart is titled "${heading}"`);
            const [download] = await Promise.all([supervisor.waitForEvent('download'), supervisor.getByTestId('report-csv-hours').click()]);
            const rows = parseCsv(readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
            check(rows.length === 25 && rows[0][0] === 'Час', `the hours CSV has ${rows.length} rows`);
            await shot(supervisor, 'reports-ru');
        } finally {
            await toEnglish(supervisor);
        }
    });

    // Issue 19, item 9: the incoming calls of the day by queue on the reports page,
    // from records as `callbase serve` writes them (each with its route), and the
    // queue_log download that tools made for Asterisk read.
    await scenario('s. the reports page shows incoming calls by queue and downloads the queue_log (Russian UI)', async () => {
        check(supervisor, 'no supervisor session');
        const hour = 3600000;
        // Three hours ago, or just after Moscow's midnight when that was yesterday:
        // the report shows today (Moscow), and CI may run at 01:00 there.
        const first = Math.max(Date.now() - 3 * hour, moscowMidnight() + 60000);
        const calls = [
            // number, start, wait s, talk s (0: given up), agent, missed: [operator whose phone rang out, s]
            ['+79990000201', first, 4, 60, 'operator'],
            ['+79990000202', first + hour, 40, 120, 'e2e-lead', ['operator', 20]],
            ['+79990000203', first + hour + 600000, 8, 0, ''],
            // The first caller again 5 minutes after their call ended: a quick return.
            ['+79990000201', first + 64000 + 300000, 3, 0, ''],
        ];
        for (const [number, start, wait, talk, agent, missed] of calls) {
            const answered = talk ? start + wait * 1000 : 'NULL';
            const rings = missed ? `,"missed":[{"agent":"${missed[0]}","at":${start + 5000},"rang_ms":${missed[1] * 1000},"cause":408}]` : '';
            sql(
                `INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, started_at, answered_at, bridged_at, ended_at, outcome, evidence, agent, direction, route) ` +
                    `VALUES ((SELECT MIN(id) FROM campaigns), 0, '${number}', '+74950000001', 0, ${start}, ${answered}, ${answered}, ${start + (wait + talk) * 1000}, ` +
                    `'${talk ? 'answered' : 'abandoned'}', '{}', '${agent}', 'in', '{"route":"queue:общая","reason":"number","params":{}${rings}}');`,
            );
        }
        await toRussian(supervisor);
        try {
            await reportsOfToday(supervisor);
            const row = supervisor.locator('[data-testid="report-inbound-queue"][data-queue="общая"]');
            await waitFor(supervisor, row, 'the queue in the inbound report');
            const heading = await supervisor.getByTestId('report-inbound').locator('h2').innerText();
            check(heading === 'Входящие звонки по очередям', `the inbound section is titled "${heading}"`);
            const cells = await row.locator('td').allInnerTexts();
            const digits = (x) => x.replace(/\D/g, '');
            // offered 4, answered 2, abandoned 2 (1 short), SL 1 of 2, SL with abandons 3 of 4.
            check(cells[0] === 'общая' && cells[1] === '4' && cells[2] === '2' && cells[3] === '2 (1)' && cells[4] === '0', `the queue's row: ${cells.join(' | ')}`);
            const share = (x) => Number(x.replace(',', '.').replace(/[^\d.]/g, ''));
            check(share(cells[5]) === 50 && share(cells[6]) === 75, `the service levels: ${cells[5]}, ${cells[6]}`);
            check(digits(cells[7]) === '22' && digits(cells[8]) === '40', `ASA and the longest wait: ${cells[7]}, ${cells[8]}`);
            // The second caller rang operator's phone for 20 s first, unanswered.
            check(cells[10] === '1', `the offers operators' phones missed: ${cells[10]}`);
            const quick = await supervisor.getByTestId('report-inbound-quick').innerText();
            check(quick.includes('Быстрые возвраты') && quick.includes('— 1 (после отвеченного — 1'), `the quick returns: ${quick}`);
            const agents = await supervisor.getByTestId('report-inbound-agent').allInnerTexts();
            check(agents.some((a) => a.startsWith('operator\t1')) && agents.some((a) => a.startsWith('e2e-lead\t1')), `the operators: ${agents.join(' / ')}`);
            // Per operator: calls, AHT, first-contact resolution, missed (rang s), transfers, hold min.
            const agentRow = (who) => agents.map((a) => a.split('\t')).find((cells) => cells[0] === who) ?? [];
            check(agentRow('operator')[4] === '1 (20)' && agentRow('e2e-lead')[4] === '0 (0)', `the operators' missed calls: ${agents.join(' / ')}`);
            check(agentRow('operator')[5] === '0' && agentRow('operator')[6] === '0', `no transfer and no hold: ${agents.join(' / ')}`);
            // The first caller called again: not resolved at first contact; the
            // second has not had 7 days to call again: pending, out of the rate.
            const fcr = await supervisor.getByTestId('report-inbound-fcr').innerText();
            check(/: 0\s?% \(0 из 1\)/.test(fcr) && fcr.includes('в ожидании: 1'), `first-contact resolution: ${fcr}`);
            const [download] = await Promise.all([supervisor.waitForEvent('download'), supervisor.getByTestId('report-queue-log').click()]);
            const lines = readFileSync(await download.path(), 'utf8').split('\n').filter((l) => l.includes('|общая|'));
            const events = lines.map((l) => l.split('|')[4]);
            const count = (e) => events.filter((x) => x === e).length;
            check(count('ENTERQUEUE') === 4 && count('CONNECT') === 2 && count('COMPLETECALLER') === 2 && count('ABANDON') === 2, `the queue_log's events: ${events.join(', ')}`);
            check(lines.some((l) => /\|общая\|Agent\/operator\|RINGNOANSWER\|20000$/.test(l)), `no RINGNOANSWER line for operator's phone: ${lines.join(' / ')}`);
            check(lines.every((l) => /^\d{10}\|\d{10}\.\d+\|общая\|/.test(l)), `a queue_log line is not Asterisk's: ${lines[0]}`);
            await shot(supervisor, 'reports-inbound-ru');
        } finally {
            await toEnglish(supervisor);
        }
    });

    // Issue 19, item 10: the staffing forecast opened by a link with measured
    // figures, recalculated, and wrong values refused in Russian.
    // Issue 19, item 3 ("each rule editable in the UI"): the Routing page edits the
    // routing book; a refused change says why in Russian and changes nothing.
    await scenario("s. the routing page: a queue with a skill, an operator's skills, a number, a VIP and a pause reason; a bad exit and a bad level refused (Russian UI)", async () => {
        check(supervisor, 'no supervisor session');
        await toRussian(supervisor);
        const book = () => supervisor.evaluate(() => fetch('/api/v1/routing').then((r) => r.json()));
        try {
            await supervisor.goto(`${base}/#/routing`);
            await waitFor(supervisor, supervisor.getByTestId('routing-queues'), 'the queues section');
            check((await supervisor.locator('h1').innerText()) === 'Маршрутизация входящих', 'the page title is not Russian');
            // A queue.
            await supervisor.getByTestId('routing-queue-name').fill('e2e-line');
            await supervisor.getByTestId('routing-queue-strategy').selectOption('fewest_calls');
            await supervisor.getByTestId('routing-queue-members').fill('operator, e2e-lead');
            await supervisor.getByTestId('routing-queue-max-wait').fill('40');
            await supervisor.getByTestId('routing-queue-skill').fill('e2e_senior');
            await supervisor.getByTestId('routing-queue-widen').fill('20');
            await supervisor.getByTestId('routing-queue-save').click();
            const queueRow = supervisor.locator('[data-testid="routing-queue-row"][data-queue="e2e-line"]');
            await waitFor(supervisor, queueRow, 'the new queue in the table');
            const queueText = await queueRow.innerText();
            check(queueText.includes('меньше всех звонков') && queueText.includes('operator, e2e-lead') && queueText.includes('40'), `the queue row reads "${queueText}"`);
            const skillText = await queueRow.getByTestId('routing-queue-skill').innerText();
            check(skillText === 'e2e_senior (2: 20 s)', `the queue's skill reads "${skillText}"`);
            const savedQueue = (await book()).queues.find((q) => q.name === 'e2e-line');
            check(savedQueue.skill === 'e2e_senior' && JSON.stringify(savedQueue.widen) === '[{"after":20,"level":2}]', `the queue kept: ${JSON.stringify(savedQueue)}`);
            // An operator's skills and the calls they take; a level of 12 refused in Russian.
            await supervisor.getByTestId('routing-agent-login').fill('operator');
            await supervisor.getByTestId('routing-agent-blend-select').selectOption('inbound');
            await supervisor.getByTestId('routing-agent-skills-input').fill('e2e_senior:12');
            await supervisor.getByTestId('routing-agent-save').click();
            await waitFor(supervisor, supervisor.getByTestId('error'), 'the refusal of level 12');
            const levelBanner = await errorText(supervisor);
            check(levelBanner.includes('уровень 12, а уровни — от 1 до 9'), `the refusal reads "${levelBanner}"`);
            check((await book()).agents.length === 0, 'the refused profile was written');
            await supervisor.getByTestId('routing-agent-skills-input').fill('e2e_senior:1, sales:2');
            await supervisor.getByTestId('routing-agent-save').click();
            const agentRow = supervisor.locator('[data-testid="routing-agent-row"][data-agent="operator"]');
            await waitFor(supervisor, agentRow, "the operator's profile in the table");
            const blendText = await agentRow.getByTestId('routing-agent-blend').innerText();
            const skillsText = await agentRow.getByTestId('routing-agent-skills').innerText();
            check(blendText === 'только входящие' && skillsText === 'e2e_senior:1, sales:2', `the profile reads "${blendText}" / "${skillsText}"`);
            // An exit to a queue that does not exist: refused in Russian, nothing written.
            await supervisor.getByTestId('routing-queue-name').fill('e2e-other');
            await supervisor.getByTestId('routing-queue-exit').fill('queue:nosuch');
            await supervisor.getByTestId('routing-queue-save').click();
            await waitFor(supervisor, supervisor.getByTestId('error'), 'the refusal of an exit to a missing queue');
            const banner = await errorText(supervisor);
            check(banner.includes('очереди nosuch нет'), `the refusal reads "${banner}"`);
            check(!(await book()).queues.some((q) => q.name === 'e2e-other'), 'the refused queue was written');
            await supervisor.getByTestId('routing-queue-exit').fill('');
            await supervisor.getByTestId('routing-queue-name').fill('');
            // A callback offered by a queue that makes no announcements: refused in
            // Russian; with announcements every 30 s it is kept, the rest of the queue too.
            await queueRow.getByTestId('routing-queue-edit').click();
            await supervisor.getByTestId('routing-queue-callback').check();
            await supervisor.getByTestId('routing-queue-save').click();
            // The banner of the refused exit is still up: wait for the new refusal's.
            await waitFor(supervisor, supervisor.getByTestId('error').filter({ hasText: 'обратный звонок' }), 'the refusal of a callback without announcements');
            const silentBanner = await errorText(supervisor);
            check(silentBanner.includes('обратный звонок предлагается в объявлениях очереди'), `the refusal reads "${silentBanner}"`);
            check(!(await book()).queues.find((q) => q.name === 'e2e-line').callback, 'the refused callback was written');
            await supervisor.getByTestId('routing-queue-announce-every').fill('30');
            // Its callers speak English: the announcements are read in English.
            await supervisor.getByTestId('routing-queue-language').selectOption('en');
            await supervisor.getByTestId('routing-queue-save').click();
            await waitFor(supervisor, queueRow.getByTestId('routing-queue-announce').filter({ hasText: 'обратный звонок' }), 'the callback in the queue row');
            const announceText = await queueRow.getByTestId('routing-queue-announce').innerText();
            check(announceText === '30 с, предлагается обратный звонок, на английском', `the announcements read "${announceText}"`);
            const offering = (await book()).queues.find((q) => q.name === 'e2e-line');
            check(offering.callback === true && offering.announce_every === 30 && offering.language === 'en' && offering.skill === 'e2e_senior' && offering.max_wait === 40, `the queue kept: ${JSON.stringify(offering)}`);
            // A number to it, typed as people type it.
            await supervisor.getByTestId('routing-number').fill('8 (495) 000-00-77');
            await supervisor.getByTestId('routing-number-route-kind').selectOption('queue');
            await supervisor.getByTestId('routing-number-route-name').selectOption('e2e-line');
            await supervisor.getByTestId('routing-number-label').fill('Тестовая линия');
            await supervisor.getByTestId('routing-number-save').click();
            const numberRow = supervisor.locator('[data-testid="routing-number-row"][data-number="+74950000077"]');
            await waitFor(supervisor, numberRow, 'the number in the table, cleaned to E.164');
            const routeText = await numberRow.getByTestId('routing-number-route').innerText();
            check(routeText === 'очередь e2e-line', `the route reads "${routeText}"`);
            // A number to a voice menu the scripts folder does not have: refused in Russian.
            await supervisor.getByTestId('routing-number').fill('8 (495) 000-00-78');
            await supervisor.getByTestId('routing-number-route-kind').selectOption('ivr');
            await supervisor.getByTestId('routing-number-route-name').fill('nosuch.yaml');
            await supervisor.getByTestId('routing-number-save').click();
            await waitFor(supervisor, supervisor.getByTestId('error'), 'the refusal of a missing menu');
            const menuBanner = await errorText(supervisor);
            check(menuBanner.includes('Меню nosuch.yaml нет в папке скриптов сервера'), `the refusal reads "${menuBanner}"`);
            check(!(await book()).numbers.some((n) => n.number === '+74950000078'), 'the refused number was written');
            // A VIP with a personal manager.
            await supervisor.getByTestId('routing-list').selectOption('vip');
            await supervisor.getByTestId('routing-list-number').fill('8 916 000-00-77');
            await supervisor.getByTestId('routing-list-manager').fill('operator');
            await supervisor.getByTestId('routing-list-add').click();
            const vipRow = supervisor.locator('[data-testid="routing-list-row"][data-number="+79160000077"]');
            await waitFor(supervisor, vipRow, 'the VIP in the list');
            check((await vipRow.innerText()).includes('operator'), 'the VIP row names the manager');
            // A pause reason of the supervisor's own: on the operators' desk list.
            await supervisor.getByTestId('routing-pause-code').fill('e2e_coaching');
            await supervisor.getByTestId('routing-pause-label').fill('Разбор звонков');
            await supervisor.getByTestId('routing-pause-limit').fill('30');
            await supervisor.getByTestId('routing-pause-save').click();
            await waitFor(supervisor, supervisor.locator('[data-testid="routing-pause-row"][data-code="e2e_coaching"]'), 'the new pause reason');
            const operator = sessions.operator?.page;
            if (operator) {
                const reasons = await operator.evaluate(() => fetch('/api/v1/agent/pause-reasons').then((r) => r.json()));
                check(reasons.some((r) => r.code === 'e2e_coaching' && r.label === 'Разбор звонков'), `the desk's reasons: ${JSON.stringify(reasons)}`);
            }
            const saved = await book();
            check(saved.numbers.some((n) => n.number === '+74950000077' && n.route === 'queue:e2e-line' && n.label === 'Тестовая линия'), 'the number is not in the book');
            await shot(supervisor, 'routing-ru');
        } finally {
            // Leave the book as it was: the other scenarios route no calls.
            await supervisor.evaluate(async () => {
                const csrf = (await fetch('/api/v1/session').then((r) => r.json())).csrf;
                const del = (path) => fetch(path, { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } });
                await del('/api/v1/routing/numbers/+74950000077');
                await del('/api/v1/routing/queues/e2e-line');
                await del('/api/v1/routing/lists/vip/+79160000077');
                await del('/api/v1/routing/pause-reasons/e2e_coaching');
                await del('/api/v1/routing/agents/operator');
            });
            await toEnglish(supervisor);
        }
        const left = await book();
        check(left.numbers.length === 0 && !left.queues.some((q) => q.name === 'e2e-line'), `the book was not left as it was: ${JSON.stringify(left.numbers)}`);
    });

    await scenario('s. the staffing forecast from a link, recalculated, a wrong value refused (Russian UI)', async () => {
        check(supervisor, 'no supervisor session');
        await toRussian(supervisor);
        // The least operators for 80 % within 20 s, by Erlang C summed here.
        const least = (callsPerHour, aht, target = 0.8, threshold = 20) => {
            const a = (callsPerHour * aht) / 3600;
            for (let n = Math.floor(a) + 1; ; ++n) {
                let sum = 0;
                let term = 1;
                for (let k = 0; k < n; ++k) {
                    sum += term;
                    term = (term * a) / (k + 1);
                }
                const top = (term * n) / (n - a);
                const c = top / (sum + top);
                if (1 - c * Math.exp((-(n - a) * threshold) / aht) >= target) return n;
            }
        };
        try {
            await supervisor.goto(`${base}/#/staffing?calls=300&aht=180`);
            await waitFor(supervisor, supervisor.locator('[data-testid="page-staffing"][data-loaded="19"]'), 'the forecast of the link');
            check((await supervisor.locator('h1').innerText()) === 'Прогноз численности', 'the page title is not Russian');
            check(await supervisor.getByTestId('staffing-linked').isVisible(), 'the page does not say the figures came with the link');
            const big = async () => [await supervisor.getByTestId('staffing-agents').innerText(), await supervisor.getByTestId('staffing-scheduled').innerText()];
            const [agents, scheduled] = await big();
            check(agents === String(least(300, 180)) && scheduled === '28', `300 calls an hour at 180 s: ${agents} operators, ${scheduled} on the rota (30 % shrinkage)`);
            check((await supervisor.getByTestId('staffing-row').count()) === 7, 'the table holds seven counts');
            check((await supervisor.locator('[data-testid="staffing-row"][data-agents="18"]').getAttribute('data-meets')) === 'no', 'one operator fewer meets the target');
            check((await supervisor.locator('[data-testid="staffing-row"][data-agents="20"]').getAttribute('data-meets')) === 'yes', 'one operator more misses the target');
            await shot(supervisor, 'staffing-ru');
            // Another queue: 1 000 calls an hour at 240 s, no shrinkage.
            await supervisor.getByTestId('staffing-calls').fill('1000');
            await supervisor.getByTestId('staffing-aht').fill('240');
            await supervisor.getByTestId('staffing-shrinkage').fill('0');
            await supervisor.getByTestId('staffing-calculate').click();
            const want = least(1000, 240);
            await waitFor(supervisor, supervisor.locator(`[data-testid="page-staffing"][data-loaded="${want}"]`), `the forecast of ${want} operators`);
            const [again, staff] = await big();
            check(again === String(want) && staff === String(want), `1 000 calls an hour: ${again} operators, ${staff} on the rota, want ${want}`);
            check(supervisor.url().includes('calls=1000') && supervisor.url().includes('aht=240'), `the address keeps the figures: ${supervisor.url()}`);
            // A share of 100 % shrinkage is refused by the server, in Russian.
            await supervisor.getByTestId('staffing-shrinkage').fill('100');
            await supervisor.getByTestId('staffing-calculate').click();
            await waitFor(supervisor, supervisor.getByTestId('error'), 'the refusal of 100 % shrinkage');
            const banner = await supervisor.getByTestId('error').innerText();
            check(banner.includes('Неявка должна быть от 0 % и меньше 100 %'), `the refusal reads "${banner}"`);
            // A percent that is no number is caught on the page.
            await supervisor.getByTestId('staffing-shrinkage').fill('30');
            await supervisor.getByTestId('staffing-target').fill('восемьдесят');
            await supervisor.getByTestId('staffing-calculate').click();
            const inline = await supervisor.getByTestId('staffing-form-error').innerText();
            check(inline.includes('«восемьдесят» — не число процентов'), `the form says "${inline}"`);
        } finally {
            await toEnglish(supervisor);
        }
    });
}

let fatal = null;
try {
    await main();
} catch (e) {
    fatal = e;
    console.error(`e2e: ${e instanceof Failure ? e.message : e.stack}`);
} finally {
    if (browser) await browser.close().catch(() => undefined);
    await stopServer();
    if (!KEEP) rmSync(work, { recursive: true, force: true });
    else log(`e2e: kept ${work}`);
}

const failed = results.filter((r) => !r.ok).length + (fatal ? 1 : 0);
const passed = results.filter((r) => r.ok).length;
if (results.some((r) => !r.ok)) {
    log('\nfailures:');
    for (const r of results.filter((x) => !x.ok)) log(`  ${r.name}: ${r.why.split('\n')[0]}`);
}
log(`screenshots in ${OUT_DIR}`);
log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
