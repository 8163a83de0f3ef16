// The base's dictionaries (tags, statuses, custom fields, consent purposes), fetched
// once per session and shared by the pages that offer them in selects.
import { get, type Field, type List, type Purpose, type Status, type Tag } from './api';
import { dictionaries, lang, t, type Key } from './i18n';

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

// A purpose's description; the built-in ones (service, marketing) were seeded with
// the English of purp.builtin.* and are shown in the user's language unless an
// administrator changed them.
export function purposeDescription(p: Purpose): string {
    const key = `purp.builtin.${p.name}`;
    if (p.builtin && key in dictionaries.en && dictionaries.en[key as Key] === p.description) return t(key as Key);
    return p.description;
}
