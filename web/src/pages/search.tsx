// Contacts search: phone (any spelling), name, tag, status, region, source, and
// the expressions of the segment builder or a saved filter; a page of results with
// the total, sorted by a column (the server sorts; ties by id, so pages are
// stable); a row opens the card. Rows can be selected (or every result of the
// filter) for a mass edit. With request_export, the search can be asked for as an
// export (filter expressions as the CLI takes them).
import { useEffect, useState } from 'preact/hooks';
import { can, get, post, type ContactRow, type Status, type Tag } from '../api';
import { Labeled, Notice, Pager, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dateTime, number, phone } from '../format';
import { t, type Key } from '../i18n';
import { navigate } from '../router';
import { MassEdit, NewContact, SavedFilters, SegmentBuilder } from './contacts_tools';

interface Criteria {
    phone: string;
    name: string;
    tag: string;
    status: string;
    region: string;
    source: string;
    filter: string[]; // expressions of the segment builder or a saved filter
}

const LIMIT = 50;
const blank: Criteria = { phone: '', name: '', tag: '', status: '', region: '', source: '', filter: [] };

// Kept while the app runs, so coming back from a card shows the same results.
let remembered: { criteria: Criteria; offset: number; sort: string } = { criteria: blank, offset: 0, sort: '-added' };

// The columns the server sorts by (GET /contacts?sort=).
const SORTS: { key: string; label: Key; narrow?: boolean }[] = [
    { key: 'name', label: 'field.name' },
    { key: 'status', label: 'field.status' },
    { key: 'region', label: 'field.region', narrow: true },
    { key: 'added', label: 'sort.added', narrow: true },
    { key: 'updated', label: 'field.updated', narrow: true },
];

function SortHeader(props: { column: string; label: string; sort: string; onSort: (sort: string) => void; narrow?: boolean }) {
    const active = props.sort.replace(/^-/, '') === props.column;
    const descending = props.sort.startsWith('-');
    const next = active && !descending ? `-${props.column}` : props.column;
    return (
        <th class={props.narrow ? 'hide-narrow' : undefined} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
            <button type="button" class="link sort" data-testid={`sort-${props.column}`} onClick={() => props.onSort(next)}>
                {props.label}
                {active ? (descending ? ' ↓' : ' ↑') : ''}
            </button>
        </th>
    );
}

export function filterExpressions(c: Criteria): string[] {
    const out: string[] = [];
    if (c.phone.trim()) out.push(`phone=${c.phone.trim()}`);
    if (c.name.trim()) out.push(`name~${c.name.trim()}`);
    if (c.tag) out.push(`tag=${c.tag}`);
    if (c.status) out.push(`status=${c.status}`);
    if (c.region.trim()) out.push(`region=${c.region.trim()}`);
    if (c.source.trim()) out.push(`source=${c.source.trim()}`);
    out.push(...c.filter);
    return out;
}

