// The operator's desk, for those who may call: join a running campaign, go ready or
// pause, and follow their own state over the WebSocket /agent/events. A connected
// call brings the contact's card with the campaign's script beside it; after the
// call, the disposition (status, tags, note, a callback time) closes it. In preview
// pacing the operator takes the next card and dials it. An incoming call shows who
// is calling (and their card, when the number is in the base) before it is
// answered. Their callbacks are below.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
    follow,
    get,
    post,
    type AgentCampaign,
    type AgentState,
    type Card,
    type Status,
    type Tag,
    type TransferTargets,
} from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dateTime, duration, phone, toUnix } from '../format';
import { HistoryItem } from '../history';
import { t, type Key } from '../i18n';
import { pauseReasonText, type PauseReason } from '../pause_reason';

function tagName(tag: Card['tags'][number]): string {
    return typeof tag === 'string' ? tag : tag.name;
}

// Seconds in the current state, counted here from when the state was first seen
// (the server's `since` is on the campaign's clock, which a simulation runs faster).
// Why the router sent an incoming call here, in the user's language: «VIP»,
// «Жалоб за 30 дн.: 4», the line's label; null when there is nothing to add to
// the banner (an unknown caller has their own line, an unlabelled number is
// the one shown).
function routeReason(inbound: NonNullable<AgentState['inbound']>): string | null {
    const p = inbound.reason_params ?? {};
    switch (inbound.reason) {
        case 'vip':
            return t('work.reason.vip');
        case 'complaints':
            return t('work.reason.complaints', { count: p.count ?? '?', days: p.days ?? '?' });
        case 'number':
            return p.label ? t('work.reason.number', { line: p.label }) : null;
        default:
            return null;
    }
}

function useStateTimer(key: string): string {
    const started = useRef<{ key: string; at: number }>({ key, at: Date.now() });
    const [, setTick] = useState(0);
    if (started.current.key !== key) started.current = { key, at: Date.now() };
    useEffect(() => {
        const timer = window.setInterval(() => setTick((n) => n + 1), 1000);
        return () => window.clearInterval(timer);
    }, []);
    return duration(Date.now() - started.current.at);
}

function ContactCard(props: { card: Card; statuses: Status[]; testid?: string }) {
    const c = props.card;
    const id = props.testid ?? 'work-card';
    return (
        <div class="work-card" data-testid={id} data-contact={c.id}>
            <div class="work-card-head">
                <h2 data-testid={`${id}-name`}>{c.name || '—'}</h2>
                <span class={`status status-${c.status}`} data-testid={`${id}-status`}>
                    {dict.statusLabel(props.statuses, c.status)}
                </span>
                <a href={`#/contacts/${c.id}`} class="muted small" target="_blank" rel="noopener">
                    #{c.id}
                </a>
            </div>
            <div class="work-phones">
                {c.phones.map((p, i) => (
                    <div key={i} class="mono work-phone" data-testid={`${id}-phone`}>
                        {phone(p.e164)}
                        {p.extension ? ` ${t('card.ext')} ${p.extension}` : ''}
                        {p.label ? <span class="muted"> ({p.label})</span> : null}
                    </div>
                ))}
            </div>
            <div class="card-meta">
                {c.region && (
                    <span>
                        {t('field.region')}: {c.region}
                    </span>
                )}
                {c.source && (
                    <span>
                        {t('field.source')}: {c.source}
                    </span>
                )}
                {c.callback_at ? (
                    <span>
                        {t('card.callbackAt')}: {dateTime(c.callback_at)}
                    </span>
                ) : null}
            </div>
            {c.comment && <p class="pre work-comment">{c.comment}</p>}
            <div class="chips" data-testid={`${id}-tags`}>
                {c.tags.length === 0 && <span class="muted small">{t('card.noTags')}</span>}
                {c.tags.map((tag) => (
                    <span class="chip plain" key={tagName(tag)}>
                        {tagName(tag)}
                    </span>
                ))}
            </div>
            <h3 class="subhead">{t('card.history')}</h3>
            <ol class="timeline short" data-testid={`${id}-history`}>
                {[...(c.history ?? [])]
                    .sort((a, b) => b.at - a.at)
                    .slice(0, 12)
                    .map((h, i) => (
                        <HistoryItem key={i} entry={h} statuses={props.statuses} />
                    ))}
                {(c.history ?? []).length === 0 && <li class="muted">{t('card.noHistory')}</li>}
            </ol>
        </div>
    );
}

