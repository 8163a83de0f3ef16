// A tiny observable value and the hook that re-renders a component when it changes.
// The app keeps its few pieces of global state (session, language, error banner,
// dictionaries) in these; everything else is component state.
import { useEffect, useReducer } from 'preact/hooks';

export interface Store<T> {
    get(): T;
    set(value: T): void;
    subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
    let value = initial;
    const listeners = new Set<() => void>();
    return {
        get: () => value,
        set(next: T) {
            value = next;
            for (const listener of [...listeners]) listener();
        },
        subscribe(listener: () => void) {
            listeners.add(listener);
            return () => {
                listeners.delete(listener);
            };
        },
    };
}

export function useStore<T>(store: Store<T>): T {
    const [, rerender] = useReducer((n: number) => n + 1, 0);
    useEffect(() => store.subscribe(() => rerender(0)), [store]);
    return store.get();
}
