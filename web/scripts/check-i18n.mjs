// Fails when
//  - a key of src/i18n.ts (or a code of a file in src/messages/) is in one dictionary
//    and not the other, or twice in one;
//  - a message code the server sends has no entry in src/messages/*.ts: every
//    Msg{"code", "message"[, "hint" | kHint]} in ../src (and "code.hint" when it has a hint),
//    and every string returned by a function marked `// i18n: <prefix>` (a code of
//    data, such as a dial-gate reason, sent as "<prefix>.<string>");
//  - src/messages/ holds a code the server no longer sends (except the
//    web's own "server.*").
// Reads the `const en = {` and `const ru … = {` blocks, one `'key': …` a line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function keysOf(file, name) {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    const start = text.search(new RegExp(`^(export )?const ${name}\\b[^=]*= \\{`, 'm'));
    if (start < 0) throw new Error(`${file}: no "const ${name} = {" block`);
    const end = text.indexOf('\n}', start);
    const keys = [];
    for (const line of text.slice(start, end).split('\n').slice(1)) {
        const m = line.match(/^\s*'([^']+)'\s*:/);
        if (m) keys.push(m[1]);
    }
    return keys;
}

let failed = false;
function fail(message) {
    console.error(message);
    failed = true;
}

function checkParity(file) {
    const dicts = { en: keysOf(file, 'en'), ru: keysOf(file, 'ru') };
    for (const [name, keys] of Object.entries(dicts)) {
        const seen = new Set();
        for (const key of keys) {
            if (seen.has(key)) fail(`i18n: "${key}" is twice in ${name} of ${file}`);
            seen.add(key);
        }
    }
    for (const [a, b] of [['en', 'ru'], ['ru', 'en']]) {
        const other = new Set(dicts[b]);
        for (const key of dicts[a]) if (!other.has(key)) fail(`i18n: "${key}" is in ${a} but missing in ${b} of ${file}`);
    }
    return dicts.en;
}

const uiKeys = checkParity('../src/i18n.ts');
// The server's messages: a file per area in src/messages/, each imported by
// src/server_messages.ts; a code in two files is an error like a key twice in one.
const serverKeys = new Set();
const messagesDir = new URL('../src/messages/', import.meta.url);
const registry = readFileSync(new URL('../src/server_messages.ts', import.meta.url), 'utf8');
for (const entry of readdirSync(messagesDir).filter((f) => f.endsWith('.ts')).sort()) {
    const area = entry.slice(0, -3);
    if (!registry.includes(`from './messages/${area}'`)) fail(`i18n: src/messages/${entry} is not imported by src/server_messages.ts`);
    for (const key of checkParity(`../src/messages/${entry}`)) {
        if (serverKeys.has(key)) fail(`i18n: "${key}" is in two files of src/messages/`);
        serverKeys.add(key);
    }
}

// The codes the server sends, from its sources.
const srcRoot = new URL('../../src/', import.meta.url).pathname;
function* sourceFiles(dir) {
    for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) yield* sourceFiles(path);
        else if (/\.(cc|h)$/.test(entry) && !/_test\.cc$/.test(entry)) yield path;
    }
}
const literal = String.raw`(?:"(?:[^"\\]|\\.)*"\s*)+`;
// A hint is a literal or a constant (kName) that holds one.
const msgPattern = new RegExp(String.raw`Msg\{\s*"([a-z0-9_.]+)"\s*,\s*${literal}(,\s*(?:${literal}|k[A-Z]\w*\s*))?\}`, 'g');
const sent = new Map(); // code -> where
for (const file of sourceFiles(srcRoot)) {
    const text = readFileSync(file, 'utf8');
    const where = file.slice(srcRoot.length - 'src/'.length);
    for (const m of text.replace(/^\s*\/\/.*$/gm, '').matchAll(msgPattern)) {
        sent.set(m[1], where);
        if (m[2] && !/^,\s*""\s*$/.test(m[2])) sent.set(`${m[1]}.hint`, where);
    }
    // A marked function: every string literal it returns is a code under the prefix.
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; ++i) {
        const mark = lines[i].match(/\/\/ i18n: ([a-z0-9_.]+)\s*$/);
        if (!mark) continue;
        for (let j = i + 1; j < lines.length && !/^}/.test(lines[j]); ++j) {
            for (const r of lines[j].matchAll(/return "([a-z0-9_]+)"/g)) sent.set(`${mark[1]}.${r[1]}`, where);
        }
    }
}
for (const [code, where] of sent) {
    if (!serverKeys.has(code)) fail(`i18n: the server sends "${code}" (${where}) but no file of src/messages/ has a text for it`);
}
for (const code of serverKeys) {
    if (!code.startsWith('server.') && !sent.has(code)) fail(`i18n: "${code}" is in src/messages/ but the server never sends it`);
}

if (failed) process.exit(1);
console.log(`i18n: ${uiKeys.length} keys and ${serverKeys.size} server codes, identical in en and ru; every code the server sends has a text`);
