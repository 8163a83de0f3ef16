// Why a campaign dials nothing, and what to read before starting one: the server's
// findings (campaigns/diagnosis.h, docs/api.md) — a code and its parameters —
// in the user's language, each with what to do; those the calling rules cause
// link to the rules page.
import type { Finding } from './api';
import { t, type Key } from './i18n';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// The codes whose fix is in the calling rules.
const RULES_CODES = new Set([
    'campaign.stall.day_off',
    'campaign.stall.holiday',
    'campaign.stall.outside_rules_window',
    'campaign.stall.rules_no_days',
    'campaign.warning.rules_no_days',
    'campaign.warning.schedule_outside_rules',
    'campaign.warning.schedule_misses_zones',
]);

const day = (id: string | undefined) => (id && WEEKDAYS.includes(id) ? t(`campaign.stall.day.${id}` as Key) : (id ?? ''));

// "mon-fri,sun" -> "пн–пт, вс".
function days(list: string | undefined): string {
    if (!list) return '';
    return list
        .split(',')
        .map((part) =>
            part
                .split('-')
                .map((id) => (WEEKDAYS.includes(id) ? t(`campaign.stall.short.${id}` as Key) : id))
                .join('–'),
        )
        .join(', ');
}

// "2026-12-31" -> "31.12.2026".
function dateText(iso: string | undefined): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
    return m ? `${m[3]}.${m[2]}.${m[1]}` : (iso ?? '');
}

const span = (text: string | undefined) => (text ?? '').replace('-', '–');

// One finding as a sentence (or two: what, then what to do).
export function findingText(f: Finding): string {
    const p = f.params ?? {};
    const vars: Record<string, string> = {
        ...p,
        weekday: day(p.weekday),
        allowed: days(p.allowed),
        date: dateText(p.date),
        window: span(p.window),
        schedule: span(p.schedule),
        reason: p.reason ? t(`campaign.stall.reason.${p.reason}` as Key) : '',
    };
    let text = t(f.code as Key, vars);
    if (p.resumes_weekday && p.resumes_time) {
        text += ` ${t('campaign.stall.resumes', { on: t(`campaign.stall.on.${p.resumes_weekday}` as Key), time: p.resumes_time })}`;
    }
    return text;
}

// The list of findings with the rules link where the rules are the cause.
export function Findings(props: { findings: Finding[] | undefined; kind: 'stall' | 'warning'; testid: string }) {
    const findings = props.findings ?? [];
    if (findings.length === 0) return null;
    const rules = findings.some((f) => RULES_CODES.has(f.code));
    return (
        <div class={props.kind === 'stall' ? 'findings stall' : 'findings warning'} role={props.kind === 'stall' ? 'alert' : 'status'} data-testid={props.testid}>
            <strong>{t(props.kind === 'stall' ? 'campaign.stall.title' : 'campaign.warning.title')}</strong>
            <ul>
                {findings.map((f, i) => (
                    <li key={`${f.code}-${i}`} data-testid={`${props.testid}-item`} data-code={f.code}>
                        {findingText(f)}
                    </li>
                ))}
            </ul>
            {rules && (
                <a href="#/rules" data-testid={`${props.testid}-rules`}>
                    {t('campaign.stall.rulesLink')} →
                </a>
            )}
            {props.kind === 'warning' && <p class="small muted">{t('campaign.warning.canStart')}</p>}
        </div>
    );
}
