// Small pieces the pages share: data loading, the pager, labelled inputs, badges.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
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
