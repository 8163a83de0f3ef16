// The contact card: who, status (with callback time), phones as the role may see
// them, tags, custom fields, history, consents, the stop-list and the dial gate's
// decision for marketing and service calls; for those with call_records, the
// campaign calls to its numbers with the gate's evidence.
import { useEffect, useState } from 'preact/hooks';
import {
    can,
    del,
    get,
    post,
    put,
    type Card,
    type Decision,
    type Field,
    type Status,
    type Tag,
} from '../api';
import { Labeled, Notice, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dateTime, phone, toLocalInput, toUnix } from '../format';
import { HistoryItem } from '../history';
import { gateReason } from '../server_messages';
import { t, type Key } from '../i18n';
import { CardCalls } from './calls';
import { LabelSelect, phoneLabel, STOP_CATEGORIES } from './contacts_tools';

function tagName(tag: Card['tags'][number]): string {
    return typeof tag === 'string' ? tag : tag.name;
}

function fieldValues(fields: Card['fields'] | undefined): Record<string, string> {
    if (!fields) return {};
    if (Array.isArray(fields)) return Object.fromEntries(fields.map((f) => [f.name, f.value ?? '']));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = v === null || v === undefined ? '' : String(v);
    return out;
}

export function CanCall(props: { purpose: 'marketing' | 'service'; decision: Decision | undefined }) {
    const { decision, purpose } = props;
    return (
        <div class="can-call" data-testid={`can-call-${purpose}`}>
            <span class="can-call-purpose">{t(`purpose.${purpose}` as Key)}:</span>{' '}
            {decision ? (
                <>
                    <span class={decision.allowed ? 'verdict pass' : 'verdict fail'}>
                        {decision.allowed ? t('canCall.allowed') : t('canCall.denied')}
                    </span>
                    {decision.reasons?.length > 0 && (
                        <ul class="reasons">
                            {decision.reasons.map((r, i) => (
                                <li key={i} data-reason={r.reason}>
                                    {gateReason(r.reason, r.detail)}
                                </li>
                            ))}
                        </ul>
                    )}
                    {!decision.allowed && decision.earliest ? (
                        <div class="muted small">
                            {t('canCall.earliest')}: {dateTime(decision.earliest)}
                        </div>
                    ) : null}
                </>
            ) : (
                <span class="muted">{t('canCall.unknown')}</span>
            )}
        </div>
    );
}

function StatusEditor(props: { card: Card; statuses: Status[]; onChanged: () => void }) {
    const [status, setStatus] = useState(props.card.status);
    const [when, setWhen] = useState(toLocalInput(props.card.callback_at));
    useEffect(() => {
        setStatus(props.card.status);
        setWhen(toLocalInput(props.card.callback_at));
    }, [props.card.status, props.card.callback_at]);
    async function submit(e: Event) {
        e.preventDefault();
        const body: { status: string; callback_at?: number } = { status };
        if (status === 'callback') body.callback_at = toUnix(when);
        await put(`/contacts/${props.card.id}/status`, body);
        props.onChanged();
    }
    return (
        <form class="inline-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <select data-testid="card-status-select" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                {props.statuses.map((s) => (
                    <option key={s.id} value={s.id}>
                        {dict.statusLabel(props.statuses, s.id)}
                    </option>
                ))}
            </select>
            {status === 'callback' && (
                <input
                    type="datetime-local"
                    data-testid="card-callback-at"
                    required
                    value={when}
                    onInput={(e) => setWhen(e.currentTarget.value)}
                />
            )}
            <button type="submit" data-testid="card-status-set">
                {t('card.setStatus')}
            </button>
        </form>
    );
}