function DispositionForm(props: { statuses: Status[]; tags: Tag[]; onDone: (state: AgentState) => void }) {
    const [status, setStatus] = useState('');
    const [chosen, setChosen] = useState<string[]>([]);
    const [note, setNote] = useState('');
    const [when, setWhen] = useState('');
    const [busy, setBusy] = useState(false);
    const available = props.tags.filter((tag) => !tag.retired && !chosen.includes(tag.name));
    async function submit(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            const body: { status: string; tags: string[]; note: string; callback_at?: number } = { status, tags: chosen, note };
            const at = toUnix(when);
            if (at !== undefined) body.callback_at = at;
            props.onDone(await post<AgentState>('/agent/disposition', body));
        } finally {
            setBusy(false);
        }
    }
    return (
        <form class="disposition" data-testid="work-disposition" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('work.status')}>
                <select data-testid="work-disp-status" required value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                    <option value="">{t('work.chooseStatus')}</option>
                    {props.statuses.map((s) => (
                        <option key={s.id} value={s.id}>
                            {dict.statusLabel(props.statuses, s.id)}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('work.tags')}>
                <select
                    data-testid="work-disp-tag"
                    value=""
                    onChange={(e) => {
                        const v = e.currentTarget.value;
                        if (v) setChosen([...chosen, v]);
                    }}
                >
                    <option value="">{t('card.chooseTag')}</option>
                    {available.map((tag) => (
                        <option key={`${tag.category}:${tag.name}`} value={tag.name}>
                            {tag.category ? `${tag.category}: ${tag.name}` : tag.name}
                        </option>
                    ))}
                </select>
            </Labeled>
            {chosen.length > 0 && (
                <div class="chips">
                    {chosen.map((name) => (
                        <span class="chip" key={name} data-testid="work-disp-chip">
                            {name}
                            <button
                                type="button"
                                class="chip-x"
                                aria-label={`${t('common.remove')} ${name}`}
                                onClick={() => setChosen(chosen.filter((n) => n !== name))}
                            >
                                ×
                            </button>
                        </span>
                    ))}
                </div>
            )}
            <Labeled label={t('work.note')}>
                <textarea data-testid="work-disp-note" rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={status === 'callback' ? t('work.callbackAt') : t('work.callbackOptional')}>
                <input
                    type="datetime-local"
                    data-testid="work-disp-callback"
                    required={status === 'callback'}
                    value={when}
                    onInput={(e) => setWhen(e.currentTarget.value)}
                />
            </Labeled>
            <div class="form-actions">
                <button type="submit" class="primary" data-testid="work-disp-save" disabled={busy || !status}>
                    {t('work.saveDisposition')}
                </button>
            </div>
        </form>
    );
}

function Callbacks(props: { items: NonNullable<AgentState['callbacks']> }) {
    return (
        <div class="table-wrap">
            <table class="grid" data-testid="work-callbacks">
                <thead>
                    <tr>
                        <th>{t('work.dueAt')}</th>
                        <th>{t('work.contact')}</th>
                        <th>{t('work.campaign')}</th>
                    </tr>
                </thead>
                <tbody>
                    {props.items.map((cb) => (
                        <tr key={cb.id} class={cb.due ? 'due' : ''} data-testid="work-callback" data-due={cb.due ? 'yes' : 'no'}>
                            <td class="nowrap">
                                {dateTime(cb.due_at)} {cb.due && <span class="badge due">{t('work.due')}</span>}
                            </td>
                            <td>
                                <a href={`#/contacts/${cb.contact_id}`} data-testid="work-callback-name">
                                    {cb.name || `#${cb.contact_id}`}
                                </a>
                            </td>
                            <td>#{cb.campaign_id}</td>
                        </tr>
                    ))}
                    {props.items.length === 0 && <Empty colSpan={3} text={t('work.noCallbacks')} />}
                </tbody>
            </table>
        </div>
    );
}

