// Why a number was called: every campaign call to it with what the dial gate relied
// on when it allowed the dial (the callee's local time, consent, the registries
// checked, the rules in force), for those with the call_records permission. On the
// campaigns page as a lookup by number, and on the contact card.
import { useState } from 'preact/hooks';
import { get, type CallRecord, type Status } from '../api';
import { Empty, Labeled, useLoad } from '../components';
import * as dict from '../dictionaries';
import { clockMinutes, dateTime, phone } from '../format';
import { t, type Key } from '../i18n';

const weekday = (d: number) => t(`weekday.${d}` as Key);

function utcOffset(minutes: number): string {
    const sign = minutes < 0 ? '−' : '+';
    const m = Math.abs(minutes);
    return `UTC${sign}${Math.floor(m / 60)}${m % 60 ? `:${String(m % 60).padStart(2, '0')}` : ''}`;
}

// The calls to one number, each with what the dial gate relied on when it allowed it.
export function CallsTable(props: { calls: CallRecord[] }) {
    const statuses = useLoad<Status[]>(dict.statuses, []);
    return (
        <div class="table-wrap">
            <table class="grid" data-testid="calls-table">
                <thead>
                    <tr>
                        <th>{t('calls.started')}</th>
                        <th>{t('calls.campaign')}</th>
                        <th>{t('calls.callerId')}</th>
                        <th>{t('calls.outcome')}</th>
                        <th>{t('calls.disposition')}</th>
                        <th>{t('calls.evidence')}</th>
                    </tr>
                </thead>
                <tbody>
                    {props.calls.map((c) => (
                        <tr key={c.call} data-testid="call-row">
                            <td class="nowrap">
                                {dateTime(Math.floor(c.started_ms / 1000))}
                                <div class="muted small" data-testid="call-direction" data-direction={c.direction}>
                                    {c.direction === 'in' ? `⇦ ${t('calls.incoming')}` : `${t('calls.attempt')} ${c.attempt}`}
                                    {c.network === 'sim' ? ` · ${t('calls.simulated')}` : ''}
                                </div>
                            </td>
                            <td>
                                <a href={`#/campaigns/${c.campaign_id}`}>{c.campaign}</a>
                                <div class="muted small">{c.purpose}</div>
                            </td>
                            <td class="mono nowrap">{phone(c.caller_id)}</td>
                            <td>
                                <span class={`badge outcome-${c.outcome}`}>{t(`outcome.${c.outcome}` as Key)}</span>
                                {c.agent && <div class="muted small">{c.agent}</div>}
                            </td>
                            <td>{c.disposition ? dict.statusLabel(statuses.data ?? [], c.disposition) : '—'}</td>
                            <td>
                                {c.direction === 'in' ? (
                                    <span class="muted">{t('calls.noGate')}</span>
                                ) : c.evidence ? (
                                    <table class="kv evidence" data-testid="call-evidence">
                                        <tbody>
                                            <tr>
                                                <th scope="row">{t('calls.localTime')}</th>
                                                <td>
                                                    {weekday(c.evidence.local_weekday)} {clockMinutes(c.evidence.local_minute)} (
                                                    {utcOffset(c.evidence.utc_offset)}
                                                    {c.evidence.offset_assumed ? `, ${t('calls.offsetAssumed')}` : ''})
                                                </td>
                                            </tr>
                                            <tr>
                                                <th scope="row">{t('calls.consent')}</th>
                                                <td>{c.evidence.consent}</td>
                                            </tr>
                                            <tr>
                                                <th scope="row">{t('calls.registries')}</th>
                                                <td>{c.evidence.registries}</td>
                                            </tr>
                                            <tr>
                                                <th scope="row">{t('calls.rules')}</th>
                                                <td>{c.evidence.rules}</td>
                                            </tr>
                                            <tr>
                                                <th scope="row">{t('calls.attemptsBefore')}</th>
                                                <td>{c.evidence.attempts_before}</td>
                                            </tr>
                                        </tbody>
                                    </table>
                                ) : (
                                    <span class="muted">—</span>
                                )}
                            </td>
                        </tr>
                    ))}
                    {props.calls.length === 0 && <Empty colSpan={6} text={t('calls.none')} />}
                </tbody>
            </table>
        </div>
    );
}

export function WhyLookup(props: { initial?: string }) {
    const [phone, setPhone] = useState(props.initial ?? '');
    const [result, setResult] = useState<{ phone: string; calls: CallRecord[] } | null>(null);
    const [busy, setBusy] = useState(false);
    async function submit(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            setResult(await get<{ phone: string; calls: CallRecord[] }>('/calls', { phone: phone.trim() }));
        } catch {
            setResult(null);
        } finally {
            setBusy(false);
        }
    }
    return (
        <div data-testid="why">
            <form class="row-form why-form" onSubmit={(e) => submit(e)}>
                <Labeled label={t('field.phone')}>
                    <input data-testid="why-phone" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" data-testid="why-submit" disabled={busy}>
                    {t('calls.lookup')}
                </button>
            </form>
            {result && (
                <>
                    <p class="muted" data-testid="why-phone-shown">
                        {t('calls.for', { phone: result.phone, n: result.calls.length })}
                    </p>
                    <CallsTable calls={result.calls} />
                </>
            )}
        </div>
    );
}


// The contact card's campaign calls: asked for on a click (each lookup is a read of
// call records in the audit log), for every phone of the card.
export function CardCalls(props: { phones: string[] }) {
    const [calls, setCalls] = useState<CallRecord[] | null>(null);
    const [busy, setBusy] = useState(false);
    async function load() {
        setBusy(true);
        try {
            const all: CallRecord[] = [];
            for (const phone of props.phones) {
                all.push(...(await get<{ calls: CallRecord[] }>('/calls', { phone })).calls);
            }
            setCalls(all.sort((a, b) => a.started_ms - b.started_ms));
        } finally {
            setBusy(false);
        }
    }
    if (props.phones.length === 0) return <p class="muted">{t('card.noPhones')}</p>;
    return calls === null ? (
        <button type="button" data-testid="card-calls-show" disabled={busy} onClick={() => load().catch(() => undefined)}>
            {t('calls.show')}
        </button>
    ) : (
        <CallsTable calls={calls} />
    );
}
