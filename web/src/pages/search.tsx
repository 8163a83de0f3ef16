// Contacts search: phone (any spelling), name, tag, status, region, source; a page
// of results with the total; a row opens the card. With request_export, the search
// can be asked for as an export (filter expressions as the CLI takes them).
import { useEffect, useState } from 'preact/hooks';
import { can, get, post, type ContactRow, type Status, type Tag } from '../api';
import { Labeled, Notice, Pager, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dateTime, number } from '../format';
import { t } from '../i18n';
import { navigate } from '../router';

interface Criteria {
    phone: string;
    name: string;
    tag: string;
    status: string;
    region: string;
    source: string;
}

const LIMIT = 50;
const blank: Criteria = { phone: '', name: '', tag: '', status: '', region: '', source: '' };

// Kept while the app runs, so coming back from a card shows the same results.
let remembered: { criteria: Criteria; offset: number } = { criteria: blank, offset: 0 };

export function filterExpressions(c: Criteria): string[] {
    const out: string[] = [];
    if (c.phone.trim()) out.push(`phone=${c.phone.trim()}`);
    if (c.name.trim()) out.push(`name~${c.name.trim()}`);
    if (c.tag) out.push(`tag=${c.tag}`);
    if (c.status) out.push(`status=${c.status}`);
    if (c.region.trim()) out.push(`region=${c.region.trim()}`);
    if (c.source.trim()) out.push(`source=${c.source.trim()}`);
    return out;
}

function ExportRequest(props: { criteria: Criteria }) {
    const [reason, setReason] = useState('');
    const [format, setFormat] = useState('xlsx');
    const [done, setDone] = useState<string | null>(null);
    const filter = filterExpressions(props.criteria);
    async function submit(e: Event) {
        e.preventDefault();
        const answer = await post<{ id: number }>('/exports', { filter, reason: reason.trim(), format });
        setDone(t('search.exportRequested', { id: answer.id }));
        setReason('');
    }
    return (
        <Section title={t('search.exportTitle')} testid="export-section">
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <span class="mono filter-preview" data-testid="export-filter">
                    {filter.length ? filter.join('  ·  ') : t('search.exportAll')}
                </span>
                <Labeled label={t('search.exportReason')} wide>
                    <input
                        required
                        data-testid="export-reason"
                        value={reason}
                        onInput={(e) => setReason(e.currentTarget.value)}
                    />
                </Labeled>
                <Labeled label={t('search.exportFormat')}>
                    <select data-testid="export-format" value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
                        <option value="xlsx">{t('search.exportXlsx')}</option>
                        <option value="csv">{t('search.exportCsv')}</option>
                    </select>
                </Labeled>
                <button type="submit" data-testid="export-request">
                    {t('search.exportRequest')}
                </button>
            </form>
            <Notice text={done} onClose={() => setDone(null)} />
        </Section>
    );
}

