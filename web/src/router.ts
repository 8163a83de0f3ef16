// A hash router: #/contacts, #/contacts/42, #/import, #/campaigns/3, … The route is
// the page name and an optional numeric id; anything unknown falls back to the
// contacts search.
import { createStore } from './store';

export type PageName =
    | 'login'
    | 'search'
    | 'card'
    | 'import'
    | 'stop-list'
    | 'consents'
    | 'deletions'
    | 'exports'
    | 'audit'
    | 'health'
    | 'dictionaries'
    | 'users'
    | 'rules'
    | 'registries'
    | 'purposes'
    | 'teams'
    | 'campaigns'
    | 'campaign'
    | 'calls'
    | 'reports'
    | 'staffing'
    | 'routing'
    | 'wallboard'
    | 'telephony'
    | 'work';

export interface Route {
    page: PageName;
    id?: number;
}

const simplePages: Record<string, PageName> = {
    login: 'login',
    contacts: 'search',
    import: 'import',
    'stop-list': 'stop-list',
    consents: 'consents',
    deletions: 'deletions',
    exports: 'exports',
    audit: 'audit',
    health: 'health',
    dictionaries: 'dictionaries',
    users: 'users',
    rules: 'rules',
    registries: 'registries',
    purposes: 'purposes',
    teams: 'teams',
    campaigns: 'campaigns',
    calls: 'calls',
    reports: 'reports',
    staffing: 'staffing',
    routing: 'routing',
    wallboard: 'wallboard',
    telephony: 'telephony',
    work: 'work',
};

export function parseRoute(hash: string): Route {
    const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean);
    const head = parts[0] ?? 'contacts';
    if (head === 'contacts' && parts[1] && /^\d+$/.test(parts[1])) {
        return { page: 'card', id: Number(parts[1]) };
    }
    if (head === 'campaigns' && parts[1] && /^\d+$/.test(parts[1])) {
        return { page: 'campaign', id: Number(parts[1]) };
    }
    return { page: simplePages[head] ?? 'search' };
}

export const route = createStore<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => route.set(parseRoute(location.hash)));

export function navigate(hash: string): void {
    if (location.hash === hash) route.set(parseRoute(hash));
    else location.hash = hash;
}
