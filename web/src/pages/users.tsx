// Users: list, add (name, role, password), change a role, disable and enable
// again, unlock after failed logins, set a new password, reset a lost second
// factor; and the permission table read-only.
import { useState } from 'preact/hooks';
import { get, post, put, session, type List, type PermissionTable, type User } from '../api';
import { KeyOptions, Labeled, Notice, Section, useLoad } from '../components';
import { dateTime } from '../format';
import { serverText } from '../server_messages';
import { t, type Key } from '../i18n';

export const roles = ['operator', 'supervisor', 'analyst', 'admin', 'dpo', 'service'] as const;

function AddForm(props: { onAdded: (name: string) => void }) {
    const [name, setName] = useState('');
    const [role, setRole] = useState('operator');
    const [password, setPassword] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        await post('/users', { name: name.trim(), role, password });
        props.onAdded(name.trim());
        setName('');
        setPassword('');
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('users.name')}>
                <input data-testid="user-name" required autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={t('users.role')}>
                <select data-testid="user-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                    <KeyOptions ids={roles} prefix="role." />
                </select>
            </Labeled>
            <Labeled label={t('login.password')}>
                <input
                    data-testid="user-password"
                    type="password"
                    required
                    minLength={10}
                    autocomplete="new-password"
                    value={password}
                    onInput={(e) => setPassword(e.currentTarget.value)}
                />
            </Labeled>
            <button type="submit" class="primary" data-testid="user-add">
                {t('common.add')}
            </button>
            <span class="hint">{t('users.passwordHint')}</span>
        </form>
    );
}

// Sets a new password for a user who forgot theirs; their sessions end.
function PasswordReset(props: { user: User; onDone: (text: string) => void }) {
    const [open, setOpen] = useState(false);
    const [password, setPassword] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        await put(`/users/${encodeURIComponent(props.user.name)}/password`, { password });
        setOpen(false);
        setPassword('');
        props.onDone(t('users.passwordSet', { name: props.user.name }));
    }
    if (!open) {
        return (
            <button type="button" class="small" data-testid="user-password-reset" onClick={() => setOpen(true)}>
                {t('users.resetPassword')}
            </button>
        );
    }
    return (
        <form class="inline-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <input
                type="password"
                required
                minLength={10}
                autocomplete="new-password"
                placeholder={t('users.newPassword')}
                aria-label={t('users.newPassword')}
                data-testid="user-new-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <button type="submit" class="small primary" data-testid="user-password-save">
                {t('common.save')}
            </button>
            <button type="button" class="small" onClick={() => setOpen(false)}>
                {t('common.cancel')}
            </button>
        </form>
    );
}

// Takes the second factor away (a lost phone), after a confirmation.
function TotpReset(props: { user: User; onDone: (text: string) => void }) {
    const [asking, setAsking] = useState(false);
    async function reset() {
        await post(`/users/${encodeURIComponent(props.user.name)}/totp/reset`);
        setAsking(false);
        props.onDone(t('users.totpResetN', { name: props.user.name }));
    }
    if (!asking) {
        return (
            <button type="button" class="small" data-testid="user-totp-reset" onClick={() => setAsking(true)}>
                {t('users.resetTotp')}
            </button>
        );
    }
    return (
        <span class="inline-form">
            <span class="hint">{t('users.resetTotpAsk')}</span>
            <button type="button" class="small danger" data-testid="user-totp-reset-confirm" onClick={() => reset().catch(() => undefined)}>
                {t('users.resetTotp')}
            </button>
            <button type="button" class="small" onClick={() => setAsking(false)}>
                {t('common.cancel')}
            </button>
        </span>
    );
}

