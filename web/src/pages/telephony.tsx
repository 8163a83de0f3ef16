// Telephony: the network campaigns dial and calls come in from — each SIP trunk
// and, for a trunk that registers, whether the provider holds our registration:
// until when, or why the last REGISTER failed, what to check and when the next
// one goes (docs/telephony.md, "Registration"). Polled every 5 s; the times tick
// between polls.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { Empty, Section } from '../components';
import { dateTime, duration, number, phone } from '../format';
import { t, type Key } from '../i18n';

export interface Trunk {
    name: string;
    host: string;
    transport: string;
    registers: boolean;
    did?: string;
    account?: string;
    registration?: 'registering' | 'registered' | 'failed';
    problem?: string | null;
    status?: number;
    detail?: string; // the registrar's status line or the error, as the protocol says it
    registered_until_ms?: number | null;
    next_attempt_ms?: number | null;
    granted_seconds?: number;
    registrations?: number;
    failures?: number;
    // Several trunks (docs/telephony.md, "Several trunks").
    default?: boolean;
    dids?: string[];
    max_calls?: number;
    calls_per_second?: number;
    failover?: string[];
    up?: boolean;
    down_reason?: 'not_registered' | 'no_answer' | null;
    down_until_ms?: number | null;
    active?: number;
    calls?: number;
    incoming?: number;
    failed_over?: number;
}

export interface Telephony {
    network: 'none' | 'sim' | 'sip';
    trunks: Trunk[];
}

const PROBLEMS = ['auth', 'forbidden', 'not_found', 'unavailable', 'timeout', 'network', 'refused'];

function problemText(problem: string): string {
    return PROBLEMS.includes(problem) ? t(`telephony.problem.${problem}` as Key) : problem;
}

function whatToDo(problem: string): string {
    return PROBLEMS.includes(problem) ? t(`telephony.what.${problem}` as Key) : '';
}

function stateClass(state: string | undefined): string {
    if (state === 'registered') return 'badge done';
    if (state === 'failed') return 'badge rejected';
    return 'badge pending';
}