function Tags(props: { card: Card; dictionary: Tag[]; onChanged: () => void }) {
    const [choice, setChoice] = useState('');
    const editable = can('edit_contacts');
    const current = props.card.tags.map(tagName);
    const available = props.dictionary.filter((tag) => !tag.retired && !current.includes(tag.name));
    async function add(e: Event) {
        e.preventDefault();
        if (!choice) return;
        await post(`/contacts/${props.card.id}/tags`, { tag: choice });
        setChoice('');
        props.onChanged();
    }
    async function remove(name: string) {
        await del(`/contacts/${props.card.id}/tags/${encodeURIComponent(name)}`);
        props.onChanged();
    }
    return (
        <div data-testid="card-tags">
            <div class="chips">
                {current.length === 0 && <span class="muted">{t('card.noTags')}</span>}
                {current.map((name) => (
                    <span class="chip" key={name} data-testid="card-tag">
                        {name}
                        {editable && (
                            <button
                                type="button"
                                class="chip-x"
                                title={t('common.remove')}
                                aria-label={`${t('common.remove')} ${name}`}
                                onClick={() => remove(name).catch(() => undefined)}
                            >
                                ×
                            </button>
                        )}
                    </span>
                ))}
            </div>
            {editable && (
                <form class="inline-form" onSubmit={(e) => add(e).catch(() => undefined)}>
                    <select data-testid="card-tag-select" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
                        <option value="">{t('card.chooseTag')}</option>
                        {available.map((tag) => (
                            <option key={tag.name} value={tag.name}>
                                {tag.category ? `${tag.category}: ${tag.name}` : tag.name}
                            </option>
                        ))}
                    </select>
                    <button type="submit" data-testid="card-tag-add" disabled={!choice}>
                        {t('common.add')}
                    </button>
                </form>
            )}
        </div>
    );
}

function FieldRow(props: { id: number; name: string; value: string; onChanged: () => void }) {
    const [value, setValue] = useState(props.value);
    useEffect(() => setValue(props.value), [props.value]);
    const editable = can('edit_contacts');
    async function save(e: Event) {
        e.preventDefault();
        await put(`/contacts/${props.id}/fields/${encodeURIComponent(props.name)}`, { value });
        props.onChanged();
    }
    return (
        <tr>
            <th scope="row">{props.name}</th>
            <td>
                {editable ? (
                    <form class="inline-form" onSubmit={(e) => save(e).catch(() => undefined)}>
                        <input
                            data-testid="card-field"
                            data-field={props.name}
                            value={value}
                            onInput={(e) => setValue(e.currentTarget.value)}
                        />
                        <button type="submit" disabled={value === props.value}>
                            {t('common.save')}
                        </button>
                    </form>
                ) : (
                    props.value
                )}
            </td>
        </tr>
    );
}