function UserRow(props: { user: User; onChanged: (text: string) => void }) {
    const u = props.user;
    const [role, setRole] = useState(u.role);
    const self = session.get()?.user === u.name;
    async function changeRole() {
        const answer = await put<{ name: string; role: string }>(`/users/${encodeURIComponent(u.name)}/role`, { role });
        props.onChanged(t('users.roleChanged', { name: answer.name, role: t(`role.${answer.role}` as Key) }));
    }
    async function disable() {
        await post(`/users/${encodeURIComponent(u.name)}/disable`);
        props.onChanged(t('users.disabledN', { name: u.name }));
    }
    async function enable() {
        await post(`/users/${encodeURIComponent(u.name)}/enable`);
        props.onChanged(t('users.enabledN', { name: u.name }));
    }
    async function unlock() {
        await post(`/users/${encodeURIComponent(u.name)}/unlock`);
        props.onChanged(t('users.unlockedN', { name: u.name }));
    }
    const locked = !!u.locked_until && u.locked_until * 1000 > Date.now();
    return (
        <tr data-testid="user-row" data-name={u.name} data-locked={locked ? 'yes' : 'no'} class={u.disabled_at ? 'inactive' : ''}>
            <td>{u.name}</td>
            <td>
                <select aria-label={t('users.role')} value={role} disabled={!!u.disabled_at} onChange={(e) => setRole(e.currentTarget.value)}>
                    <KeyOptions ids={roles} prefix="role." />
                </select>
                {role !== u.role && (
                    <button type="button" class="small" onClick={() => changeRole().catch(() => undefined)}>
                        {t('common.save')}
                    </button>
                )}
            </td>
            <td data-testid="user-totp">{u.totp_enabled ? '✓' : ''}</td>
            <td class="nowrap" data-testid="user-locked">
                {locked ? dateTime(u.locked_until) : ''}
            </td>
            <td class="nowrap">{dateTime(u.disabled_at)}</td>
            <td class="nowrap">{dateTime(u.created_at)}</td>
            <td>
                <div class="row-actions">
                    {locked && (
                        <button type="button" class="small primary" data-testid="user-unlock" onClick={() => unlock().catch(() => undefined)}>
                            {t('users.unlock')}
                        </button>
                    )}
                    {!u.disabled_at && !self && <PasswordReset user={u} onDone={props.onChanged} />}
                    {!u.disabled_at && u.totp_enabled && !self && <TotpReset user={u} onDone={props.onChanged} />}
                    {!u.disabled_at && !self && (
                        <button type="button" class="small danger" data-testid="user-disable" onClick={() => disable().catch(() => undefined)}>
                            {t('users.disable')}
                        </button>
                    )}
                    {u.disabled_at && (
                        <button type="button" class="small" data-testid="user-enable" onClick={() => enable().catch(() => undefined)}>
                            {t('users.enable')}
                        </button>
                    )}
                </div>
            </td>
        </tr>
    );
}

function Permissions() {
    const table = useLoad(() => get<PermissionTable>('/permissions'), []);
    const p = table.data;
    if (!p) return null;
    return (
        <Section title={t('users.permissions')} testid="permission-table">
            <div class="table-wrap">
                <table class="grid matrix">
                    <thead>
                        <tr>
                            <th>{t('users.permission')}</th>
                            {p.roles.map((r) => (
                                <th key={r} class="center">
                                    {t(`role.${r}` as Key)}
                                </th>
                            ))}
                        </tr>
                    </thead>
                    <tbody>
                        {p.permissions.map((perm) => (
                            <tr key={perm.id}>
                                <td data-permission={perm.id}>
                                    {serverText(`perm.${perm.id}`, undefined, perm.description)}
                                </td>
                                {p.roles.map((r) => (
                                    <td key={r} class="center">
                                        {perm.roles.includes(r) ? '✓' : '—'}
                                    </td>
                                ))}
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
        </Section>
    );
}

export function UsersPage() {
    const list = useLoad(() => get<List<User>>('/users'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const changed = (text: string) => {
        setNotice(text);
        list.reload();
    };
    const items = list.data?.items ?? [];
    return (
        <div class="page" data-testid="page-users">
            <h1>{t('users.title')}</h1>
            <Section title={t('users.add')}>
                <AddForm onAdded={(name) => changed(t('users.added', { name }))} />
            </Section>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('users.list')}>
                <div class="table-wrap">
                    <table class="grid" data-testid="users-table">
                        <thead>
                            <tr>
                                <th>{t('users.name')}</th>
                                <th>{t('users.role')}</th>
                                <th>TOTP</th>
                                <th>{t('users.locked')}</th>
                                <th>{t('users.disabled')}</th>
                                <th>{t('users.created')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((u) => (
                                <UserRow key={`${u.id}/${u.role}`} user={u} onChanged={changed} />
                            ))}
                        </tbody>
                    </table>
                </div>
            </Section>
            <Permissions />
        </div>
    );
}
