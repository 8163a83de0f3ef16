// Calling rules: the window (the callee's local time), the weekdays, the attempt
// limits, the purposes that need no consent and the zone assumed for numbers of
// unknown zone, as a form; the public holidays below (list, add, remove). Who has
// the `rules` permission edits; the server's refusal is shown at its field.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, can, del, get, post, request, type CallingRules, type Holiday, type List, type Purpose } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import { purposeDescription } from '../dictionaries';
import { isoDay } from '../format';
import { t, type Key } from '../i18n';

export const weekdayIds = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

// The zones of Russia, for numbers whose zone the numbering plan does not give.
const utcOffsets = [120, 180, 240, 300, 360, 420, 480, 540, 600, 660, 720] as const;

type RuleField = 'window_start' | 'window_end' | 'weekdays' | 'attempts' | 'purposes' | 'zone' | 'form';

// Which field a refusal of PUT /rules is about, and what to say there: the
// server's message (before its hint) read for the field it names; the known
// refusals in the reader's language, any other in the server's words.
export function refusalOf(detail: string): { field: RuleField; text: string } {
    const message = detail.split('; ')[0] ?? detail;
    const known = (field: RuleField, key: Key) => ({ field, text: t(key) });
    if (message.includes('window ends before')) return known('window_end', 'rules.err.order');
    if (message.startsWith('window_start:')) return known('window_start', 'rules.err.time');
    if (message.startsWith('window_end:')) return known('window_end', 'rules.err.time');
    if (message.includes('no weekday')) return known('weekdays', 'rules.err.noDay');
    if (message.includes('attempt limits')) return known('attempts', 'rules.err.attempts');
    if (message.includes('weekday')) return { field: 'weekdays', text: detail };
    if (/max_attempts|attempt_period|min_gap/.test(message)) return { field: 'attempts', text: detail };
    if (message.includes('purposes')) return { field: 'purposes', text: detail };
    if (message.includes('utc_offset')) return { field: 'zone', text: detail };
    return { field: 'form', text: detail };
}

// "пн–пт 09:00–20:00": the days as runs of consecutive days.
export function describeDays(days: string[]): string {
    const on = weekdayIds.map((d) => days.includes(d));
    const runs: string[] = [];
    for (let i = 0; i < 7; ) {
        if (!on[i]) {
            i++;
            continue;
        }
        let j = i;
        while (j + 1 < 7 && on[j + 1]) j++;
        const first = t(`weekday.${i}` as Key);
        runs.push(j === i ? first : j === i + 1 ? `${first}, ${t(`weekday.${j}` as Key)}` : `${first}–${t(`weekday.${j}` as Key)}`);
        i = j + 1;
    }
    return runs.join(', ');
}

