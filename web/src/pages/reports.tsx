// Supervisors' reports (#/reports) for a chosen period, on the call center's days
// and hours (GET /reports/calls): calls by the hour of the day, answered and
// abandoned by day, average handle, talk and wrap-up time, dispositions over time,
// and tables per operator and per campaign. Charts are uPlot (canvas), as the health
// page's; each chart and table downloads the table behind it as CSV. Below them, the
// incoming calls of the same days (GET /reports/inbound): per queue the service level
// as Asterisk counts it, per operator and topic first-contact resolution, repeats and
// quick returns, and the queue_log download. A supervisor in a team sees the team's calls.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { API, get, type Campaign, type CallReport, type InboundReport, type InboundResolution, type MenuFigures, type ReportFigures, type Status } from '../api';
import { CampaignSelect, Section, TeamNotice, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dayText, downloadCsv, number, parseDay, percent } from '../format';
import { lang, t } from '../i18n';
import { pauseReasonText } from '../pause_reason';
import { isoDay, PeriodInputs } from './call_log';

const PALETTE = ['#1d5fbf', '#2e7d32', '#c62828', '#6a3fb5', '#ef6c00', '#00838f', '#ad1457', '#5d4037', '#455a64'];

interface ChartSeries {
    label: string;
    values: number[];
    color: string;
    bars?: boolean;
}

const seconds = (v: number) => `${Math.round(v)} ${t('reports.sec')}`;