// The contact's name and phones: rename (for roles that see names), remove a
// phone, add phones with labels. The server cleans each number and refuses one
// that is no number with the reason; phones are named by their ids, so an
// operator who sees them masked can remove one too.
function ContactEditor(props: { card: Card; onDone: (changed: boolean) => void }) {
    const c = props.card;
    const seesNames = can('see_names');
    const [name, setName] = useState(c.name);
    const [removed, setRemoved] = useState<number[]>([]);
    const [added, setAdded] = useState<{ phone: string; label: string }[]>([]);
    const [busy, setBusy] = useState(false);
    async function save(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            const body: Record<string, unknown> = {
                add_phones: added.filter((p) => p.phone.trim()).map((p) => ({ phone: p.phone.trim(), label: p.label })),
                remove_phones: removed,
            };
            if (seesNames && name.trim() !== c.name) body.name = name.trim();
            const answer = await put<{ changed: boolean }>(`/contacts/${c.id}`, body);
            props.onDone(answer.changed);
        } finally {
            setBusy(false);
        }
    }
    return (
        <Section title={t('contactEdit.editTitle')} testid="contact-editor">
            <form class="stack-form" onSubmit={(e) => save(e).catch(() => undefined)}>
                {seesNames && (
                    <Labeled label={t('field.name')} wide>
                        <input data-testid="edit-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
                    </Labeled>
                )}
                <table class="grid" data-testid="edit-phones">
                    <tbody>
                        {c.phones.map((p) => (
                            <tr key={p.id} class={p.id !== undefined && removed.includes(p.id) ? 'inactive' : ''}>
                                <td class="mono nowrap">{phone(p.e164) || p.raw}</td>
                                <td>{phoneLabel(p.label)}</td>
                                <td>
                                    {p.id !== undefined && (
                                        <label class="nowrap">
                                            <input
                                                type="checkbox"
                                                data-testid="edit-remove-phone"
                                                checked={removed.includes(p.id)}
                                                onChange={() =>
                                                    setRemoved(removed.includes(p.id!) ? removed.filter((x) => x !== p.id) : [...removed, p.id!])
                                                }
                                            />{' '}
                                            {t('contactEdit.removePhone')}
                                        </label>
                                    )}
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
                {added.map((p, i) => (
                    <div class="row-form" key={i}>
                        <Labeled label={t('field.phone')}>
                            <input
                                data-testid="edit-add-phone"
                                inputMode="tel"
                                placeholder="8 (916) 123-45-67"
                                value={p.phone}
                                onInput={(e) => {
                                    const v = e.currentTarget.value;
                                    setAdded(added.map((x, j) => (j === i ? { ...x, phone: v } : x)));
                                }}
                            />
                        </Labeled>
                        <Labeled label={t('contactEdit.label')}>
                            <LabelSelect
                                testid="edit-add-label"
                                value={p.label}
                                onChange={(v) => setAdded(added.map((x, j) => (j === i ? { ...x, label: v } : x)))}
                            />
                        </Labeled>
                    </div>
                ))}
                <div>
                    <button type="button" data-testid="edit-more-phone" onClick={() => setAdded([...added, { phone: '', label: 'мобильный' }])}>
                        + {t('contactEdit.addPhone')}
                    </button>
                </div>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="edit-save" disabled={busy}>
                        {t('common.save')}
                    </button>
                    <button type="button" onClick={() => props.onDone(false)}>
                        {t('common.cancel')}
                    </button>
                </div>
            </form>
        </Section>
    );
}

// Adding to the stop-list from the card: which category, why, and which of the
// contact's phones (all of them offered; the first checked).
function StopAsk(props: { card: Card; onDone: (added: number) => void; onCancel: () => void }) {
    const phones = props.card.phones.filter((p) => p.valid !== false && p.e164 && p.id !== undefined);
    const [category, setCategory] = useState('do_not_disturb');
    const [reason, setReason] = useState('');
    const [chosen, setChosen] = useState<number[]>(phones.slice(0, 1).map((p) => p.id!));
    const [busy, setBusy] = useState(false);
    async function submit(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            for (const id of chosen) {
                await post('/stop-list', { contact_id: props.card.id, phone_id: id, category, note: reason.trim() });
            }
            props.onDone(chosen.length);
        } finally {
            setBusy(false);
        }
    }
    return (
        <form class="stack-form stop-ask" data-testid="stop-ask" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('stopAsk.category')}>
                <select data-testid="stop-category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                    {STOP_CATEGORIES.map((k) => (
                        <option key={k} value={k}>
                            {t(`stopCategory.${k}` as Key)}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('stopAsk.reason')} wide>
                <input data-testid="stop-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </Labeled>
            <fieldset class="plain">
                <legend class="field-label">{t('stopAsk.phones')}</legend>
                {phones.map((p) => (
                    <label key={p.id} class="nowrap check-line">
                        <input
                            type="checkbox"
                            data-testid="stop-phone"
                            checked={chosen.includes(p.id!)}
                            onChange={() => setChosen(chosen.includes(p.id!) ? chosen.filter((x) => x !== p.id) : [...chosen, p.id!])}
                        />{' '}
                        <span class="mono">{phone(p.e164)}</span>
                        {p.label ? <span class="muted"> ({phoneLabel(p.label)})</span> : null}
                    </label>
                ))}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="danger" data-testid="stop-confirm" disabled={busy || !reason.trim() || chosen.length === 0}>
                    {t('stopAsk.confirm')}
                </button>
                <button type="button" onClick={props.onCancel}>
                    {t('common.cancel')}
                </button>
            </div>
        </form>
    );
}

