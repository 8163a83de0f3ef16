// The server's messages of one area in English and Russian (see ../server_messages.ts).
// Keep one code per line, `'code': 'text',` — npm run check-i18n reads them that way.

export const en = {
} as const;

export const ru: Record<keyof typeof en, string> = {
};
