#!/usr/bin/env python3
# Adds server message texts to web/src/messages/AREA.ts (sorted), from a JSON file
# {"en": {code: text}, "ru": {code: text}}. Usage: web/scripts/add-server-messages.py REPO AREA JSONFILE (REPO: the checkout, e.g. .)
# A new area file is created and must be imported in web/src/server_messages.ts.
import json, os, re, sys
repo, area, src = sys.argv[1], sys.argv[2], sys.argv[3]
p = f'{repo}/web/src/messages/{area}.ts'
if not os.path.exists(p):
    open(p, 'w').write("// The server's messages of one area in English and Russian (see ../server_messages.ts).\n// Keep one code per line, `'code': 'text',` — npm run check-i18n reads them that way.\n\nexport const en = {\n} as const;\n\nexport const ru: Record<keyof typeof en, string> = {\n};\n")
s = open(p).read()
data = json.load(open(src))
def add(block_start, end_marker, entries):
    global s
    a = s.index(block_start) + len(block_start)
    # The block ends at a line that starts with the marker ("};" may end a text too).
    b = s.index(end_marker, a - 1) + 1
    lines = [l for l in s[a:b].rstrip('\n').split('\n') if l.strip()]
    have = {re.match(r"\s*'([^']+)'", l).group(1): i for i, l in enumerate(lines)}
    for k, v in entries.items():
        line = f"    '{k}': " + "'" + v.replace('\\', '\\\\').replace("'", "\\'") + "',"
        if k in have: lines[have[k]] = line
        else: lines.append(line)
    lines.sort(key=lambda l: re.match(r"\s*'([^']+)'", l).group(1))
    s = s[:a] + '\n'.join(lines) + ('\n' if lines else '') + s[b:]
add("export const en = {\n", "\n} as const;", data['en'])
add("export const ru: Record<keyof typeof en, string> = {\n", "\n};", data['ru'])
open(p, 'w').write(s)
missing = set(data['en']) ^ set(data['ru'])
if missing: print('not in both:', sorted(missing)); sys.exit(1)
reg = open(f'{repo}/web/src/server_messages.ts').read()
if f"from './messages/{area}'" not in reg: print(f'import ./messages/{area} in web/src/server_messages.ts and add it to areas')
