// The supervisor's tools beside the contacts search (issue 18, section 3): a new
// contact with its phones and fields, the segment builder that writes the filter
// expression and counts what it finds as it is built, saved filters, and mass
// edits of the selected results.
import { useEffect, useState } from 'preact/hooks';
import { can, del, get, post, type Field, type MassResult, type SavedFilter, type Status, type Tag } from '../api';
import { Labeled, Notice, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { number } from '../format';
import { t, type Key } from '../i18n';
import { serverText } from '../server_messages';
import { navigate } from '../router';

// Phone labels as the base keeps them (contacts.phones.label), shown translated.
export const PHONE_LABELS = ['мобильный', 'рабочий', 'домашний', 'основной'] as const;
const LABEL_KEYS: Record<string, Key> = {
    мобильный: 'contactEdit.labelMobile',
    рабочий: 'contactEdit.labelWork',
    домашний: 'contactEdit.labelHome',
    основной: 'contactEdit.labelMain',
};
export function phoneLabel(label: string | undefined): string {
    if (!label) return '';
    const key = LABEL_KEYS[label];
    return key ? t(key) : label;
}

export function LabelSelect(props: { value: string; onChange: (v: string) => void; testid: string }) {
    return (
        <select data-testid={props.testid} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
            {PHONE_LABELS.map((l) => (
                <option key={l} value={l}>
                    {phoneLabel(l)}
                </option>
            ))}
        </select>
    );
}

interface PhoneInput {
    phone: string;
    label: string;
}

// A new contact: name, phones with labels, custom fields. The server cleans each
// number and refuses one that is no number, with the reason (in the banner).
export function NewContact(props: { onClose: () => void }) {
    const [name, setName] = useState('');
    const [phones, setPhones] = useState<PhoneInput[]>([{ phone: '', label: 'мобильный' }]);
    const [values, setValues] = useState<Record<string, string>>({});
    const [busy, setBusy] = useState(false);
    const fields = useLoad<Field[]>(dict.fields, []);
    const setPhone = (i: number, patch: Partial<PhoneInput>) => setPhones(phones.map((p, j) => (j === i ? { ...p, ...patch } : p)));
    async function submit(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            const filled: Record<string, string> = {};
            for (const [field, value] of Object.entries(values)) if (value.trim()) filled[field] = value.trim();
            const body = {
                name: name.trim(),
                phones: phones.filter((p) => p.phone.trim()).map((p) => ({ phone: p.phone.trim(), label: p.label })),
                fields: filled,
            };
            const created = await post<{ id: number }>('/contacts', body);
            navigate(`#/contacts/${created.id}`);
        } finally {
            setBusy(false);
        }
    }
    return (
        <Section title={t('contactEdit.newTitle')} testid="new-contact">
            <form class="stack-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('field.name')} wide>
                    <input data-testid="new-contact-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
                </Labeled>
                {phones.map((p, i) => (
                    <div class="row-form" key={i}>
                        <Labeled label={t('field.phone')}>
                            <input
                                data-testid="new-contact-phone"
                                inputMode="tel"
                                placeholder="8 (916) 123-45-67"
                                value={p.phone}
                                onInput={(e) => setPhone(i, { phone: e.currentTarget.value })}
                            />
                        </Labeled>
                        <Labeled label={t('contactEdit.label')}>
                            <LabelSelect testid="new-contact-label" value={p.label} onChange={(v) => setPhone(i, { label: v })} />
                        </Labeled>
                        {phones.length > 1 && (
                            <button type="button" class="small" onClick={() => setPhones(phones.filter((_, j) => j !== i))}>
                                {t('common.remove')}
                            </button>
                        )}
                    </div>
                ))}
                <div>
                    <button type="button" data-testid="new-contact-more" onClick={() => setPhones([...phones, { phone: '', label: 'мобильный' }])}>
                        + {t('contactEdit.addPhone')}
                    </button>
                </div>
                {(fields.data ?? []).map((f) => (
                    <Labeled key={f.name} label={f.name}>
                        <input
                            data-testid="new-contact-field"
                            data-field={f.name}
                            value={values[f.name] ?? ''}
                            onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
                        />
                    </Labeled>
                ))}
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="new-contact-save" disabled={busy}>
                        {t('contactEdit.create')}
                    </button>
                    <button type="button" onClick={props.onClose}>
                        {t('common.cancel')}
                    </button>
                </div>
            </form>
        </Section>
    );
}

// ---- The segment builder ----

interface Condition {
    key: string; // status, tag, region, source, name, phone, added, idle, field:<name>
    op: string;
    value: string;
}

