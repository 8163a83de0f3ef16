// The client of callbase's HTTP API (docs/api.md): same-origin fetch with the
// session cookie, the CSRF token on every request that changes something, RFC 9457
// problem details shown in the error banner, and a 401 sending the user to log in.
import { serverText } from './server_messages';
import { createStore } from './store';

export const API = '/api/v1';

export interface Session {
    user: string;
    role: string;
    permissions: string[];
    csrf: string;
}

// The logged-in user, or null. Set by login and by the GET /session at start-up.
export const session = createStore<Session | null>(null);
// The message of the error banner (data-testid="error"), or null.
export const errorBanner = createStore<string | null>(null);
// The action whose failure the banner shows ("POST /stop-list"), or null. A
// banner belongs to its action: it goes when that action next succeeds, or
// when any other change the user makes succeeds (a POST, PUT or DELETE), so
// that a stale error never sits above a success. Loads of other data in the
// background leave it alone.
let bannerAction: string | null = null;

export function can(permission: string): boolean {
    return session.get()?.permissions.includes(permission) ?? false;
}

export function showError(message: string | null, action: string | null = null): void {
    bannerAction = message ? action : null;
    errorBanner.set(message);
}

// A request succeeded: the banner goes when it was this action's, or when this
// was a change the user made.
function succeeded(method: string, path: string): void {
    if (errorBanner.get() === null) return;
    if (method !== 'GET' || bannerAction === `${method} ${path}`) showError(null);
}

// A failed request. `message` is in the user's language: the translation of the
// problem's code (server_messages.ts) when the server sent one, else its detail.
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly title: string,
        readonly detail: string,
        readonly code?: string,
        readonly params?: Record<string, unknown>,
    ) {
        super(
            serverText(
                code ?? (detail ? undefined : 'server.status'),
                code ? params : { status, title },
                detail || title || `HTTP ${status}`,
            ),
        );
    }
}

export type Query = Record<string, string | number | boolean | string[] | null | undefined>;

export interface RequestOptions {
    query?: Query;
    json?: unknown;
    raw?: BodyInit;
    // Don't show a failure in the error banner (the caller handles it).
    quiet?: boolean;
}

export function buildQuery(query: Query | undefined): string {
    if (!query) return '';
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
        if (value === undefined || value === null || value === '') continue;
        if (Array.isArray(value)) {
            for (const item of value) params.append(key, item);
        } else {
            params.append(key, String(value));
        }
    }
    const text = params.toString();
    return text ? `?${text}` : '';
}

function goToLogin(): void {
    session.set(null);
    if (!location.hash.startsWith('#/login')) location.hash = '#/login';
}

async function problemOf(response: Response): Promise<ApiError> {
    let title = response.statusText;
    let detail = '';
    let code: string | undefined;
    let params: Record<string, unknown> | undefined;
    try {
        const text = await response.text();
        if (text) {
            try {
                const problem = JSON.parse(text) as {
                    title?: string;
                    detail?: string;
                    code?: string;
                    params?: Record<string, unknown>;
                };
                title = problem.title ?? title;
                detail = problem.detail ?? '';
                code = problem.code;
                params = problem.params;
            } catch {
                detail = text.slice(0, 300);
            }
        }
    } catch {
        // the body could not be read; the status says enough
    }
    return new ApiError(response.status, title, detail, code, params);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
        headers['Content-Type'] = 'application/octet-stream';
        body = options.raw;
    }
    const csrf = session.get()?.csrf;
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;

    let response: Response;
    try {
        response = await fetch(API + path + buildQuery(options.query), {
            method,
            headers,
            body,
            credentials: 'same-origin',
        });
    } catch (e) {
        const why = String(e instanceof Error ? e.message : e);
        const error = new ApiError(0, 'Network error', why, 'server.network', { detail: why });
        if (!options.quiet) showError(error.message, `${method} ${path}`);
        throw error;
    }
    if (!response.ok) {
        const error = await problemOf(response);
        const isLogin = path === '/session' && method === 'POST';
        if (response.status === 401 && !isLogin) goToLogin();
        if (!options.quiet) showError(error.message, `${method} ${path}`);
        throw error;
    }
    succeeded(method, path);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, query?: Query, quiet = false) => request<T>('GET', path, { query, quiet });
