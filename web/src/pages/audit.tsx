// The audit log: filter by actor, action and dates; verify the hash chain.
import { useState } from 'preact/hooks';
import { get, type AuditRecord, type AuditVerify, type List } from '../api';
import { Empty, KeyOptions, Labeled, OpenPager, Section, useLoad } from '../components';
import { dateTime, number, toUnix } from '../format';
import { known, t } from '../i18n';

export const auditActions = ['read', 'change', 'copy', 'export', 'merge', 'delete', 'login', 'login_failed', 'mass_edit', 'admin'] as const;
const LIMIT = 100;

// `records` is a count or the list of records touched ("contact:42,contact:57,…").
function Records(props: { value: number | string }) {
    if (typeof props.value === 'number') return <>{number(props.value)}</>;
    const items = props.value ? props.value.split(',') : [];
    const shown = items.length > 3 ? `${items.slice(0, 3).join(', ')} … +${items.length - 3}` : items.join(', ');
    return <span title={props.value}>{shown}</span>;
}

interface Filter {
    actor: string;
    action: string;
    from: string;
    to: string;
}

// The chain's check; an anchor (ID:HASH, as `callbase audit head` printed it
// earlier and kept elsewhere) also catches records deleted from the tail.
function Verify() {
    const [result, setResult] = useState<AuditVerify | null>(null);
    const [busy, setBusy] = useState(false);
    const [anchor, setAnchor] = useState('');
    async function run() {
        setBusy(true);
        try {
            setResult(await get<AuditVerify>('/audit/verify', { anchor: anchor.trim() || undefined }));
        } finally {
            setBusy(false);
        }
    }
    return (
        <div class="verify">
            <Labeled label={t('audit.anchor')}>
                <input
                    data-testid="audit-anchor"
                    type="text"
                    placeholder="42817:9f2c…"
                    title={t('audit.anchorHint')}
                    value={anchor}
                    onInput={(e) => setAnchor((e.currentTarget as HTMLInputElement).value)}
                />
            </Labeled>
            <button type="button" data-testid="audit-verify" disabled={busy} onClick={() => run().catch(() => undefined)}>
                {t('audit.verify')}
            </button>
            {result && (
                <div class={result.ok ? 'verify-result pass' : 'verify-result fail'} data-testid="audit-verify-result">
                    {result.ok ? (
                        <span>
                            {t('audit.verifyOk', { records: number(result.records) })}
                            {result.anchor_checked && ` ${t('audit.anchorMatches')}`}
                        </span>
                    ) : (
                        <>
                            <strong>{t('audit.verifyBroken')}</strong>
                            {result.break && (
                                <div>
                                    <code>{result.break.kind}</code> #{result.break.record_id}: {result.break.message}
                                    <div class="hint">{result.break.hint}</div>
                                </div>
                            )}
                        </>
                    )}
                </div>
            )}
        </div>
    );
}

export function AuditPage() {
    const [form, setForm] = useState<Filter>({ actor: '', action: '', from: '', to: '' });
    const [filter, setFilter] = useState<Filter>(form);
    const [offset, setOffset] = useState(0);
    const list = useLoad(
        () =>
            get<List<AuditRecord>>('/audit', {
                actor: filter.actor.trim(),
                action: filter.action,
                from: toUnix(filter.from),
                to: filter.to ? (toUnix(filter.to) ?? 0) + 86400 : undefined,
                limit: LIMIT,
                offset,
            }),
        [filter, offset],
    );
    const set = (key: keyof Filter) => (e: Event) =>
        setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-audit">
            <h1>{t('audit.title')}</h1>
            <form
                class="search-form panel"
                onSubmit={(e) => {
                    e.preventDefault();
                    setFilter({ ...form });
                    setOffset(0);
                }}
            >
                <Labeled label={t('audit.actor')}>
                    <input data-testid="audit-actor" type="search" value={form.actor} onInput={set('actor')} />
                </Labeled>
                <Labeled label={t('audit.action')}>
                    <select data-testid="audit-action" value={form.action} onChange={set('action')}>
                        <option value="">{t('common.any')}</option>
                        <KeyOptions ids={auditActions} prefix="auditAction." />
                    </select>
                </Labeled>
                <Labeled label={t('common.from')}>
                    <input data-testid="audit-from" type="date" value={form.from} onInput={set('from')} />
                </Labeled>
                <Labeled label={t('common.to')}>
                    <input data-testid="audit-to" type="date" value={form.to} onInput={set('to')} />
                </Labeled>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="audit-submit">
                        {t('search.find')}
                    </button>
                    <Verify />
                </div>
            </form>
            <Section title={t('audit.records')} actions={<OpenPager count={items.length} offset={offset} limit={LIMIT} onChange={setOffset} />}>
                <div class="table-wrap">
                    <table class="grid" data-testid="audit-table">
                        <thead>
                            <tr>
                                <th>#</th>
                                <th>{t('audit.at')}</th>
                                <th>{t('audit.actor')}</th>
                                <th>{t('audit.action')}</th>
                                <th>{t('audit.object')}</th>
                                <th>{t('audit.recordsCol')}</th>
                                <th>{t('audit.source')}</th>
                                <th>{t('audit.detail')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((r) => (
                                <tr key={r.id} data-testid="audit-row" data-action={r.action} data-actor={r.actor}>
                                    <td>{r.id}</td>
                                    <td class="nowrap">{dateTime(r.at)}</td>
                                    <td data-user-text>{r.actor}</td>
                                    <td>{known(`auditAction.${r.action}`) ?? r.action}</td>
                                    <td class="mono nowrap" data-user-text>
                                        {r.object}
                                    </td>
                                    <td class="records" data-user-text>
                                        <Records value={r.records} />
                                    </td>
                                    <td data-user-text>{r.source}</td>
                                    {/* The record as the server wrote it (English, part of the hash chain). */}
                                    <td class="break" lang="en">
                                        {r.detail}
                                    </td>
                                </tr>
                            ))}
                            {!list.loading && items.length === 0 && <Empty colSpan={8} />}
                        </tbody>
                    </table>
                </div>
            </Section>
        </div>
    );
}