export function SearchPage() {
    const [form, setForm] = useState<Criteria>(remembered.criteria);
    const [criteria, setCriteria] = useState<Criteria>(remembered.criteria);
    const [offset, setOffset] = useState(remembered.offset);
    const tagList = useLoad<Tag[]>(dict.tags, []);
    const statusList = useLoad<Status[]>(dict.statuses, []);

    useEffect(() => {
        remembered = { criteria, offset };
    }, [criteria, offset]);

    const results = useLoad(
        () =>
            get<{ total: number; items: ContactRow[] }>('/contacts', {
                phone: criteria.phone.trim(),
                name: criteria.name.trim(),
                tag: criteria.tag,
                status: criteria.status,
                region: criteria.region.trim(),
                source: criteria.source.trim(),
                limit: LIMIT,
                offset,
            }),
        [criteria, offset],
    );

    const set = (key: keyof Criteria) => (e: Event) =>
        setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });

    function submit(e: Event) {
        e.preventDefault();
        setCriteria({ ...form });
        setOffset(0);
    }

    function reset() {
        setForm(blank);
        setCriteria(blank);
        setOffset(0);
    }

    const statuses = statusList.data ?? [];
    const items = results.data?.items ?? [];

    return (
        <div data-testid="page-search" class="page">
            <h1>{t('search.title')}</h1>
            <form class="search-form panel" onSubmit={submit} data-testid="search-form">
                <Labeled label={t('field.phone')}>
                    <input
                        data-testid="search-phone"
                        type="search"
                        inputMode="tel"
                        placeholder="8 (916) 123-45-67"
                        value={form.phone}
                        onInput={set('phone')}
                    />
                </Labeled>
                <Labeled label={t('field.name')}>
                    <input data-testid="search-name" type="search" value={form.name} onInput={set('name')} />
                </Labeled>
                <Labeled label={t('field.tag')}>
                    <select data-testid="search-tag" value={form.tag} onChange={set('tag')}>
                        <option value="">{t('common.any')}</option>
                        {(tagList.data ?? []).map((tag) => (
                            <option key={tag.name} value={tag.name}>
                                {tag.category ? `${tag.category}: ${tag.name}` : tag.name}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <Labeled label={t('field.status')}>
                    <select data-testid="search-status" value={form.status} onChange={set('status')}>
                        <option value="">{t('common.any')}</option>
                        {statuses.map((s) => (
                            <option key={s.id} value={s.id}>
                                {dict.statusLabel(statuses, s.id)}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <Labeled label={t('field.region')}>
                    <input data-testid="search-region" type="search" value={form.region} onInput={set('region')} />
                </Labeled>
                <Labeled label={t('field.source')}>
                    <input data-testid="search-source" type="search" value={form.source} onInput={set('source')} />
                </Labeled>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="search-submit">
                        {t('search.find')}
                    </button>
                    <button type="button" data-testid="search-reset" onClick={reset}>
                        {t('common.reset')}
                    </button>
                </div>
            </form>

            <Section
                title={t('search.results')}
                actions={
                    results.data && (
                        <Pager total={results.data.total} offset={offset} limit={LIMIT} onChange={setOffset} />
                    )
                }
            >
                <div class="table-wrap">
                    <table class="grid clickable" data-testid="results" aria-busy={results.loading}>
                        <thead>
                            <tr>
                                <th>{t('field.name')}</th>
                                <th>{t('field.phone')}</th>
                                <th>{t('field.status')}</th>
                                <th class="hide-narrow">{t('field.region')}</th>
                                <th class="hide-narrow">{t('field.source')}</th>
                                <th class="hide-narrow">{t('field.updated')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((row) => (
                                <tr
                                    key={row.id}
                                    data-testid="result-row"
                                    data-id={row.id}
                                    tabIndex={0}
                                    onClick={() => navigate(`#/contacts/${row.id}`)}
                                    onKeyDown={(e) => e.key === 'Enter' && navigate(`#/contacts/${row.id}`)}
                                >
                                    <td>
                                        <a href={`#/contacts/${row.id}`}>{row.name || '—'}</a>
                                    </td>
                                    <td class="mono nowrap">
                                        {row.phone}
                                        {row.phone_count > 1 && <span class="muted"> +{row.phone_count - 1}</span>}
                                    </td>
                                    <td>
                                        <span class={`status status-${row.status}`}>
                                            {dict.statusLabel(statuses, row.status)}
                                        </span>
                                        {row.callback_at ? <span class="muted"> {dateTime(row.callback_at)}</span> : null}
                                    </td>
                                    <td class="hide-narrow">{row.region}</td>
                                    <td class="hide-narrow">{row.source}</td>
                                    <td class="nowrap hide-narrow">{dateTime(row.updated_at)}</td>
                                </tr>
                            ))}
                            {!results.loading && items.length === 0 && (
                                <tr class="empty">
                                    <td colSpan={6}>{t('search.nothing')}</td>
                                </tr>
                            )}
                        </tbody>
                    </table>
                </div>
                {results.data && (
                    <p class="muted small" data-testid="results-total">
                        {t('search.total', { total: number(results.data.total) })}
                    </p>
                )}
            </Section>

            {can('request_export') && <ExportRequest criteria={criteria} />}
        </div>
    );
}
