// The server's messages in English and Russian, by the code it sends with each
// (core/error.h's Msg{"code", ...}; an API problem carries "code" and "params").
// A code's hint, when it has one, is "<code>.hint". The texts live in messages/, a
// file per area; `npm run check-i18n` fails when a code written in src/ has no text
// there, or when a file's en and ru differ.
import { phone } from './format';
import { known, lang, type Lang } from './i18n';
import { phoneReason } from './phone_reason';
import * as access from './messages/access';
import * as campaigns from './messages/campaigns';
import * as compliance from './messages/compliance';
import * as contacts from './messages/contacts';
import * as core from './messages/core';
import * as filter from './messages/filter';
import * as gate from './messages/gate';
import * as history from './messages/history';
import * as ingest from './messages/ingest';
import * as permissions from './messages/permissions';
import * as routing from './messages/routing';
import * as staffing from './messages/staffing';

const areas = [
    access,
    campaigns,
    compliance,
    contacts,
    core,
    filter,
    gate,
    history,
    ingest,
    permissions,
    routing,
    staffing,
];

const messages: Record<Lang, Record<string, string>> = {
    en: Object.assign({}, ...areas.map((a) => a.en)),
    ru: Object.assign({}, ...areas.map((a) => a.ru)),
};

// {name} takes its parameter's value; a part in [[double brackets]] is left out when
// a parameter in it is empty (as core/error.cc's FillPlaceholders does).
function fillPlain(text: string, params: Record<string, unknown> | undefined, empty?: { seen: boolean }): string {
    return text.replace(/\{([a-z_0-9]+)\}/g, (whole, name: string) => {
        const value = params?.[name];
        if (value === undefined || value === null) return whole;
        if (String(value) === '' && empty) empty.seen = true;
        return String(value);
    });
}

export function fill(text: string, params: Record<string, unknown> | undefined): string {
    return text.replace(/\[\[([\s\S]*?)\]\]|[^[]+|\[/g, (part, inner: string | undefined) => {
        if (inner === undefined) return fillPlain(part, params);
        const empty = { seen: false };
        const filled = fillPlain(inner, params, empty);
        return empty.seen ? '' : filled;
    });
}

// Whether the current language has a text for `code`.
export function hasServerText(code: string | undefined): boolean {
    return !!code && code in messages[lang.get()];
}

// The message for `code` in the current language with its parameters filled, and its
// hint after it; `fallback` (the server's English) when the code is unknown here.
export function serverText(code: string | undefined, params: Record<string, unknown> | undefined, fallback: string): string {
    const dict = messages[lang.get()];
    if (!code || !(code in dict)) return fallback;
    const shown = shownParams(params);
    const text = fill(dict[code], shown);
    const hint = dict[`${code}.hint`];
    return hint ? `${text} ${fill(hint, shown)}` : text;
}

// Parameters that are codes themselves shown in words: a permission by what it
// allows, a role (`role`, `…_role`), a campaign's state (`state`), an export's
// (`export_state`), an operator's (`agent_state`), the calls an operator takes (`blend`), a built-in purpose (`purpose`), a stop-list category (`category`),
// the name of a text that is too long (`field`); a number is grouped (`phone`), and
// the phone cleaner's reason why one is not a number is said in words (`why`).
function shownParams(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!params) return params;
    const out: Record<string, unknown> = { ...params };
    for (const [name, value] of Object.entries(params)) {
        if (typeof value !== 'string') continue;
        if (name === 'permission') {
            const text = messages[lang.get()][`perm.${value}`];
            if (text) out[name] = `«${text.charAt(0).toLowerCase()}${text.slice(1)}»`;
        } else if (name === 'role' || name.endsWith('_role')) {
            out[name] = known(`role.${value}`) ?? value;
        } else if (name === 'why') {
            // A phone cleaner's reason (an import row's phone); any other stays.
            out[name] = phoneReason(value);
        } else if (name === 'phone') {
            out[name] = phone(value);
        } else if (name === 'purpose') {
            out[name] = known(`purpose.${value}`) ?? value;
        } else if (name === 'category') {
            out[name] = known(`stopCategory.${value}`) ?? value;
        } else if (name === 'agent_state') {
            out[name] = known(`agentState.${value}`) ?? value;
        } else if (name === 'blend') {
            out[name] = known(`agentBlend.${value}`) ?? value;
        } else if (name === 'export_state') {
            out[name] = known(`exports.state.${value}`) ?? value;
        } else if (name === 'state') {
            out[name] = known(`campaignState.${value}`) ?? value;
        } else if (name === 'field') {
            // A text's name (core/text_limits.cc's callers), or a custom field's.
            const custom = /^field '(.*)'$/.exec(value);
            out[name] = custom ? known('textField.custom', { name: custom[1] }) ?? value : known(`textField.${value}`) ?? value;
        }
    }
    return out;
}

// A dial-gate reason as the card shows it: the reason in words and its detail — the
// stop-list category, why the moment is outside the window, the purpose without
// consent, the registry's name.
export function gateReason(reason: string, detail: string | undefined): string {
    const text = serverText(`gate.reason.${reason}`, undefined, reason);
    if (!detail) return text;
    let shown = detail;
    if (reason === 'outside_window') shown = serverText(`gate.window.${detail}`, undefined, detail);
    else if (reason === 'stop_list') shown = known(`stopCategory.${detail}`) ?? detail;
    else if (reason === 'no_consent' || reason === 'consent_revoked') shown = known(`purpose.${detail}`) ?? detail;
    return `${text}: ${shown}`;
}
