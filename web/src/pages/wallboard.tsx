// The wallboard: the floor right now, over the WebSocket /wallboard/live (the
// snapshot /wallboard while the socket is down) — callers waiting and the
// longest wait, per queue with today's offered, answered, abandoned, service
// level and ASA, and every operator's state with how long they have been in it
// and why they paused, the calls they take and their skills. Times tick on the page between messages. A team's
// supervisor sees the team's operators and calls. A supervisor (monitor_calls)
// listens to an operator's live call, whispers to the operator or barges in;
// their own phone rings for it (docs/telephony.md, "Supervisors on live calls").
import { useEffect, useState } from 'preact/hooks';
import { can, follow, get, post } from '../api';
import { Empty, Section } from '../components';
import { duration, number, percent } from '../format';
import { t, type Key } from '../i18n';
import { pauseReasonText } from '../pause_reason';
import { skillsText } from './routing';

export interface Wallboard {
    now: number; // the server's clock, Unix ms
    agents: {
        agent: string;
        state: string;
        since: number;
        pause_reason: string | null;
        campaign_name: string;
        blend?: 'blended' | 'inbound' | 'outbound'; // the calls they take (docs/routing.md)
        skills?: { name: string; level: number }[];
    }[];
    queues: {
        name: string; // a queue; another route's text; '' for calls not routed
        waiting: number;
        callbacks_waiting: number; // of them, callers who chose a callback (off the line, keeping their place)
        oldest_arrived: number | null; // Unix ms of the caller waiting longest now
        offered: number; // today, from the call records
        answered: number;
        abandoned: number;
        service_level: number;
        asa_seconds: number;
    }[];
    pause_reason_labels: Record<string, string>;
    pause_reason_limits: Record<string, number>; // minutes a pause of the reason may last
    day_from_ms: number;
}

const STATES = ['ready', 'on_call', 'wrap_up', 'paused'];

