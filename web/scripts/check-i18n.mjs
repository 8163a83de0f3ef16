// Fails when a key of src/i18n.ts is in one dictionary and not the other, or twice
// in one. Reads the `const en = {` and `const ru … = {` blocks, one `'key': …` a line.
import { readFileSync } from 'node:fs';

const file = new URL('../src/i18n.ts', import.meta.url);
const text = readFileSync(file, 'utf8');

function keysOf(name) {
    const start = text.search(new RegExp(`^const ${name}\\b[^=]*= \\{`, 'm'));
    if (start < 0) throw new Error(`src/i18n.ts: no "const ${name} = {" block`);
    const end = text.indexOf('\n}', start);
    const keys = [];
    for (const line of text.slice(start, end).split('\n').slice(1)) {
        const m = line.match(/^\s*'([^']+)'\s*:/);
        if (m) keys.push(m[1]);
    }
    return keys;
}

let failed = false;
const dicts = { en: keysOf('en'), ru: keysOf('ru') };
for (const [name, keys] of Object.entries(dicts)) {
    const seen = new Set();
    for (const key of keys) {
        if (seen.has(key)) {
            console.error(`i18n: "${key}" is twice in ${name}`);
            failed = true;
        }
        seen.add(key);
    }
}
for (const [a, b] of [['en', 'ru'], ['ru', 'en']]) {
    const other = new Set(dicts[b]);
    for (const key of dicts[a]) {
        if (!other.has(key)) {
            console.error(`i18n: "${key}" is in ${a} but missing in ${b}`);
            failed = true;
        }
    }
}
if (failed) process.exit(1);
console.log(`i18n: ${dicts.en.length} keys, identical in en and ru`);
