// Export requests: who asked for what and why; supervisors and the dpo approve or
// reject (four eyes); the requester downloads an approved export once. An approver
// approves from the request's preview (GET /exports/{id}): who asked and in which
// role, the columns and how each leaves in the requester's view, how many contacts
// the filter finds now — what the file will hold, seen before it is allowed out.
import { useEffect, useState } from 'preact/hooks';
import { API, ApiError, can, get, request, session, type ExportPreview, type ExportRequest, type List } from '../api';
import { Empty, Notice, Section, useLoad } from '../components';
import { dateTime, number } from '../format';
import { t, type Key } from '../i18n';

const COLUMNS = 8;

function filterText(filter: string[] | string | null): string {
    if (filter === null) return '';
    return Array.isArray(filter) ? filter.join(' · ') : filter.split('\n').join(' · ');
}

// A failed request in the user's language; the server's own words (English) follow, smaller.
function ErrorLine(props: { error: unknown }) {
    const e = props.error;
    const status = e instanceof ApiError ? e.status : -1;
    const key: Key =
        status === 0
            ? 'exports.error.network'
            : status === 403
              ? 'exports.error.forbidden'
              : status === 404
                ? 'exports.error.notFound'
                : status === 409
                  ? 'exports.error.conflict'
                  : 'exports.error.other';
    const detail = e instanceof ApiError ? e.detail || e.title : String(e);
    return (
        <div class="error-inline" role="alert" data-testid="export-preview-error">
            {t(key, { status })}
            {detail && <div class="muted small">{detail}</div>}
        </div>
    );
}