export function TelephonyPage() {
    const [data, setData] = useState<Telephony | null>(null);
    const [, setTick] = useState(0);
    useEffect(() => {
        let alive = true;
        const load = () =>
            get<Telephony>('/telephony')
                .then((d) => alive && setData(d))
                .catch(() => undefined);
        load();
        const poll = window.setInterval(load, 5000);
        const tick = window.setInterval(() => setTick((n) => n + 1), 1000);
        return () => {
            alive = false;
            window.clearInterval(poll);
            window.clearInterval(tick);
        };
    }, []);
    const now = Date.now();
    return (
        <div class="page" data-testid="page-telephony" data-loaded={data ? 'yes' : 'no'}>
            <h1>{t('telephony.title')}</h1>
            <p class="subhead">{t('telephony.intro')}</p>
            {data && data.network !== 'sip' && (
                <p class="notice" data-testid="telephony-network">
                    {t(data.network === 'sim' ? 'telephony.network.sim' : 'telephony.network.none')}
                </p>
            )}
            <Section title={t('telephony.trunks')} testid="telephony-trunks">
                <div class="table-wrap">
                    <table class="grid">
                        <thead>
                            <tr>
                                <th>{t('telephony.trunk')}</th>
                                <th>{t('telephony.host')}</th>
                                <th>{t('telephony.account')}</th>
                                <th>{t('telephony.registration')}</th>
                                <th>{t('telephony.until')}</th>
                                <th>{t('telephony.next')}</th>
                                <th class="num">{t('telephony.counts')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {data && data.trunks.length === 0 && <Empty colSpan={7} text={t('telephony.noTrunks')} />}
                            {data?.trunks.map((tr) => (
                                <tr key={tr.name} data-testid="telephony-trunk" data-trunk={tr.name} data-state={tr.registration ?? 'off'}>
                                    <td data-user-text="">{tr.name}</td>
                                    <td>
                                        <span class="mono" data-user-text="">
                                            {tr.host}
                                        </span>{' '}
                                        <span class="muted">{tr.transport.toUpperCase()}</span>
                                    </td>
                                    <td>
                                        {tr.account ? (
                                            <span class="mono" data-user-text="">
                                                {tr.account}
                                            </span>
                                        ) : (
                                            '—'
                                        )}
                                        {tr.did && <div class="muted">{t('telephony.did', { number: phone(tr.did) })}</div>}
                                    </td>
                                    <td data-testid="telephony-state">
                                        <span class={stateClass(tr.registration)}>{t(`telephony.state.${tr.registration ?? 'off'}` as Key)}</span>
                                        {tr.registration === 'failed' && tr.problem && (
                                            <div data-testid="telephony-problem">
                                                {problemText(tr.problem)}
                                                {tr.detail && (
                                                    <span class="muted mono" data-user-text="">
                                                        {' '}
                                                        ({tr.detail})
                                                    </span>
                                                )}
                                                <div class="hint">{whatToDo(tr.problem)}</div>
                                            </div>
                                        )}
                                    </td>
                                    <td>
                                        {tr.registered_until_ms ? dateTime(tr.registered_until_ms / 1000) : '—'}
                                        {tr.granted_seconds ? <div class="muted">{t('telephony.granted', { seconds: number(tr.granted_seconds) })}</div> : null}
                                    </td>
                                    <td class="mono" data-testid="telephony-next">
                                        {tr.registers && tr.next_attempt_ms ? t('telephony.nextIn', { time: duration(Math.max(0, tr.next_attempt_ms - now)) }) : '—'}
                                    </td>
                                    <td class="num">{tr.registers ? `${number(tr.registrations ?? 0)} / ${number(tr.failures ?? 0)}` : '—'}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
                <p class="hint">{t('telephony.hint')}</p>
            </Section>
            {data && data.trunks.length > 0 && (
                <Section title={t('telephony.calls')} testid="telephony-calls">
                    <div class="table-wrap">
                        <table class="grid">
                            <thead>
                                <tr>
                                    <th>{t('telephony.trunk')}</th>
                                    <th>{t('telephony.state')}</th>
                                    <th class="num">{t('telephony.active')}</th>
                                    <th class="num">{t('telephony.cps')}</th>
                                    <th>{t('telephony.failover')}</th>
                                    <th>{t('telephony.numbers')}</th>
                                    <th class="num">{t('telephony.sent')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {data.trunks.map((tr) => (
                                    <tr key={tr.name} data-testid="telephony-load" data-trunk={tr.name} data-up={tr.up === false ? 'no' : 'yes'}>
                                        <td>
                                            <span data-user-text="">{tr.name}</span>
                                            {tr.default && <div class="muted">{t('telephony.default')}</div>}
                                        </td>
                                        <td>
                                            <span class={tr.up === false ? 'badge rejected' : 'badge done'}>{t(tr.up === false ? 'telephony.down' : 'telephony.up')}</span>
                                            {tr.up === false && tr.down_reason && (
                                                <div class="hint" data-testid="telephony-down">
                                                    {t(`telephony.downReason.${tr.down_reason}` as Key)}
                                                    {tr.down_until_ms ? ' ' + t('telephony.retryIn', { time: duration(Math.max(0, tr.down_until_ms - now)) }) : ''}
                                                </div>
                                            )}
                                        </td>
                                        <td class="num">
                                            {number(tr.active ?? 0)}
                                            {tr.max_calls ? ` / ${number(tr.max_calls)}` : ''}
                                        </td>
                                        <td class="num">{tr.calls_per_second ? number(tr.calls_per_second) : '—'}</td>
                                        <td data-user-text="">{tr.failover && tr.failover.length > 0 ? tr.failover.join(' → ') : '—'}</td>
                                        <td>{tr.dids && tr.dids.length > 0 ? tr.dids.map((d) => phone(d)).join(', ') : '—'}</td>
                                        <td class="num">
                                            {number(tr.calls ?? 0)} / {number(tr.failed_over ?? 0)} / {number(tr.incoming ?? 0)}
                                        </td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                    <p class="hint">{t('telephony.callsHint')}</p>
                </Section>
            )}
        </div>
    );
}