export const post = <T>(path: string, json?: unknown, query?: Query) =>
    request<T>('POST', path, { json: json ?? {}, query });
export const put = <T>(path: string, json: unknown) => request<T>('PUT', path, { json });
export const del = <T>(path: string, query?: Query) => request<T>('DELETE', path, { query });

// ---- Shapes of the answers (docs/api.md) ----

export interface List<T> {
    items: T[];
    total?: number;
}

export interface ContactRow {
    id: number;
    name: string;
    phone: string;
    phone_count: number;
    status: string;
    region: string;
    source: string;
    callback_at: number | null;
    created_at?: number | null;
    updated_at: number | null;
}

// A user's search kept under a name (GET /saved-filters).
export interface SavedFilter {
    id: number;
    name: string;
    filter: string[];
}

// What a mass edit did (POST /contacts/bulk).
export interface MassResult {
    selected: number;
    changed: number;
    unchanged: number;
    failed: { id: number; reason: string; code?: string; params?: Record<string, string> }[];
}

export interface Phone {
    id?: number;
    e164: string;
    raw?: string;
    extension?: string;
    label?: string;
    type?: string;
    region?: string;
    operator?: string;
    timezone?: string;
    qc?: string;
    valid?: boolean;
    inactive?: boolean;
}

export interface HistoryEntry {
    at: number;
    actor: string;
    action: string;
    field?: string;
    before?: string;
    after?: string;
    detail?: string;
    detail_code?: string;
    detail_params?: Record<string, string>;
}

export interface StopEntry {
    id: number;
    phone: string;
    category: string;
    until: number | null;
    channel: string;
    note: string;
    added_at: number;
    added_by: string;
}

export interface Consent {
    id: number;
    phone: string;
    purpose: string;
    channel: string;
    obtained_at: number | null;
    text_version?: string;
    recorded_by: string;
    revoked_at: number | null;
}

export interface Reason {
    reason: string;
    detail?: string;
}

export interface Decision {
    phone?: string;
    purpose?: string;
    at?: number;
    allowed: boolean;
    reasons: Reason[];
    earliest?: number | null;
    utc_offset_assumed?: boolean;
}

export interface Card {
    id: number;
    name: string;
    region: string;
    source: string;
    owner_group?: string;
    email?: string;
    comment?: string;
    status: string;
    callback_at: number | null;
    created_at?: number;
    updated_at?: number;
    last_interaction_at?: number | null;
    merged_into?: number | null;
    phones: Phone[];
    tags: (string | { name: string; category?: string })[];
    fields: Record<string, string> | { name: string; value: string }[];
    history: HistoryEntry[];
    stop_list?: StopEntry[] | null;
    consents?: Consent[] | null;
    can_call?: { service?: Decision; marketing?: Decision } | null;
}

export interface Tag {
    category: string;
    name: string;
    retired: boolean;
    usage?: number;
}

export interface Status {
    id: string;
    en: string;
    ru: string;
}

export interface Field {
    name: string;
    type: string;
}

export interface Purpose {
    name: string;
    description: string;
    builtin: boolean;
    latest_text?: number; // 0: no text recorded yet
}

// GET /purposes/{name}/texts: one version of a consent text.
export interface ConsentText {
    version: number;
    text: string;
    created_at: number;
}

// GET /rules, PUT /rules (docs/api.md): the calling rules in force.
export interface CallingRules {
    window_start: string; // HH:MM, the callee's local time
    window_end: string;
    weekdays: string[]; // mon … sun
    max_attempts: number; // 0: no cap
    attempt_period_days: number;
    min_gap_minutes: number;
    purposes_without_consent: string[];
    default_utc_offset_minutes: number;
    holidays: string[]; // YYYY-MM-DD
}

export interface Holiday {
    date: string; // YYYY-MM-DD
    name: string;
}

// GET /registry-versions: one loaded version of a do-not-call registry.
export interface RegistryVersion {
    name: string;
    version: number;
    entries: number;
    rejected: number;
    bytes: number;
    source_sha256: string;
    loaded_at: number;
    loaded_by: string;
}

export interface RegistryDiff {
    registry: string;
    from: number;
    to: number;
    added: number;
    removed: number;
}

export interface Team {
    id: number;
    name: string;
    members: string[];
}