function ExportRequest(props: { criteria: Criteria }) {
    const [reason, setReason] = useState('');
    const [format, setFormat] = useState('csv');
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
    const [sort, setSort] = useState(remembered.sort);
    const [selected, setSelected] = useState<number[]>([]);
    const [everything, setEverything] = useState(false);
    const [tool, setTool] = useState<'' | 'new' | 'segment' | 'saved'>('');
    const tagList = useLoad<Tag[]>(dict.tags, []);
    const statusList = useLoad<Status[]>(dict.statuses, []);
    const editable = can('edit_contacts');

    useEffect(() => {
        remembered = { criteria, offset, sort };
    }, [criteria, offset, sort]);
    // A new search selects nothing.
    useEffect(() => {
        setSelected([]);
        setEverything(false);
    }, [criteria]);

    const results = useLoad(
        () =>
            get<{ total: number; items: ContactRow[] }>('/contacts', {
                phone: criteria.phone.trim(),
                name: criteria.name.trim(),
                tag: criteria.tag,
                status: criteria.status,
                region: criteria.region.trim(),
                source: criteria.source.trim(),
                filter: criteria.filter,
                sort,
                limit: LIMIT,
                offset,
            }),
        [criteria, offset, sort],
    );

    const set = (key: Exclude<keyof Criteria, 'filter'>) => (e: Event) =>
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

    // The segment builder's or a saved filter's expressions replace the form.
    function applyFilter(filter: string[]) {
        const next = { ...blank, filter };
        setForm(next);
        setCriteria(next);
        setOffset(0);
    }

    const statuses = statusList.data ?? [];
    const items = results.data?.items ?? [];
    const total = results.data?.total ?? 0;
    const pageIds = items.map((r) => r.id);
    const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.includes(id));
    const toggle = (id: number) => {
        setEverything(false);
        setSelected(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id]);
    };
    const togglePage = () => {
        setEverything(false);
        setSelected(allOnPage ? selected.filter((id) => !pageIds.includes(id)) : [...new Set([...selected, ...pageIds])]);
    };
    const columns = editable ? 8 : 7;

    return (
        <div data-testid="page-search" class="page">
            <div class="page-head">
                <h1>{t('search.title')}</h1>
                <div class="row-form">
                    {editable && (
                        <button type="button" data-testid="tool-new" class={tool === 'new' ? 'primary' : ''} onClick={() => setTool(tool === 'new' ? '' : 'new')}>
                            + {t('contactEdit.newButton')}
                        </button>
                    )}
                    <button type="button" data-testid="tool-segment" class={tool === 'segment' ? 'primary' : ''} onClick={() => setTool(tool === 'segment' ? '' : 'segment')}>
                        {t('segment.button')}
                    </button>
                    <button type="button" data-testid="tool-saved" class={tool === 'saved' ? 'primary' : ''} onClick={() => setTool(tool === 'saved' ? '' : 'saved')}>
                        {t('saved.button')}
                    </button>
                </div>
            </div>
            {tool === 'new' && <NewContact onClose={() => setTool('')} />}
            {tool === 'segment' && <SegmentBuilder onApply={applyFilter} />}
            {tool === 'saved' && <SavedFilters current={filterExpressions(criteria)} onOpen={applyFilter} />}
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
                {form.filter.length > 0 && (
                    <div class="field wide">
                        <span class="field-label">{t('search.filter')}</span>
                        <span class="mono filter-preview" data-testid="search-filter">
                            {form.filter.join('  ·  ')}{' '}
                            <button type="button" class="link" onClick={() => setForm({ ...form, filter: [] })} aria-label={t('common.remove')}>
                                ×
                            </button>
                        </span>
                    </div>
                )}
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
                {editable && (selected.length > 0 || everything) && (
                    <>
                        {allOnPage && !everything && total > selected.length && (
                            <p class="small">
                                <button type="button" class="link" data-testid="select-everything" onClick={() => setEverything(true)}>
                                    {t('mass.selectEverything', { total: number(total) })}
                                </button>
                            </p>
                        )}
                        <MassEdit
                            ids={selected}
                            filter={everything ? filterExpressions(criteria) : null}
                            total={total}
                            onDone={results.reload}
                        />
                    </>
                )}
                <div class="table-wrap">
                    <table class="grid clickable" data-testid="results" aria-busy={results.loading} data-sort={sort}>
                        <thead>
                            <tr>
                                {editable && (
                                    <th class="select">
                                        <input
                                            type="checkbox"
                                            data-testid="select-page"
                                            aria-label={t('mass.selectPage')}
                                            checked={allOnPage || everything}
                                            onChange={togglePage}
                                        />
                                    </th>
                                )}
                                <SortHeader column="name" label={t('field.name')} sort={sort} onSort={setSort} />
                                <th>{t('field.phone')}</th>
                                {SORTS.slice(1).map((c) => (
                                    <SortHeader key={c.key} column={c.key} label={t(c.label)} sort={sort} onSort={setSort} narrow={c.narrow} />
                                ))}
                                <th class="hide-narrow">{t('field.source')}</th>
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
                                    {editable && (
                                        <td class="select" onClick={(e) => e.stopPropagation()}>
                                            <input
                                                type="checkbox"
                                                data-testid="select-row"
                                                aria-label={`${t('mass.selectRow')} ${row.name}`}
                                                checked={everything || selected.includes(row.id)}
                                                onChange={() => toggle(row.id)}
                                            />
                                        </td>
                                    )}
                                    <td>
                                        <a href={`#/contacts/${row.id}`} data-testid="result-name">
                                            {row.name || '—'}
                                        </a>
                                    </td>
                                    <td class="mono nowrap">
                                        {phone(row.phone)}
                                        {row.phone_count > 1 && <span class="muted"> +{row.phone_count - 1}</span>}
                                    </td>
                                    <td>
                                        <span class={`status status-${row.status}`}>
                                            {dict.statusLabel(statuses, row.status)}
                                        </span>
                                        {row.callback_at ? <span class="muted"> {dateTime(row.callback_at)}</span> : null}
                                    </td>
                                    <td class="hide-narrow">{row.region}</td>
                                    <td class="nowrap hide-narrow">{dateTime(row.created_at)}</td>
                                    <td class="nowrap hide-narrow">{dateTime(row.updated_at)}</td>
                                    <td class="hide-narrow">{row.source}</td>
                                </tr>
                            ))}
                            {!results.loading && items.length === 0 && (
                                <tr class="empty">
                                    <td colSpan={columns}>{t('search.nothing')}</td>
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