// Hold and blind transfer for a call that is put through: the caller hears
// music while held; a transfer goes to a ready operator of the campaign or to a
// queue, and the desk goes to wrap-up.
function CallControls(props: {
    held: boolean;
    busy: boolean;
    consult: AgentState['consult'];
    act: (path: string, body?: unknown) => Promise<AgentState>;
    run: (fn: () => Promise<unknown>) => () => void;
}) {
    const targets = useLoad(() => get<TransferTargets>('/agent/transfer-targets'), []);
    const [target, setTarget] = useState('');
    const agents = targets.data?.agents ?? [];
    const queues = targets.data?.queues ?? [];
    const consult = props.consult;
    if (consult && consult.role === 'operator') {
        // A consultation: the caller on hold, the colleague ringing or talking;
        // or all three in a conference.
        const step = (s: 'complete' | 'conference' | 'cancel') => props.run(() => props.act('/agent/consult', { step: s }));
        const status = consult.conference
            ? t('work.conference', { agent: consult.with })
            : consult.answered
              ? t('work.consultTalking', { agent: consult.with })
              : t('work.consultRinging', { agent: consult.with });
        return (
            <div class="work-buttons" data-testid="work-call-controls">
                <span
                    class="badge"
                    data-testid="work-consult"
                    data-answered={consult.answered ? 'yes' : 'no'}
                    data-conference={consult.conference ? 'yes' : 'no'}
                    data-user-text=""
                >
                    {status}
                </span>
                <button type="button" data-testid="work-consult-complete" disabled={props.busy || !consult.answered} onClick={step('complete')}>
                    {consult.conference ? t('work.conferenceLeave') : t('work.consultComplete')}
                </button>
                {!consult.conference && (
                    <button type="button" data-testid="work-consult-conference" disabled={props.busy || !consult.answered} onClick={step('conference')}>
                        {t('work.consultConference')}
                    </button>
                )}
                <button type="button" data-testid="work-consult-cancel" disabled={props.busy} onClick={step('cancel')}>
                    {consult.conference ? t('work.conferenceDrop', { agent: consult.with }) : t('work.consultCancel')}
                </button>
            </div>
        );
    }
    const toAgent = target.startsWith('agent:');
    return (
        <div class="work-buttons" data-testid="work-call-controls">
            <button
                type="button"
                data-testid="work-hold"
                data-held={props.held ? 'yes' : 'no'}
                disabled={props.busy}
                onClick={props.run(() => props.act('/agent/hold', { on: !props.held }))}
            >
                {props.held ? t('work.unhold') : t('work.hold')}
            </button>
            <select
                data-testid="work-transfer-target"
                aria-label={t('work.transferTo')}
                title={t('work.transferTo')}
                value={target}
                onFocus={() => targets.reload()}
                onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}
            >
                <option value="">{t('work.transferTo')}</option>
                {agents.map((a) => (
                    <option key={`a:${a.agent}`} value={`agent:${a.agent}`} disabled={a.state !== 'ready'} data-user-text="">
                        {a.agent} — {t(`agentState.${a.state}` as Key)}
                    </option>
                ))}
                {queues.map((q) => (
                    <option key={`q:${q.queue}`} value={`queue:${q.queue}`} data-user-text="">
                        {t('work.queue', { queue: q.queue })}
                    </option>
                ))}
            </select>
            <button
                type="button"
                data-testid="work-transfer"
                disabled={props.busy || !target}
                onClick={props.run(async () => {
                    const [kind, name] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
                    await props.act('/agent/transfer', kind === 'agent' ? { agent: name } : { queue: name });
                    setTarget('');
                })}
            >
                {t('work.transfer')}
            </button>
            <button
                type="button"
                data-testid="work-consult-start"
                title={t('work.consultHint')}
                disabled={props.busy || !toAgent}
                onClick={props.run(async () => {
                    await props.act('/agent/consult', { agent: target.slice(target.indexOf(':') + 1) });
                    setTarget('');
                })}
            >
                {t('work.consult')}
            </button>
        </div>
    );
}