export interface Metric {
    id: string;
    name_en: string;
    name_ru: string;
    percent: number | null;
    count: number;
    total: number;
    target: string | number | null;
    target_percent: number | null;
    lower_is_better: boolean;
    verdict: string;
    note: string;
    note_code: string;
    action_en: string;
    action_ru: string;
}

export interface Health {
    at: number;
    contacts: number;
    merged_contacts: number;
    phones: number;
    metrics: Metric[];
}

export interface Preview {
    format: 'csv' | 'xlsx' | 'xls';
    encoding: string | null; // CSV only
    delimiter: string | null; // CSV only
    sheets?: string[]; // workbooks: every sheet, and the one shown
    sheet?: string;
    header_row: number; // the line or row of the column names
    header: string[];
    rows: string[][];
    mapping: { header: string; field: string }[];
}

export interface ImportJob {
    job: number;
    state: 'running' | 'done' | 'failed';
    done_bytes: number;
    total_bytes: number;
    summary: Record<string, unknown> | null;
    error?: string;
    error_code?: string; // the error's code and parameters (server_messages.ts), when it has one
    error_params?: Record<string, string>;
}

export interface ExportRequest {
    id: number;
    requested_by: string;
    filter: string[] | string;
    reason: string;
    status: string;
    requested_at: number;
    decided_by: string | null;
    decided_at: number | null;
    rows: number | null;
    format?: 'csv' | 'xlsx'; // the file the export writes
}

// How an export writes a column in its requester's view.
export type ExportMasking = 'full' | 'masked' | 'pseudonym' | 'empty';

// GET /exports/{id}: the request and what it will write (for its requester,
// the approvers and the dpo; others get the request without the preview).
export interface ExportPreview extends ExportRequest {
    encoding: string;
    view: 'full' | 'masked' | 'pseudonyms';
    requested_by_role?: string | null;
    columns?: { name: string; masking: ExportMasking; shown: string }[];
    matching_rows?: number;
}

export interface Registry {
    name: string;
    version: string;
    entries: number;
    loaded_at: number;
}

export interface DeletionRequest {
    id: number;
    phone: string;
    channel: string;
    note: string;
    received_at: number;
    received_by: string;
    status: string;
    processed_at: number | null;
    archives_due_at: number | null;
    archives_done_at: number | null;
}

export interface User {
    id: number;
    name: string;
    role: string;
    totp_enabled: boolean;
    failed_logins?: number;
    locked_until: number | null;
    disabled_at: number | null;
    created_at: number;
}

export interface PermissionTable {
    roles: string[];
    permissions: { id: string; description: string; roles: string[] }[];
}

export interface AuditRecord {
    id: number;
    at: number;
    actor: string;
    action: string;
    object: string;
    records: number | string;
    source: string;
    detail: string;
}

export interface AuditVerify {
    ok: boolean;
    records: number;
    head_id?: number;
    head?: string;
    anchor_checked?: boolean;
    break: {
        kind: string;
        record_id: number;
        message: string;
        hint: string;
        // Records deleted (a gap, or the tail after an anchor): their ids.
        missing?: { first: number; last: number };
    } | null;
}

// ---- Campaigns (src/api/routes_campaigns.cc, src/campaigns/runner.cc) ----

export interface CallerIdSpec {
    number: string;
    region: string;
    daily_cap: number;
}

// Why a campaign dials nothing (campaign.stall.*) or what to read before starting
// it (campaign.warning.*): a code and its parameters (docs/api.md).
export interface Finding {
    code: string;
    params: Record<string, string>;
}

// A campaign's settings (campaigns::SpecJson), with its live figures when it runs.
export interface Campaign {
    id: number;
    name: string;
    state: 'draft' | 'running' | 'paused' | 'stopped' | string;
    purpose: string;
    pacing: string;
    segment: string[];
    order_by: string;
    rules: string[];
    caller_ids: CallerIdSpec[];
    daily_cap: number;
    max_attempts: number;
    schedule_start_minute: number;
    schedule_end_minute: number;
    abandon_limit: number;
    abandon_window_minutes: number;
    wrap_up_seconds: number;
    ring_timeout_seconds: number;
    trunk?: string; // the SIP trunk it dials through; "" the default
    script: string;
    robot_script?: string;
    local_presence?: boolean;
    retries?: Record<string, number>;
    robot_max_calls?: number;
    robot_calls_per_second?: number;
    target_contacts?: number;
    sensitive?: boolean;
    created_at: number;
    created_by: string;
    leads?: number;
    live?: CampaignLive;
    stats?: CampaignStats;
    team?: TeamView | null; // a team's supervisor sees the team's calls only
    stall?: Finding[]; // why it dials nothing now (running)
    warnings?: Finding[]; // create, start, and a draft or paused campaign
}

