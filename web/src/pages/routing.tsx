// Routing: the center's numbers and extensions with their routes, the queues,
// the rules by caller, the VIP and black lists, the operators' skills and the
// calls they take, and the reasons operators pause for — the routing book `callbase routing …` edits, here for the supervisor
// (docs/routing.md). Every change is checked by the server as a whole; a refused
// one changes nothing and says why. `callbase serve` takes a change within 2 s.
import { useState } from 'preact/hooks';
import { del, get, post, put } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import { dateTime, phone } from '../format';
import { t, type Key } from '../i18n';
import { pauseReasonText, type PauseReason } from '../pause_reason';

export interface RoutingQueue {
    name: string;
    strategy: string;
    skill: string;
    members: string[];
    first_level: number;
    widen: { after: number; level: number }[];
    max_wait: number; // seconds; 0: none
    offer_timeout: number;
    priority_step: number;
    sl_threshold: number;
    short_abandon: number;
    join_when_empty: boolean;
    leave_when_empty: boolean;
    exit_route: string;
    announce_every: number; // seconds; 0: no announcements
    callback: boolean; // the announcements offer a callback (press 1)
    language: string; // what the announcements are read in: ru or en
}
export interface RoutingNumber {
    number: string;
    extension: boolean;
    route: string;
    label: string;
}
export interface RoutingRules {
    black_enabled: boolean;
    black_action: string;
    vip_enabled: boolean;
    vip_queue: string;
    vip_priority: number;
    complaints_enabled: boolean;
    complaints_threshold: number;
    complaints_days: number;
    complaint_category: string;
    complaints_queue: string;
}
export interface RoutingBook {
    queues: RoutingQueue[];
    numbers: RoutingNumber[];
    rules: RoutingRules;
    lists: { vip: number; black: number };
    pause_reasons: PauseReason[];
    agents: AgentProfile[];
}
export interface AgentProfile {
    agent: string;
    blend: string;
    skills: { name: string; level: number }[];
}
interface ListEntries {
    list: string;
    size: number;
    entries: { number: string; manager: string; note: string; added_at: number; added_by: string }[];
}

const BLENDS = ['blended', 'inbound', 'outbound'];
const STRATEGIES = ['longest_idle', 'round_robin', 'fixed_order', 'fewest_calls', 'least_talk', 'random', 'ring_all'];
const ROUTE_KINDS = ['queue', 'ivr', 'message', 'extension', 'agent', 'reject'];
// The messages the server speaks in Russian by their name (message:closed, …).
const BUILT_IN_MESSAGES = ['closed', 'no_agents', 'no_route'];

// A route in words: «очередь general», «сообщение: closed», «отказ 603».
function routeText(route: string): string {
    const i = route.indexOf(':');
    if (i < 0) return route;
    const kind = route.slice(0, i);
    let name = route.slice(i + 1);
    if (kind === 'message' && BUILT_IN_MESSAGES.includes(name)) name = t(`routing.message.${name}` as Key);
    return ROUTE_KINDS.includes(kind) ? t(`routing.route.${kind}` as Key, { name }) : route;
}

