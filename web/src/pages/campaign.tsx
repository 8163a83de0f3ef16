// One campaign: its settings, start / pause / stop, and while it runs its live
// figures over the WebSocket /campaigns/{id}/live — attempts, answers, abandoned
// calls against the limit, occupancy, agents, charts of the last half hour (simulated
// time) and the calls from each caller ID against its daily cap. When it does not run
// here, the figures are those the base keeps. A running campaign that dials nothing
// says why at the top, with the fix; a draft shows what to read before its start.
import { useEffect, useState } from 'preact/hooks';
import { get, follow, post, type Campaign, type CampaignLive } from '../api';
import { LineChart } from '../charts';
import { Section, TeamNotice, useLoad } from '../components';
import { Findings } from '../findings';
import { clockMinutes, dateTime, duration, number, percent, phone } from '../format';
import { t, type Key } from '../i18n';
import { navigate } from '../router';
import { CallerIdPanel, type CallerIdRow } from './caller_ids';
import { CampaignActions, CreateForm, stateBadge } from './campaigns';

const COLORS = { attempts: '#1d5fbf', answered: '#2e7d32', abandon: '#c62828', occupancy: '#6a3fb5' };

function Figure(props: { label: string; value: string; testid: string; sub?: string; warn?: boolean }) {
    return (
        <div class={props.warn ? 'total warn' : 'total'}>
            <span class="total-value" data-testid={props.testid}>
                {props.value}
            </span>
            <span class="total-label">{props.label}</span>
            {props.sub && <span class="total-sub">{props.sub}</span>}
        </div>
    );
}