// Whose figures an answer holds when its reader is a team's supervisor.
export interface TeamView {
    id: number;
    name: string;
    members: string[];
}

// What the base knows of a campaign's calls (GET /campaigns/{id}).
export interface CampaignStats {
    attempts: number;
    answered: number;
    abandoned: number;
    abandon_rate: number;
    short_calls: number;
    outcomes: Record<string, number>;
    dispositions: Record<string, number>;
    callbacks_pending: number;
    inbound: number; // calls to the center's numbers its operators took (not dials)
    inbound_answered: number;
    calls_per_caller_id_24h: { caller_id: string; calls: number }[];
}

export interface LivePoint {
    t: number; // simulated milliseconds
    attempts: number;
    answered: number;
    abandon_rate: number;
    occupancy: number;
}

// The live figures (CampaignRunner::PublishLive), over /campaigns/{id}/live.
export interface CampaignLive {
    campaign: number;
    name: string;
    state: string;
    pacing: string;
    now: number; // the loop's time, milliseconds
    leads: number;
    leads_left: number;
    attempts: number;
    answered: number;
    bridged: number;
    abandoned: number;
    abandon_rate: number;
    // The team view (a team's supervisor) leaves out what no operator's calls
    // make up: the rolling window, occupancy, calls now, gate denials.
    window_abandon_rate?: number;
    abandon_limit: number;
    occupancy?: number;
    live_calls?: number;
    outcomes: Record<string, number>;
    denials?: Record<string, number>;
    inbound: number;
    inbound_answered: number;
    inbound_abandoned: number;
    agents: { agent: string; state: string; since: number }[];
    agents_by_state: Record<string, number>;
    caller_ids: { caller_id: string; calls: number; cap: number | null; near_cap: boolean }[];
    points: LivePoint[];
    team?: TeamView | null;
    stall?: Finding[];
}

export interface CallEvidence {
    consent: string;
    registries: string;
    local_minute: number;
    local_weekday: number;
    utc_offset: number;
    offset_assumed: boolean;
    attempts_before: number;
    rules: string;
}

// A campaign's call to a number, with why the dial gate allowed it (GET /calls?phone=);
// or the number's call to us (direction "in": caller_id is the number they dialed).
export interface CallRecord {
    call: number;
    campaign_id: number;
    campaign: string;
    purpose: string;
    contact_id: number;
    phone: string;
    caller_id: string;
    direction: 'in' | 'out';
    attempt: number;
    started_ms: number;
    answered_ms: number | null;
    ended_ms: number;
    outcome: string;
    cause: number;
    agent: string;
    network: string;
    disposition: string | null;
    evidence: CallEvidence | null;
}

// A call of the call log (GET /call-log, /agent/calls: src/api/routes_calls.cc).
export interface LoggedCall {
    call: number;
    campaign_id: number;
    campaign: string;
    contact_id: number;
    phone: string;
    caller_id: string;
    direction: 'in' | 'out';
    attempt: number;
    started_ms: number;
    answered_ms: number | null;
    bridged_ms: number | null;
    ended_ms: number | null;
    outcome: string;
    agent: string;
    network: string;
    recording: boolean;
    playable: boolean; // the reader may play its recording
    disposition: string | null;
    disposed_at: number | null;
    // Its route and history (campaigns::CallRouteJson): the operators who held
    // the caller and who passed the call on, null when it has none.
    route: {
        route: string;
        reason: string;
        holds?: { agent: string; at: number; ms: number }[];
        transfers?: { from: string; to: string; mode: string; at: number; talked_ms: number }[];
        conferences?: { agent: string; with: string; at: number; ms: number }[];
    } | null;
}

export interface CallLogPage {
    total: number;
    offset: number;
    limit: number;
    utc_offset_minutes: number; // the call center's: times are shown on its clock
    team: TeamView | null;
    calls: LoggedCall[];
}

