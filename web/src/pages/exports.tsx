// Export requests: who asked for what and why; supervisors and the dpo approve or
// reject (four eyes); the requester downloads an approved export once.
import { useState } from 'preact/hooks';
import { API, can, get, post, session, type ExportRequest, type List } from '../api';
import { Empty, Notice, Section, useLoad } from '../components';
import { dateTime, number } from '../format';
import { t, type Key } from '../i18n';

export function ExportsPage() {
    const list = useLoad(() => get<List<ExportRequest>>('/exports'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const approver = can('approve_export');

    async function decide(id: number, verdict: 'approve' | 'reject') {
        const answer = await post<{ id: number; status: string }>(`/exports/${id}/${verdict}`);
        setNotice(t('exports.decided', { id: answer.id, status: answer.status }));
        list.reload();
    }

    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-exports">
            <h1>{t('exports.title')}</h1>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('exports.list')}>
                <p class="muted small">{t('exports.hint')}</p>
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
                            {items.map((x) => (
                                <tr key={x.id} data-testid="export-row">
                                    <td>{x.id}</td>
                                    <td class="nowrap">
                                        {x.requested_by}
                                        <div class="muted small">{dateTime(x.requested_at)}</div>
                                    </td>
                                    <td class="mono">{Array.isArray(x.filter) ? x.filter.join(' · ') : x.filter}</td>
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
                                            <>
                                                <button type="button" class="small primary" data-testid="export-approve" onClick={() => decide(x.id, 'approve').catch(() => undefined)}>
                                                    {t('exports.approve')}
                                                </button>
                                                <button type="button" class="small danger" data-testid="export-reject" onClick={() => decide(x.id, 'reject').catch(() => undefined)}>
                                                    {t('exports.reject')}
                                                </button>
                                            </>
                                        )}
                                        {x.status === 'approved' && x.requested_by === session.get()?.user && (
                                            <a class="button small" data-testid="export-download" href={`${API}/exports/${x.id}/download`} download={`export-${x.id}.csv`}>
                                                {t('exports.download')}
                                            </a>
                                        )}
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
