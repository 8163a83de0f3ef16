// Dates and numbers for people: the API gives Unix seconds; we show local time.
import { lang } from './i18n';

function locale(): string {
    return lang.get() === 'ru' ? 'ru-RU' : 'en-GB';
}

export function dateTime(seconds: number | null | undefined): string {
    if (seconds === null || seconds === undefined || seconds === 0) return '';
    return new Date(seconds * 1000).toLocaleString(locale(), {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
    });
}

export function date(seconds: number | null | undefined): string {
    if (seconds === null || seconds === undefined || seconds === 0) return '';
    return new Date(seconds * 1000).toLocaleDateString(locale());
}

export function number(value: number | null | undefined): string {
    if (value === null || value === undefined) return '';
    return value.toLocaleString(locale());
}

// The value of <input type="datetime-local"> or type="date" (local time) as Unix seconds.
export function toUnix(local: string): number | undefined {
    if (!local) return undefined;
    const ms = new Date(local.length === 10 ? `${local}T00:00` : local).getTime();
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

// Unix seconds as the value of <input type="datetime-local">.
export function toLocalInput(seconds: number | null | undefined): string {
    if (!seconds) return '';
    const d = new Date(seconds * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A share (0.031) as a percentage for people: "3.1 %".
export function percent(share: number | null | undefined, digits = 1): string {
    if (share === null || share === undefined || Number.isNaN(share)) return '—';
    return `${(share * 100).toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 })} %`;
}

// Minutes after midnight as HH:MM (1440 is 24:00).
export function clockMinutes(minutes: number): string {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

// A span of milliseconds as m:ss, or h:mm:ss from an hour on.
export function duration(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    const pad = (n: number) => String(n).padStart(2, '0');
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

// A phone number for people: a Russian number grouped as +7 970 920-69-46;
// a masked number (+7 (912) ***-**-89), a pseudonym or another country's
// number as it came.
export function phone(value: string | null | undefined): string {
    if (!value) return '';
    const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(value);
    return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : value;
}
