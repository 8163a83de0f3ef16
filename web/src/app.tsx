// The shell: top bar (nav links the session's permissions allow, language switch,
// logout; a menu on narrow screens), the error banner and the page of the route.
import { useEffect, useState } from 'preact/hooks';
import { del, errorBanner, get, session, showError, type Session } from './api';
import { clearDictionaries } from './dictionaries';
import { lang, setLang, t, type Key } from './i18n';
import { navigate, route, type PageName } from './router';
import { useStore } from './store';
import { AuditPage } from './pages/audit';
import { CallLogPage } from './pages/call_log';
import { CampaignPage } from './pages/campaign';
import { CampaignsPage } from './pages/campaigns';
import { CardPage } from './pages/card';
import { ConsentsPage } from './pages/consents';
import { DeletionsPage } from './pages/deletions';
import { ExportsPage } from './pages/exports';
import { HealthPage } from './pages/health';
import { ImportPage } from './pages/import';
import { PurposesPage } from './pages/purposes';
import { RegistriesPage } from './pages/registries';
import { RulesPage } from './pages/rules';
import { TeamsPage } from './pages/teams';
import { LoginPage } from './pages/login';
import { ReportsPage } from './pages/reports';
import { SearchPage } from './pages/search';
import { RoutingPage } from './pages/routing';
import { StaffingPage } from './pages/staffing';
import { WallboardPage } from './pages/wallboard';
import { StopListPage } from './pages/stop_list';
import { DictionariesPage } from './pages/dictionaries';
import { TelephonyPage } from './pages/telephony';
import { UsersPage } from './pages/users';
import { WorkPage } from './pages/work';

// The top bar keeps the day's work in sight (contacts, the desk, campaigns) and puts
// the rest in three menus, so that it fits 1366 px in Russian for every role.
type NavGroup = 'compliance' | 'data' | 'admin';
const NAV_GROUPS: NavGroup[] = ['compliance', 'data', 'admin'];

interface NavItem {
    name: string; // the hash path and data-testid="nav-<name>"
    label: Key;
    allowed: (permissions: string[]) => boolean;
    pages: PageName[];
    group?: NavGroup; // none: always in the bar
}

const has = (p: string) => (permissions: string[]) => permissions.includes(p);

export const navItems: NavItem[] = [
    { name: 'contacts', label: 'nav.contacts', allowed: has('read_contacts'), pages: ['search', 'card'] },
    { name: 'work', label: 'nav.work', allowed: has('can_call'), pages: ['work'] },
    { name: 'campaigns', label: 'nav.campaigns', allowed: has('campaigns'), pages: ['campaigns', 'campaign'] },
    { name: 'calls', label: 'callLog.nav', allowed: (p) => p.includes('call_records') || p.includes('can_call'), pages: ['calls'] },
    { name: 'reports', label: 'reports.nav', allowed: has('call_records'), pages: ['reports'] },
    { name: 'wallboard', label: 'wallboard.nav', allowed: has('call_records'), pages: ['wallboard'] },
    { name: 'staffing', label: 'staffing.nav', allowed: has('staffing'), pages: ['staffing'] },
    { name: 'routing', label: 'routing.nav', allowed: has('campaigns'), pages: ['routing'], group: 'admin' },
    { name: 'telephony', label: 'nav.telephony', allowed: has('campaigns'), pages: ['telephony'], group: 'admin' },
    { name: 'import', label: 'nav.import', allowed: has('import'), pages: ['import'], group: 'data' },
    {
        name: 'exports',
        label: 'nav.exports',
        allowed: (p) => p.includes('request_export') || p.includes('approve_export'),
        pages: ['exports'],
        group: 'data',
    },
    { name: 'stop-list', label: 'nav.stopList', allowed: has('stop_list'), pages: ['stop-list'], group: 'compliance' },
    { name: 'consents', label: 'nav.consents', allowed: has('consents'), pages: ['consents'], group: 'compliance' },
    { name: 'rules', label: 'nav.rules', allowed: has('rules'), pages: ['rules'], group: 'compliance' },
    { name: 'registries', label: 'nav.registries', allowed: has('registries'), pages: ['registries'], group: 'compliance' },
    { name: 'purposes', label: 'nav.purposes', allowed: has('rules'), pages: ['purposes'], group: 'compliance' },
    {
        name: 'deletions',
        label: 'nav.deletions',
        allowed: (p) => p.includes('deletion_request') || p.includes('deletion_process'),
        pages: ['deletions'],
        group: 'compliance',
    },
    { name: 'audit', label: 'nav.audit', allowed: has('read_audit'), pages: ['audit'], group: 'admin' },
    { name: 'health', label: 'nav.health', allowed: has('read_contacts'), pages: ['health'], group: 'data' },
    { name: 'dictionaries', label: 'nav.dictionaries', allowed: has('dictionaries'), pages: ['dictionaries'], group: 'data' },
    { name: 'users', label: 'nav.users', allowed: has('manage_users'), pages: ['users'], group: 'admin' },
    { name: 'teams', label: 'nav.teams', allowed: has('manage_users'), pages: ['teams'], group: 'admin' },
];

function ErrorBanner() {
    const message = useStore(errorBanner);
    if (!message) return null;
    return (
        <div class="error-banner" role="alert" data-testid="error">
            <span>{message}</span>
            <button type="button" class="link" onClick={() => showError(null)} aria-label={t('common.close')}>
                ×
            </button>
        </div>
    );
}

function NavLink(props: { item: NavItem; page: PageName }) {
    const { item } = props;
    return (
        <a href={`#/${item.name}`} data-testid={`nav-${item.name}`} class={item.pages.includes(props.page) ? 'active' : ''}>
            {t(item.label)}
        </a>
    );
}

