// The stop-list: entries by category, add one (until for not_now), remove one with a
// reason; below, the do-not-call registries loaded into the base.
import { useState } from 'preact/hooks';
import { can, del, get, post, type List, type Registry, type StopEntry } from '../api';
import { Empty, KeyOptions, Labeled, Notice, OpenPager, Section, useLoad } from '../components';
import { dateTime, number, phone, toUnix } from '../format';
import { t, type Key } from '../i18n';

export const stopCategories = ['do_not_disturb', 'written_only', 'not_now'] as const;
const LIMIT = 50;

// An entry's note; the one a deletion request writes ("deletion request #12",
// src/compliance/deletion.cc) in the user's language.
function noteText(note: string): string {
    const deletion = /^deletion request #(\d+)$/.exec(note);
    return deletion ? t('stop.noteDeletion', { id: deletion[1] }) : note;
}

function AddForm(props: { onAdded: () => void }) {
    const [phone, setPhone] = useState('');
    const [category, setCategory] = useState<string>('do_not_disturb');
    const [until, setUntil] = useState('');
    const [note, setNote] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const body: Record<string, unknown> = { phone: phone.trim(), category };
        if (category === 'not_now' && until) body.until = toUnix(until);
        if (note.trim()) body.note = note.trim();
        await post('/stop-list', body);
        setPhone('');
        setNote('');
        setUntil('');
        props.onAdded();
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('field.phone')}>
                <input data-testid="stop-phone" required inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={t('stop.category')}>
                <select data-testid="stop-category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                    <KeyOptions ids={stopCategories} prefix="stopCategory." />
                </select>
            </Labeled>
            {category === 'not_now' && (
                <Labeled label={t('stop.until')}>
                    <input type="datetime-local" data-testid="stop-until" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
                </Labeled>
            )}
            <Labeled label={t('stop.note')} wide>
                <input data-testid="stop-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            </Labeled>
            <button type="submit" class="primary" data-testid="stop-add">
                {t('common.add')}
            </button>
        </form>
    );
}

function RemoveButton(props: { entry: StopEntry; onRemoved: (n: number) => void }) {
    const [open, setOpen] = useState(false);
    const [reason, setReason] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        // By the entry's id: the number may be shown masked.
        const answer = await del<{ removed: number }>('/stop-list', {
            id: props.entry.id,
            reason: reason.trim(),
        });
        setOpen(false);
        props.onRemoved(answer?.removed ?? 0);
    }
    if (!open) {
        return (
            <button type="button" class="small" data-testid="stop-remove" onClick={() => setOpen(true)}>
                {t('common.remove')}
            </button>
        );
    }
    return (
        <form class="inline-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <input
                required
                placeholder={t('stop.removeReason')}
                data-testid="stop-remove-reason"
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
            />
            <button type="submit" class="small danger" data-testid="stop-remove-confirm">
                {t('common.remove')}
            </button>
            <button type="button" class="small" onClick={() => setOpen(false)}>
                {t('common.cancel')}
            </button>
        </form>
    );
}

function Registries() {
    const list = useLoad(() => get<List<Registry>>('/registries'), []);
    const items = list.data?.items ?? [];
    return (
        <Section title={t('stop.registries')} testid="registries">
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th>{t('stop.registryName')}</th>
                            <th>{t('stop.registryVersion')}</th>
                            <th class="num">{t('stop.registryEntries')}</th>
                            <th>{t('stop.registryLoaded')}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {items.map((r) => (
                            <tr key={`${r.name}/${r.version}`}>
                                <td>{r.name}</td>
                                <td>{r.version}</td>
                                <td class="num">{number(r.entries)}</td>
                                <td>{dateTime(r.loaded_at)}</td>
                            </tr>
                        ))}
                        {!list.loading && items.length === 0 && (
                            <tr class="empty">
                                <td colSpan={4}>{t('stop.noRegistries')}</td>
                            </tr>
                        )}
                    </tbody>
                </table>
            </div>
        </Section>
    );
}

export function StopListPage() {
    const [category, setCategory] = useState('');
    const [offset, setOffset] = useState(0);
    const [notice, setNotice] = useState<string | null>(null);
    const list = useLoad(
        () => get<List<StopEntry>>('/stop-list', { category, limit: LIMIT, offset }),
        [category, offset],
    );
    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-stop-list">
            <h1>{t('stop.title')}</h1>
            <Section title={t('stop.add')}>
                <AddForm
                    onAdded={() => {
                        setNotice(t('stop.added'));
                        list.reload();
                    }}
                />
            </Section>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section
                title={t('stop.entries')}
                actions={
                    <>
                        <select
                            data-testid="stop-filter"
                            aria-label={t('stop.category')}
                            value={category}
                            onChange={(e) => {
                                setCategory(e.currentTarget.value);
                                setOffset(0);
                            }}
                        >
                            <option value="">{t('stop.allCategories')}</option>
                            <KeyOptions ids={stopCategories} prefix="stopCategory." />
                        </select>
                        <OpenPager count={items.length} offset={offset} limit={LIMIT} onChange={setOffset} />
                    </>
                }
            >
                <div class="table-wrap">
                    <table class="grid" data-testid="stop-table">
                        <thead>
                            <tr>
                                <th>{t('field.phone')}</th>
                                <th>{t('stop.category')}</th>
                                <th>{t('stop.until')}</th>
                                <th>{t('stop.channel')}</th>
                                <th>{t('stop.note')}</th>
                                <th>{t('stop.addedAt')}</th>
                                <th>{t('stop.addedBy')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((entry) => (
                                <tr key={entry.id} data-testid="stop-row">
                                    <td class="mono nowrap">{phone(entry.phone)}</td>
                                    <td>{t(`stopCategory.${entry.category}` as Key)}</td>
                                    <td class="nowrap">{dateTime(entry.until)}</td>
                                    <td>{entry.channel}</td>
                                    <td>{noteText(entry.note)}</td>
                                    <td class="nowrap">{dateTime(entry.added_at)}</td>
                                    <td>{entry.added_by}</td>
                                    <td>
                                        <RemoveButton
                                            entry={entry}
                                            onRemoved={(n) => {
                                                setNotice(t('stop.removed', { n }));
                                                list.reload();
                                            }}
                                        />
                                    </td>
                                </tr>
                            ))}
                            {!list.loading && items.length === 0 && <Empty colSpan={8} />}
                        </tbody>
                    </table>
                </div>
            </Section>
            {can('can_call') && <Registries />}
        </div>
    );
}