// One uPlot chart over categories (hours or days): a series drawn as bars
// (`bars`) or as a line.
function Chart(props: { testid: string; xLabel: string; labels: string[]; series: ChartSeries[]; yFormat?: (v: number) => string }) {
    const box = useRef<HTMLDivElement>(null);
    useEffect(() => {
        const el = box.current;
        if (!el) return undefined;
        const xs = props.labels.map((_, i) => i);
        const format = (v: number) => (props.yFormat ? props.yFormat(v) : number(v));
        const opts: uPlot.Options = {
            width: Math.max(280, el.clientWidth),
            height: 220,
            scales: { x: { time: false, range: [-0.6, Math.max(0, xs.length - 1) + 0.6] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
            axes: [
                {
                    splits: () => {
                        const step = Math.max(1, Math.ceil(xs.length / 12));
                        return xs.filter((i) => i % step === 0);
                    },
                    values: (_u, splits) => splits.map((s) => props.labels[s] ?? ''),
                },
                { values: (_u, splits) => splits.map(format), size: 60 },
            ],
            series: [
                { label: props.xLabel, value: (_u, v) => (v === null || v === undefined ? '' : props.labels[v] ?? '') },
                ...props.series.map((s) => ({
                    label: s.label,
                    stroke: s.color,
                    fill: s.bars ? `${s.color}99` : undefined,
                    width: s.bars ? 1 : 2,
                    points: { show: !s.bars },
                    paths: s.bars ? uPlot.paths.bars!({ size: [0.7, 48] }) : undefined,
                    value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
                })),
            ],
        };
        const plot = new uPlot(opts, [xs, ...props.series.map((s) => s.values)], el);
        const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
        observer.observe(el);
        return () => {
            observer.disconnect();
            plot.destroy();
        };
    }, [props.labels.join('|'), JSON.stringify(props.series), lang.get()]);
    return <div class="chart report-chart" ref={box} data-testid={props.testid} />;
}

function CsvButton(props: { name: string; rows: () => (string | number)[][]; testid: string }) {
    return (
        <button type="button" class="small" data-testid={props.testid} onClick={() => downloadCsv(props.name, props.rows())}>
            ⤓ CSV
        </button>
    );
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function FiguresTable(props: { rows: { key: string; label: string; f: ReportFigures }[]; head: string; testid: string }) {
    return (
        <div class="table-wrap">
            <table class="grid" data-testid={props.testid}>
                <thead>
                    <tr>
                        <th>{props.head}</th>
                        <th class="num">{t('reports.calls')}</th>
                        <th class="num">{t('reports.answered')}</th>
                        <th class="num">{t('reports.abandoned')}</th>
                        <th class="num">{t('reports.handled')}</th>
                        <th class="num">{t('reports.aht')}</th>
                        <th class="num">{t('reports.talk')}</th>
                        <th class="num">{t('reports.wrapUp')}</th>
                    </tr>
                </thead>
                <tbody>
                    {props.rows.map((r) => (
                        <tr key={r.key} data-testid={`${props.testid}-row`}>
                            <td>{r.label}</td>
                            <td class="num">{number(r.f.calls)}</td>
                            <td class="num">{number(r.f.answered)}</td>
                            <td class="num">{number(r.f.abandoned)}</td>
                            <td class="num">{number(r.f.handled)}</td>
                            <td class="num">{seconds(r.f.avg_handle_s)}</td>
                            <td class="num">{seconds(r.f.avg_talk_s)}</td>
                            <td class="num">{seconds(r.f.avg_wrap_up_s)}</td>
                        </tr>
                    ))}
                    {props.rows.length === 0 && (
                        <tr class="empty">
                            <td colSpan={8}>{t('reports.noCalls')}</td>
                        </tr>
                    )}
                </tbody>
            </table>
        </div>
    );
}

const figuresHead = () => [t('reports.calls'), t('reports.answered'), t('reports.abandoned'), t('reports.handled'), t('reports.ahtSec'), t('reports.talkSec'), t('reports.wrapUpSec')];
const figuresCells = (f: ReportFigures) => [f.calls, f.answered, f.abandoned, f.handled, round1(f.avg_handle_s), round1(f.avg_talk_s), round1(f.avg_wrap_up_s)];

function Report(props: { r: CallReport; statuses: Status[] }) {
    const { r } = props;
    const hourLabels = r.hours.map((h) => `${String(h.hour).padStart(2, '0')}:00`);
    const dayLabels = r.days.map((d) => dayText(d.day).slice(0, 5));
    const dispositionIds = [...new Set(r.days.flatMap((d) => Object.keys(d.dispositions)))].sort();
    const label = (id: string) => dict.statusLabel(props.statuses, id);
    const file = (what: string) => `${what}-${r.from}-${r.to}.csv`;
    return (
        <>
            <div class="totals" data-testid="report-totals">
                <div class="total">
                    <span class="total-value" data-testid="report-calls">
                        {number(r.total.calls)}
                    </span>
                    <span class="total-label">{t('reports.calls')}</span>
                </div>
                <div class="total">
                    <span class="total-value">{number(r.total.answered)}</span>
                    <span class="total-label">{t('reports.answered')}</span>
                </div>
                <div class="total">
                    <span class="total-value">
                        {number(r.total.abandoned)} · {percent(r.total.answered + r.total.abandoned ? r.total.abandoned / (r.total.answered + r.total.abandoned) : 0)}
                    </span>
                    <span class="total-label">{t('reports.abandoned')}</span>
                </div>
                <div class="total">
                    <span class="total-value">{seconds(r.total.avg_handle_s)}</span>
                    <span class="total-label">{t('reports.aht')}</span>
                    <span class="total-sub">{t('reports.ahtSub', { talk: seconds(r.total.avg_talk_s), wrap: seconds(r.total.avg_wrap_up_s) })}</span>
                </div>
            </div>
            <div class="chart-grid report-grid">
                <Section title={t('reports.byHour')} testid="report-hours" actions={<CsvButton testid="report-csv-hours" name={file('calls-by-hour')} rows={() => [[t('reports.hour'), ...figuresHead()], ...r.hours.map((h, i) => [hourLabels[i]!, ...figuresCells(h)])]} />}>
                    <Chart
                        testid="report-chart-hours"
                        xLabel={t('reports.hour')}
                        labels={hourLabels}
                        series={[
                            { label: t('reports.calls'), color: PALETTE[0]!, bars: true, values: r.hours.map((h) => h.calls) },
                            { label: t('reports.answered'), color: PALETTE[1]!, values: r.hours.map((h) => h.answered) },
                            { label: t('reports.abandoned'), color: PALETTE[2]!, values: r.hours.map((h) => h.abandoned) },
                        ]}
                    />
                </Section>
                <Section title={t('reports.byDay')} testid="report-days" actions={<CsvButton testid="report-csv-days" name={file('calls-by-day')} rows={() => [[t('reports.day'), ...figuresHead()], ...r.days.map((d) => [dayText(d.day), ...figuresCells(d)])]} />}>
                    <Chart
                        testid="report-chart-days"
                        xLabel={t('reports.day')}
                        labels={dayLabels}
                        series={[
                            { label: t('reports.calls'), color: PALETTE[0]!, bars: true, values: r.days.map((d) => d.calls) },
                            { label: t('reports.answered'), color: PALETTE[1]!, values: r.days.map((d) => d.answered) },
                            { label: t('reports.abandoned'), color: PALETTE[2]!, values: r.days.map((d) => d.abandoned) },
                        ]}
                    />
                </Section>
                <Section title={t('reports.times')} testid="report-times" actions={<CsvButton testid="report-csv-times" name={file('handle-time-by-day')} rows={() => [[t('reports.day'), t('reports.ahtSec'), t('reports.talkSec'), t('reports.wrapUpSec')], ...r.days.map((d) => [dayText(d.day), round1(d.avg_handle_s), round1(d.avg_talk_s), round1(d.avg_wrap_up_s)])]} />}>
                    <Chart
                        testid="report-chart-times"
                        xLabel={t('reports.day')}
                        labels={dayLabels}
                        yFormat={seconds}
                        series={[
                            { label: t('reports.aht'), color: PALETTE[0]!, values: r.days.map((d) => d.avg_handle_s) },
                            { label: t('reports.talk'), color: PALETTE[3]!, values: r.days.map((d) => d.avg_talk_s) },
                            { label: t('reports.wrapUp'), color: PALETTE[4]!, values: r.days.map((d) => d.avg_wrap_up_s) },
                        ]}
                    />
                </Section>
                <Section title={t('reports.dispositions')} testid="report-dispositions" actions={<CsvButton testid="report-csv-dispositions" name={file('dispositions-by-day')} rows={() => [[t('reports.day'), ...dispositionIds.map(label)], ...r.days.map((d) => [dayText(d.day), ...dispositionIds.map((id) => d.dispositions[id] ?? 0)])]} />}>
                    {dispositionIds.length === 0 ? (
                        <p class="muted">{t('reports.noDispositions')}</p>
                    ) : (
                        <Chart
                            testid="report-chart-dispositions"
                        xLabel={t('reports.day')}
                            labels={dayLabels}
                            series={dispositionIds.map((id, i) => ({ label: label(id), color: PALETTE[i % PALETTE.length]!, values: r.days.map((d) => d.dispositions[id] ?? 0) }))}
                        />
                    )}
                </Section>
            </div>
            <Section title={t('reports.operators')} testid="report-operators-section" actions={<CsvButton testid="report-csv-operators" name={file('operators')} rows={() => [[t('reports.operator'), ...figuresHead()], ...r.operators.map((o) => [o.agent, ...figuresCells(o)])]} />}>
                <FiguresTable testid="report-operators" head={t('reports.operator')} rows={r.operators.map((o) => ({ key: o.agent, label: o.agent, f: o }))} />
            </Section>
            <Section title={t('reports.campaigns')} testid="report-campaigns-section" actions={<CsvButton testid="report-csv-campaigns" name={file('campaigns')} rows={() => [[t('reports.campaign'), ...figuresHead()], ...r.campaigns.map((c) => [c.campaign, ...figuresCells(c)])]} />}>
                <FiguresTable testid="report-campaigns" head={t('reports.campaign')} rows={r.campaigns.map((c) => ({ key: String(c.campaign_id), label: c.campaign, f: c }))} />
            </Section>
        </>
    );
}

// First-contact resolution as "75 % (3 of 4)"; a dash while every answered call
// is still within its 7 days.
function resolution(r: InboundResolution): string {
    if (r.answered - r.pending === 0) return t('reports.fcrAllPending', { n: number(r.pending) });
    return t('reports.fcrOf', { rate: percent(r.rate), resolved: number(r.resolved), of: number(r.answered - r.pending) });
}

// The operators' time over the period: ready, on calls, wrap-up, occupancy,
// and pauses by the reason chosen.
function AgentTime(props: { report: InboundReport }) {
    const r = props.report;
    const minutes = (s: number) => number(Math.round(s / 6) / 10);
    const byReason = (paused: Record<string, number>) =>
        Object.entries(paused)
            .sort((a, b) => b[1] - a[1])
            .map(([code, s]) => `${pauseReasonText(code, r.pause_reason_labels)} ${minutes(s)}`)
            .join(', ');
    const head = () => [t('reports.operator'), t('reports.ready'), t('reports.rangUnanswered'), t('reports.onCalls'), t('reports.wrapUpMin'), t('reports.occupancyShare'), t('reports.pausedTime'), t('reports.pausesByReason')];
    const cells = (a: InboundReport['agent_time'][number]) => [
        a.agent,
        minutes(a.ready_seconds),
        minutes(a.rang_seconds),
        minutes(a.on_call_seconds),
        minutes(a.wrap_up_seconds),
        percent(a.occupancy),
        minutes(a.paused_seconds),
        byReason(a.paused),
    ];
    return (
        <>
            <h3>
                {t('reports.agentTime')} <CsvButton testid="report-csv-agent-time" name="agent-time.csv" rows={() => [head(), ...r.agent_time.map(cells)]} />
            </h3>
            <p class="hint">{t('reports.agentTimeHint')}</p>
            <div class="table-wrap">
                <table class="grid" data-testid="report-agent-time">
                    <thead>
                        <tr>
                            {head().map((h, i) => (
                                <th key={h} class={i > 0 && i < 7 ? 'num' : ''}>
                                    {h}
                                </th>
                            ))}
                        </tr>
                    </thead>
                    <tbody>
                        {r.agent_time.map((a) => (
                            <tr key={a.agent} data-testid="report-agent-time-row" data-agent={a.agent}>
                                {cells(a).map((cell, i) => (
                                    <td key={i} class={i > 0 && i < 7 ? 'num' : ''} data-user-text={i === 0 || i === 7 ? '' : undefined}>
                                        {cell}
                                    </td>
                                ))}
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
        </>
    );
}

// How a menu's visits ended, in the user's words.
function menuOutcome(outcome: string): string {
    const [kind, name] = [outcome.split(':')[0], outcome.slice(outcome.indexOf(':') + 1)];
    if (kind === 'queue') return t('reports.menuToQueue', { name });
    if (kind === 'extension') return t('reports.menuToExtension', { name });
    if (outcome === 'hangup') return t('reports.menuGoodbye');
    if (outcome === 'caller_hung_up') return t('reports.menuCallerHungUp');
    if (outcome === 'failed') return t('reports.menuFailed');
    return outcome;
}

// One menu of incoming calls: how its visits ended, and per question where
// callers time out, press a wrong key, are asked again, press 0 or hang up —
// so a confusing menu shows before and after it is simplified.
function Menu(props: { m: MenuFigures }) {
    const m = props.m;
    const head = () => [t('reports.menuQuestion'), t('reports.menuCallers'), t('reports.menuAsked'), t('reports.menuTimeouts'), t('reports.menuInvalid'), t('reports.menuRepeated'), t('reports.menuZero'), t('reports.menuHungUp')];
    const rows = Object.entries(m.nodes).map(([node, n]) => [node, n.callers, n.asked, n.timeouts, n.invalid, n.repeated, n.zero, n.hung_up] as (string | number)[]);
    const ends = Object.entries(m.outcomes)
        .sort((a, b) => b[1] - a[1])
        .map(([o, n]) => `${menuOutcome(o)} — ${number(n)}`)
        .join(', ');
    return (
        <div data-testid="report-menu" data-menu={m.menu}>
            <h3>
                {t('reports.menu')} <span data-user-text="">{m.menu}</span> <CsvButton testid="report-csv-menu" name={`menu-${m.menu}.csv`} rows={() => [head(), ...rows]} />
            </h3>
            <p data-testid="report-menu-summary">{t('reports.menuSummary', { n: number(m.visits), seconds: number(Math.round(m.mean_seconds)), ends })}</p>
            <div class="table-wrap">
                <table class="grid" data-testid="report-menu-nodes">
                    <thead>
                        <tr>
                            {head().map((h, i) => (
                                <th key={h} class={i ? 'num' : ''}>
                                    {h}
                                </th>
                            ))}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.map((cells) => (
                            <tr key={String(cells[0])} data-testid="report-menu-node" data-node={String(cells[0])}>
                                {cells.map((cell, i) => (
                                    <td key={i} class={i ? 'num' : ''} data-user-text={i === 0 ? '' : undefined}>
                                        {typeof cell === 'number' ? number(cell) : cell}
                                    </td>
                                ))}
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            {Object.entries(m.answers).map(([question, values]) => (
                <p key={question} data-testid="report-menu-answers" data-question={question}>
                    {t('reports.menuAnswers')} <span data-user-text="">{question}</span>:{' '}
                    <span data-user-text="">
                        {Object.entries(values)
                            .sort((a, b) => b[1] - a[1])
                            .map(([v, n]) => `${v} — ${number(n)}`)
                            .join(', ')}
                    </span>
                </p>
            ))}
        </div>
    );
}

// The incoming calls of the applied days: queues, operators, topics, repeats.
// `applied` is the period as last applied: pressing Show again reloads it.
function Inbound(props: { applied: { from: string; to: string } }) {
    const { from, to } = props.applied;
    const report = useLoad(() => get<InboundReport>('/reports/inbound', { from, to }), [props.applied]);
    const r = report.data;
    const query = new URLSearchParams({ from, to }).toString();
    const csvName = (what: string) => `inbound-${what}-${from}-${to}.csv`;
    const queueHead = () => [t('reports.queue'), t('reports.offered'), t('reports.answered'), t('reports.abandonedShort'), t('reports.timedOut'), t('reports.sl'), t('reports.slAbandons'), t('reports.asa'), t('reports.longestWait'), t('reports.aht'), t('reports.phonesMissed'), t('reports.callbacks'), t('reports.transferred'), t('reports.holdMin')];
    const queueCells = (q: InboundReport['routes'][number]) => [
        q.name || t('reports.notRouted'),
        number(q.offered),
        number(q.answered),
        `${number(q.abandoned)} (${number(q.short_abandoned)})`,
        number(q.timed_out),
        percent(q.service_level),
        percent(q.service_level_with_abandons),
        seconds(q.asa_seconds),
        seconds(q.longest_wait_seconds),
        seconds(q.aht_seconds),
        number(q.offers_missed),
        number(q.callbacks),
        number(q.transferred),
        number(Math.round(q.hold_seconds / 6) / 10),
    ];
    return (
        <Section
            title={t('reports.inbound')}
            testid="report-inbound"
            actions={
                r && r.calls > 0 ? (
                    <>
                        <CsvButton testid="report-csv-inbound" name={csvName('queues')} rows={() => [queueHead(), ...r.routes.map(queueCells)]} />
                        <a class="button" data-testid="report-queue-log" href={`${API}/reports/inbound/queue-log?${query}`} download="queue_log">
                            {t('reports.queueLog')}
                        </a>
                    </>
                ) : null
            }
        >
            <p class="hint">{t('reports.inboundHint')}</p>
            {r && r.calls === 0 && (
                <p class="muted" data-testid="report-inbound-none">
                    {t('reports.inboundNone')}
                </p>
            )}
            {r && r.not_queued.refused + r.not_queued.messages + (r.not_queued.left_in_menu ?? 0) > 0 && (
                <p data-testid="report-inbound-not-queued">
                    {t('reports.notQueued', { refused: number(r.not_queued.refused), messages: number(r.not_queued.messages) })}
                    {r.not_queued.left_in_menu > 0 ? ` ${t('reports.leftInMenu', { n: number(r.not_queued.left_in_menu) })}` : ''}
                </p>
            )}
            {r && r.calls > 0 && (
                <>
                    <div class="table-wrap">
                        <table class="grid" data-testid="report-inbound-queues">
                            <thead>
                                <tr>
                                    {queueHead().map((h, i) => (
                                        <th key={h} class={i ? 'num' : ''}>
                                            {h}
                                        </th>
                                    ))}
                                </tr>
                            </thead>
                            <tbody>
                                {r.routes.map((q) => (
                                    <tr key={q.name} data-testid="report-inbound-queue" data-queue={q.name}>
                                        {queueCells(q).map((cell, i) => (
                                            <td key={i} class={i ? 'num' : ''} data-user-text={i === 0 && q.name ? '' : undefined}>
                                                {cell}
                                            </td>
                                        ))}
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                    <h3>{t('reports.inboundOperators')}</h3>
                    <div class="table-wrap">
                        <table class="grid" data-testid="report-inbound-agents">
                            <thead>
                                <tr>
                                    <th>{t('reports.operator')}</th>
                                    <th class="num">{t('reports.calls')}</th>
                                    <th class="num">{t('reports.aht')}</th>
                                    <th class="num">{t('reports.fcr')}</th>
                                    <th class="num">{t('reports.missedRang')}</th>
                                    <th class="num">{t('reports.transfers')}</th>
                                    <th class="num">{t('reports.holdMin')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.agents.map((a) => (
                                    <tr key={a.agent} data-testid="report-inbound-agent">
                                        <td data-user-text="">{a.agent}</td>
                                        <td class="num">{number(a.calls)}</td>
                                        <td class="num">{seconds(a.aht_seconds)}</td>
                                        <td class="num">{resolution(a.first_contact)}</td>
                                        <td class="num">{`${number(a.missed)} (${number(Math.round(a.rang_seconds))})`}</td>
                                        <td class="num">{number(a.transfers)}</td>
                                        <td class="num">{number(Math.round(a.hold_seconds / 6) / 10)}</td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                    {r.topics.length > 0 && (
                        <>
                            <h3>{t('reports.topics')}</h3>
                            <div class="table-wrap">
                                <table class="grid" data-testid="report-inbound-topics">
                                    <thead>
                                        <tr>
                                            <th>{t('reports.topic')}</th>
                                            <th class="num">{t('reports.answered')}</th>
                                            <th class="num">{t('reports.fcr')}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {r.topics.map((x) => (
                                            <tr key={x.topic}>
                                                <td data-user-text="">{x.topic}</td>
                                                <td class="num">{number(x.answered)}</td>
                                                <td class="num">{resolution(x)}</td>
                                            </tr>
                                        ))}
                                    </tbody>
                                </table>
                            </div>
                        </>
                    )}
                    <ul class="facts" data-testid="report-inbound-facts">
                        <li data-testid="report-inbound-fcr">
                            {t('reports.fcr')}: {resolution(r.first_contact)}
                            {r.first_contact.pending > 0 ? `. ${t('reports.fcrPending', { n: number(r.first_contact.pending) })}` : ''}
                        </li>
                        <li data-testid="report-inbound-repeats">{t('reports.repeats', { numbers: number(r.repeat_numbers), calls: number(r.repeat_calls) })}</li>
                        <li data-testid="report-inbound-quick">{t('reports.quickReturns', { n: number(r.quick_returns), answered: number(r.quick_returns_after_answered) })}</li>
                    </ul>
                </>
            )}
            {r && r.agent_time.length > 0 && <AgentTime report={r} />}
            {r && (r.menus ?? []).map((m) => <Menu key={m.menu} m={m} />)}
        </Section>
    );
}

export function ReportsPage() {
    const statuses = useLoad<Status[]>(() => dict.statuses().catch(() => []), []);
    const campaigns = useLoad(() => get<{ campaigns: Campaign[] }>('/campaigns', undefined, true).then((r) => r.campaigns).catch(() => [] as Campaign[]), []);
    const [from, setFrom] = useState(dayText(isoDay(6)));
    const [to, setTo] = useState(dayText(isoDay()));
    const [campaign, setCampaign] = useState('');
    const [applied, setApplied] = useState({ from: isoDay(6), to: isoDay(), campaign: '' });
    const [formError, setFormError] = useState<string | null>(null);
    const report = useLoad(
        () => get<CallReport>('/reports/calls', { from: applied.from, to: applied.to, ...(applied.campaign ? { campaign: applied.campaign } : {}) }),
        [applied],
    );
    function apply(e: Event) {
        e.preventDefault();
        const f = parseDay(from);
        const tt = parseDay(to);
        if (!f || !tt) {
            setFormError(t('callLog.badDate'));
            return;
        }
        setFormError(null);
        setApplied({ from: f, to: tt, campaign });
    }
    const r = report.data;
    return (
        <div class="page" data-testid="page-reports" data-loaded={r ? `${r.from}/${r.to}` : ''}>
            <h1>{t('reports.title')}</h1>
            <p class="hint">{t('reports.hint')}</p>
            <TeamNotice team={r?.team} testid="reports-team" />
            <form class="row-form" data-testid="reports-filters" onSubmit={apply}>
                <PeriodInputs from={from} to={to} onFrom={setFrom} onTo={setTo} prefix="reports" />
                <CampaignSelect campaigns={campaigns.data ?? []} value={campaign} onChange={setCampaign} testid="reports-campaign" />
                <button type="submit" class="primary" data-testid="reports-apply">
                    {t('reports.show')}
                </button>
            </form>
            {formError && (
                <p class="error-inline" role="alert" data-testid="reports-form-error">
                    {formError}
                </p>
            )}
            {r && <Report r={r} statuses={statuses.data ?? []} />}
            {r && <Inbound applied={applied} />}
        </div>
    );
}
