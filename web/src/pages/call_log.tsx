// The call log (#/calls): the calls of a period with filters — campaign, operator,
// outcome, disposition — a page at a time, read on the server (GET /call-log; an
// operator's own calls from GET /agent/calls), times on the call center's clock.
// Those with call_records export the filtered log as CSV (numbers masked, so it needs
// no approval: docs/security.md) and play a call's recording in the browser.
import { useState } from 'preact/hooks';
import { API, can, get, type Campaign, type CallLogPage, type LoggedCall, type Status } from '../api';
import { CampaignSelect, Empty, Labeled, Pager, Section, TeamNotice, useLoad } from '../components';
import * as dict from '../dictionaries';
import { centerTime, dayText, duration, parseDay, phone } from '../format';
import { lang, t, type Key } from '../i18n';

const LIMIT = 50;

// Who talked on the call: the operators who passed it on first («olga → nina»),
// and how long the caller was held, when they were.
function CallAgents(props: { call: LoggedCall }) {
    const c = props.call;
    const transfers = c.route?.transfers ?? [];
    const held = (c.route?.holds ?? []).reduce((sum, h) => sum + h.ms, 0);
    const chain = [...transfers.map((x) => x.from), c.agent || (transfers.length ? t(`calls.transferredTo.${transfers[transfers.length - 1].to.startsWith('queue:') ? 'queue' : 'agent'}` as Key) : '—')];
    // An attended transfer's arrow says the colleague was consulted first.
    const arrows = transfers.map((x) => (x.mode === 'attended' ? ` ⇒ ` : ' → '));
    const text = chain.map((name, i) => (i === 0 ? name : arrows[i - 1] + name)).join('');
    const conferences = c.route?.conferences ?? [];
    return (
        <span data-testid="call-log-agents">
            <span data-user-text="" title={transfers.some((x) => x.mode === 'attended') ? t('calls.attended') : undefined}>
                {text}
            </span>
            {conferences.map((x, i) => (
                <div class="muted small" data-testid="call-log-conference" key={i} data-user-text="">
                    {t('calls.conference', { agents: `${x.agent}, ${x.with}`, time: duration(x.ms) })}
                </div>
            ))}
            {held > 0 && (
                <div class="muted small" data-testid="call-log-held">
                    {t('calls.held', { time: duration(held) })}
                </div>
            )}
        </span>
    );
}
export const outcomes = ['answered', 'abandoned', 'callback', 'busy', 'no_answer', 'invalid', 'rejected', 'failed', 'interrupted', 'in_progress'];

