// Campaigns, for those with the campaigns permission: the list with each running
// campaign's live attempts and answers, start / pause / stop, a form to set one up
// (the server's message shown on a refusal), and "why was this number called": the
// calls to a number with the dial gate's evidence (for those with call_records).
import { useState } from 'preact/hooks';
import { ApiError, can, get, post, request, type Campaign, type Finding, type Purpose } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { Findings } from '../findings';
import { clockMinutes, dateTime, number, phone as phoneText } from '../format';
import { t, type Key } from '../i18n';
import { WhyLookup } from './calls';
import type { Telephony } from './telephony';

export const pacings = ['preview', 'progressive', 'predictive', 'robot'] as const;
const orders = ['id', 'added', 'idle', '-idle', 'status', 'source', 'region'];

const lines = (text: string) =>
    text
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);

export function stateBadge(state: string) {
    return (
        <span class={`badge campaign-${state}`} data-testid="campaign-state" data-state={state}>
            {t(`campaignState.${state}` as Key)}
        </span>
    );
}

// Start, pause and stop as the campaign's state allows; stop asks once more (it is for
// good). Start first reads the campaign's warnings (an empty segment, a schedule the
// rules never allow) and, when there are any, shows them and asks once more.
export function CampaignActions(props: { campaign: Campaign; onChanged: (c: Campaign) => void }) {
    const { campaign } = props;
    const [confirming, setConfirming] = useState(false);
    const [warnings, setWarnings] = useState<Finding[] | null>(null);
    const [busy, setBusy] = useState(false);
    async function act(action: 'start' | 'pause' | 'stop') {
        setBusy(true);
        try {
            props.onChanged(await post<Campaign>(`/campaigns/${campaign.id}/${action}`));
        } finally {
            setBusy(false);
            setConfirming(false);
            setWarnings(null);
        }
    }
    async function start() {
        setBusy(true);
        let found: Finding[] = [];
        try {
            found = (await get<Campaign>(`/campaigns/${campaign.id}`)).warnings ?? [];
        } finally {
            setBusy(false);
        }
        if (found.length > 0) {
            setWarnings(found);
            return;
        }
        await act('start');
    }
    const run = (action: 'start' | 'pause' | 'stop') => () => act(action).catch(() => undefined);
    if (campaign.state === 'stopped') return <span class="muted small">{t('campaigns.over')}</span>;
    if (warnings) {
        return (
            <div class="campaign-actions">
                <Findings findings={warnings} kind="warning" testid="start-warnings" />
                <button type="button" class="small primary" data-testid="campaign-start-anyway" disabled={busy} onClick={run('start')}>
                    ▶ {t('campaign.warning.startAnyway')}
                </button>
                <button type="button" class="small" onClick={() => setWarnings(null)}>
                    {t('common.cancel')}
                </button>
            </div>
        );
    }
    return (
        <span class="campaign-actions">
            {(campaign.state === 'draft' || campaign.state === 'paused') && (
                <button type="button" class="small primary" data-testid="campaign-start" disabled={busy} onClick={() => start().catch(() => undefined)}>
                    ▶ {t('campaigns.start')}
                </button>
            )}
            {campaign.state === 'running' && (
                <button type="button" class="small" data-testid="campaign-pause" disabled={busy} onClick={run('pause')}>
                    ❚❚ {t('campaigns.pause')}
                </button>
            )}
            {confirming ? (
                <>
                    <button type="button" class="small danger" data-testid="campaign-stop-confirm" disabled={busy} onClick={run('stop')}>
                        {t('campaigns.stopForGood')}
                    </button>
                    <button type="button" class="small" onClick={() => setConfirming(false)}>
                        {t('common.cancel')}
                    </button>
                </>
            ) : (
                <button type="button" class="small danger" data-testid="campaign-stop" disabled={busy} onClick={() => setConfirming(true)}>
                    ■ {t('campaigns.stop')}
                </button>
            )}
        </span>
    );
}

