// Small pieces the pages share: data loading, the pager, labelled inputs, badges.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { number } from './format';
import { t, type Key } from './i18n';

export interface Loaded<T> {
    data: T | undefined;
    loading: boolean;
    failed: boolean;
    reload: () => void;
}

// Runs fn when deps change (and on reload()); failures are already in the error banner.
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
    const [data, setData] = useState<T | undefined>(undefined);
    const [loading, setLoading] = useState(true);
    const [failed, setFailed] = useState(false);
    const [tick, setTick] = useState(0);
    useEffect(() => {
        let live = true;
        setLoading(true);
        fn().then(
            (value) => {
                if (!live) return;
                setData(value);
                setFailed(false);
                setLoading(false);
            },
            () => {
                if (!live) return;
                setFailed(true);
                setLoading(false);
            },
        );
        return () => {
            live = false;
        };
    }, [...deps, tick]);
    const reload = useCallback(() => setTick((n) => n + 1), []);
    return { data, loading, failed, reload };
}

export function Labeled(props: { label: string; children: ComponentChildren; wide?: boolean }) {
    return (
        <label class={props.wide ? 'field wide' : 'field'}>
            <span class="field-label">{props.label}</span>
            {props.children}
        </label>
    );
}

export function Pager(props: { total: number; offset: number; limit: number; onChange: (offset: number) => void }) {
    const { total, offset, limit } = props;
    const from = total === 0 ? 0 : offset + 1;
    const to = Math.min(offset + limit, total);
    return (
        <div class="pager" data-testid="pager">
            <span data-testid="total">{t('pager.range', { from, to, total })}</span>
            <button type="button" disabled={offset === 0} onClick={() => props.onChange(Math.max(0, offset - limit))}>
                ← {t('pager.prev')}
            </button>
            <button type="button" disabled={offset + limit >= total} onClick={() => props.onChange(offset + limit)}>
                {t('pager.next')} →
            </button>
        </div>
    );
}

// A pager for lists whose total the server does not give: "next" while a page is full.
export function OpenPager(props: { count: number; offset: number; limit: number; onChange: (offset: number) => void }) {
    const { count, offset, limit } = props;
    return (
        <div class="pager">
            <span>{t('pager.shown', { from: count ? offset + 1 : 0, to: offset + count })}</span>
            <button type="button" disabled={offset === 0} onClick={() => props.onChange(Math.max(0, offset - limit))}>
                ← {t('pager.prev')}
            </button>
            <button type="button" disabled={count < limit} onClick={() => props.onChange(offset + limit)}>
                {t('pager.next')} →
            </button>
        </div>
    );
}

export function Empty(props: { text?: string; colSpan: number }) {
    return (
        <tr class="empty">
            <td colSpan={props.colSpan}>{props.text ?? t('common.empty')}</td>
        </tr>
    );
}

export function Section(props: { title: string; children: ComponentChildren; testid?: string; actions?: ComponentChildren }) {
    return (
        <section class="panel" data-testid={props.testid}>
            <header class="panel-head">
                <h2>{props.title}</h2>
                {props.actions && <div class="panel-actions">{props.actions}</div>}
            </header>
            <div class="panel-body">{props.children}</div>
        </section>
    );
}

export function Notice(props: { text: string | null; onClose?: () => void }) {
    if (!props.text) return null;
    return (
        <div class="notice" role="status" data-testid="notice">
            {props.text}
            {props.onClose && (
                <button type="button" class="link" onClick={props.onClose} aria-label={t('common.close')}>
                    ×
                </button>
            )}
        </div>
    );
}

// An option list of ids with labels from the dictionary (prefix + id).
export function KeyOptions(props: { ids: readonly string[]; prefix: string }) {
    return (
        <>
            {props.ids.map((id) => (
                <option value={id} key={id}>
                    {t(`${props.prefix}${id}` as Key)}
                </option>
            ))}
        </>
    );
}

// "Figures of team X (N people)": the notice over a page whose figures a team's
// supervisor sees for the team alone.
export function TeamNotice(props: { team: { name: string; members: string[] } | null | undefined; testid: string }) {
    if (!props.team) return null;
    return (
        <p class="notice" data-testid={props.testid}>
            {t('campaign.teamView', { team: props.team.name, n: number(props.team.members.length) })}
        </p>
    );
}

// A choice of one campaign or any, shown when there are campaigns to choose.
export function CampaignSelect(props: {
    campaigns: { id: number; name: string }[];
    value: string;
    onChange: (value: string) => void;
    testid: string;
}) {
    if (props.campaigns.length === 0) return null;
    return (
        <Labeled label={t('calls.campaign')}>
            <select data-testid={props.testid} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
                <option value="">{t('callLog.any')}</option>
                {props.campaigns.map((c) => (
                    <option key={c.id} value={String(c.id)}>
                        {c.name}
                    </option>
                ))}
            </select>
        </Labeled>
    );
}

// A file job's progress (an import, a registry load): the bar, then "42% · read / size
// bytes · state" and what `after` adds.
export function JobProgress(props: {
    job: { state: string; done_bytes: number; total_bytes: number };
    testid: string;
    after?: ComponentChildren;
}) {
    const { job } = props;
    const percent = job.total_bytes > 0 ? Math.min(100, Math.round((job.done_bytes / job.total_bytes) * 100)) : job.state === 'done' ? 100 : 0;
    return (
        <>
            <div
                class="progress"
                data-testid={props.testid}
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                data-state={job.state}
            >
                <div class={`progress-bar ${job.state}`} style={{ width: `${percent}%` }} />
            </div>
            <p class="progress-text" data-testid={`${props.testid}-text`}>
                <strong>{percent}%</strong> · {number(job.done_bytes)} / {number(job.total_bytes)} {t('import.bytes')} ·{' '}
                {t(`import.state.${job.state}` as Key)}
                {props.after}
            </p>
        </>
    );
}