export function WallboardPage() {
    const [board, setBoard] = useState<Wallboard | null>(null);
    // The server's time minus ours when the message came: the page ticks on it.
    const [skew, setSkew] = useState(0);
    const [, setTick] = useState(0);
    useEffect(
        () =>
            follow<Wallboard>(
                '/wallboard/live',
                (b) => {
                    setBoard(b);
                    setSkew(b.now - Date.now());
                },
                () => get<Wallboard>('/wallboard', undefined, true),
                2000,
            ),
        [],
    );
    useEffect(() => {
        const timer = window.setInterval(() => setTick((n) => n + 1), 1000);
        return () => window.clearInterval(timer);
    }, []);
    // Listening in: whose call this supervisor is on, and how; their phone rings.
    const monitors = can('monitor_calls');
    const [monitoring, setMonitoring] = useState<{ agent: string; mode: string } | null>(null);
    const [notice, setNotice] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const monitor = (agent: string, mode: 'listen' | 'whisper' | 'barge' | 'off') => {
        setBusy(true);
        post('/wallboard/monitor', { agent, mode })
            .then(() => {
                setMonitoring(mode === 'off' ? null : { agent, mode });
                setNotice(mode === 'off' ? null : t('wallboard.monitor.ringing', { agent }));
            })
            .catch(() => undefined)
            .finally(() => setBusy(false));
    };
    const now = Date.now() + skew;
    const b = board;
    // The call listened to is over: so is the listening.
    useEffect(() => {
        if (monitoring && b && !b.agents.some((a) => a.agent === monitoring.agent && a.state === 'on_call')) {
            setMonitoring(null);
            setNotice(null);
        }
    }, [b, monitoring]);
    const counts: Record<string, number> = {};
    for (const a of b?.agents ?? []) counts[a.state] = (counts[a.state] ?? 0) + 1;
    const waiting = (b?.queues ?? []).reduce((n, q) => n + q.waiting, 0);
    const oldest = (b?.queues ?? []).map((q) => q.oldest_arrived).filter((x): x is number => x !== null);
    const longest = oldest.length ? now - Math.min(...oldest) : 0;
    // Whole minutes a pause has run past its reason's limit (0: within it, or none).
    const overLimit = (reason: string, ms: number) => {
        const limit = b?.pause_reason_limits?.[reason] ?? 0;
        return limit > 0 ? Math.max(0, Math.floor(ms / 60000) - limit) : 0;
    };
    return (
        <div class="page" data-testid="page-wallboard" data-loaded={b ? 'yes' : 'no'}>
            <h1>{t('wallboard.title')}</h1>
            <p class="subhead">{t('wallboard.intro')}</p>
            {notice && (
                <p class="notice" data-testid="wallboard-monitor-notice" data-user-text="">
                    {notice}
                </p>
            )}
            <div class="tiles" data-testid="wallboard-tiles">
                <div class="tile" data-testid="wallboard-waiting" data-value={waiting}>
                    <span class="tile-value">{number(waiting)}</span>
                    <span class="tile-label">{t('wallboard.waiting')}</span>
                </div>
                <div class={longest >= 60000 ? 'tile alarm' : 'tile'} data-testid="wallboard-longest">
                    <span class="tile-value">{oldest.length ? duration(longest) : '—'}</span>
                    <span class="tile-label">{t('wallboard.longest')}</span>
                </div>
                {STATES.map((s) => (
                    <div class="tile" key={s} data-testid={`wallboard-state-${s}`} data-value={counts[s] ?? 0}>
                        <span class="tile-value">{number(counts[s] ?? 0)}</span>
                        <span class="tile-label">{t(`agentState.${s}` as Key)}</span>
                    </div>
                ))}
            </div>
            <Section title={t('wallboard.queues')} testid="wallboard-queues">
                <div class="table-wrap">
                    <table class="grid">
                        <thead>
                            <tr>
                                <th>{t('reports.queue')}</th>
                                <th class="num">{t('wallboard.waitingNow')}</th>
                                <th class="num">{t('wallboard.longestNow')}</th>
                                <th class="num">{t('reports.offered')}</th>
                                <th class="num">{t('reports.answered')}</th>
                                <th class="num">{t('reports.abandoned')}</th>
                                <th class="num">{t('reports.sl')}</th>
                                <th class="num">{t('reports.asa')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {b && b.queues.length === 0 && <Empty colSpan={8} text={t('wallboard.noCalls')} />}
                            {b?.queues.map((q) => (
                                <tr key={q.name} data-testid="wallboard-queue" data-queue={q.name}>
                                    <td data-user-text={q.name ? '' : undefined}>{q.name || t('reports.notRouted')}</td>
                                    <td class="num" data-testid="wallboard-queue-waiting">
                                        {number(q.waiting)}
                                        {q.callbacks_waiting > 0 && <span class="muted"> {t('wallboard.callbacksWaiting', { n: number(q.callbacks_waiting) })}</span>}
                                    </td>
                                    <td class="num">{q.oldest_arrived !== null ? duration(now - q.oldest_arrived) : '—'}</td>
                                    <td class="num" data-testid="wallboard-queue-offered">
                                        {number(q.offered)}
                                    </td>
                                    <td class="num">{number(q.answered)}</td>
                                    <td class="num">{number(q.abandoned)}</td>
                                    <td class="num">{q.answered ? percent(q.service_level) : '—'}</td>
                                    <td class="num">{q.answered ? number(Math.round(q.asa_seconds)) : '—'}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
                <p class="hint">{t('wallboard.todayHint')}</p>
            </Section>
            <Section title={t('wallboard.agents')} testid="wallboard-agents">
                <div class="table-wrap">
                    <table class="grid">
                        <thead>
                            <tr>
                                <th>{t('reports.operator')}</th>
                                <th>{t('wallboard.state')}</th>
                                <th class="num">{t('wallboard.inState')}</th>
                                <th>{t('wallboard.campaign')}</th>
                                <th>{t('routing.blend')}</th>
                                <th>{t('routing.skills')}</th>
                                {monitors && <th>{t('wallboard.listenIn')}</th>}
                            </tr>
                        </thead>
                        <tbody>
                            {b && b.agents.length === 0 && <Empty colSpan={monitors ? 7 : 6} text={t('wallboard.noAgents')} />}
                            {b?.agents.map((a) => (
                                <tr key={a.agent} data-testid="wallboard-agent" data-agent={a.agent} data-state={a.state}>
                                    <td data-user-text="">{a.agent}</td>
                                    <td>
                                        <span class={`agent-state agent-${a.state}`}>{t(`agentState.${a.state}` as Key)}</span>
                                        {a.state === 'paused' && a.pause_reason ? (
                                            <span class="muted" data-testid="wallboard-agent-reason" data-user-text={b.pause_reason_labels[a.pause_reason] ? '' : undefined}>
                                                {' '}
                                                · {pauseReasonText(a.pause_reason, b.pause_reason_labels)}
                                            </span>
                                        ) : null}
                                        {a.state === 'paused' && a.pause_reason && overLimit(a.pause_reason, now - a.since) > 0 ? (
                                            <span class="badge rejected" data-testid="wallboard-agent-over">
                                                {' '}
                                                {t('wallboard.overLimit', { minutes: overLimit(a.pause_reason, now - a.since) })}
                                            </span>
                                        ) : null}
                                    </td>
                                    <td class="num mono">{duration(now - a.since)}</td>
                                    <td data-user-text="">{a.campaign_name}</td>
                                    <td data-testid="wallboard-agent-blend">{t(`routing.blend.${a.blend ?? 'blended'}` as Key)}</td>
                                    <td data-testid="wallboard-agent-skills" data-user-text="">
                                        {a.skills?.length ? skillsText(a.skills) : '—'}
                                    </td>
                                    {monitors && (
                                        <td class="actions nowrap" data-testid="wallboard-monitor" data-mode={monitoring?.agent === a.agent ? monitoring.mode : 'off'}>
                                            {a.state === 'on_call' &&
                                                (['listen', 'whisper', 'barge'] as const).map((mode) => (
                                                    <button
                                                        type="button"
                                                        key={mode}
                                                        class={monitoring?.agent === a.agent && monitoring.mode === mode ? 'small primary' : 'small'}
                                                        data-testid={`wallboard-monitor-${mode}`}
                                                        disabled={busy}
                                                        onClick={() => monitor(a.agent, mode)}
                                                    >
                                                        {t(`wallboard.monitor.${mode}` as Key)}
                                                    </button>
                                                ))}
                                            {monitoring?.agent === a.agent && (
                                                <button type="button" class="small" data-testid="wallboard-monitor-off" disabled={busy} onClick={() => monitor(a.agent, 'off')}>
                                                    {t('wallboard.monitor.off')}
                                                </button>
                                            )}
                                        </td>
                                    )}
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            </Section>
        </div>
    );
}