// Today and `days` before it as 2026-12-31 (the browser's calendar).
export function isoDay(daysBack = 0): string {
    const d = new Date(Date.now() - daysBack * 86400000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

interface Filters {
    from: string; // 2026-12-31, '' for open
    to: string;
    campaign: string;
    agent: string;
    outcome: string;
    disposition: string;
}

// The period's two date boxes: typed as people write dates (31.12.2026), checked as typed.
export function PeriodInputs(props: {
    from: string;
    to: string;
    onFrom: (v: string) => void;
    onTo: (v: string) => void;
    prefix: string;
}) {
    const bad = (v: string) => v.trim() !== '' && parseDay(v) === null;
    const placeholder = lang.get() === 'ru' ? '31.12.2026' : '31/12/2026';
    return (
        <>
            <Labeled label={t('callLog.from')}>
                <input
                    data-testid={`${props.prefix}-from`}
                    inputMode="numeric"
                    placeholder={placeholder}
                    class={bad(props.from) ? 'invalid' : ''}
                    aria-invalid={bad(props.from)}
                    value={props.from}
                    onInput={(e) => props.onFrom(e.currentTarget.value)}
                />
            </Labeled>
            <Labeled label={t('callLog.to')}>
                <input
                    data-testid={`${props.prefix}-to`}
                    inputMode="numeric"
                    placeholder={placeholder}
                    class={bad(props.to) ? 'invalid' : ''}
                    aria-invalid={bad(props.to)}
                    value={props.to}
                    onInput={(e) => props.onTo(e.currentTarget.value)}
                />
            </Labeled>
        </>
    );
}

function query(f: Filters, offset: number): Record<string, string> {
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(f)) if (v) q[k] = v;
    if (offset) q.offset = String(offset);
    q.limit = String(LIMIT);
    return q;
}

export function CallLogPage() {
    const full = can('call_records');
    const statuses = useLoad<Status[]>(() => dict.statuses().catch(() => []), []);
    const campaigns = useLoad(() => (can('campaigns') ? get<{ campaigns: Campaign[] }>('/campaigns').then((r) => r.campaigns) : Promise.resolve([])), []);
    const [from, setFrom] = useState(dayText(isoDay(6)));
    const [to, setTo] = useState(dayText(isoDay()));
    const [campaign, setCampaign] = useState('');
    const [agent, setAgent] = useState('');
    const [outcome, setOutcome] = useState('');
    const [disposition, setDisposition] = useState('');
    const [applied, setApplied] = useState<Filters>({ from: isoDay(6), to: isoDay(), campaign: '', agent: '', outcome: '', disposition: '' });
    const [offset, setOffset] = useState(0);
    const [formError, setFormError] = useState<string | null>(null);
    const [playing, setPlaying] = useState<number | null>(null);
    const log = useLoad(() => get<CallLogPage>(full ? '/call-log' : '/agent/calls', query(applied, offset)), [applied, offset]);

    function apply(e: Event) {
        e.preventDefault();
        const f = from.trim() ? parseDay(from) : '';
        const tt = to.trim() ? parseDay(to) : '';
        if (f === null || tt === null) {
            setFormError(t('callLog.badDate'));
            return;
        }
        setFormError(null);
        setOffset(0);
        setPlaying(null);
        setApplied({ from: f, to: tt, campaign, agent: agent.trim(), outcome, disposition });
    }

    const page = log.data;
    const offsetMinutes = page?.utc_offset_minutes ?? 180;
    const exportQuery = new URLSearchParams({ ...query(applied, 0), lang: lang.get() });
    exportQuery.delete('limit');
    const statusList = statuses.data ?? [];
    return (
        <div class="page" data-testid="page-calls">
            <h1>{t('callLog.title')}</h1>
            <p class="hint">{full ? t('callLog.hint') : t('callLog.ownHint')}</p>
            <TeamNotice team={page?.team} testid="calls-team" />
            <Section title={t('callLog.filters')}>
                <form class="row-form" data-testid="calls-filters" onSubmit={apply}>
                    <PeriodInputs from={from} to={to} onFrom={setFrom} onTo={setTo} prefix="calls" />
                    <CampaignSelect campaigns={campaigns.data ?? []} value={campaign} onChange={setCampaign} testid="calls-campaign" />
                    {full && (
                        <Labeled label={t('callLog.operator')}>
                            <input data-testid="calls-agent" value={agent} onInput={(e) => setAgent(e.currentTarget.value)} />
                        </Labeled>
                    )}
                    <Labeled label={t('calls.outcome')}>
                        <select data-testid="calls-outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
                            <option value="">{t('callLog.any')}</option>
                            {outcomes.map((o) => (
                                <option key={o} value={o}>
                                    {t(`outcome.${o}` as Key)}
                                </option>
                            ))}
                        </select>
                    </Labeled>
                    <Labeled label={t('calls.disposition')}>
                        <select data-testid="calls-disposition" value={disposition} onChange={(e) => setDisposition(e.currentTarget.value)}>
                            <option value="">{t('callLog.any')}</option>
                            <option value="none">{t('callLog.noDisposition')}</option>
                            {statusList.map((s) => (
                                <option key={s.id} value={s.id}>
                                    {dict.statusLabel(statusList, s.id)}
                                </option>
                            ))}
                        </select>
                    </Labeled>
                    <button type="submit" class="primary" data-testid="calls-apply">
                        {t('callLog.apply')}
                    </button>
                    {full && (
                        <a class="button" data-testid="calls-export" href={`${API}/call-log/export?${exportQuery.toString()}`} download="calls.csv">
                            {t('callLog.export')}
                        </a>
                    )}
                </form>
                {formError && (
                    <p class="error-inline" role="alert" data-testid="calls-form-error">
                        {formError}
                    </p>
                )}
                {full && <p class="hint">{t('callLog.exportHint')}</p>}
            </Section>
            <Section title={t('callLog.calls')}>
                <p class="muted small" data-testid="calls-zone">
                    {t('callLog.zone', { offset: `UTC${offsetMinutes >= 0 ? '+' : '−'}${Math.abs(offsetMinutes) / 60}` })}
                </p>
                <div class="table-wrap">
                    <table class="grid" data-testid="call-log-table" aria-busy={log.loading}>
                        <thead>
                            <tr>
                                <th>{t('calls.started')}</th>
                                <th>{t('calls.campaign')}</th>
                                <th>{t('field.phone')}</th>
                                <th>{t('callLog.operator')}</th>
                                <th>{t('calls.outcome')}</th>
                                <th class="num">{t('callLog.talk')}</th>
                                <th>{t('calls.disposition')}</th>
                                <th>{t('callLog.recording')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {(page?.calls ?? []).map((c) => (
                                <tr key={c.call} data-testid="call-log-row" data-call={c.call} data-outcome={c.outcome}>
                                    <td class="nowrap">
                                        {centerTime(c.started_ms, offsetMinutes)}
                                        <div class="muted small">{c.direction === 'in' ? `⇦ ${t('calls.incoming')}` : `${t('calls.attempt')} ${c.attempt}`}</div>
                                    </td>
                                    <td>{c.campaign}</td>
                                    <td class="mono nowrap">{phone(c.phone)}</td>
                                    <td>
                                        <CallAgents call={c} />
                                    </td>
                                    <td>
                                        <span class={`badge outcome-${c.outcome}`}>{t(`outcome.${c.outcome}` as Key)}</span>
                                    </td>
                                    <td class="num">{c.bridged_ms && c.ended_ms ? duration(c.ended_ms - c.bridged_ms) : '—'}</td>
                                    <td>{c.disposition ? dict.statusLabel(statusList, c.disposition) : '—'}</td>
                                    <td>
                                        {c.playable ? (
                                            playing === c.call ? (
                                                <audio
                                                    controls
                                                    autoplay
                                                    preload="metadata"
                                                    data-testid="call-audio"
                                                    src={`${API}/calls/${c.call}/recording`}
                                                    aria-label={t('callLog.recording')}
                                                />
                                            ) : (
                                                <button type="button" class="small" data-testid="call-play" onClick={() => setPlaying(c.call)}>
                                                    ▶ {t('callLog.play')}
                                                </button>
                                            )
                                        ) : c.recording ? (
                                            <span class="muted small">{t('callLog.recorded')}</span>
                                        ) : (
                                            <span class="muted">—</span>
                                        )}
                                    </td>
                                </tr>
                            ))}
                            {page && page.calls.length === 0 && <Empty colSpan={8} text={t('callLog.none')} />}
                        </tbody>
                    </table>
                </div>
                {page && <Pager total={page.total} offset={page.offset} limit={LIMIT} onChange={setOffset} />}
            </Section>
        </div>
    );
}