// The preview of one pending request, with the only Approve that approves it.
function ExportReview(props: { id: number; onDecided: (text: string) => void; onClose: () => void }) {
    const [preview, setPreview] = useState<ExportPreview | null>(null);
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState(false);

    useEffect(() => {
        let live = true;
        setPreview(null);
        setError(null);
        request<ExportPreview>('GET', `/exports/${props.id}`, { quiet: true }).then(
            (p) => live && setPreview(p),
            (e) => live && setError(e),
        );
        return () => {
            live = false;
        };
    }, [props.id]);

    async function decide(verdict: 'approve' | 'reject') {
        setBusy(true);
        setError(null);
        try {
            const answer = await request<{ id: number; status: string; matching_rows: number }>('POST', `/exports/${props.id}/${verdict}`, {
                json: {},
                quiet: true,
            });
            props.onDecided(
                t('exports.decidedRows', {
                    id: answer.id,
                    status: t(`exports.state.${answer.status}` as Key),
                    rows: number(answer.matching_rows),
                }),
            );
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    const p = preview;
    const mine = p !== null && p.requested_by === session.get()?.user;
    const complete = p !== null && p.status === 'pending' && Array.isArray(p.columns) && typeof p.matching_rows === 'number';
    return (
        <div class="export-review" data-testid="export-preview" aria-busy={p === null && error === null ? 'true' : 'false'}>
            <h3>{t('exports.preview.title', { id: props.id })}</h3>
            {p === null && error === null && <p class="muted">{t('common.loading')}</p>}
            {p !== null && (
                <>
                    <table class="kv">
                        <tbody>
                            <tr>
                                <th scope="row">{t('exports.requestedBy')}</th>
                                <td data-testid="export-preview-requester">
                                    {p.requested_by}
                                    {' · '}
                                    <span data-testid="export-preview-role">
                                        {p.requested_by_role ? t(`role.${p.requested_by_role}` as Key) : t('exports.preview.noUser')}
                                    </span>
                                    <span class="muted small"> · {dateTime(p.requested_at)}</span>
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">{t('exports.preview.view')}</th>
                                <td data-testid="export-preview-view">{t(`exports.view.${p.view}` as Key)}</td>
                            </tr>
                            <tr>
                                <th scope="row">{t('exports.filter')}</th>
                                <td class="mono" data-testid="export-preview-filter">
                                    {filterText(p.filter)}
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">{t('exports.reason')}</th>
                                <td data-testid="export-preview-reason">{p.reason}</td>
                            </tr>
                            <tr>
                                <th scope="row">{t('exports.preview.rows')}</th>
                                <td>
                                    <strong data-testid="export-preview-rows" data-rows={p.matching_rows}>
                                        {typeof p.matching_rows === 'number' ? number(p.matching_rows) : '—'}
                                    </strong>
                                    <div class="muted small">{t('exports.preview.rowsHint')}</div>
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">{t('exports.preview.format')}</th>
                                <td data-testid="export-preview-format">{p.format === 'xlsx' ? 'Excel (.xlsx)' : `CSV, ${p.encoding}`}</td>
                            </tr>
                        </tbody>
                    </table>
                    {Array.isArray(p.columns) ? (
                        <table class="grid export-columns" data-testid="export-preview-columns">
                            <thead>
                                <tr>
                                    <th>{t('exports.preview.column')}</th>
                                    <th>{t('exports.preview.shown')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {p.columns.map((c) => (
                                    <tr key={c.name} data-testid="export-preview-column" data-column={c.name} data-masking={c.masking}>
                                        <td>{c.name}</td>
                                        <td>
                                            <span class={`masking ${c.masking}`}>{t(`exports.masking.${c.masking}` as Key)}</span>
                                        </td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    ) : (
                        <p class="muted">{t('exports.preview.none')}</p>
                    )}
                    {p.status !== 'pending' && <p class="muted">{t('exports.preview.decided', { status: t(`exports.state.${p.status}` as Key) })}</p>}
                    {mine && <p class="muted" data-testid="export-preview-own">{t('exports.preview.own')}</p>}
                </>
            )}
            {error !== null && <ErrorLine error={error} />}
            <div class="form-actions">
                <button type="button" class="primary" data-testid="export-approve" disabled={!complete || mine || busy} onClick={() => decide('approve')}>
                    {t('exports.approveShown')}
                </button>
                <button type="button" class="danger" data-testid="export-reject" disabled={p === null || p.status !== 'pending' || mine || busy} onClick={() => decide('reject')}>
                    {t('exports.reject')}
                </button>
                <button type="button" data-testid="export-preview-close" onClick={props.onClose}>
                    {t('common.close')}
                </button>
            </div>
        </div>
    );
}

export function ExportsPage() {
    const list = useLoad(() => get<List<ExportRequest>>('/exports'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const [open, setOpen] = useState<number | null>(null);
    const approver = can('approve_export');

    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-exports">
            <h1>{t('exports.title')}</h1>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('exports.list')}>
                <p class="muted small">{t(approver ? 'exports.hintApprover' : 'exports.hint')}</p>
                <div class="table-wrap">
                    <table class="grid" data-testid="exports-table">
                        <thead>
                            <tr>
                                <th>#</th>
                                <th>{t('exports.requestedBy')}</th>
                                <th>{t('exports.filter')}</th>
                                <th>{t('exports.reason')}</th>
                                <th>{t('exports.status')}</th>
                                <th>{t('exports.decidedBy')}</th>
                                <th class="num">{t('exports.rows')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((x) => [
                                <tr key={x.id} data-testid="export-row" data-id={x.id}>
                                    <td>{x.id}</td>
                                    <td class="nowrap">
                                        {x.requested_by}
                                        <div class="muted small">{dateTime(x.requested_at)}</div>
                                    </td>
                                    <td class="mono">{filterText(x.filter)}</td>
                                    <td>{x.reason}</td>
                                    <td>
                                        <span class={`badge ${x.status}`}>{t(`exports.state.${x.status}` as Key)}</span>
                                    </td>
                                    <td class="nowrap">
                                        {x.decided_by}
                                        <div class="muted small">{dateTime(x.decided_at)}</div>
                                    </td>
                                    <td class="num">{number(x.rows)}</td>
                                    <td class="nowrap actions">
                                        {approver && x.status === 'pending' && (
                                            <button
                                                type="button"
                                                class="small primary"
                                                data-testid="export-review"
                                                aria-expanded={open === x.id ? 'true' : 'false'}
                                                onClick={() => setOpen(open === x.id ? null : x.id)}
                                            >
                                                {t('exports.review')}
                                            </button>
                                        )}
                                        {x.status === 'approved' && x.requested_by === session.get()?.user && (
                                            <a class="button small" data-testid="export-download" href={`${API}/exports/${x.id}/download`} download={`export-${x.id}.${x.format === 'xlsx' ? 'xlsx' : 'csv'}`}>
                                                {t('exports.download')}
                                            </a>
                                        )}
                                    </td>
                                </tr>,
                                open === x.id && (
                                    <tr key={`${x.id}-review`} class="review-row">
                                        <td colSpan={COLUMNS}>
                                            <ExportReview
                                                id={x.id}
                                                onDecided={(text) => {
                                                    setNotice(text);
                                                    setOpen(null);
                                                    list.reload();
                                                }}
                                                onClose={() => setOpen(null)}
                                            />
                                        </td>
                                    </tr>
                                ),
                            ])}
                            {!list.loading && items.length === 0 && <Empty colSpan={COLUMNS} />}
                        </tbody>
                    </table>
                </div>
            </Section>
        </div>
    );
}
