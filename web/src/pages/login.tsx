// Log in: name, password and, for admin, analyst and dpo, a 6-digit TOTP code.
// A user whose role needs a code and who has none yet sets one up here first:
// the password gives a secret for the authenticator app, and a code from the
// app turns it on.
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
    const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
    const [enrolled, setEnrolled] = useState(false);

    async function beginEnrolment() {
        showError(null);
        const body: Record<string, string> = { user: user.trim(), password };
        if (totp.trim()) body.totp = totp.trim();
        const answer = await post<{ secret: string; uri: string }>('/totp', body);
        setEnrolment(answer);
        setEnrolled(false);
        setTotp('');
    }

    async function confirmEnrolment() {
        showError(null);
        await post('/totp/confirm', { user: user.trim(), password, code: totp.trim() });
        setEnrolment(null);
        setEnrolled(true);
        setTotp('');
    }

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
                {enrolment ? (
                    <div class="enrol" data-testid="totp-enrolment">
                        <p class="hint">{t('login.enrolHint')}</p>
                        <p>
                            {t('login.secret')}: <code data-testid="totp-secret">{enrolment.secret}</code>
                        </p>
                        <p class="small muted break">{enrolment.uri}</p>
                        <button type="button" class="primary" data-testid="totp-confirm" onClick={() => confirmEnrolment().catch(() => undefined)}>
                            {t('login.confirm')}
                        </button>
                    </div>
                ) : (
                    <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
                        {busy ? t('common.wait') : t('login.submit')}
                    </button>
                )}
                {enrolled && (
                    <p class="notice" role="status" data-testid="totp-enrolled">
                        {t('login.enrolled')}
                    </p>
                )}
                {!enrolment && (
                    <button type="button" class="link" data-testid="totp-enrol" onClick={() => beginEnrolment().catch(() => undefined)}>
                        {t('login.enrol')}
                    </button>
                )}
            </form>
        </div>
    );
}
