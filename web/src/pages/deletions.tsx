// Deletion requests (152-FZ): anyone who talks to people takes one; the dpo lists
// them and processes the pending ones.
import { useState } from 'preact/hooks';
import { can, get, post, type DeletionRequest, type List } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import { dateTime, phone, toUnix } from '../format';
import { known, t, type Key } from '../i18n';

// The channels the server accepts (compliance/deletion.cc).
const deletionChannels = ['call', 'email', 'web', 'letter'];

function AddForm(props: { onAdded: (id: number) => void }) {
    const [phone, setPhone] = useState('');
    const [channel, setChannel] = useState('call');
    const [note, setNote] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const answer = await post<{ id: number }>('/deletion-requests', { phone: phone.trim(), channel, note: note.trim() });
        setPhone('');
        setNote('');
        props.onAdded(answer.id);
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('field.phone')}>
                <input data-testid="deletion-phone" required inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={t('deletions.channel')}>
                <select data-testid="deletion-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
                    {deletionChannels.map((c) => (
                        <option key={c} value={c}>
                            {t(`channel.${c}` as Key)}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('deletions.note')} wide>
                <input data-testid="deletion-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            </Labeled>
            <button type="submit" class="primary" data-testid="deletion-add">
                {t('common.add')}
            </button>
        </form>
    );
}

function RequestList(props: { version: number; onProcessed: (ids: number[]) => void }) {
    const [from, setFrom] = useState('');
    const [to, setTo] = useState('');
    const list = useLoad(
        () =>
            get<List<DeletionRequest>>('/deletion-requests', {
                from: toUnix(from),
                to: to ? (toUnix(to) ?? 0) + 86400 : undefined,
            }),
        [from, to, props.version],
    );
    async function processPending() {
        const answer = await post<{ processed: number[] }>('/deletion-requests/process');
        props.onProcessed(answer.processed ?? []);
        list.reload();
    }
    const items = list.data?.items ?? [];
    return (
        <Section
            title={t('deletions.list')}
            actions={
                <button type="button" class="primary" data-testid="deletion-process" onClick={() => processPending().catch(() => undefined)}>
                    {t('deletions.process')}
                </button>
            }
        >
            <div class="row-form">
                <Labeled label={t('common.from')}>
                    <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
                </Labeled>
                <Labeled label={t('common.to')}>
                    <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
                </Labeled>
            </div>
            <div class="table-wrap">
                <table class="grid" data-testid="deletion-table">
                    <thead>
                        <tr>
                            <th>#</th>
                            <th>{t('field.phone')}</th>
                            <th>{t('deletions.channel')}</th>
                            <th>{t('deletions.note')}</th>
                            <th>{t('deletions.received')}</th>
                            <th>{t('deletions.status')}</th>
                            <th>{t('deletions.processed')}</th>
                            <th>{t('deletions.archivesDue')}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {items.map((r) => (
                            <tr key={r.id} data-testid="deletion-row">
                                <td>{r.id}</td>
                                <td class="mono nowrap">{phone(r.phone)}</td>
                                <td>{t(`channel.${r.channel}` as Key)}</td>
                                <td>{r.note}</td>
                                <td class="nowrap">
                                    {dateTime(r.received_at)} <span class="muted">{r.received_by}</span>
                                </td>
                                <td>
                                    <span class={`badge ${r.status}`}>{known(`deletions.st.${r.status}`) ?? r.status}</span>
                                </td>
                                <td class="nowrap">{dateTime(r.processed_at)}</td>
                                <td class="nowrap">
                                    {dateTime(r.archives_due_at)}
                                    {r.archives_done_at ? ` ✓ ${dateTime(r.archives_done_at)}` : ''}
                                </td>
                            </tr>
                        ))}
                        {!list.loading && items.length === 0 && <Empty colSpan={8} />}
                    </tbody>
                </table>
            </div>
        </Section>
    );
}

export function DeletionsPage() {
    const [notice, setNotice] = useState<string | null>(null);
    const [version, setVersion] = useState(0);
    return (
        <div class="page" data-testid="page-deletions">
            <h1>{t('deletions.title')}</h1>
            {can('deletion_request') && (
                <Section title={t('deletions.add')}>
                    <p class="muted small">{t('deletions.addHint')}</p>
                    <AddForm
                        onAdded={(id) => {
                            setNotice(t('deletions.added', { id }));
                            setVersion((v) => v + 1);
                        }}
                    />
                </Section>
            )}
            <Notice text={notice} onClose={() => setNotice(null)} />
            {can('deletion_process') && (
                <RequestList
                    version={version}
                    onProcessed={(ids) => setNotice(t('deletions.processedN', { n: ids.length }))}
                />
            )}
        </div>
    );
}
