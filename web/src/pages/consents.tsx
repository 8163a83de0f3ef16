// Consents: look a number up, see its consents, record one (purpose from the base's
// list, channel, when obtained), revoke one.
import { useState } from 'preact/hooks';
import { get, post, type Consent, type List, type Purpose } from '../api';
import { Labeled, Notice, Section, useLoad } from '../components';
import * as dict from '../dictionaries';
import { dateTime, phone as phoneText, toUnix } from '../format';
import { t, type Key } from '../i18n';

// The channels the server accepts (compliance/consent.cc).
const channels = ['call', 'web_form', 'sms', 'paper', 'import'];

function AddForm(props: { purposes: Purpose[]; phone: string; onAdded: (phone: string) => void }) {
    const [phone, setPhone] = useState(props.phone);
    const [purpose, setPurpose] = useState('marketing');
    const [channel, setChannel] = useState('call');
    const [obtained, setObtained] = useState(new Date().toISOString().slice(0, 10));
    async function submit(e: Event) {
        e.preventDefault();
        await post('/consents', { phone: phone.trim(), purpose, channel, obtained_at: toUnix(obtained) });
        props.onAdded(phone.trim());
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('field.phone')}>
                <input data-testid="consent-phone" required inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={t('consents.purpose')}>
                <select data-testid="consent-purpose" value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)}>
                    {props.purposes.map((p) => (
                        <option key={p.name} value={p.name} title={dict.purposeDescription(p)}>
                            {p.name}
                            {p.description ? ` — ${dict.purposeDescription(p)}` : ''}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('consents.channel')}>
                <select data-testid="consent-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
                    {channels.map((c) => (
                        <option key={c} value={c}>
                            {t(`channel.${c}` as Key)}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('consents.obtained')}>
                <input type="date" data-testid="consent-obtained" required value={obtained} onInput={(e) => setObtained(e.currentTarget.value)} />
            </Labeled>
            <button type="submit" class="primary" data-testid="consent-add">
                {t('common.add')}
            </button>
        </form>
    );
}

// Revoking says how the person withdrew the consent (kept with the record).
function RevokeButton(props: { consent: Consent; onRevoked: (n: number) => void }) {
    const [open, setOpen] = useState(false);
    const [how, setHow] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const { phone, purpose } = props.consent;
        const answer = await post<{ revoked: number }>('/consents/revoke', { phone, purpose, how: how.trim() });
        setOpen(false);
        props.onRevoked(answer.revoked);
    }
    if (!open) {
        return (
            <button type="button" class="small" data-testid="consent-revoke" onClick={() => setOpen(true)}>
                {t('consents.revoke')}
            </button>
        );
    }
    return (
        <form class="inline-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <input
                required
                placeholder={t('consents.how')}
                data-testid="consent-revoke-how"
                value={how}
                onInput={(e) => setHow(e.currentTarget.value)}
            />
            <button type="submit" class="small danger" data-testid="consent-revoke-confirm">
                {t('consents.revoke')}
            </button>
            <button type="button" class="small" onClick={() => setOpen(false)}>
                {t('common.cancel')}
            </button>
        </form>
    );
}

export function ConsentsPage() {
    const [query, setQuery] = useState('');
    const [phone, setPhone] = useState('');
    const [notice, setNotice] = useState<string | null>(null);
    const purposes = useLoad<Purpose[]>(dict.purposes, []);
    const list = useLoad(
        () => (phone ? get<List<Consent>>('/consents', { phone }) : Promise.resolve({ items: [] as Consent[] })),
        [phone],
    );

    const revoked = (n: number) => {
        setNotice(t('consents.revokedN', { n }));
        list.reload();
    };

    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-consents">
            <h1>{t('consents.title')}</h1>
            <Section title={t('consents.lookup')}>
                <form
                    class="row-form"
                    onSubmit={(e) => {
                        e.preventDefault();
                        setPhone(query.trim());
                        if (query.trim() === phone) list.reload();
                    }}
                >
                    <Labeled label={t('field.phone')}>
                        <input data-testid="consent-lookup" type="search" inputMode="tel" required value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
                    </Labeled>
                    <button type="submit" class="primary" data-testid="consent-find">
                        {t('search.find')}
                    </button>
                </form>
                {phone && (
                    <div class="table-wrap">
                        <table class="grid" data-testid="consent-table">
                            <thead>
                                <tr>
                                    <th>{t('field.phone')}</th>
                                    <th>{t('consents.purpose')}</th>
                                    <th>{t('consents.channel')}</th>
                                    <th>{t('consents.obtained')}</th>
                                    <th>{t('consents.textVersion')}</th>
                                    <th>{t('consents.recordedBy')}</th>
                                    <th>{t('consents.revoked')}</th>
                                    <th />
                                </tr>
                            </thead>
                            <tbody>
                                {items.map((c) => (
                                    <tr key={c.id} data-testid="consent-row" class={c.revoked_at ? 'inactive' : ''}>
                                        <td class="mono nowrap">{phoneText(c.phone)}</td>
                                        <td>{c.purpose}</td>
                                        <td>{t(`channel.${c.channel}` as Key)}</td>
                                        <td class="nowrap">{dateTime(c.obtained_at)}</td>
                                        <td>{c.text_version}</td>
                                        <td>{c.recorded_by}</td>
                                        <td class="nowrap">{dateTime(c.revoked_at)}</td>
                                        <td>
                                            {!c.revoked_at && <RevokeButton consent={c} onRevoked={revoked} />}
                                        </td>
                                    </tr>
                                ))}
                                {!list.loading && items.length === 0 && (
                                    <tr class="empty">
                                        <td colSpan={8}>{t('consents.none')}</td>
                                    </tr>
                                )}
                            </tbody>
                        </table>
                    </div>
                )}
            </Section>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('consents.add')}>
                <AddForm
                    key={phone}
                    phone={phone}
                    purposes={purposes.data ?? []}
                    onAdded={(p) => {
                        setNotice(t('consents.added'));
                        setQuery(p);
                        if (p === phone) list.reload();
                        else setPhone(p);
                    }}
                />
            </Section>
        </div>
    );
}