export function WorkPage() {
    const [agent, setAgent] = useState<AgentState | null>(null);
    const [callbacks, setCallbacks] = useState<NonNullable<AgentState['callbacks']>>([]);
    const [running, setRunning] = useState(true);
    const campaigns = useLoad(() => get<{ campaigns: AgentCampaign[] }>('/agent/campaigns'), []);
    const statuses = useLoad<Status[]>(dict.statuses, []);
    const tags = useLoad<Tag[]>(dict.tags, []);
    // The reasons to pause for (the supervisor's list); the one chosen last stays chosen.
    const pauseReasons = useLoad<PauseReason[]>(() => get<PauseReason[]>('/agent/pause-reasons').catch(() => []), []);
    const [pauseReason, setPauseReason] = useState<string | null>(null);
    const reasonList = pauseReasons.data ?? [];
    const reasonLabels = Object.fromEntries(reasonList.filter((r) => r.label).map((r) => [r.code, r.label]));
    const chosenReason = pauseReason ?? (reasonList.some((r) => r.code === 'break') ? 'break' : (reasonList[0]?.code ?? ''));
    // A pause past its reason's limit (the supervisor's max_minutes) says so on the desk.
    const pauseLimit = reasonList.find((r) => r.code === agent?.pause_reason)?.max_minutes ?? 0;
    const pauseOver =
        agent?.state === 'paused' && pauseLimit > 0 && agent.since ? Math.max(0, Math.floor((Date.now() - agent.since) / 60000) - pauseLimit) : 0;
    const [choice, setChoice] = useState<number | null>(null);
    const [card, setCard] = useState<Card | null>(null);
    const [previewCard, setPreviewCard] = useState<number | null>(null);
    const [busy, setBusy] = useState(false);
    const [notice, setNotice] = useState<string | null>(null);

    const loadAgent = async () => {
        const state = await get<AgentState>('/agent', undefined, true);
        setCallbacks(state.callbacks ?? []);
        setRunning(state.campaigns_running !== false);
        return state;
    };

    // The state: GET /agent once (it adds the callbacks), then the feed.
    useEffect(() => {
        loadAgent().then(setAgent, () => undefined);
        return follow<AgentState>('/agent/events', setAgent, () => get<AgentState>('/agent', undefined, true), 2000);
    }, []);

    // The callbacks change with a disposition: read them again when the state changes.
    const stateKey = agent ? `${agent.campaign}/${agent.state}/${agent.since ?? ''}` : '';
    useEffect(() => {
        if (agent && agent.state !== 'on_call') loadAgent().catch(() => undefined);
    }, [agent?.state, agent?.campaign]);

    const timer = useStateTimer(stateKey);
    const state = agent?.state ?? 'offline';
    const inCampaign = agent?.campaign !== null && agent?.campaign !== undefined;
    const preview = agent?.pacing === 'preview';
    const contactId = agent?.contact_id ?? null;
    useEffect(() => {
        if (state === 'on_call' || state === 'wrap_up' || !inCampaign) setPreviewCard(null);
    }, [state, inCampaign]);
    // Whose card to show: the call's (on a call and in wrap-up), or the preview card taken.
    const shown =
        contactId && (state === 'on_call' || state === 'wrap_up' || (preview && state === 'ready' && previewCard === contactId))
            ? contactId
            : null;

    // The card again after a disposition (`cardTick`): its status, tags and the
    // note in its history as saved.
    const [cardTick, setCardTick] = useState(0);
    const [recent, setRecent] = useState<Card | null>(null);
    useEffect(() => {
        if (!shown) {
            setCard(null);
            return undefined;
        }
        let live = true;
        get<Card>(`/contacts/${shown}`).then(
            (c) => live && setCard(c),
            () => undefined,
        );
        return () => {
            live = false;
        };
    }, [shown, cardTick]);

    async function act(path: string, body?: unknown) {
        setBusy(true);
        try {
            const next = await post<AgentState>(path, body);
            setAgent(next);
            return next;
        } finally {
            setBusy(false);
        }
    }
    const run = (fn: () => Promise<unknown>) => () => {
        fn().catch(() => undefined);
    };

    const list = campaigns.data?.campaigns ?? [];
    const selected = choice ?? list[0]?.id ?? null;
    const script = agent?.script ?? list.find((c) => c.id === agent?.campaign)?.script ?? '';

    return (
        <div class="page" data-testid="page-work">
            <h1>{t('work.title')}</h1>
            <Notice text={notice} onClose={() => setNotice(null)} />
            {!running && <p class="notice warn-notice">{t('work.noRunner')}</p>}

            {!inCampaign ? (
                <Section title={t('work.join')} testid="work-join-panel">
                    {list.length === 0 ? (
                        <p class="muted" data-testid="work-no-campaigns">
                            {campaigns.loading ? t('common.loading') : t('work.noCampaigns')}
                        </p>
                    ) : (
                        <form
                            class="row-form"
                            onSubmit={(e) => {
                                e.preventDefault();
                                if (selected !== null) run(() => act('/agent/join', { campaign: selected }))();
                            }}
                        >
                            <Labeled label={t('work.campaign')} wide>
                                <select
                                    data-testid="work-campaign"
                                    value={selected ?? ''}
                                    onChange={(e) => setChoice(Number(e.currentTarget.value))}
                                >
                                    {list.map((c) => (
                                        <option key={c.id} value={c.id}>
                                            {c.name} · {t(`pacing.${c.pacing}` as Key)}
                                        </option>
                                    ))}
                                </select>
                            </Labeled>
                            <button type="submit" class="primary" data-testid="work-join" disabled={busy || selected === null}>
                                {t('work.joinButton')}
                            </button>
                            <button type="button" class="small" onClick={campaigns.reload}>
                                ↻ {t('campaigns.refresh')}
                            </button>
                        </form>
                    )}
                </Section>
            ) : (
                <div class="work-bar" data-testid="work-bar">
                    <div class="work-who">
                        <strong data-testid="work-campaign-name">{agent?.campaign_name}</strong>
                        <span class="muted">{t(`pacing.${agent?.pacing ?? 'progressive'}` as Key)}</span>
                    </div>
                    <span class={`agent-state agent-${state}`} data-testid="work-state" data-state={state}>
                        {t(`agentState.${state}` as Key)}
                    </span>
                    <span class="mono work-timer" data-testid="work-timer">
                        {timer}
                    </span>
                    <div class="work-buttons">
                        <button
                            type="button"
                            class="primary"
                            data-testid="work-ready"
                            disabled={busy || !(state === 'paused' || state === 'offline')}
                            onClick={run(() => act('/agent/ready'))}
                        >
                            {t('work.ready')}
                        </button>
                        {reasonList.length > 0 && (
                            <select
                                data-testid="work-pause-reason"
                                aria-label={t('work.pauseReason')}
                                title={t('work.pauseReason')}
                                value={chosenReason}
                                disabled={busy || state !== 'ready'}
                                onChange={(e) => setPauseReason((e.target as HTMLSelectElement).value)}
                            >
                                {reasonList.map((r) => (
                                    <option key={r.code} value={r.code} data-user-text={r.label ? '' : undefined}>
                                        {pauseReasonText(r.code, reasonLabels)}
                                    </option>
                                ))}
                            </select>
                        )}
                        <button
                            type="button"
                            data-testid="work-pause"
                            disabled={busy || state !== 'ready'}
                            onClick={run(() => act('/agent/pause', chosenReason ? { reason: chosenReason } : {}))}
                        >
                            {t('work.pause')}
                        </button>
                        {preview && (
                            <>
                                <button
                                    type="button"
                                    data-testid="work-next-card"
                                    disabled={busy || state !== 'ready' || previewCard !== null}
                                    onClick={run(async () => {
                                        const next = await act('/agent/next-card');
                                        setPreviewCard(next.contact_id ?? null);
                                    })}
                                >
                                    {t('work.nextCard')}
                                </button>
                                <button
                                    type="button"
                                    class="primary"
                                    data-testid="work-dial"
                                    disabled={busy || state !== 'ready' || previewCard === null}
                                    onClick={run(() => act('/agent/dial'))}
                                >
                                    ☎ {t('work.dial')}
                                </button>
                            </>
                        )}
                        <button type="button" class="danger" data-testid="work-hangup" disabled={busy || state !== 'on_call'} onClick={run(() => act('/agent/hangup'))}>
                            {t('work.hangup')}
                        </button>
                        {state === 'on_call' && agent?.put_through && (
                            <CallControls held={agent.held_since != null} busy={busy} consult={agent.consult} act={act} run={run} />
                        )}
                        {state === 'on_call' && agent?.consult?.role === 'colleague' && (
                            <span class="badge due" data-testid="work-consulted" data-conference={agent.consult.conference ? 'yes' : 'no'} data-user-text="">
                                {agent.consult.conference
                                    ? t('work.conference', { agent: agent.consult.with })
                                    : t('work.consultedBy', { agent: agent.consult.with })}
                            </span>
                        )}
                        {state === 'on_call' && agent?.monitored && (
                            <span class="badge due" data-testid="work-monitored" data-mode={agent.monitored.mode} data-user-text="">
                                {t(`work.monitored.${agent.monitored.mode}` as Key, { supervisor: agent.monitored.by })}
                            </span>
                        )}
                        <button
                            type="button"
                            data-testid="work-leave"
                            disabled={busy}
                            onClick={run(async () => {
                                await act('/agent/leave');
                                setNotice(t('work.left'));
                                campaigns.reload();
                            })}
                        >
                            {t('work.leave')}
                        </button>
                    </div>
                </div>
            )}

            {inCampaign && (
                <div class="work-grid">
                    <Section title={t('work.card')} testid="work-card-panel">
                        {agent?.inbound && (state === 'on_call' || state === 'wrap_up') && (
                            <p class="notice work-inbound" data-testid="work-inbound">
                                ☎ {t('work.inbound', { from: agent.inbound.from, to: agent.inbound.to })}
                                {routeReason(agent.inbound) && (
                                    <strong class="work-reason" data-testid="work-inbound-reason" data-reason={agent.inbound.reason}>
                                        {' '}
                                        {routeReason(agent.inbound)}
                                    </strong>
                                )}
                                {agent.inbound.arrived && agent.since ? (
                                    <span data-testid="work-inbound-waited">
                                        {' '}
                                        ({t('work.waited', { seconds: Math.max(0, Math.round((agent.since - agent.inbound.arrived) / 1000)) })})
                                    </span>
                                ) : null}
                                {!contactId && <span data-testid="work-unknown-caller"> {t('work.unknownCaller')}</span>}
                                {Object.keys(agent.inbound.menu_answers ?? {}).length > 0 && (
                                    <span data-testid="work-menu-answers">
                                        {' '}
                                        {t('work.menuAnswers')}{' '}
                                        <span data-user-text="">{Object.values(agent.inbound.menu_answers ?? {}).join(', ')}</span>
                                    </span>
                                )}
                            </p>
                        )}
                        {state === 'paused' && agent?.pause_reason && pauseOver > 0 ? (
                            <p class="notice" data-testid="work-pause-over">
                                {t('work.pauseOver', { reason: pauseReasonText(agent.pause_reason, reasonLabels), limit: pauseLimit, minutes: pauseOver })}
                            </p>
                        ) : null}
                        {state === 'paused' && agent?.pause_reason === 'desk_gone' ? (
                            <p class="notice" data-testid="work-desk-gone">
                                {t('work.deskGone')}
                            </p>
                        ) : null}
                        {agent?.leaving_until ? (
                            <p class="notice" data-testid="work-leaving">
                                {t('work.leaving', { seconds: Math.max(0, Math.ceil((agent.leaving_until - Date.now()) / 1000)) })}
                            </p>
                        ) : null}
                        {agent?.inbound && !contactId ? null : card && shown === card.id ? (
                            <ContactCard card={card} statuses={statuses.data ?? []} />
                        ) : (
                            <p class="muted" data-testid="work-waiting">
                                {state === 'ready'
                                    ? preview
                                        ? t('work.takeCard')
                                        : t('work.waiting')
                                    : state === 'paused'
                                      ? agent?.pause_reason && agent.pause_reason !== 'desk_gone'
                                          ? t('work.pausedFor', { reason: pauseReasonText(agent.pause_reason, reasonLabels) })
                                          : t('work.paused')
                                      : t('common.loading')}
                            </p>
                        )}
                    </Section>
                    <div>
                        <Section title={t('work.script')} testid="work-script-panel">
                            <div class="script pre" data-testid="work-script">
                                {script || <span class="muted">{t('work.noScript')}</span>}
                            </div>
                        </Section>
                        {agent?.disposition_due && (
                            <Section title={t('work.disposition')} testid="work-disposition-panel">
                                <DispositionForm
                                    key={agent.call ?? 0}
                                    statuses={statuses.data ?? []}
                                    tags={tags.data ?? []}
                                    onDone={(next) => {
                                        setAgent(next);
                                        setCardTick((n) => n + 1);
                                        // The card as the disposition left it, until the next call.
                                        if (card) {
                                            get<Card>(`/contacts/${card.id}`).then(setRecent, () => undefined);
                                        }
                                        setNotice(t('work.saved'));
                                        loadAgent().catch(() => undefined);
                                    }}
                                />
                            </Section>
                        )}
                    </div>
                </div>
            )}

            {recent && !(card && shown === card.id) && (
                <Section title={t('desk.lastCall')} testid="work-last-call">
                    <ContactCard card={recent} statuses={statuses.data ?? []} testid="work-last-card" />
                </Section>
            )}

            <Section title={t('work.callbacks')} testid="work-callbacks-panel">
                <Callbacks items={callbacks} />
            </Section>
        </div>
    );
}