const TEXT_OPS = ['=', '!=', '~'];
const CHOICE_OPS = ['=', '!='];
const ORDER_OPS = ['>=', '<=', '=', '>', '<'];

function opsOf(key: string): string[] {
    if (key === 'status' || key === 'tag' || key === 'phone') return CHOICE_OPS;
    if (key === 'name' || key === 'region' || key === 'source') return TEXT_OPS;
    return ORDER_OPS;
}

const OP_KEYS: Record<string, Key> = {
    '=': 'segment.opIs',
    '!=': 'segment.opIsNot',
    '~': 'segment.opContains',
    '>=': 'segment.opAtLeast',
    '<=': 'segment.opAtMost',
    '>': 'segment.opMore',
    '<': 'segment.opLess',
};

const KEY_KEYS: Record<string, Key> = {
    status: 'field.status',
    tag: 'field.tag',
    region: 'field.region',
    source: 'field.source',
    name: 'field.name',
    phone: 'field.phone',
    added: 'segment.keyAdded',
    idle: 'segment.keyIdle',
};

export function conditionExpression(c: Condition): string {
    return `${c.key}${c.op}${c.value.trim()}`;
}

// Conditions from dropdowns; the expression it writes and how many contacts it
// finds (GET /contacts/count, half a second after the last change).
export function SegmentBuilder(props: { onApply: (filter: string[]) => void }) {
    const [conditions, setConditions] = useState<Condition[]>([]);
    const [count, setCount] = useState<number | null>(null);
    // Counting from the first paint: the count is asked for on mount, and a
    // page (or a test) that reads aria-busy before the effect runs must not take
    // "not busy, no count" for an answer.
    const [counting, setCounting] = useState(true);
    const statuses = useLoad<Status[]>(dict.statuses, []);
    const tags = useLoad<Tag[]>(dict.tags, []);
    const fields = useLoad<Field[]>(dict.fields, []);
    const complete = conditions.filter((c) => c.value.trim());
    const filter = complete.map(conditionExpression);
    const key = filter.join('\n');
    useEffect(() => {
        let live = true;
        setCounting(true);
        const timer = window.setTimeout(() => {
            get<{ total: number }>('/contacts/count', { filter }, true).then(
                (r) => {
                    if (!live) return;
                    setCount(r.total);
                    setCounting(false);
                },
                () => {
                    if (!live) return;
                    setCount(null);
                    setCounting(false);
                },
            );
        }, 500);
        return () => {
            live = false;
            window.clearTimeout(timer);
        };
    }, [key]);
    const keys = [...Object.keys(KEY_KEYS), ...(fields.data ?? []).map((f) => `field:${f.name}`)];
    const set = (i: number, patch: Partial<Condition>) =>
        setConditions(
            conditions.map((c, j) => {
                if (j !== i) return c;
                const next = { ...c, ...patch };
                if (patch.key !== undefined) {
                    next.op = opsOf(next.key)[0]!;
                    next.value = '';
                }
                return next;
            }),
        );
    const statusList = statuses.data ?? [];
    function valueInput(c: Condition, i: number) {
        const onValue = (e: Event) => set(i, { value: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
        if (c.key === 'status') {
            return (
                <select data-testid="segment-value" value={c.value} onChange={onValue}>
                    <option value="">{t('segment.chooseValue')}</option>
                    {statusList.map((s) => (
                        <option key={s.id} value={s.id}>
                            {dict.statusLabel(statusList, s.id)}
                        </option>
                    ))}
                </select>
            );
        }
        if (c.key === 'tag') {
            return (
                <select data-testid="segment-value" value={c.value} onChange={onValue}>
                    <option value="">{t('segment.chooseValue')}</option>
                    {(tags.data ?? []).map((tag) => (
                        <option key={`${tag.category}:${tag.name}`} value={tag.name}>
                            {tag.category ? `${tag.category}: ${tag.name}` : tag.name}
                        </option>
                    ))}
                </select>
            );
        }
        if (c.key === 'added') return <input data-testid="segment-value" type="date" value={c.value} onInput={onValue} />;
        if (c.key === 'idle') return <input data-testid="segment-value" type="number" min="0" value={c.value} onInput={onValue} />;
        return <input data-testid="segment-value" value={c.value} onInput={onValue} />;
    }
    return (
        <Section title={t('segment.title')} testid="segment-builder">
            {conditions.map((c, i) => (
                <div class="row-form" key={i} data-testid="segment-condition">
                    <select data-testid="segment-key" value={c.key} onChange={(e) => set(i, { key: e.currentTarget.value })}>
                        {keys.map((k) => (
                            <option key={k} value={k}>
                                {KEY_KEYS[k] ? t(KEY_KEYS[k]!) : k.slice('field:'.length)}
                            </option>
                        ))}
                    </select>
                    <select data-testid="segment-op" value={c.op} onChange={(e) => set(i, { op: e.currentTarget.value })}>
                        {opsOf(c.key).map((op) => (
                            <option key={op} value={op}>
                                {t(OP_KEYS[op]!)}
                            </option>
                        ))}
                    </select>
                    {valueInput(c, i)}
                    <button type="button" class="small" onClick={() => setConditions(conditions.filter((_, j) => j !== i))}>
                        {t('common.remove')}
                    </button>
                </div>
            ))}
            <div class="row-form">
                <button
                    type="button"
                    data-testid="segment-add"
                    onClick={() => setConditions([...conditions, { key: 'status', op: '=', value: '' }])}
                >
                    + {t('segment.addCondition')}
                </button>
                <button type="button" class="primary" data-testid="segment-apply" onClick={() => props.onApply(filter)}>
                    {t('segment.apply')}
                </button>
            </div>
            <p class="mono filter-preview" data-testid="segment-expression">
                {filter.length ? filter.join('  ·  ') : t('segment.everyone')}
            </p>
            <p data-testid="segment-count" data-count={count ?? ''} aria-busy={counting}>
                {count === null ? t('segment.noCount') : t('segment.matches', { count: number(count) })}
            </p>
        </Section>
    );
}

// ---- Saved filters ----

export function SavedFilters(props: { current: string[]; onOpen: (filter: string[]) => void }) {
    const list = useLoad(() => get<{ items: SavedFilter[] }>('/saved-filters'), []);
    const [name, setName] = useState('');
    const [chosen, setChosen] = useState('');
    const [notice, setNotice] = useState<string | null>(null);
    const items = list.data?.items ?? [];
    async function save(e: Event) {
        e.preventDefault();
        const saved = await post<SavedFilter>('/saved-filters', { name: name.trim(), filter: props.current });
        setNotice(t('saved.saved', { name: saved.name }));
        setName('');
        setChosen(String(saved.id));
        list.reload();
    }
    async function remove() {
        const item = items.find((f) => String(f.id) === chosen);
        if (!item) return;
        await del(`/saved-filters/${item.id}`);
        setNotice(t('saved.removed', { name: item.name }));
        setChosen('');
        list.reload();
    }
    return (
        <Section title={t('saved.title')} testid="saved-filters">
            <div class="row-form">
                <Labeled label={t('saved.open')}>
                    <select data-testid="saved-select" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
                        <option value="">{items.length ? t('saved.choose') : t('saved.none')}</option>
                        {items.map((f) => (
                            <option key={f.id} value={String(f.id)}>
                                {f.name}
                            </option>
                        ))}
                    </select>
                </Labeled>
                <button
                    type="button"
                    data-testid="saved-open"
                    disabled={!chosen}
                    onClick={() => {
                        const item = items.find((f) => String(f.id) === chosen);
                        if (item) props.onOpen(item.filter);
                    }}
                >
                    {t('saved.openButton')}
                </button>
                <button type="button" class="danger" data-testid="saved-remove" disabled={!chosen} onClick={() => remove().catch(() => undefined)}>
                    {t('common.remove')}
                </button>
            </div>
            <form class="row-form" onSubmit={(e) => save(e).catch(() => undefined)}>
                <span class="mono filter-preview" data-testid="saved-current">
                    {props.current.length ? props.current.join('  ·  ') : t('search.exportAll')}
                </span>
                <Labeled label={t('saved.name')}>
                    <input data-testid="saved-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" data-testid="saved-save" disabled={!name.trim()}>
                    {t('saved.save')}
                </button>
            </form>
            <Notice text={notice} onClose={() => setNotice(null)} />
        </Section>
    );
}

// ---- Mass edits ----

const STOP_CATEGORIES = ['do_not_disturb', 'written_only', 'not_now'] as const;
export { STOP_CATEGORIES };

// What to do with the selected rows (or every row of the filter): tag, untag,
// status, stop-list (category and reason), assign. The answer says how many
// changed and which failed, and why.
export function MassEdit(props: { ids: number[]; filter: string[] | null; total: number; onDone: () => void }) {
    const [action, setAction] = useState('tag');
    const [tag, setTag] = useState('');
    const [status, setStatus] = useState('');
    const [category, setCategory] = useState('do_not_disturb');
    const [reason, setReason] = useState('');
    const [to, setTo] = useState('');
    const [busy, setBusy] = useState(false);
    const [result, setResult] = useState<MassResult | null>(null);
    const tags = useLoad<Tag[]>(dict.tags, []);
    const statuses = useLoad<Status[]>(dict.statuses, []);
    const actions = ['tag', 'untag', 'status', ...(can('stop_list') ? ['stop'] : []), ...(can('assign_contacts') ? ['assign'] : [])];
    const count = props.filter ? props.total : props.ids.length;
    const ready =
        ((action === 'tag' || action === 'untag') && tag) ||
        (action === 'status' && status && status !== 'callback') ||
        (action === 'stop' && reason.trim()) ||
        action === 'assign';
    async function apply(e: Event) {
        e.preventDefault();
        setBusy(true);
        try {
            const body: Record<string, unknown> = { action };
            if (props.filter) body.filter = props.filter;
            else body.ids = props.ids;
            if (action === 'tag' || action === 'untag') body.tag = tag;
            if (action === 'status') body.status = status;
            if (action === 'stop') Object.assign(body, { category, reason: reason.trim() });
            if (action === 'assign') body.to = to.trim();
            setResult(await post<MassResult>('/contacts/bulk', body));
            props.onDone();
        } finally {
            setBusy(false);
        }
    }
    const statusList = statuses.data ?? [];
    return (
        <div class="panel mass-edit" data-testid="mass-edit">
            <form class="row-form" onSubmit={(e) => apply(e).catch(() => undefined)}>
                <strong data-testid="mass-count">{t('mass.selected', { count: number(count) })}</strong>
                <select data-testid="mass-action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
                    {actions.map((a) => (
                        <option key={a} value={a}>
                            {t(`mass.action.${a}` as Key)}
                        </option>
                    ))}
                </select>
                {(action === 'tag' || action === 'untag') && (
                    <select data-testid="mass-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
                        <option value="">{t('card.chooseTag')}</option>
                        {(tags.data ?? [])
                            .filter((x) => action === 'untag' || !x.retired)
                            .map((x) => (
                                <option key={`${x.category}:${x.name}`} value={x.name}>
                                    {x.category ? `${x.category}: ${x.name}` : x.name}
                                </option>
                            ))}
                    </select>
                )}
                {action === 'status' && (
                    <select data-testid="mass-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                        <option value="">{t('work.chooseStatus')}</option>
                        {statusList
                            .filter((s) => s.id !== 'callback')
                            .map((s) => (
                                <option key={s.id} value={s.id}>
                                    {dict.statusLabel(statusList, s.id)}
                                </option>
                            ))}
                    </select>
                )}
                {action === 'stop' && (
                    <>
                        <select data-testid="mass-category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                            {STOP_CATEGORIES.map((c) => (
                                <option key={c} value={c}>
                                    {t(`stopCategory.${c}` as Key)}
                                </option>
                            ))}
                        </select>
                        <input
                            data-testid="mass-reason"
                            placeholder={t('stopAsk.reason')}
                            value={reason}
                            onInput={(e) => setReason(e.currentTarget.value)}
                        />
                    </>
                )}
                {action === 'assign' && (
                    <input data-testid="mass-to" placeholder={t('mass.toPlaceholder')} value={to} onInput={(e) => setTo(e.currentTarget.value)} />
                )}
                <button type="submit" class="primary" data-testid="mass-apply" disabled={busy || !ready || count === 0}>
                    {t('mass.apply')}
                </button>
            </form>
            {result && (
                <div class="notice" role="status" data-testid="mass-result" data-changed={result.changed} data-failed={result.failed.length}>
                    {t('mass.result', {
                        changed: number(result.changed),
                        unchanged: number(result.unchanged),
                        failed: number(result.failed.length),
                    })}
                    {result.failed.length > 0 && (
                        <ul class="reasons" data-testid="mass-failures">
                            {result.failed.slice(0, 20).map((f) => (
                                <li key={f.id}>
                                    <a href={`#/contacts/${f.id}`}>#{f.id}</a> — {serverText(f.code, f.params, f.reason)}
                                </li>
                            ))}
                            {result.failed.length > 20 && <li>{t('mass.moreFailures', { count: number(result.failed.length - 20) })}</li>}
                        </ul>
                    )}
                    <button type="button" class="link" onClick={() => setResult(null)} aria-label={t('common.close')}>
                        ×
                    </button>
                </div>
            )}
        </div>
    );
}