function TopBar(props: { user: Session | null; page: PageName }) {
    const [menuOpen, setMenuOpen] = useState(false);
    const current = useStore(lang);
    const items = props.user ? navItems.filter((item) => item.allowed(props.user!.permissions)) : [];

    const [openGroup, setOpenGroup] = useState<NavGroup | null>(null);
    useEffect(() => {
        setMenuOpen(false);
        setOpenGroup(null);
    }, [props.page]);

    async function logout() {
        try {
            await del('/session');
        } catch {
            // the session may be gone already; log out locally all the same
        }
        session.set(null);
        clearDictionaries();
        navigate('#/login');
    }

    return (
        <header class="topbar">
            <a class="brand" href={props.user ? '#/contacts' : '#/login'}>
                callbase
            </a>
            {items.length > 0 && (
                <button
                    type="button"
                    class="menu-toggle"
                    data-testid="menu-toggle"
                    aria-expanded={menuOpen}
                    onClick={() => setMenuOpen(!menuOpen)}
                >
                    ☰ {t('nav.menu')}
                </button>
            )}
            <nav class={menuOpen ? 'nav open' : 'nav'} data-testid="nav">
                {items
                    .filter((item) => !item.group)
                    .map((item) => (
                        <NavLink key={item.name} item={item} page={props.page} />
                    ))}
                {NAV_GROUPS.map((group) => {
                    const members = items.filter((item) => item.group === group);
                    if (members.length === 0) return null;
                    const active = members.some((item) => item.pages.includes(props.page));
                    return (
                        <div
                            key={group}
                            class={`nav-group${openGroup === group ? ' open' : ''}${active ? ' active' : ''}`}
                            data-testid={`navgroup-${group}`}
                            onMouseLeave={() => setOpenGroup(null)}
                        >
                            <button
                                type="button"
                                class="nav-group-button"
                                aria-expanded={openGroup === group}
                                aria-haspopup="true"
                                onClick={() => setOpenGroup(openGroup === group ? null : group)}
                            >
                                {t(`nav.group.${group}` as Key)} ▾
                            </button>
                            <div class="nav-menu" role="menu">
                                {members.map((item) => (
                                    <NavLink key={item.name} item={item} page={props.page} />
                                ))}
                            </div>
                        </div>
                    );
                })}
            </nav>
            <div class="topbar-right">
                <button
                    type="button"
                    class="lang"
                    data-testid="lang-switch"
                    title={t('header.language')}
                    onClick={() => setLang(current === 'ru' ? 'en' : 'ru')}
                >
                    {/* The language it switches to, named in that language. */}
                    <span lang={current === 'ru' ? 'en' : 'ru'}>{current === 'ru' ? 'EN' : 'RU'}</span>
                </button>
                {props.user && (
                    <>
                        <span class="who" data-testid="who">
                            {props.user.user} · {t(`role.${props.user.role}` as Key)}
                        </span>
                        <button type="button" class="logout" data-testid="logout" onClick={logout}>
                            {t('header.logout')}
                        </button>
                    </>
                )}
            </div>
        </header>
    );
}

function Page(props: { page: PageName; id?: number }) {
    switch (props.page) {
        case 'login':
            return <LoginPage />;
        case 'search':
            return <SearchPage />;
        case 'card':
            return <CardPage id={props.id!} />;
        case 'import':
            return <ImportPage />;
        case 'stop-list':
            return <StopListPage />;
        case 'consents':
            return <ConsentsPage />;
        case 'deletions':
            return <DeletionsPage />;
        case 'exports':
            return <ExportsPage />;
        case 'audit':
            return <AuditPage />;
        case 'health':
            return <HealthPage />;
        case 'dictionaries':
            return <DictionariesPage />;
        case 'users':
            return <UsersPage />;
        case 'teams':
            return <TeamsPage />;
        case 'rules':
            return <RulesPage />;
        case 'registries':
            return <RegistriesPage />;
        case 'purposes':
            return <PurposesPage />;
        case 'campaigns':
            return <CampaignsPage />;
        case 'campaign':
            return <CampaignPage id={props.id!} />;
        case 'calls':
            return <CallLogPage />;
        case 'reports':
            return <ReportsPage />;
        case 'staffing':
            return <StaffingPage />;
        case 'routing':
            return <RoutingPage />;
        case 'wallboard':
            return <WallboardPage />;
        case 'telephony':
            return <TelephonyPage />;
        case 'work':
            return <WorkPage />;
    }
}

export function App() {
    const user = useStore(session);
    const current = useStore(route);
    useStore(lang);
    const [checked, setChecked] = useState(false);

    // Who am I: a live session cookie skips the login page.
    useEffect(() => {
        get<Session>('/session', undefined, true)
            .then((s) => session.set(s))
            .catch(() => session.set(null))
            .finally(() => setChecked(true));
    }, []);

    // Errors belong to the page they happened on; the login page keeps the one that
    // sent the user there (an expired session says so).
    useEffect(() => {
        if (current.page !== 'login') showError(null);
    }, [current.page, current.id]);

    useEffect(() => {
        if (!checked) return;
        if (!user && current.page !== 'login') navigate('#/login');
    }, [checked, user, current.page]);

    const page: PageName = !user ? 'login' : current.page === 'login' ? 'search' : current.page;
    useEffect(() => {
        if (checked && user && current.page === 'login') navigate('#/contacts');
    }, [checked, user, current.page]);

    return (
        <div class="app">
            <TopBar user={user} page={page} />
            <main class="main">
                <ErrorBanner />
                {checked ? <Page page={page} id={current.id} key={`${page}/${current.id ?? ''}`} /> : null}
            </main>
        </div>
    );
}
