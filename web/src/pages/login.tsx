// Log in: name, password and, for admin, analyst and dpo, a 6-digit TOTP code.
import { useState } from 'preact/hooks';
import { ApiError, post, session, showError, type Session } from '../api';
import { clearDictionaries } from '../dictionaries';
import { t } from '../i18n';
import { navigate } from '../router';

export function LoginPage() {
    const [user, setUser] = useState('');
    const [password, setPassword] = useState('');
    const [totp, setTotp] = useState('');
    const [busy, setBusy] = useState(false);

    async function submit(e: Event) {
        e.preventDefault();
        setBusy(true);
        showError(null);
        try {
            const body: Record<string, string> = { user: user.trim(), password };
            if (totp.trim()) body.totp = totp.trim();
            const s = await post<Session>('/session', body);
            clearDictionaries();
            session.set(s);
            navigate('#/contacts');
        } catch (err) {
            if (err instanceof ApiError && err.status === 401 && !err.detail) showError(t('login.failed'));
        } finally {
            setBusy(false);
        }
    }

    return (
        <div class="login" data-testid="page-login">
            <form class="panel login-form" onSubmit={submit}>
                <h1>{t('login.title')}</h1>
                <label class="field">
                    <span class="field-label">{t('login.user')}</span>
                    <input
                        data-testid="login-user"
                        autocomplete="username"
                        required
                        value={user}
                        onInput={(e) => setUser(e.currentTarget.value)}
                    />
                </label>
                <label class="field">
                    <span class="field-label">{t('login.password')}</span>
                    <input
                        data-testid="login-password"
                        type="password"
                        autocomplete="current-password"
                        required
                        value={password}
                        onInput={(e) => setPassword(e.currentTarget.value)}
                    />
                </label>
                <label class="field">
                    <span class="field-label">{t('login.totp')}</span>
                    <input
                        data-testid="login-totp"
                        inputMode="numeric"
                        autocomplete="one-time-code"
                        pattern="[0-9]{6}"
                        maxLength={6}
                        placeholder="123456"
                        value={totp}
                        onInput={(e) => setTotp(e.currentTarget.value)}
                    />
                    <span class="hint">{t('login.totpHint')}</span>
                </label>
                <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
                    {busy ? t('common.wait') : t('login.submit')}
                </button>
            </form>
        </div>
    );
}
