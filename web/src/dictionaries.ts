// The base's dictionaries (tags, statuses, custom fields, consent purposes), fetched
// once per session and shared by the pages that offer them in selects.
import { get, type Field, type List, type Purpose, type Status, type Tag } from './api';
import { lang, t, type Key } from './i18n';

const cache = new Map<string, Promise<unknown[]>>();

function load<T>(path: string): Promise<T[]> {
    let promise = cache.get(path);
    if (!promise) {
        promise = get<List<T>>(path).then((list) => list.items ?? []);
        promise.catch(() => cache.delete(path));
        cache.set(path, promise);
    }
    return promise as Promise<T[]>;
}

export const tags = () => load<Tag>('/tags');
export const statuses = () => load<Status>('/statuses');
export const fields = () => load<Field>('/fields');
export const purposes = () => load<Purpose>('/purposes');

export function clearDictionaries(): void {
    cache.clear();
}

export function statusLabel(list: Status[], id: string): string {
    const status = list.find((s) => s.id === id);
    if (!status) return id;
    return lang.get() === 'ru' ? status.ru : status.en;
}

// A purpose's description; the built-in ones (service, marketing) were seeded in
// English and are shown in the user's language unless an administrator changed them.
const SEEDED: Record<string, string> = {
    service: 'calls about a service the person uses',
    marketing: 'advertising and offers',
};

export function purposeDescription(p: Purpose): string {
    if (p.builtin && SEEDED[p.name] === p.description) return t(`purp.builtin.${p.name}` as Key);
    return p.description;
}
