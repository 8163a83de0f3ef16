// The server's messages of one area in English and Russian (see ../server_messages.ts).
// Keep one code per line, `'code': 'text',` — npm run check-i18n reads them that way.

export const en = {
    'history.assigned': 'assigned',
    'history.callback': 'callback: {before} → {after}',
    'history.created': '[[phones: {phones}]][[; source: {source}]][[; fields: {fields}]][[; tags: {tags}]]',
    'history.imported': 'created by import #{import} ({file})',
    'history.imported_merged': 'contact #{contact} (merged here) created by import #{import} ({file})',
    'history.merge': 'merge #{merge}: {merged} merged into #{kept}[[; kept values won over: {conflicts}]]',
    'history.merged_into': 'merge #{merge}: merged into #{kept}',
    'history.reassigned': 'reassigned',
    'history.robot_keys': 'keys pressed: {keys}',
    'history.unassigned': 'unassigned',
    'history.unmerge': 'undo of merge #{merge} (kept #{kept}, merged {merged})',
} as const;

export const ru: Record<keyof typeof en, string> = {
    'history.assigned': 'назначен оператору',
    'history.callback': 'перезвон: {before} → {after}',
    'history.created': '[[телефоны: {phones}]][[; источник: {source}]][[; поля: {fields}]][[; теги: {tags}]]',
    'history.imported': 'создан импортом №{import} ({file})',
    'history.imported_merged': 'контакт №{contact} (объединён сюда) создан импортом №{import} ({file})',
    'history.merge': 'объединение №{merge}: {merged} объединены в №{kept}[[; сохранённые значения взяли верх над: {conflicts}]]',
    'history.merged_into': 'объединение №{merge}: объединён в №{kept}',
    'history.reassigned': 'передан другому оператору',
    'history.robot_keys': 'нажатые клавиши: {keys}',
    'history.unassigned': 'снят с оператора',
    'history.unmerge': 'отмена объединения №{merge} (оставлен №{kept}, объединены {merged})',
};
