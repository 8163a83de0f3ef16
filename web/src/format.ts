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

// A calendar date given as YYYY-MM-DD (a holiday), as people write it: 31.12.2026 in Russian.
export function isoDay(text: string): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return text;
    return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString(locale(), {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
    });
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

// A phone number as people read it: +7 970 920-69-46 for a Russian number in E.164;
// a masked number (+7 (916) ***-**-67), a pseudonym or any other text as it came.
export function phone(text: string | null | undefined): string {
    if (!text) return '';
    const ru = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(text);
    if (ru) return `+7 ${ru[1]} ${ru[2]}-${ru[3]}-${ru[4]}`;
    const other = /^\+(\d{1,3})(\d{6,12})$/.exec(text);
    if (other && !text.startsWith('+7')) return `+${other[1]} ${other[2].replace(/(\d{3})(?=\d{3,})/g, '$1 ')}`;
    return text;
}

// A date typed by a person — 31.12.2026 (as Russians write it), 31/12/2026 or
// 2026-12-31 — as 2026-12-31; null when it is not a date.
export function parseDay(text: string): string | null {
    const s = text.trim();
    let y: number, m: number, d: number;
    let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    if (match) {
        [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    } else {
        match = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
        if (!match) return null;
        [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    }
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${y}-${pad(m)}-${pad(d)}`;
}

// 2026-12-31 as people of the UI's language write it: 31.12.2026 or 31/12/2026.
export function dayText(iso: string): string {
    const [y, m, d] = iso.split('-');
    return lang.get() === 'ru' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

// Unix milliseconds on the call center's clock (UTC offset in minutes), whatever
// the browser's zone: "31.12.2026 14:05".
export function centerTime(ms: number | null | undefined, offsetMinutes: number): string {
    if (!ms) return '';
    const d = new Date(ms + offsetMinutes * 60000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = dayText(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`);
    return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// A CSV file (';', UTF-8 with a BOM, as spreadsheets open it) offered as a download.
export function downloadCsv(name: string, rows: (string | number)[][]): void {
    const cell = (v: string | number) => {
        let s = String(v);
        if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+([.,]\d+)?$/.test(s)) s = `'${s}`;
        return /[";\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const text = '\ufeff' + rows.map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}