// The figures of a set of calls in a report (campaigns::ReportFigures).
export interface ReportFigures {
    calls: number;
    answered: number;
    abandoned: number;
    handled: number;
    wrapped: number;
    avg_talk_s: number;
    avg_wrap_up_s: number;
    avg_handle_s: number;
    dispositions: Record<string, number>;
}

// GET /reports/inbound: the incoming calls of a period from their records
// (routing::InboundReportJson): per queue or other route, per operator, per topic.
export interface InboundResolution {
    answered: number;
    resolved: number;
    pending: number; // answered calls whose 7 days have not passed yet
    rate: number; // resolved / (answered - pending)
}
export interface InboundReport {
    from_ms: number;
    to_ms: number;
    calls: number;
    routes: {
        name: string; // a queue's name, another route ("agent:anna"), "" for calls not routed
        offered: number;
        answered: number;
        abandoned: number;
        short_abandoned: number;
        timed_out: number;
        service_level: number;
        service_level_with_abandons: number;
        asa_seconds: number;
        longest_wait_seconds: number;
        aht_seconds: number;
        // Offers an operator's phone rang for and did not take.
        offers_missed: number;
        transferred: number; // answered calls an operator passed on
        hold_seconds: number; // callers on the desk's hold
        // Callers who pressed 1 to be called back instead of waiting.
        callbacks: number;
    }[];
    // missed: calls the operator's phone rang for and did not take, rang_seconds how long those rang.
    agents: { agent: string; calls: number; talk_seconds: number; aht_seconds: number; missed: number; rang_seconds: number; transfers: number; hold_seconds: number; first_contact: InboundResolution }[];
    topics: (InboundResolution & { topic: string })[];
    first_contact: InboundResolution;
    repeat_numbers: number;
    repeat_calls: number;
    quick_returns: number;
    quick_returns_after_answered: number;
    // Calls that never reached a queue: refused (the black list) or given a message instead.
    not_queued: { refused: number; messages: number; left_in_menu: number; by_route_reason: Record<string, number> };
    // The operators' time over the period (routing::AgentTimeJson): occupancy =
    // (on calls + wrap-up) / (ready + rang unanswered + on calls + wrap-up); pauses by reason code
    // ('' : none given), with the labels of the reasons the supervisor added.
    agent_time: {
        agent: string;
        ready_seconds: number;
        rang_seconds: number;
        on_call_seconds: number;
        wrap_up_seconds: number;
        paused_seconds: number;
        paused: Record<string, number>;
        occupancy: number;
    }[];
    pause_reason_labels: Record<string, string>;
    // Per menu of incoming calls (routing::MenuReportJson): how visits ended
    // (queue:NAME, extension:101, hangup, caller_hung_up, failed) and, per
    // question, where callers struggled; the answers kept.
    menus: MenuFigures[];
}
export interface MenuFigures {
    menu: string;
    visits: number;
    mean_seconds: number;
    outcomes: Record<string, number>;
    nodes: Record<string, { callers: number; asked: number; timeouts: number; invalid: number; repeated: number; zero: number; hung_up: number; pressed: Record<string, number> }>;
    answers: Record<string, Record<string, number>>;
}

// GET /reports/calls: a period's report, on the call center's days and hours.
export interface CallReport {
    from: string;
    to: string;
    utc_offset_minutes: number;
    team: TeamView | null;
    total: ReportFigures;
    hours: (ReportFigures & { hour: number })[];
    days: (ReportFigures & { day: string })[];
    operators: (ReportFigures & { agent: string })[];
    campaigns: (ReportFigures & { campaign_id: number; campaign: string })[];
}

// GET /staffing: the Erlang C forecast (docs/routing.md). Shares are fractions;
// asa_seconds is null when the queue grows without end.
export interface StaffingRow {
    agents: number;
    scheduled: number;
    service_level: number;
    asa_seconds: number | null;
    wait_probability: number;
    occupancy: number;
    stable: boolean;
    meets: boolean;
    misses: ('target' | 'occupancy' | 'max_asa')[];
}

export interface Staffing {
    input: {
        calls: number;
        interval_minutes: number;
        aht_seconds: number;
        target: number;
        threshold_seconds: number;
        max_occupancy: number | null;
        max_asa_seconds: number | null;
        shrinkage: number;
    };
    calls_per_hour: number;
    traffic_erlangs: number;
    answer: StaffingRow;
    rows: StaffingRow[];
}