function RouteInput(props: { kind: string; name: string; queues: RoutingQueue[]; testid: string; onKind: (k: string) => void; onName: (n: string) => void }) {
    return (
        <>
            <Labeled label={t('routing.routeKind')}>
                <select data-testid={`${props.testid}-kind`} value={props.kind} onChange={(e) => props.onKind(e.currentTarget.value)}>
                    {ROUTE_KINDS.map((k) => (
                        <option key={k} value={k}>
                            {t(`routing.kind.${k}` as Key)}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('routing.routeTo')}>
                {props.kind === 'queue' ? (
                    <select data-testid={`${props.testid}-name`} required value={props.name} onChange={(e) => props.onName(e.currentTarget.value)}>
                        <option value="">—</option>
                        {props.queues.map((q) => (
                            <option key={q.name} value={q.name}>
                                {q.name}
                            </option>
                        ))}
                    </select>
                ) : props.kind === 'reject' ? (
                    <select data-testid={`${props.testid}-name`} value={props.name || '603'} onChange={(e) => props.onName(e.currentTarget.value)}>
                        <option value="603">603</option>
                        <option value="403">403</option>
                    </select>
                ) : (
                    <input
                        data-testid={`${props.testid}-name`}
                        required
                        autocomplete="off"
                        placeholder={props.kind === 'message' ? t('routing.messageExample') : props.kind === 'ivr' ? 'inbound-menu.yaml' : ''}
                        value={props.name}
                        onInput={(e) => props.onName(e.currentTarget.value)}
                    />
                )}
            </Labeled>
        </>
    );
}

function Numbers(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [number, setNumber] = useState('');
    const [kind, setKind] = useState('queue');
    const [name, setName] = useState('');
    const [label, setLabel] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const route = `${kind}:${kind === 'reject' ? name || '603' : name.trim()}`;
        const saved = await put<RoutingNumber>(`/routing/numbers/${encodeURIComponent(number.trim())}`, { route, label: label.trim() });
        props.onChanged(t('routing.numberSaved', { number: saved.number, route: routeText(saved.route) }));
        setNumber('');
        setLabel('');
    }
    async function remove(n: RoutingNumber) {
        await del(`/routing/numbers/${encodeURIComponent(n.number)}`);
        props.onChanged(t('routing.numberRemoved', { number: n.number }));
    }
    return (
        <Section title={t('routing.numbers')} testid="routing-numbers">
            <p class="hint">{t('routing.numbersHint')}</p>
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('routing.number')}</th>
                            <th>{t('routing.route')}</th>
                            <th>{t('routing.label')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {props.book.numbers.length === 0 && <Empty colSpan={4} text={t('routing.noNumbers')} />}
                        {props.book.numbers.map((n) => (
                            <tr key={n.number} data-testid="routing-number-row" data-number={n.number}>
                                <td class="mono">{n.extension ? t('routing.extension', { number: n.number }) : phone(n.number)}</td>
                                <td data-testid="routing-number-route" data-user-text="">
                                    {routeText(n.route)}
                                </td>
                                <td data-user-text="">{n.label}</td>
                                <td>
                                    <button type="button" class="link" data-testid="routing-number-remove" onClick={() => remove(n).catch(() => undefined)}>
                                        {t('common.remove')}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('routing.numberOrExtension')}>
                    <input data-testid="routing-number" required autocomplete="off" placeholder="+7 495 111-22-33 / 101" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
                </Labeled>
                <RouteInput
                    kind={kind}
                    name={name}
                    queues={props.book.queues}
                    testid="routing-number-route"
                    onKind={(k) => {
                        setKind(k);
                        setName('');
                    }}
                    onName={setName}
                />
                <Labeled label={t('routing.label')}>
                    <input data-testid="routing-number-label" autocomplete="off" placeholder={t('routing.labelExample')} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="routing-number-save">
                    {t('common.save')}
                </button>
            </form>
        </Section>
    );
}

function Queues(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [name, setName] = useState('');
    const [strategy, setStrategy] = useState('longest_idle');
    const [members, setMembers] = useState('');
    const [maxWait, setMaxWait] = useState('');
    const [exitRoute, setExitRoute] = useState('');
    const [sl, setSl] = useState('20');
    const [skill, setSkill] = useState('');
    const [widen, setWiden] = useState('');
    const [announce, setAnnounce] = useState('');
    const [callback, setCallback] = useState(false);
    const [language, setLanguage] = useState('ru');
    function edit(q: RoutingQueue) {
        setName(q.name);
        setStrategy(q.strategy);
        setSkill(q.skill);
        setWiden(q.widen.find((w) => w.level === 2)?.after.toString() ?? '');
        setMembers(q.members.join(', '));
        setMaxWait(q.max_wait ? String(q.max_wait) : '');
        setExitRoute(q.exit_route);
        setSl(String(q.sl_threshold));
        setAnnounce(q.announce_every ? String(q.announce_every) : '');
        setCallback(q.callback);
        setLanguage(q.language || 'ru');
    }
    async function submit(e: Event) {
        e.preventDefault();
        // A queue changed here keeps the settings this form does not show.
        const existing = props.book.queues.find((q) => q.name === name.trim());
        const { name: _name, ...kept } = existing ?? ({} as Partial<RoutingQueue>);
        const spec = {
            ...kept,
            strategy,
            members: members
                .split(/[,\s]+/)
                .map((m) => m.trim())
                .filter(Boolean),
            max_wait: maxWait.trim() ? Number(maxWait.replace(',', '.')) : 0,
            exit_route: exitRoute.trim(),
            sl_threshold: Number(sl.replace(',', '.')),
            announce_every: announce.trim() ? Number(announce.replace(',', '.')) : 0,
            callback,
            language,
            skill: skill.trim(),
            // Level 2 after this many seconds; the other widening steps are kept.
            widen: [
                ...(existing?.widen ?? []).filter((w) => w.level !== 2),
                ...(widen.trim() ? [{ after: Number(widen.replace(',', '.')), level: 2 }] : []),
            ],
        };
        await put(`/routing/queues/${encodeURIComponent(name.trim())}`, spec);
        props.onChanged(t(existing ? 'routing.queueChanged' : 'routing.queueAdded', { name: name.trim() }));
        setName('');
        setMembers('');
        setMaxWait('');
        setExitRoute('');
        setSkill('');
        setWiden('');
        setAnnounce('');
        setCallback(false);
        setLanguage('ru');
    }
    async function remove(q: RoutingQueue) {
        await del(`/routing/queues/${encodeURIComponent(q.name)}`);
        props.onChanged(t('routing.queueRemoved', { name: q.name }));
    }
    return (
        <Section title={t('routing.queues')} testid="routing-queues">
            <p class="hint">{t('routing.queuesHint')}</p>
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('routing.queue')}</th>
                            <th>{t('routing.strategy')}</th>
                            <th>{t('routing.members')}</th>
                            <th>{t('routing.skill')}</th>
                            <th class="num">{t('routing.maxWait')}</th>
                            <th>{t('routing.exitRoute')}</th>
                            <th class="num">{t('routing.slThreshold')}</th>
                            <th>{t('routing.announceEvery')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {props.book.queues.length === 0 && <Empty colSpan={9} text={t('routing.noQueues')} />}
                        {props.book.queues.map((q) => (
                            <tr key={q.name} data-testid="routing-queue-row" data-queue={q.name}>
                                <td data-user-text="">{q.name}</td>
                                <td>{t(`routing.strategy.${q.strategy}` as Key)}</td>
                                <td data-user-text="">{q.members.length ? q.members.join(', ') : t('routing.everyone')}</td>
                                <td data-user-text="" data-testid="routing-queue-skill">
                                    {q.skill ? `${q.skill} ${q.widen.map((w) => `(${w.level}: ${w.after} s)`).join(' ')}`.trim() : '—'}
                                </td>
                                <td class="num">{q.max_wait ? q.max_wait : '—'}</td>
                                <td data-user-text="">{q.exit_route ? routeText(q.exit_route) : '—'}</td>
                                <td class="num">{q.sl_threshold}</td>
                                <td data-testid="routing-queue-announce">
                                    {q.announce_every
                                        ? `${q.announce_every} ${t('routing.seconds')}${q.callback ? `, ${t('routing.callbackOffered')}` : ''}${q.language === 'en' ? `, ${t('routing.inEnglish')}` : ''}`
                                        : '—'}
                                </td>
                                <td class="nowrap">
                                    <button type="button" class="link" data-testid="routing-queue-edit" onClick={() => edit(q)}>
                                        {t('routing.edit')}
                                    </button>{' '}
                                    <button type="button" class="link" data-testid="routing-queue-remove" onClick={() => remove(q).catch(() => undefined)}>
                                        {t('common.remove')}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('routing.queue')}>
                    <input data-testid="routing-queue-name" required autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.strategy')}>
                    <select data-testid="routing-queue-strategy" value={strategy} onChange={(e) => setStrategy(e.currentTarget.value)}>
                        {STRATEGIES.map((s) => (
                            <option key={s} value={s}>
                                {t(`routing.strategy.${s}` as Key)}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <Labeled label={t('routing.members')}>
                    <input data-testid="routing-queue-members" autocomplete="off" placeholder={t('routing.membersExample')} value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.skill')}>
                    <input data-testid="routing-queue-skill" autocomplete="off" size={10} placeholder={t('routing.skillExample')} value={skill} onInput={(e) => setSkill(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.widenAfter')}>
                    <input data-testid="routing-queue-widen" inputMode="decimal" size={4} value={widen} onInput={(e) => setWiden(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.maxWait')}>
                    <input data-testid="routing-queue-max-wait" inputMode="decimal" size={5} value={maxWait} onInput={(e) => setMaxWait(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.exitRoute')}>
                    <input data-testid="routing-queue-exit" autocomplete="off" placeholder="queue:general" value={exitRoute} onInput={(e) => setExitRoute(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.slThreshold')}>
                    <input data-testid="routing-queue-sl" inputMode="decimal" size={4} value={sl} onInput={(e) => setSl(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.announceEvery')}>
                    <input data-testid="routing-queue-announce-every" inputMode="decimal" size={4} value={announce} onInput={(e) => setAnnounce(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.announceLanguage')}>
                    <select data-testid="routing-queue-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
                        {['ru', 'en'].map((l) => (
                            <option key={l} value={l}>
                                {t(`routing.language.${l}` as Key)}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <label class="check">
                    <input type="checkbox" data-testid="routing-queue-callback" checked={callback} onChange={(e) => setCallback(e.currentTarget.checked)} /> {t('routing.callbackOffer')}
                </label>
                <button type="submit" class="primary" data-testid="routing-queue-save">
                    {t('common.save')}
                </button>
            </form>
        </Section>
    );
}

function Rules(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [rules, setRules] = useState<RoutingRules>(props.book.rules);
    const set = <K extends keyof RoutingRules>(key: K, value: RoutingRules[K]) => setRules({ ...rules, [key]: value });
    const queueSelect = (key: 'vip_queue' | 'complaints_queue', testid: string) => (
        <select data-testid={testid} value={rules[key]} onChange={(e) => set(key, e.currentTarget.value)}>
            <option value="">{key === 'vip_queue' ? t('routing.numbersOwn') : '—'}</option>
            {props.book.queues.map((q) => (
                <option key={q.name} value={q.name}>
                    {q.name}
                </option>
            ))}
        </select>
    );
    async function submit(e: Event) {
        e.preventDefault();
        const saved = await put<RoutingRules>('/routing/rules', rules);
        setRules(saved);
        props.onChanged(t('routing.rulesSaved'));
    }
    const int = (text: string) => Number.parseInt(text, 10) || 0;
    return (
        <Section title={t('routing.rules')} testid="routing-rules">
            <p class="hint">{t('routing.rulesHint')}</p>
            <form class="stack-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <div class="row-form">
                    <label class="check">
                        <input type="checkbox" data-testid="routing-black-enabled" checked={rules.black_enabled} onChange={(e) => set('black_enabled', e.currentTarget.checked)} />
                        {t('routing.blackEnabled')}
                    </label>
                    <Labeled label={t('routing.blackAction')}>
                        <select data-testid="routing-black-action" value={rules.black_action} onChange={(e) => set('black_action', e.currentTarget.value)}>
                            {['reject:603', 'reject:403', 'message:closed', 'message:no_route'].map((a) => (
                                <option key={a} value={a}>
                                    {routeText(a)}
                                </option>
                            ))}
                        </select>
                    </Labeled>
                </div>
                <div class="row-form">
                    <label class="check">
                        <input type="checkbox" data-testid="routing-vip-enabled" checked={rules.vip_enabled} onChange={(e) => set('vip_enabled', e.currentTarget.checked)} />
                        {t('routing.vipEnabled')}
                    </label>
                    <Labeled label={t('routing.vipQueue')}>{queueSelect('vip_queue', 'routing-vip-queue')}</Labeled>
                    <Labeled label={t('routing.vipPriority')}>
                        <input data-testid="routing-vip-priority" inputMode="numeric" size={4} value={rules.vip_priority} onInput={(e) => set('vip_priority', int(e.currentTarget.value))} />
                    </Labeled>
                </div>
                <div class="row-form">
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="routing-complaints-enabled"
                            checked={rules.complaints_enabled}
                            onChange={(e) => set('complaints_enabled', e.currentTarget.checked)}
                        />
                        {t('routing.complaintsEnabled')}
                    </label>
                    <Labeled label={t('routing.complaintsThreshold')}>
                        <input
                            data-testid="routing-complaints-threshold"
                            inputMode="numeric"
                            size={4}
                            value={rules.complaints_threshold}
                            onInput={(e) => set('complaints_threshold', int(e.currentTarget.value))}
                        />
                    </Labeled>
                    <Labeled label={t('routing.complaintsDays')}>
                        <input data-testid="routing-complaints-days" inputMode="numeric" size={4} value={rules.complaints_days} onInput={(e) => set('complaints_days', int(e.currentTarget.value))} />
                    </Labeled>
                    <Labeled label={t('routing.complaintCategory')}>
                        <input data-testid="routing-complaint-category" autocomplete="off" value={rules.complaint_category} onInput={(e) => set('complaint_category', e.currentTarget.value)} />
                    </Labeled>
                    <Labeled label={t('routing.complaintsQueue')}>{queueSelect('complaints_queue', 'routing-complaints-queue')}</Labeled>
                </div>
                <div>
                    <button type="submit" class="primary" data-testid="routing-rules-save">
                        {t('common.save')}
                    </button>
                </div>
            </form>
        </Section>
    );
}

function Lists(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [list, setList] = useState<'vip' | 'black'>('vip');
    const [tick, setTick] = useState(0);
    const entries = useLoad(() => get<ListEntries>(`/routing/lists/${list}`), [list, tick]);
    const [number, setNumber] = useState('');
    const [manager, setManager] = useState('');
    const [note, setNote] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const added = await post<{ number: string }>(`/routing/lists/${list}`, { number, manager: list === 'vip' ? manager.trim() : '', note: note.trim() });
        props.onChanged(t(list === 'vip' ? 'routing.vipAdded' : 'routing.blackAdded', { number: phone(added.number) }));
        setNumber('');
        setManager('');
        setNote('');
        setTick(tick + 1);
    }
    async function remove(n: string) {
        await del(`/routing/lists/${list}/${encodeURIComponent(n)}`);
        props.onChanged(t('routing.listRemoved', { number: phone(n) }));
        setTick(tick + 1);
    }
    const data = entries.data;
    return (
        <Section title={t('routing.lists')} testid="routing-lists">
            <p class="hint">{t('routing.listsHint')}</p>
            <div class="row-form">
                <Labeled label={t('routing.list')}>
                    <select data-testid="routing-list" value={list} onChange={(e) => setList(e.currentTarget.value as 'vip' | 'black')}>
                        <option value="vip">{t('routing.listVip')}</option>
                        <option value="black">{t('routing.listBlack')}</option>
                    </select>
                </Labeled>
                {data && <span data-testid="routing-list-size">{t('routing.listSize', { n: data.size, shown: data.entries.length })}</span>}
            </div>
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('routing.caller')}</th>
                            {list === 'vip' && <th>{t('routing.manager')}</th>}
                            <th>{t('routing.note')}</th>
                            <th>{t('routing.added')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {data && data.entries.length === 0 && <Empty colSpan={list === 'vip' ? 5 : 4} />}
                        {data?.entries.map((x) => (
                            <tr key={x.number} data-testid="routing-list-row" data-number={x.number}>
                                <td class="mono">{phone(x.number)}</td>
                                {list === 'vip' && <td data-user-text="">{x.manager || '—'}</td>}
                                <td data-user-text="">{x.note}</td>
                                <td class="nowrap">
                                    {dateTime(x.added_at)} · <span data-user-text="">{x.added_by}</span>
                                </td>
                                <td>
                                    <button type="button" class="link" data-testid="routing-list-remove" onClick={() => remove(x.number).catch(() => undefined)}>
                                        {t('common.remove')}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('routing.caller')}>
                    <input data-testid="routing-list-number" required autocomplete="off" placeholder="8 916 123-45-67" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
                </Labeled>
                {list === 'vip' && (
                    <Labeled label={t('routing.manager')}>
                        <input data-testid="routing-list-manager" autocomplete="off" placeholder={t('routing.managerExample')} value={manager} onInput={(e) => setManager(e.currentTarget.value)} />
                    </Labeled>
                )}
                <Labeled label={t('routing.note')}>
                    <input data-testid="routing-list-note" autocomplete="off" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="routing-list-add">
                    {t('common.add')}
                </button>
            </form>
        </Section>
    );
}

function PauseReasons(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [code, setCode] = useState('');
    const [label, setLabel] = useState('');
    const [paid, setPaid] = useState(true);
    const [limit, setLimit] = useState('');
    const labels = Object.fromEntries(props.book.pause_reasons.filter((r) => r.label).map((r) => [r.code, r.label]));
    async function submit(e: Event) {
        e.preventDefault();
        await put(`/routing/pause-reasons/${encodeURIComponent(code.trim())}`, { label: label.trim(), paid, max_minutes: Number.parseInt(limit, 10) || 0 });
        props.onChanged(t('routing.pauseSaved', { code: code.trim() }));
        setCode('');
        setLabel('');
        setLimit('');
        setPaid(true);
    }
    async function remove(r: PauseReason) {
        await del(`/routing/pause-reasons/${encodeURIComponent(r.code)}`);
        props.onChanged(t('routing.pauseRemoved', { reason: pauseReasonText(r.code, labels) }));
    }
    return (
        <Section title={t('routing.pauseReasons')} testid="routing-pause-reasons">
            <p class="hint">{t('routing.pauseHint')}</p>
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('routing.pauseReason')}</th>
                            <th>{t('routing.code')}</th>
                            <th>{t('routing.paid')}</th>
                            <th class="num">{t('routing.maxMinutes')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {props.book.pause_reasons.map((r) => (
                            <tr key={r.code} data-testid="routing-pause-row" data-code={r.code}>
                                <td data-user-text={r.label ? '' : undefined}>{pauseReasonText(r.code, labels)}</td>
                                <td class="mono" data-user-text="">
                                    {r.code}
                                </td>
                                <td>{r.paid ? t('routing.yes') : t('routing.no')}</td>
                                <td class="num">{r.max_minutes || '—'}</td>
                                <td>
                                    <button type="button" class="link" data-testid="routing-pause-remove" onClick={() => remove(r).catch(() => undefined)}>
                                        {t('common.remove')}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('routing.code')}>
                    <input data-testid="routing-pause-code" required autocomplete="off" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.pauseLabel')}>
                    <input data-testid="routing-pause-label" autocomplete="off" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
                </Labeled>
                <label class="check">
                    <input type="checkbox" data-testid="routing-pause-paid" checked={paid} onChange={(e) => setPaid(e.currentTarget.checked)} />
                    {t('routing.paid')}
                </label>
                <Labeled label={t('routing.maxMinutes')}>
                    <input data-testid="routing-pause-limit" inputMode="numeric" size={4} value={limit} onInput={(e) => setLimit(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="routing-pause-save">
                    {t('common.save')}
                </button>
            </form>
        </Section>
    );
}

// "senior:1, sales:2" as the API takes it; a skill alone is level 1. A level
// that is not a number goes as written, for the server to refuse by name.
function parseSkills(text: string): { name: string; level: number | string }[] {
    return text
        .split(/[,;]+/)
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => {
            const [name, level] = item.split(':').map((x) => x.trim());
            if (level === undefined) return { name, level: 1 };
            return { name, level: /^\d+$/.test(level) ? Number(level) : level };
        });
}

export function skillsText(skills: AgentProfile['skills']): string {
    return skills.map((s) => `${s.name}:${s.level}`).join(', ');
}

function Agents(props: { book: RoutingBook; onChanged: (text: string) => void }) {
    const [agent, setAgent] = useState('');
    const [blend, setBlend] = useState('blended');
    const [skills, setSkills] = useState('');
    function edit(p: AgentProfile) {
        setAgent(p.agent);
        setBlend(p.blend);
        setSkills(skillsText(p.skills));
    }
    async function submit(e: Event) {
        e.preventDefault();
        await put(`/routing/agents/${encodeURIComponent(agent.trim())}`, { blend, skills: parseSkills(skills) });
        props.onChanged(t('routing.agentSaved', { agent: agent.trim() }));
        setAgent('');
        setBlend('blended');
        setSkills('');
    }
    async function remove(p: AgentProfile) {
        await del(`/routing/agents/${encodeURIComponent(p.agent)}`);
        props.onChanged(t('routing.agentRemoved', { agent: p.agent }));
    }
    return (
        <Section title={t('routing.agents')} testid="routing-agents">
            <p class="hint">{t('routing.agentsHint')}</p>
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('routing.agent')}</th>
                            <th>{t('routing.blend')}</th>
                            <th>{t('routing.skills')}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {props.book.agents.length === 0 && <Empty colSpan={4} text={t('routing.noAgents')} />}
                        {props.book.agents.map((p) => (
                            <tr key={p.agent} data-testid="routing-agent-row" data-agent={p.agent}>
                                <td data-user-text="">{p.agent}</td>
                                <td data-testid="routing-agent-blend">{t(`routing.blend.${p.blend}` as Key)}</td>
                                <td data-user-text="" data-testid="routing-agent-skills">
                                    {p.skills.length ? skillsText(p.skills) : '—'}
                                </td>
                                <td class="nowrap">
                                    <button type="button" class="link" data-testid="routing-agent-edit" onClick={() => edit(p)}>
                                        {t('routing.edit')}
                                    </button>{' '}
                                    <button type="button" class="link" data-testid="routing-agent-remove" onClick={() => remove(p).catch(() => undefined)}>
                                        {t('common.remove')}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('routing.agentLogin')}>
                    <input data-testid="routing-agent-login" required autocomplete="off" value={agent} onInput={(e) => setAgent(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('routing.blend')}>
                    <select data-testid="routing-agent-blend-select" value={blend} onChange={(e) => setBlend(e.currentTarget.value)}>
                        {BLENDS.map((b) => (
                            <option key={b} value={b}>
                                {t(`routing.blend.${b}` as Key)}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <Labeled label={t('routing.skills')}>
                    <input data-testid="routing-agent-skills-input" autocomplete="off" placeholder={t('routing.skillsExample')} value={skills} onInput={(e) => setSkills(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="routing-agent-save">
                    {t('common.save')}
                </button>
            </form>
        </Section>
    );
}

export function RoutingPage() {
    const book = useLoad(() => get<RoutingBook>('/routing'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const changed = (text: string) => {
        setNotice(text);
        book.reload();
    };
    const b = book.data;
    return (
        <div class="page" data-testid="page-routing">
            <h1>{t('routing.title')}</h1>
            <p class="subhead">{t('routing.intro')}</p>
            <Notice text={notice} onClose={() => setNotice(null)} />
            {b && (
                <>
                    <Numbers book={b} onChanged={changed} />
                    <Queues book={b} onChanged={changed} />
                    <Rules key={JSON.stringify(b.rules)} book={b} onChanged={changed} />
                    <Lists book={b} onChanged={changed} />
                    <Agents book={b} onChanged={changed} />
                    <PauseReasons book={b} onChanged={changed} />
                </>
            )}
        </div>
    );
}