function Counts(props: { title: string; counts: Record<string, number>; prefix?: string; testid: string }) {
    const entries = Object.entries(props.counts).sort((a, b) => b[1] - a[1]);
    return (
        <div data-testid={props.testid}>
            <h3 class="subhead">{props.title}</h3>
            {entries.length === 0 ? (
                <p class="muted small">{t('common.empty')}</p>
            ) : (
                <table class="kv">
                    <tbody>
                        {entries.map(([k, v]) => (
                            <tr key={k}>
                                <th scope="row">{props.prefix ? t(`${props.prefix}${k}` as Key) : <code>{k}</code>}</th>
                                <td class="num">{number(v)}</td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            )}
        </div>
    );
}

function Charts(props: { live: CampaignLive }) {
    const points = props.live.points ?? [];
    const t0 = points[0]?.t ?? 0;
    const xs = points.map((p) => (p.t - t0) / 60000);
    const minutes = (v: number) => `${Math.round(v * 10) / 10} ${t('live.min')}`;
    const pct = (v: number) => `${Math.round(v * 100) / 100} %`;
    const limit = props.live.abandon_limit * 100;
    return (
        <div class="chart-grid">
            <LineChart
                title={t('live.chartCalls')}
                testid="chart-calls"
                xs={xs}
                xFormat={minutes}
                yFormat={(v) => String(Math.round(v))}
                yMax={4}
                empty={t('live.chartWaiting')}
                series={[
                    { label: t('live.attempts'), color: COLORS.attempts, width: 5, values: points.map((p) => p.attempts) },
                    { label: t('live.answered'), color: COLORS.answered, values: points.map((p) => p.answered) },
                ]}
            />
            <LineChart
                title={t('live.chartAbandon')}
                testid="chart-abandon"
                xs={xs}
                xFormat={minutes}
                yFormat={pct}
                yMax={limit * 1.5}
                limit={{ value: limit, label: t('live.limit', { limit: percent(props.live.abandon_limit) }) }}
                empty={t('live.chartWaiting')}
                series={[{ label: t('live.abandonWindow'), color: COLORS.abandon, values: points.map((p) => p.abandon_rate * 100) }]}
            />
            <LineChart
                title={t('live.chartOccupancy')}
                testid="chart-occupancy"
                xs={xs}
                xFormat={minutes}
                yFormat={pct}
                yMax={100}
                empty={t('live.chartWaiting')}
                series={[{ label: t('live.occupancy'), color: COLORS.occupancy, values: points.map((p) => p.occupancy * 100) }]}
            />
        </div>
    );
}

// Caller IDs the settings list; the caller-ID panel has them all.
const SETTINGS_IDS = 5;

function Settings(props: { c: Campaign }) {
    const { c } = props;
    return (
        <table class="kv" data-testid="campaign-settings">
            <tbody>
                <tr>
                    <th scope="row">{t('campaigns.purpose')}</th>
                    <td>{c.purpose}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.pacing')}</th>
                    <td>{t(`pacing.${c.pacing}` as Key)}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.segmentShort')}</th>
                    <td>{c.segment.length ? c.segment.map((s) => <code key={s} class="code-chip">{s}</code>) : <span class="muted">{t('campaigns.wholeBase')}</span>}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.order')}</th>
                    <td>
                        <code>{c.order_by}</code>
                        {c.rules.map((r) => (
                            <code key={r} class="code-chip">
                                {r}
                            </code>
                        ))}
                    </td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.leads')}</th>
                    <td>{c.leads !== undefined ? number(c.leads) : '—'}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.scheduleShort')}</th>
                    <td>
                        {clockMinutes(c.schedule_start_minute)}–{clockMinutes(c.schedule_end_minute)}
                    </td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.abandonLimit')}</th>
                    <td>
                        {percent(c.abandon_limit)} · {t('live.window', { minutes: c.abandon_window_minutes })}
                    </td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.wrapUp')}</th>
                    <td>{c.wrap_up_seconds}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.callerIdsShort')}</th>
                    <td data-testid="settings-caller-ids">
                        {c.caller_ids.slice(0, SETTINGS_IDS).map((id) => (
                            <div key={id.number} class="mono">
                                {phone(id.number)} <span class="muted">{id.region}</span>
                            </div>
                        ))}
                        {c.caller_ids.length > SETTINGS_IDS && (
                            <div class="muted small">{t('callerIds.more', { n: number(c.caller_ids.length - SETTINGS_IDS) })}</div>
                        )}
                        <span class="muted small">{t('campaigns.capEach', { cap: c.daily_cap })}</span>
                    </td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.scriptShort')}</th>
                    <td class="pre">{c.script || '—'}</td>
                </tr>
                <tr>
                    <th scope="row">{t('campaigns.createdBy')}</th>
                    <td>
                        {c.created_by} · {dateTime(c.created_at)}
                    </td>
                </tr>
            </tbody>
        </table>
    );
}

// Edit (a draft only: the others were dialed under the settings they have) and clone
// (a new draft with these settings, opened at once).
function SettingsActions(props: { c: Campaign; editing: boolean; onEdit: () => void }) {
    const [busy, setBusy] = useState(false);
    async function clone() {
        setBusy(true);
        try {
            const copy = await post<Campaign>(`/campaigns/${props.c.id}/clone`);
            navigate(`#/campaigns/${copy.id}`);
        } catch {
            // the error banner says why
        } finally {
            setBusy(false);
        }
    }
    return (
        <>
            {props.c.state === 'draft' ? (
                !props.editing && (
                    <button type="button" class="small" data-testid="campaign-edit" onClick={props.onEdit}>
                        ✎ {t('campaignEdit.edit')}
                    </button>
                )
            ) : (
                <span class="muted small" data-testid="campaign-edit-refused">
                    {t('campaignEdit.onlyDraft')}
                </span>
            )}
            <button type="button" class="small" data-testid="campaign-clone" disabled={busy} onClick={() => clone()}>
                {t('campaignEdit.clone')}
            </button>
        </>
    );
}

export function CampaignPage(props: { id: number }) {
    const spec = useLoad(() => get<Campaign>(`/campaigns/${props.id}`), [props.id]);
    const [editing, setEditing] = useState(false);
    const [feed, setFeed] = useState<CampaignLive | null>(null);
    const [frames, setFrames] = useState(0);
    useEffect(
        () =>
            follow<CampaignLive>(`/campaigns/${props.id}/live`, (live) => {
                setFeed(live);
                setFrames((n) => n + 1);
            }),
        [props.id],
    );
    // A start, pause or stop shows in the feed within a couple of seconds; the
    // settings and the base's figures are read again then.
    useEffect(() => {
        if (feed && spec.data && feed.state !== spec.data.state) spec.reload();
    }, [feed?.state]);

    const c = spec.data;
    if (!c) {
        return (
            <div class="page" data-testid="page-campaign">
                <p class="muted">{spec.loading ? t('common.loading') : t('campaigns.notFound')}</p>
            </div>
        );
    }
    const live = feed ?? c.live ?? null;
    const stats = c.stats;
    const attempts = live?.attempts ?? stats?.attempts ?? 0;
    const answered = live?.answered ?? stats?.answered ?? 0;
    const abandoned = live?.abandoned ?? stats?.abandoned ?? 0;
    const inbound = live?.inbound ?? stats?.inbound ?? 0;
    const inboundAnswered = live?.inbound_answered ?? stats?.inbound_answered ?? 0;
    const rate = live?.abandon_rate ?? stats?.abandon_rate ?? 0;
    const limit = live?.abandon_limit ?? c.abandon_limit;
    const windowRate = live?.window_abandon_rate ?? null;
    const over = (windowRate ?? rate) > limit;

    const team = c.team ?? live?.team ?? null;
    // A caller ID's daily cap: its own, else the campaign's.
    const capOf = (callerId: string) => c.caller_ids.find((id) => id.number === callerId)?.daily_cap || c.daily_cap;
    // Every caller ID of the campaign with its calls today (live) or in the last
    // 24 hours (the base's figures), those without a call too.
    const counted = new Map<string, CallerIdRow>();
    if (live) {
        for (const u of live.caller_ids) {
            counted.set(u.caller_id, { number: u.caller_id, calls: u.calls, cap: u.cap ?? capOf(u.caller_id), near: u.near_cap });
        }
    } else {
        for (const u of stats?.calls_per_caller_id_24h ?? []) {
            const cap = capOf(u.caller_id);
            counted.set(u.caller_id, { number: u.caller_id, calls: u.calls, cap, near: u.calls >= cap * 0.9 });
        }
    }
    const callerIdRows: CallerIdRow[] = c.caller_ids.map(
        (id) => counted.get(id.number) ?? { number: id.number, calls: 0, cap: capOf(id.number), near: false },
    );
    for (const [n, row] of counted) if (!c.caller_ids.some((id) => id.number === n)) callerIdRows.push(row);

    return (
        <div class="page" data-testid="page-campaign" data-frames={frames}>
            <div class="card-head">
                <div>
                    <a href="#/campaigns" class="back">
                        ← {t('campaigns.back')}
                    </a>
                    <h1 data-testid="campaign-title">{c.name}</h1>
                    <div class="card-meta">
                        {stateBadge(c.state)}
                        <span>{t(`pacing.${c.pacing}` as Key)}</span>
                        <span>{c.purpose}</span>
                        <span class="muted">#{c.id}</span>
                        <span class={live ? 'live-dot on' : 'live-dot'} data-testid="live-indicator">
                            {live && c.state === 'running' ? t('live.on') : t('live.off')}
                        </span>
                    </div>
                </div>
                <CampaignActions campaign={c} onChanged={() => spec.reload()} />
            </div>
            {c.state === 'running' && <Findings findings={live?.stall ?? c.stall} kind="stall" testid="campaign-stall" />}
            {(c.state === 'draft' || c.state === 'paused') && <Findings findings={c.warnings} kind="warning" testid="campaign-warnings" />}
            <TeamNotice team={team} testid="team-view" />

            <div class="totals" data-testid="live-figures">
                <Figure label={t('live.attempts')} value={number(attempts)} testid="live-attempts" />
                <Figure label={t('live.answered')} value={number(answered)} testid="live-answered" sub={live ? t('live.bridged', { n: number(live.bridged) }) : undefined} />
                <Figure
                    label={t('live.abandoned')}
                    value={`${number(abandoned)} · ${percent(rate)}`}
                    testid="live-abandoned"
                    warn={over}
                    sub={
                        windowRate !== null
                            ? t('live.abandonVsLimit', { window: percent(windowRate), limit: percent(limit) })
                            : t('live.limit', { limit: percent(limit) })
                    }
                />
                {inbound > 0 && (
                    <Figure
                        label={t('live.inbound')}
                        value={number(inbound)}
                        testid="live-inbound"
                        sub={t('live.inboundAnswered', { n: number(inboundAnswered) })}
                    />
                )}
                <Figure label={t('live.occupancy')} value={live?.occupancy !== undefined ? percent(live.occupancy) : '—'} testid="live-occupancy" />
                <Figure label={t('live.liveCalls')} value={live?.live_calls !== undefined ? number(live.live_calls) : '—'} testid="live-calls" />
                <Figure
                    label={t('live.leadsLeft')}
                    value={live ? `${number(live.leads_left)} / ${number(live.leads)}` : c.leads !== undefined ? number(c.leads) : '—'}
                    testid="live-leads"
                />
            </div>

            {live && (
                <Section title={t('live.agents')} testid="live-agents">
                    <div class="chips" data-testid="agents-by-state">
                        {Object.keys(live.agents_by_state).length === 0 && <span class="muted">{t('live.noAgents')}</span>}
                        {Object.entries(live.agents_by_state).map(([state, n]) => (
                            <span key={state} class={`chip agent-${state}`}>
                                {t(`agentState.${state}` as Key)}: {n}
                            </span>
                        ))}
                    </div>
                    {live.agents.length > 0 && (
                        <table class="grid">
                            <thead>
                                <tr>
                                    <th>{t('live.agent')}</th>
                                    <th>{t('live.agentState')}</th>
                                    <th class="num">{t('live.for')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {live.agents.map((a) => (
                                    <tr key={a.agent} data-testid="live-agent" data-agent={a.agent}>
                                        <td>{a.agent}</td>
                                        <td>
                                            <span class={`badge agent-${a.state}`}>{t(`agentState.${a.state}` as Key)}</span>
                                        </td>
                                        <td class="num">{duration(live.now - a.since)}</td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    )}
                </Section>
            )}

            {live && (
                <Section title={t('live.charts')} testid="live-charts">
                    <Charts live={live} />
                    <p class="hint">{t('live.chartsHint')}</p>
                </Section>
            )}

            <div class="card-grid">
                <div class="card-col">
                    <Section title={t('live.callerIds')} testid="live-caller-ids">
                        <CallerIdPanel rows={callerIdRows} />
                        <p class="hint">{t('live.callerIdsHint')}</p>
                    </Section>
                    <Section title={t('live.breakdown')}>
                        <div class="counts-grid">
                            <Counts title={t('live.outcomes')} counts={live?.outcomes ?? stats?.outcomes ?? {}} prefix="outcome." testid="live-outcomes" />
                            {live?.denials && <Counts title={t('live.denials')} counts={live.denials} testid="live-denials" />}
                            {stats && <Counts title={t('live.dispositions')} counts={stats.dispositions} testid="live-dispositions" />}
                        </div>
                    </Section>
                </div>
                <div class="card-col">
                    <Section title={t('campaigns.settings')} testid="campaign-settings-section" actions={<SettingsActions c={c} editing={editing} onEdit={() => setEditing(true)} />}>
                        {editing && c.state === 'draft' ? (
                            <CreateForm
                                initial={c}
                                onCancel={() => setEditing(false)}
                                onCreated={() => {
                                    setEditing(false);
                                    spec.reload();
                                }}
                            />
                        ) : (
                            <Settings c={c} />
                        )}
                    </Section>
                </div>
            </div>
        </div>
    );
}