export function CardPage(props: { id: number }) {
    const card = useLoad(() => get<Card>(`/contacts/${props.id}`), [props.id]);
    const statusList = useLoad<Status[]>(dict.statuses, []);
    const tagList = useLoad<Tag[]>(dict.tags, []);
    const fieldList = useLoad<Field[]>(dict.fields, []);
    const [notice, setNotice] = useState<string | null>(null);
    const [editing, setEditing] = useState(false);
    const [asking, setAsking] = useState(false);

    const c = card.data;
    if (!c) {
        return (
            <div class="page" data-testid="page-card">
                <p class="muted">{card.loading ? t('common.loading') : t('card.notFound')}</p>
            </div>
        );
    }
    const statuses = statusList.data ?? [];
    const values = fieldValues(c.fields);
    const fieldNames = [...new Set([...(fieldList.data ?? []).map((f) => f.name), ...Object.keys(values)])];
    const stops = c.stop_list ?? [];
    const stoppable = c.phones.some((p) => p.valid !== false && p.e164 && p.id !== undefined);

    return (
        <div class="page" data-testid="page-card">
            <div class="card-head">
                <div>
                    <a href="#/contacts" class="back">
                        ← {t('card.back')}
                    </a>
                    <h1 data-testid="card-name">{c.name || '—'}</h1>
                    <div class="card-meta">
                        <span class={`status status-${c.status}`} data-testid="card-status">
                            {dict.statusLabel(statuses, c.status)}
                        </span>
                        {c.callback_at ? (
                            <span data-testid="card-callback">
                                {t('card.callbackAt')}: {dateTime(c.callback_at)}
                            </span>
                        ) : null}
                        {c.region && (
                            <span>
                                {t('field.region')}: {c.region}
                            </span>
                        )}
                        {c.source && (
                            <span>
                                {t('field.source')}: {c.source}
                            </span>
                        )}
                        <span class="muted">#{c.id}</span>
                    </div>
                    {c.merged_into ? (
                        <p class="notice">
                            {t('card.mergedInto')} <a href={`#/contacts/${c.merged_into}`}>#{c.merged_into}</a>
                        </p>
                    ) : null}
                </div>
                <div class="card-actions">
                    {can('edit_contacts') && statuses.length > 0 && (
                        <StatusEditor card={c} statuses={statuses} onChanged={card.reload} />
                    )}
                    {can('edit_contacts') && !c.merged_into && !editing && (
                        <button type="button" data-testid="card-edit" onClick={() => setEditing(true)}>
                            {t('contactEdit.edit')}
                        </button>
                    )}
                </div>
            </div>
            <Notice text={notice} onClose={() => setNotice(null)} />
            {editing && (
                <ContactEditor
                    key={c.updated_at ?? 0}
                    card={c}
                    onDone={(changed) => {
                        setEditing(false);
                        if (changed) {
                            setNotice(t('contactEdit.saved'));
                            card.reload();
                        }
                    }}
                />
            )}

            <div class="card-grid">
                <div class="card-col">
                    <Section title={t('card.phones')}>
                        <div class="table-wrap">
                            <table class="grid" data-testid="card-phones">
                                <thead>
                                    <tr>
                                        <th>{t('field.phone')}</th>
                                        <th>{t('card.phoneType')}</th>
                                        <th>{t('field.region')}</th>
                                        <th>{t('card.operator')}</th>
                                        <th>{t('card.timezone')}</th>
                                        <th>{t('card.quality')}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {c.phones.map((p, i) => (
                                        <tr key={i} class={p.inactive ? 'inactive' : ''}>
                                            <td class="mono nowrap" data-testid="card-phone">
                                                {phone(p.e164) || p.raw}
                                                {p.extension ? ` ${t('card.ext')} ${p.extension}` : ''}
                                                {p.label ? <span class="muted"> ({phoneLabel(p.label)})</span> : null}
                                            </td>
                                            <td>{p.type}</td>
                                            <td>{p.region}</td>
                                            <td>{p.operator}</td>
                                            <td>{p.timezone}</td>
                                            <td>
                                                {p.qc}
                                                {p.valid === false && <span class="verdict fail"> {t('card.invalid')}</span>}
                                                {p.inactive && <span class="muted"> {t('card.inactive')}</span>}
                                            </td>
                                        </tr>
                                    ))}
                                    {c.phones.length === 0 && (
                                        <tr class="empty">
                                            <td colSpan={6}>{t('card.noPhones')}</td>
                                        </tr>
                                    )}
                                </tbody>
                            </table>
                        </div>
                    </Section>

                    <Section title={t('card.calling')}>
                        <CanCall purpose="marketing" decision={c.can_call?.marketing} />
                        <CanCall purpose="service" decision={c.can_call?.service} />
                        <div class="stop-state" data-testid="card-stop">
                            <strong>{t('card.stopList')}:</strong>{' '}
                            {c.stop_list === null || c.stop_list === undefined ? (
                                <span class="muted">{t('canCall.unknown')}</span>
                            ) : stops.length === 0 ? (
                                <span class="muted">{t('card.notInStopList')}</span>
                            ) : (
                                <ul class="reasons">
                                    {stops.map((s) => (
                                        <li key={s.id}>
                                            <span class="verdict fail">{t(`stopCategory.${s.category}` as Key)}</span> ·{' '}
                                            {phone(s.phone)}
                                            {s.until ? ` · ${t('stop.until')} ${dateTime(s.until)}` : ''}
                                            {s.note ? ` · ${s.note}` : ''}
                                            <span class="muted">
                                                {' '}
                                                · {s.added_by} {dateTime(s.added_at)}
                                            </span>
                                        </li>
                                    ))}
                                </ul>
                            )}
                        </div>
                        {can('stop_list') && stoppable && !asking && (
                            <button type="button" class="danger" data-testid="card-add-stop" onClick={() => setAsking(true)}>
                                {t('card.addStop')}
                            </button>
                        )}
                        {asking && (
                            <StopAsk
                                card={c}
                                onCancel={() => setAsking(false)}
                                onDone={(n) => {
                                    setAsking(false);
                                    setNotice(t('stopAsk.added', { count: n }));
                                    card.reload();
                                }}
                            />
                        )}
                    </Section>

                    <Section title={t('card.details')}>
                        <table class="kv">
                            <tbody>
                                {c.email && (
                                    <tr>
                                        <th scope="row">{t('field.email')}</th>
                                        <td>{c.email}</td>
                                    </tr>
                                )}
                                {c.comment && (
                                    <tr>
                                        <th scope="row">{t('field.comment')}</th>
                                        <td class="pre">{c.comment}</td>
                                    </tr>
                                )}
                                {c.owner_group && (
                                    <tr>
                                        <th scope="row">{t('card.ownerGroup')}</th>
                                        <td>{c.owner_group}</td>
                                    </tr>
                                )}
                                <tr>
                                    <th scope="row">{t('card.created')}</th>
                                    <td>{dateTime(c.created_at)}</td>
                                </tr>
                                <tr>
                                    <th scope="row">{t('field.updated')}</th>
                                    <td>{dateTime(c.updated_at)}</td>
                                </tr>
                                <tr>
                                    <th scope="row">{t('card.lastInteraction')}</th>
                                    <td>{dateTime(c.last_interaction_at) || '—'}</td>
                                </tr>
                            </tbody>
                        </table>
                    </Section>

                    <Section title={t('card.tags')}>
                        <Tags card={c} dictionary={tagList.data ?? []} onChanged={card.reload} />
                    </Section>

                    <Section title={t('card.fields')}>
                        {fieldNames.length === 0 ? (
                            <p class="muted">{t('card.noFields')}</p>
                        ) : (
                            <table class="kv" data-testid="card-fields">
                                <tbody>
                                    {fieldNames.map((name) => (
                                        <FieldRow
                                            key={name}
                                            id={c.id}
                                            name={name}
                                            value={values[name] ?? ''}
                                            onChanged={card.reload}
                                        />
                                    ))}
                                </tbody>
                            </table>
                        )}
                    </Section>
                </div>

                <div class="card-col">
                    <Section title={t('card.consents')}>
                        <table class="grid" data-testid="card-consents">
                            <thead>
                                <tr>
                                    <th>{t('consents.purpose')}</th>
                                    <th>{t('consents.channel')}</th>
                                    <th>{t('consents.obtained')}</th>
                                    <th>{t('consents.revoked')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {(c.consents ?? []).map((k) => (
                                    <tr key={k.id} class={k.revoked_at ? 'inactive' : ''}>
                                        <td>{k.purpose}</td>
                                        <td>{k.channel}</td>
                                        <td>{dateTime(k.obtained_at)}</td>
                                        <td>{dateTime(k.revoked_at)}</td>
                                    </tr>
                                ))}
                                {(c.consents ?? []).length === 0 && (
                                    <tr class="empty">
                                        <td colSpan={4}>{t('card.noConsents')}</td>
                                    </tr>
                                )}
                            </tbody>
                        </table>
                    </Section>

                    {can('call_records') && (
                        <Section title={t('calls.campaignCalls')} testid="card-calls">
                            <CardCalls phones={c.phones.filter((p) => p.e164 && !p.e164.includes('*')).map((p) => p.e164)} />
                        </Section>
                    )}

                    <Section title={t('card.history')}>
                        <ol class="timeline" data-testid="card-history">
                            {[...(c.history ?? [])]
                                .sort((a, b) => b.at - a.at)
                                .map((h, i) => (
                                    <HistoryItem key={i} entry={h} statuses={statuses} />
                                ))}
                            {(c.history ?? []).length === 0 && <li class="muted">{t('card.noHistory')}</li>}
                        </ol>
                    </Section>
                </div>
            </div>
        </div>
    );
}