// The settings a campaign is edited with that the form does not show: sent back as
// they are, so that an edit changes only what the form changed (PUT replaces them all).
const keptKeys = [
    'local_presence',
    'retries',
    'max_attempts',
    'abandon_window_minutes',
    'robot_max_calls',
    'robot_calls_per_second',
    'ring_timeout_seconds',
    'target_contacts',
    'sensitive',
] as const;

// A draft's caller IDs as the form lists them: grouped, one a line.
const callerIdLines = (c: Campaign) => c.caller_ids.map((id) => phoneText(id.number)).join('\n');

// The form of a new campaign, or of a draft's edit (`initial`): PUT then replaces its
// settings, each caller ID already there keeping its own cap.
export function CreateForm(props: { onCreated: (c: Campaign) => void; initial?: Campaign; onCancel?: () => void }) {
    const init = props.initial;
    const purposes = useLoad<Purpose[]>(() => dict.purposes().catch(() => []), []);
    // The server's trunks: a choice only where there are several.
    const trunks = useLoad<Pick<Telephony, 'trunks'>>(() => get<Telephony>('/telephony').catch(() => ({ trunks: [] })), []);
    const [trunk, setTrunk] = useState(init?.trunk ?? '');
    const [name, setName] = useState(init?.name ?? '');
    const [purpose, setPurpose] = useState(init?.purpose ?? 'service');
    const [pacing, setPacing] = useState<string>(init?.pacing ?? 'progressive');
    const [segment, setSegment] = useState(init?.segment.join('\n') ?? '');
    const [order, setOrder] = useState(init?.order_by ?? 'id');
    const [rules, setRules] = useState(init?.rules.join('\n') ?? '');
    const [callerIds, setCallerIds] = useState(init ? callerIdLines(init) : '');
    const [dailyCap, setDailyCap] = useState(String(init?.daily_cap ?? 75));
    const [schedule, setSchedule] = useState(
        init ? `${clockMinutes(init.schedule_start_minute)}-${clockMinutes(init.schedule_end_minute)}` : '09:00-20:00',
    );
    const [abandon, setAbandon] = useState(init ? String(Math.round(init.abandon_limit * 10000) / 100) : '3');
    const [wrapUp, setWrapUp] = useState(String(init?.wrap_up_seconds ?? 10));
    const [script, setScript] = useState(init?.script ?? '');
    const [robotScript, setRobotScript] = useState(init?.robot_script ?? '');
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const names = (purposes.data ?? []).map((p) => p.name);
    const purposeNames = names.length ? names : ['service', 'marketing'];

    async function submit(e: Event) {
        e.preventDefault();
        setError(null);
        setBusy(true);
        try {
            const kept: Record<string, unknown> = {};
            for (const key of keptKeys) if (init && init[key] !== undefined) kept[key] = init[key];
            // A caller ID already there keeps its region and own cap.
            const national = (x: string) => x.replace(/\D/g, '').slice(-10);
            const ids = lines(callerIds).map((line) => init?.caller_ids.find((id) => national(id.number) === national(line)) ?? line);
            const created = await request<Campaign>(init ? 'PUT' : 'POST', init ? `/campaigns/${init.id}` : '/campaigns', {
                quiet: true,
                json: {
                    ...kept,
                    name: name.trim(),
                    purpose,
                    pacing,
                    segment: lines(segment),
                    order_by: order.trim() || 'id',
                    rules: lines(rules),
                    caller_ids: ids,
                    daily_cap: Number(dailyCap),
                    schedule: schedule.trim(),
                    abandon_limit: Number(abandon.replace(',', '.')) / 100,
                    wrap_up_seconds: Number(wrapUp),
                    script,
                    trunk,
                    ...(pacing === 'robot' && robotScript.trim() ? { robot_script: robotScript.trim() } : {}),
                },
            });
            if (!init) setName('');
            props.onCreated(created);
        } catch (err) {
            setError(err instanceof ApiError ? err.message : String(err));
        } finally {
            setBusy(false);
        }
    }

    return (
        <form class="campaign-form" data-testid="campaign-form" onSubmit={(e) => submit(e)}>
            <div class="row-form">
                <Labeled label={t('campaigns.name')} wide>
                    <input data-testid="campaign-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('campaigns.purpose')}>
                    <select data-testid="campaign-purpose" value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)}>
                        {purposeNames.map((p) => (
                            <option key={p} value={p}>
                                {p === 'service' || p === 'marketing' ? t(`purpose.${p}` as Key) : p}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <Labeled label={t('campaigns.pacing')}>
                    <select data-testid="campaign-pacing" value={pacing} onChange={(e) => setPacing(e.currentTarget.value)}>
                        {pacings.map((p) => (
                            <option key={p} value={p}>
                                {t(`pacing.${p}`)}
                            </option>
                        ))}
                    </select>
                </Labeled>
                {(trunks.data?.trunks.length ?? 0) > 1 && (
                    <Labeled label={t('campaigns.trunk')}>
                        <select data-testid="campaign-trunk" value={trunk} onChange={(e) => setTrunk(e.currentTarget.value)}>
                            <option value="">{t('campaigns.trunkDefault', { name: trunks.data?.trunks.find((x) => x.default)?.name ?? '' })}</option>
                            {trunks.data?.trunks
                                .filter((x) => !x.default)
                                .map((x) => (
                                    <option key={x.name} value={x.name}>
                                        {x.name}
                                    </option>
                                ))}
                        </select>
                    </Labeled>
                )}
                <Labeled label={t('campaigns.order')}>
                    <input data-testid="campaign-order" list="campaign-orders" value={order} onInput={(e) => setOrder(e.currentTarget.value)} />
                    <datalist id="campaign-orders">
                        {orders.map((o) => (
                            <option key={o} value={o} />
                        ))}
                    </datalist>
                </Labeled>
            </div>
            <div class="row-form">
                <Labeled label={t('campaigns.segment')} wide>
                    <textarea
                        data-testid="campaign-segment"
                        rows={3}
                        placeholder={'status=new\nregion=Москва'}
                        value={segment}
                        onInput={(e) => setSegment(e.currentTarget.value)}
                    />
                    <span class="hint">{t('campaigns.segmentHint')}</span>
                </Labeled>
                <Labeled label={t('campaigns.rules')} wide>
                    <textarea
                        data-testid="campaign-rules"
                        rows={3}
                        placeholder={'status=new:100\nidle>30:70'}
                        value={rules}
                        onInput={(e) => setRules(e.currentTarget.value)}
                    />
                    <span class="hint">{t('campaigns.rulesHint')}</span>
                </Labeled>
                <Labeled label={t('campaigns.callerIds')} wide>
                    <textarea
                        data-testid="campaign-caller-ids"
                        rows={3}
                        required
                        placeholder={'+7 495 123-45-67\n+7 495 123-45-68'}
                        value={callerIds}
                        onInput={(e) => setCallerIds(e.currentTarget.value)}
                    />
                    <span class="hint">{t('campaigns.callerIdsHint')}</span>
                </Labeled>
            </div>
            <div class="row-form">
                <Labeled label={t('campaigns.dailyCap')}>
                    <input data-testid="campaign-daily-cap" type="number" min={1} required value={dailyCap} onInput={(e) => setDailyCap(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('campaigns.schedule')}>
                    <input
                        data-testid="campaign-schedule"
                        required
                        placeholder="09:00-20:00"
                        value={schedule}
                        onInput={(e) => setSchedule(e.currentTarget.value)}
                    />
                </Labeled>
                <Labeled label={t('campaigns.abandonLimit')}>
                    <input data-testid="campaign-abandon" inputMode="decimal" required value={abandon} onInput={(e) => setAbandon(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('campaigns.wrapUp')}>
                    <input data-testid="campaign-wrap-up" type="number" min={0} required value={wrapUp} onInput={(e) => setWrapUp(e.currentTarget.value)} />
                </Labeled>
            </div>
            <Labeled label={t('campaigns.script')} wide>
                <textarea data-testid="campaign-script" rows={3} value={script} onInput={(e) => setScript(e.currentTarget.value)} />
            </Labeled>
            {pacing === 'robot' && (
                <Labeled label={t('campaigns.robotScript')} wide>
                    <input
                        data-testid="campaign-robot-script"
                        placeholder="visit-confirmation.yaml"
                        value={robotScript}
                        onInput={(e) => setRobotScript(e.currentTarget.value)}
                    />
                </Labeled>
            )}
            {error && (
                <p class="error-inline" role="alert" data-testid="campaign-error">
                    {error}
                </p>
            )}
            <div class="form-actions">
                <button type="submit" class="primary" data-testid={init ? 'campaign-save' : 'campaign-create'} disabled={busy}>
                    {init ? t('campaignEdit.save') : t('campaigns.create')}
                </button>
                {props.onCancel && (
                    <button type="button" data-testid="campaign-edit-cancel" onClick={props.onCancel}>
                        {t('common.cancel')}
                    </button>
                )}
            </div>
        </form>
    );
}

export function CampaignsPage() {
    const list = useLoad(() => get<{ campaigns: Campaign[] }>('/campaigns'), []);
    const [notice, setNotice] = useState<string | null>(null);
    // What the campaign just created should be read before its start.
    const [created, setCreated] = useState<Finding[] | undefined>(undefined);
    const campaigns = list.data?.campaigns ?? [];
    return (
        <div class="page" data-testid="page-campaigns">
            <h1>{t('campaigns.title')}</h1>
            <Notice
                text={notice}
                onClose={() => {
                    setNotice(null);
                    setCreated(undefined);
                }}
            />
            <Findings findings={created} kind="warning" testid="created-warnings" />
            <Section
                title={t('campaigns.list')}
                actions={
                    <button type="button" class="small" data-testid="campaigns-refresh" onClick={list.reload}>
                        ↻ {t('campaigns.refresh')}
                    </button>
                }
            >
                <div class="table-wrap">
                    <table class="grid" data-testid="campaigns-table" aria-busy={list.loading}>
                        <thead>
                            <tr>
                                <th>{t('campaigns.name')}</th>
                                <th>{t('campaigns.state')}</th>
                                <th>{t('campaigns.pacing')}</th>
                                <th>{t('campaigns.purpose')}</th>
                                <th class="num">{t('live.attempts')}</th>
                                <th class="num">{t('live.answered')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {campaigns.map((c) => (
                                <tr key={c.id} data-testid="campaign-row" data-name={c.name} data-id={c.id}>
                                    <td>
                                        <a href={`#/campaigns/${c.id}`} data-testid="campaign-open">
                                            {c.name}
                                        </a>
                                        <div class="muted small">
                                            #{c.id} · {c.created_by} · {dateTime(c.created_at)}
                                        </div>
                                    </td>
                                    <td>{stateBadge(c.state)}</td>
                                    <td>{t(`pacing.${c.pacing}` as Key)}</td>
                                    <td>{c.purpose}</td>
                                    <td class="num" data-testid="campaign-attempts">
                                        {c.live ? number(c.live.attempts) : '—'}
                                    </td>
                                    <td class="num" data-testid="campaign-answered">
                                        {c.live ? number(c.live.answered) : '—'}
                                    </td>
                                    <td class="actions">
                                        <CampaignActions
                                            campaign={c}
                                            onChanged={(changed) => {
                                                setCreated(undefined);
                                                setNotice(t('campaigns.changed', { name: changed.name, state: t(`campaignState.${changed.state}` as Key) }));
                                                list.reload();
                                            }}
                                        />
                                    </td>
                                </tr>
                            ))}
                            {campaigns.length === 0 && !list.loading && <Empty colSpan={7} text={t('campaigns.none')} />}
                        </tbody>
                    </table>
                </div>
            </Section>
            <Section title={t('campaigns.new')}>
                <CreateForm
                    onCreated={(c) => {
                        setNotice(t('campaigns.created', { name: c.name, leads: c.leads ?? 0 }));
                        setCreated(c.warnings);
                        list.reload();
                    }}
                />
            </Section>
            {can('call_records') && (
                <Section title={t('calls.why')}>
                    <p class="hint">{t('calls.whyHint')}</p>
                    <WhyLookup />
                </Section>
            )}
        </div>
    );
}