function offsetLabel(minutes: number): string {
    const sign = minutes < 0 ? '−' : '+';
    const h = Math.floor(Math.abs(minutes) / 60);
    const m = Math.abs(minutes) % 60;
    const key = `rules.zone.${minutes}` as Key;
    const name = t(key);
    return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}${name !== key ? ` · ${name}` : ''}`;
}

function FieldError(props: { field: RuleField; error: { field: RuleField; text: string } | null }) {
    if (!props.error || props.error.field !== props.field) return null;
    return (
        <div class="error-inline" role="alert" data-testid={`rules-error-${props.field}`}>
            {props.error.text}
        </div>
    );
}

function RulesForm(props: { rules: CallingRules; purposes: Purpose[]; onSaved: (r: CallingRules) => void }) {
    const editable = can('rules');
    const [form, setForm] = useState<CallingRules>(props.rules);
    const [error, setError] = useState<{ field: RuleField; text: string } | null>(null);
    const [busy, setBusy] = useState(false);
    useEffect(() => setForm(props.rules), [props.rules]);
    const set = <K extends keyof CallingRules>(key: K, value: CallingRules[K]) => setForm({ ...form, [key]: value });
    const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

    async function submit(e: Event) {
        e.preventDefault();
        setError(null);
        setBusy(true);
        try {
            const { holidays: _holidays, ...body } = form;
            const saved = await request<CallingRules>('PUT', '/rules', {
                json: { ...body, weekdays: weekdayIds.filter((d) => form.weekdays.includes(d)) },
                quiet: true,
            });
            props.onSaved(saved);
        } catch (err) {
            setError(err instanceof ApiError && err.status === 400 ? refusalOf(err.detail) : { field: 'form', text: err instanceof Error ? err.message : String(err) });
        } finally {
            setBusy(false);
        }
    }

    const number = (key: 'max_attempts' | 'attempt_period_days' | 'min_gap_minutes', min: number) => (
        <input
            type="number"
            min={min}
            step={1}
            data-testid={`rules-${key}`}
            disabled={!editable}
            value={form[key]}
            onInput={(e) => set(key, Number(e.currentTarget.value))}
        />
    );

    return (
        <form class="rules-form" data-testid="rules-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <fieldset disabled={!editable || busy}>
                <div class="row-form">
                    <Labeled label={t('rules.windowStart')}>
                        <input
                            data-testid="rules-window_start"
                            required
                            inputMode="numeric"
                            placeholder="09:00"
                            pattern="([01][0-9]|2[0-4]):[0-5][0-9]"
                            value={form.window_start}
                            onInput={(e) => set('window_start', e.currentTarget.value.trim())}
                        />
                        <FieldError field="window_start" error={error} />
                    </Labeled>
                    <Labeled label={t('rules.windowEnd')}>
                        <input
                            data-testid="rules-window_end"
                            required
                            inputMode="numeric"
                            placeholder="20:00"
                            pattern="([01][0-9]|2[0-4]):[0-5][0-9]"
                            value={form.window_end}
                            onInput={(e) => set('window_end', e.currentTarget.value.trim())}
                        />
                        <FieldError field="window_end" error={error} />
                    </Labeled>
                    <span class="hint">{t('rules.windowHint')}</span>
                </div>
                <div class="field wide" role="group" aria-label={t('rules.weekdays')} data-testid="rules-weekdays">
                    <span class="field-label">{t('rules.weekdays')}</span>
                    <div class="checks">
                        {weekdayIds.map((d, i) => (
                            <label key={d} class="check">
                                <input
                                    type="checkbox"
                                    data-testid={`rules-day-${d}`}
                                    checked={form.weekdays.includes(d)}
                                    onChange={() => set('weekdays', toggle(form.weekdays, d))}
                                />
                                {t(`weekday.${i}` as Key)}
                            </label>
                        ))}
                    </div>
                    <FieldError field="weekdays" error={error} />
                </div>
                <div class="row-form">
                    <Labeled label={t('rules.maxAttempts')}>{number('max_attempts', 0)}</Labeled>
                    <Labeled label={t('rules.periodDays')}>{number('attempt_period_days', 1)}</Labeled>
                    <Labeled label={t('rules.minGap')}>{number('min_gap_minutes', 0)}</Labeled>
                    <span class="hint">{t('rules.attemptsHint')}</span>
                </div>
                <FieldError field="attempts" error={error} />
                <div class="row-form">
                    <Labeled label={t('rules.zone')} wide>
                        <select
                            data-testid="rules-zone"
                            value={String(form.default_utc_offset_minutes)}
                            onChange={(e) => set('default_utc_offset_minutes', Number(e.currentTarget.value))}
                        >
                            {[...new Set([...utcOffsets, form.default_utc_offset_minutes])]
                                .sort((a, b) => a - b)
                                .map((m) => (
                                    <option key={m} value={String(m)}>
                                        {offsetLabel(m)}
                                    </option>
                                ))}
                        </select>
                        <FieldError field="zone" error={error} />
                    </Labeled>
                    <span class="hint">{t('rules.zoneHint')}</span>
                </div>
                <div class="field wide" role="group" aria-label={t('rules.noConsent')} data-testid="rules-purposes">
                    <span class="field-label">{t('rules.noConsent')}</span>
                    <div class="checks">
                        {props.purposes.map((p) => (
                            <label key={p.name} class="check" title={purposeDescription(p)}>
                                <input
                                    type="checkbox"
                                    data-testid={`rules-purpose-${p.name}`}
                                    checked={form.purposes_without_consent.includes(p.name)}
                                    onChange={() => set('purposes_without_consent', toggle(form.purposes_without_consent, p.name))}
                                />
                                {p.name}
                            </label>
                        ))}
                    </div>
                    <span class="hint">{t('rules.noConsentHint')}</span>
                    <FieldError field="purposes" error={error} />
                </div>
                <FieldError field="form" error={error} />
                {editable && (
                    <div class="form-actions">
                        <button type="submit" class="primary" data-testid="rules-save">
                            {t('common.save')}
                        </button>
                        <button type="button" data-testid="rules-undo" onClick={() => {
                                setForm(props.rules);
                                setError(null);
                            }}>
                            {t('rules.undo')}
                        </button>
                    </div>
                )}
            </fieldset>
            {!editable && <p class="hint">{t('rules.readOnly')}</p>}
        </form>
    );
}

function Holidays(props: { onChanged: (text: string) => void }) {
    const list = useLoad(() => get<List<Holiday>>('/holidays'), []);
    const [date, setDate] = useState('');
    const [name, setName] = useState('');
    const editable = can('rules');
    async function add(e: Event) {
        e.preventDefault();
        await post('/holidays', { date, name: name.trim() });
        props.onChanged(t('rules.holidayAdded', { date: isoDay(date) }));
        setDate('');
        setName('');
        list.reload();
    }
    async function remove(h: Holiday) {
        await del(`/holidays/${h.date}`);
        props.onChanged(t('rules.holidayRemoved', { date: isoDay(h.date) }));
        list.reload();
    }
    const items = list.data?.items ?? [];
    return (
        <Section title={t('rules.holidays')} testid="holidays">
            {editable && (
                <form class="row-form" onSubmit={(e) => add(e).catch(() => undefined)}>
                    <Labeled label={t('rules.holidayDate')}>
                        <input type="date" required data-testid="holiday-date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
                    </Labeled>
                    <Labeled label={t('rules.holidayName')} wide>
                        <input data-testid="holiday-name" placeholder={t('rules.holidayNameHint')} value={name} onInput={(e) => setName(e.currentTarget.value)} />
                    </Labeled>
                    <button type="submit" class="primary" data-testid="holiday-add">
                        {t('common.add')}
                    </button>
                </form>
            )}
            <div class="table-wrap">
                <table class="grid" data-testid="holidays-table">
                    <thead>
                        <tr>
                            <th>{t('rules.holidayDate')}</th>
                            <th>{t('rules.holidayName')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {items.length === 0 && !list.loading && <Empty colSpan={3} text={t('rules.noHolidays')} />}
                        {items.map((h) => (
                            <tr key={h.date} data-testid="holiday-row" data-date={h.date}>
                                <td class="nowrap" data-testid="holiday-shown">
                                    {isoDay(h.date)}
                                </td>
                                <td>{h.name}</td>
                                <td>
                                    {editable && (
                                        <button type="button" class="small" data-testid="holiday-remove" onClick={() => remove(h).catch(() => undefined)}>
                                            {t('common.remove')}
                                        </button>
                                    )}
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
        </Section>
    );
}

export function RulesPage() {
    const rules = useLoad(() => get<CallingRules>('/rules'), []);
    const purposes = useLoad(() => (can('consents') ? get<List<Purpose>>('/purposes') : Promise.resolve({ items: [] })), []);
    const [shown, setShown] = useState<CallingRules | undefined>(undefined);
    const [notice, setNotice] = useState<string | null>(null);
    const current = shown ?? rules.data;
    return (
        <div class="page" data-testid="page-rules">
            <h1>{t('rules.title')}</h1>
            <Notice text={notice} onClose={() => setNotice(null)} />
            {current && (
                <p class="subhead" data-testid="rules-summary">
                    {t('rules.summary', {
                        days: describeDays(current.weekdays),
                        from: current.window_start,
                        to: current.window_end,
                        attempts: current.max_attempts,
                        period: current.attempt_period_days,
                        gap: current.min_gap_minutes,
                    })}
                </p>
            )}
            <Section title={t('rules.window')}>
                {current ? (
                    <RulesForm
                        rules={current}
                        purposes={purposes.data?.items ?? []}
                        onSaved={(r) => {
                            setShown(r);
                            setNotice(t('rules.saved'));
                        }}
                    />
                ) : (
                    <p class="muted">{t('common.loading')}</p>
                )}
            </Section>
            <Holidays onChanged={setNotice} />
        </div>
    );
}