export type AgentStateId = 'offline' | 'ready' | 'on_call' | 'wrap_up' | 'paused';

// An operator's state (CampaignRunner::PublishAgent), over /agent/events and from the
// /agent routes; GET /agent adds the callbacks.
export interface AgentState {
    agent: string;
    campaign: number | null;
    campaign_name?: string;
    pacing?: string;
    script?: string;
    state: AgentStateId;
    since?: number;
    contact_id?: number | null;
    call?: number | null;
    disposition_due?: boolean;
    // Logging out or pausing while lines dialed for the agent still ring: ready until
    // then (Unix ms), null otherwise.
    leaving_until?: number | null;
    // The call's voices have met: the desk's hold and transfer work; on hold
    // since (ms, the server's clock), null when not held.
    put_through?: boolean;
    held_since?: number | null;
    // A supervisor on this call, as the site announces it (docs/telephony.md).
    monitored?: { by: string; mode: 'listen' | 'whisper' | 'barge' } | null;
    // The desk's consultation (attended transfer, conference): the colleague
    // this operator consults (role operator), or the operator who consults
    // them (role colleague); whether the colleague answered; all three together.
    consult?: { with: string; role: 'operator' | 'colleague'; answered: boolean; conference: boolean } | null;
    // Why a paused operator is paused: the reason they chose (a code of GET
    // /agent/pause-reasons), or the server's: desk_gone (their desk's feed closed:
    // the tab, or the network for 10 s), no_answer (their phone did not take a
    // call); null: no reason.
    pause_reason?: string | null;
    // An incoming call on the agent's screen: the caller and the number they dialed;
    // with routing configured, where the router sent it and why (vip, complaints,
    // number, unknown, with the reason's parameters) and when the caller arrived
    // (ms, the server's clock like `since`).
    inbound?: {
        from: string;
        to: string;
        route?: string;
        reason?: string;
        reason_params?: Record<string, string>;
        arrived?: number;
        menu_answers?: Record<string, string>; // what the caller answered in the menu
    } | null;
    callbacks?: { id: number; campaign_id: number; contact_id: number; name?: string; due_at: number; due: boolean }[];
    campaigns_running?: boolean;
}

export interface AgentCampaign {
    id: number;
    name: string;
    pacing: string;
    script: string;
}

// Follows a server feed (a WebSocket under /api/v1 that sends JSON messages): opens
// it again after it closes (a second, doubling to ten while it keeps failing), and,
// when `poll` is given, asks for the state that way every `every` ms while the socket
// is down. Returns a function that stops.
export function follow<T>(path: string, onMessage: (value: T) => void, poll?: () => Promise<T>, every = 1000): () => void {
    let stopped = false;
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let timer: number | undefined;
    let delay = 1000;

    const startPolling = () => {
        if (!poll || timer !== undefined || stopped) return;
        const tick = () => {
            poll().then((v) => !stopped && onMessage(v), () => undefined);
        };
        tick();
        timer = window.setInterval(tick, every);
    };
    const stopPolling = () => {
        if (timer !== undefined) window.clearInterval(timer);
        timer = undefined;
    };
    const open = () => {
        if (stopped) return;
        try {
            const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
            const ws = new WebSocket(`${scheme}//${location.host}${API}${path}`);
            socket = ws;
            ws.onopen = () => stopPolling();
            ws.onmessage = (e) => {
                if (stopped) return;
                delay = 1000;
                try {
                    onMessage(JSON.parse(String(e.data)) as T);
                } catch {
                    // a frame that is not JSON: skip it
                }
            };
            ws.onclose = () => {
                if (stopped) return;
                startPolling();
                retry = window.setTimeout(open, delay);
                delay = Math.min(10000, delay * 2);
            };
        } catch {
            startPolling();
        }
    };
    open();
    return () => {
        stopped = true;
        stopPolling();
        if (retry !== undefined) window.clearTimeout(retry);
        if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
    };
}

// Where an operator may transfer their call (GET /agent/transfer-targets).
export interface TransferTargets {
    agents: { agent: string; state: AgentStateId }[];
    queues: { queue: string }[];
}
