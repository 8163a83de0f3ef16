// Consent purposes and their texts: the purposes (built-in and added), a new
// purpose, and for each purpose every version of the text the person agrees to,
// newest first, with a form for the next version. A consent records the version
// in force when it was given.
import { useState } from 'preact/hooks';
import { can, get, post, type ConsentText, type List, type Purpose } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import { purposeDescription } from '../dictionaries';
import { dateTime } from '../format';
import { t } from '../i18n';

function AddPurpose(props: { onAdded: (name: string) => void }) {
    const [name, setName] = useState('');
    const [description, setDescription] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        await post('/purposes', { name: name.trim(), description: description.trim() });
        props.onAdded(name.trim());
        setName('');
        setDescription('');
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('purp.name')}>
                <input
                    data-testid="purpose-name"
                    required
                    autocomplete="off"
                    pattern="[a-z0-9_\-]{1,40}"
                    title={t('purp.nameHint')}
                    placeholder={t('purp.namePlaceholder')}
                    value={name}
                    onInput={(e) => setName(e.currentTarget.value)}
                />
            </Labeled>
            <Labeled label={t('purp.description')} wide>
                <input data-testid="purpose-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
            </Labeled>
            <button type="submit" class="primary" data-testid="purpose-add">
                {t('common.add')}
            </button>
            <span class="hint">{t('purp.nameHint')}</span>
        </form>
    );
}

function Texts(props: { purpose: Purpose; onAdded: (version: number) => void }) {
    const texts = useLoad(() => get<{ items: ConsentText[] }>(`/purposes/${encodeURIComponent(props.purpose.name)}/texts`), [props.purpose.name]);
    const [text, setText] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const answer = await post<{ version: number }>(`/purposes/${encodeURIComponent(props.purpose.name)}/texts`, { text });
        setText('');
        texts.reload();
        props.onAdded(answer.version);
    }
    const items = texts.data?.items ?? [];
    return (
        <Section title={t('purp.textsOf', { name: props.purpose.name })} testid="purpose-texts">
            {can('rules') && (
                <form class="text-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                    <Labeled label={t('purp.newText', { n: (items[0]?.version ?? 0) + 1 })} wide>
                        <textarea data-testid="purpose-text" required rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
                    </Labeled>
                    <div class="form-actions">
                        <button type="submit" class="primary" data-testid="purpose-text-add">
                            {t('purp.addText')}
                        </button>
                        <span class="hint">{t('purp.textHint')}</span>
                    </div>
                </form>
            )}
            {items.length === 0 && !texts.loading && <p class="muted">{t('purp.noTexts')}</p>}
            {items.map((v, i) => (
                <article key={v.version} class="consent-text" data-testid="purpose-text-version" data-version={v.version}>
                    <header class="muted small">
                        {t('purp.versionN', { n: v.version })} · {dateTime(v.created_at)}
                        {i === 0 ? ` · ${t('purp.inForce')}` : ''}
                    </header>
                    <div class="pre">{v.text}</div>
                </article>
            ))}
        </Section>
    );
}

export function PurposesPage() {
    const list = useLoad(() => get<List<Purpose>>('/purposes'), []);
    const [open, setOpen] = useState<string | null>(null);
    const [notice, setNotice] = useState<string | null>(null);
    const items = list.data?.items ?? [];
    const current = items.find((p) => p.name === open) ?? null;
    return (
        <div class="page" data-testid="page-purposes">
            <h1>{t('purp.title')}</h1>
            <p class="subhead">{t('purp.intro')}</p>
            <Notice text={notice} onClose={() => setNotice(null)} />
            {can('rules') && (
                <Section title={t('purp.add')}>
                    <AddPurpose
                        onAdded={(name) => {
                            setNotice(t('purp.added', { name }));
                            setOpen(name);
                            list.reload();
                        }}
                    />
                </Section>
            )}
            <Section title={t('purp.list')}>
                <div class="table-wrap">
                    <table class="grid" data-testid="purposes-table">
                        <thead>
                            <tr>
                                <th>{t('purp.name')}</th>
                                <th>{t('purp.description')}</th>
                                <th class="num">{t('purp.textVersion')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {items.length === 0 && !list.loading && <Empty colSpan={4} />}
                            {items.map((p) => (
                                <tr key={p.name} data-testid="purpose-row" data-name={p.name} class={p.name === open ? 'selected' : ''}>
                                    <td>
                                        <code>{p.name}</code>
                                        {p.builtin && <span class="badge">{t('purp.builtin')}</span>}
                                    </td>
                                    <td>{purposeDescription(p)}</td>
                                    <td class="num" data-testid="purpose-latest">
                                        {p.latest_text ? p.latest_text : '—'}
                                    </td>
                                    <td>
                                        <button type="button" class="small" data-testid="purpose-open" onClick={() => setOpen(p.name)}>
                                            {t('purp.texts')}
                                        </button>
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            </Section>
            {current && (
                <Texts
                    key={current.name}
                    purpose={current}
                    onAdded={(version) => {
                        setNotice(t('purp.textAdded', { name: current.name, n: version }));
                        list.reload();
                    }}
                />
            )}
        </div>
    );
}
