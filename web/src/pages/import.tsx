// The import wizard: choose a file → the server's preview (encoding, delimiter,
// header, first rows, a suggested column mapping) → adjust → import → progress over
// a WebSocket (polling when the socket fails) → summary and the error report.
import { useEffect, useRef, useState } from 'preact/hooks';
import { API, buildQuery, get, request, type ImportJob, type Preview } from '../api';
import { JobProgress, Labeled, Section, useLoad } from '../components';
import { number } from '../format';
import { t, type Key } from '../i18n';
import { serverText } from '../server_messages';

export const importFields = [
    'phone',
    'phone2',
    'name',
    'last_name',
    'first_name',
    'middle_name',
    'region',
    'source',
    'email',
    'comment',
    'status',
    'tags',
    'date',
    'consent:marketing',
    'consent:service',
    'consent_date',
    'ignore',
] as const;

const encodings = ['utf-8', 'cp1251'];
const delimiters = [';', ',', '\t', '|'];
const summaryOrder = ['read', 'inserted', 'merged', 'unchanged', 'rejected'];
const summaryExtras = ['errors', 'consents', 'already_imported_as', 'seconds'];

function delimiterLabel(d: string): string {
    if (d === '\t') return 'Tab (\\t)';
    if (d === ' ') return t('import.space');
    return `${d}`;
}

function fieldLabel(field: string): string {
    if (field.startsWith('field:')) return `${t('import.customField')}: ${field.slice(6)}`;
    return `${t(`importField.${field}` as Key)} (${field})`;
}

function baseName(fileName: string): string {
    return fileName.replace(/\.[^.]*$/, '');
}

// Follows an import until it ends: the WebSocket first, polling every 500 ms if the
// socket fails or stays silent. Returns a function that stops following.
function follow(job: number, onState: (state: ImportJob) => void): () => void {
    let finished = false;
    let timer: number | undefined;
    let socket: WebSocket | undefined;

    const update = (state: ImportJob) => {
        if (finished) return;
        onState(state);
        if (state.state !== 'running') stop();
    };
    const poll = () => {
        if (finished || timer !== undefined) return;
        const tick = () => {
            get<ImportJob>(`/imports/${job}`, undefined, true).then(update, () => undefined);
        };
        tick();
        timer = window.setInterval(tick, 500);
    };
    const stop = () => {
        finished = true;
        if (timer !== undefined) window.clearInterval(timer);
        if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
    };

    try {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        socket = new WebSocket(`${scheme}//${location.host}${API}/imports/${job}/events`);
        const silence = window.setTimeout(poll, 2000);
        socket.onmessage = (e) => {
            window.clearTimeout(silence);
            try {
                update(JSON.parse(String(e.data)) as ImportJob);
            } catch {
                poll();
            }
        };
        socket.onerror = () => poll();
        socket.onclose = () => {
            if (!finished) poll();
        };
    } catch {
        poll();
    }
    return stop;
}

interface ErrorRow {
    line: number;
    column: string;
    value: string;
    reason: string;
    code: string | null;
    params: Record<string, string>;
}

// The first rows of the error report, each reason in the user's language
// (its code); the CSV behind the link holds every row.
function ErrorRows({ job }: { job: number }) {
    const report = useLoad(
        () => get<{ total: number; rows: ErrorRow[] }>(`/imports/${job}/errors`, { format: 'json' }, true),
        [job],
    );
    if (!report.data || report.data.rows.length === 0) return null;
    const { total, rows } = report.data;
    return (
        <>
            <p>
                {total > rows.length
                    ? t('import.errorRows.some', { shown: number(rows.length), total: number(total) })
                    : t('import.errorRows.all', { total: number(total) })}
            </p>
            <table class="grid" data-testid="import-error-rows">
                <thead>
                    <tr>
                        <th scope="col">{t('import.errorRows.line')}</th>
                        <th scope="col">{t('import.errorRows.column')}</th>
                        <th scope="col">{t('import.errorRows.value')}</th>
                        <th scope="col">{t('import.errorRows.reason')}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.map((r, i) => (
                        <tr key={i}>
                            <td class="num">{r.line || ''}</td>
                            <td data-user-text>{r.column}</td>
                            <td data-user-text>{r.value}</td>
                            <td>{serverText(r.code ?? undefined, r.params, r.reason)}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </>
    );
}

export function ImportPage() {
    const [file, setFile] = useState<File | null>(null);
    const [bytes, setBytes] = useState<ArrayBuffer | null>(null);
    const [preview, setPreview] = useState<Preview | null>(null);
    const [encoding, setEncoding] = useState('');
    const [delimiter, setDelimiter] = useState('');
    const [sheet, setSheet] = useState('');
    const [headerRow, setHeaderRow] = useState('');
    const [mapping, setMapping] = useState<Record<string, string>>({});
    const [source, setSource] = useState('');
    const [onDuplicate, setOnDuplicate] = useState('merge');
    const [job, setJob] = useState<ImportJob | null>(null);
    const [busy, setBusy] = useState(false);
    const stopFollowing = useRef<(() => void) | null>(null);

    useEffect(() => () => stopFollowing.current?.(), []);

    // `choice`: what the user set (encoding and delimiter of a CSV, a
    // workbook's sheet, the header row); the server detects the rest.
    async function loadPreview(data: ArrayBuffer, choice: { encoding?: string; delimiter?: string; sheet?: string; headerRow?: string } = {}) {
        setBusy(true);
        try {
            const answer = await request<Preview>('POST', '/imports/preview', {
                raw: data,
                query: { encoding: choice.encoding, delimiter: choice.delimiter, sheet: choice.sheet, header_row: choice.headerRow },
            });
            setPreview(answer);
            setEncoding(answer.encoding ?? '');
            setDelimiter(answer.delimiter ?? '');
            setSheet(answer.sheet ?? '');
            setHeaderRow(choice.headerRow ?? '');
            setMapping(Object.fromEntries(answer.mapping.map((m) => [m.header, m.field || 'ignore'])));
        } catch {
            setPreview(null);
        } finally {
            setBusy(false);
        }
    }

    async function choose(e: Event) {
        const chosen = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
        stopFollowing.current?.();
        setJob(null);
        setPreview(null);
        setFile(chosen);
        if (!chosen) return;
        setSource((s) => s || baseName(chosen.name));
        const data = await chosen.arrayBuffer();
        setBytes(data);
        await loadPreview(data);
    }

    async function start(e: Event) {
        e.preventDefault();
        if (!bytes || !file || !preview) return;
        setBusy(true);
        try {
            const map = preview.header.map((h) => `${h}=${mapping[h] ?? 'ignore'}`);
            const workbook = preview.format !== 'csv';
            const answer = await request<{ job: number }>('POST', '/imports', {
                raw: bytes,
                query: {
                    file_name: file.name,
                    source: source.trim(),
                    on_duplicate: onDuplicate,
                    encoding: workbook ? undefined : encoding,
                    delimiter: workbook ? undefined : delimiter,
                    sheet: workbook ? sheet : undefined,
                    header_row: headerRow || undefined,
                    map,
                },
            });
            const first: ImportJob = {
                job: answer.job,
                state: 'running',
                done_bytes: 0,
                total_bytes: bytes.byteLength,
                summary: null,
            };
            setJob(first);
            stopFollowing.current = follow(answer.job, setJob);
        } catch {
            // shown in the banner
        } finally {
            setBusy(false);
        }
    }

    function again() {
        stopFollowing.current?.();
        setJob(null);
        setPreview(null);
        setFile(null);
        setBytes(null);
        setSource('');
    }

    const headers = preview?.header ?? [];
    const fieldOptions = (header: string) => {
        const custom = `field:${header}`;
        const list: string[] = [...importFields, custom];
        const current = mapping[header];
        if (current && !list.includes(current)) list.push(current);
        return list;
    };
    // The five counts people read first, then the other non-zero counts the server gives.
    const summary = (job?.summary ?? {}) as Record<string, unknown>;
    const summaryKeys = [
        ...summaryOrder.filter((k) => k in summary),
        ...summaryExtras.filter((k) => typeof summary[k] === 'number' && summary[k] !== 0),
    ];

    return (
        <div class="page" data-testid="page-import">
            <h1>{t('import.title')}</h1>

            <Section title={t('import.step1')}>
                <div class="row-form">
                    <Labeled label={t('import.file')}>
                        <input type="file" accept=".csv,.txt,.xlsx,.xls,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel" data-testid="import-file" onChange={choose} disabled={!!job && job.state === 'running'} />
                    </Labeled>
                    {file && (
                        <span class="muted">
                            {file.name} · {number(file.size)} {t('import.bytes')}
                        </span>
                    )}
                </div>
            </Section>

            {preview && !job && (
                <form onSubmit={(e) => start(e).catch(() => undefined)}>
                    <Section title={t('import.step2')}>
                        <div class="row-form">
                            {preview.format === 'csv' ? (
                                <>
                                    <Labeled label={t('import.encoding')}>
                                        <select
                                            data-testid="import-encoding"
                                            value={encoding}
                                            onChange={(e) => bytes && loadPreview(bytes, { encoding: e.currentTarget.value, delimiter, headerRow })}
                                        >
                                            {[...new Set([...encodings, encoding])].map((x) => (
                                                <option key={x} value={x}>
                                                    {x}
                                                </option>
                                            ))}
                                        </select>
                                    </Labeled>
                                    <Labeled label={t('import.delimiter')}>
                                        <select
                                            data-testid="import-delimiter"
                                            value={delimiter}
                                            onChange={(e) => bytes && loadPreview(bytes, { encoding, delimiter: e.currentTarget.value, headerRow })}
                                        >
                                            {[...new Set([...delimiters, delimiter])].map((x) => (
                                                <option key={x} value={x}>
                                                    {delimiterLabel(x)}
                                                </option>
                                            ))}
                                        </select>
                                    </Labeled>
                                </>
                            ) : (
                                <Labeled label={t('import.sheet')}>
                                    <select
                                        data-testid="import-sheet"
                                        value={sheet}
                                        onChange={(e) => bytes && loadPreview(bytes, { sheet: e.currentTarget.value, headerRow })}
                                    >
                                        {(preview.sheets ?? []).map((x, i) => (
                                            <option key={x} value={x}>
                                                {i + 1}. {x}
                                            </option>
                                        ))}
                                    </select>
                                </Labeled>
                            )}
                            <Labeled label={t('import.headerRow')}>
                                <input
                                    data-testid="import-header-row"
                                    type="number"
                                    min={1}
                                    class="narrow"
                                    value={headerRow || String(preview.header_row)}
                                    onChange={(e) =>
                                        bytes &&
                                        loadPreview(bytes, {
                                            encoding: preview.format === 'csv' ? encoding : undefined,
                                            delimiter: preview.format === 'csv' ? delimiter : undefined,
                                            sheet: preview.format === 'csv' ? undefined : sheet,
                                            headerRow: e.currentTarget.value,
                                        })
                                    }
                                />
                            </Labeled>
                            <Labeled label={t('import.source')}>
                                <input data-testid="import-source" required value={source} onInput={(e) => setSource(e.currentTarget.value)} />
                            </Labeled>
                            <Labeled label={t('import.onDuplicate')}>
                                <select data-testid="import-on-duplicate" value={onDuplicate} onChange={(e) => setOnDuplicate(e.currentTarget.value)}>
                                    <option value="merge">{t('import.dupMerge')}</option>
                                    <option value="skip">{t('import.dupSkip')}</option>
                                    <option value="new">{t('import.dupNew')}</option>
                                </select>
                            </Labeled>
                        </div>
                        <p class="muted small">{t('import.mappingHint')}</p>
                        <div class="table-wrap">
                            <table class="grid preview" data-testid="import-mapping">
                                <thead>
                                    <tr>
                                        {headers.map((h) => (
                                            <th key={h}>{h}</th>
                                        ))}
                                    </tr>
                                    <tr class="mapping-row">
                                        {headers.map((h) => (
                                            <th key={h}>
                                                <select
                                                    data-testid="import-map"
                                                    data-header={h}
                                                    value={mapping[h] ?? 'ignore'}
                                                    onChange={(e) => setMapping({ ...mapping, [h]: e.currentTarget.value })}
                                                >
                                                    {fieldOptions(h).map((f) => (
                                                        <option key={f} value={f}>
                                                            {fieldLabel(f)}
                                                        </option>
                                                    ))}
                                                </select>
                                            </th>
                                        ))}
                                    </tr>
                                </thead>
                                <tbody>
                                    {preview.rows.slice(0, 10).map((row, i) => (
                                        <tr key={i}>
                                            {headers.map((h, j) => (
                                                <td key={h} class={mapping[h] === 'ignore' ? 'muted' : ''}>
                                                    {row[j] ?? ''}
                                                </td>
                                            ))}
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="primary" data-testid="import-start" disabled={busy}>
                                {t('import.start')}
                            </button>
                        </div>
                    </Section>
                </form>
            )}

            {job && (
                <Section title={t('import.step3')}>
                    <JobProgress job={job} testid="import-progress" after={<> · {file?.name}</>} />
                    {job.state === 'failed' && (
                        <div class="error-inline" data-testid="import-failed">
                            {t('import.failed')}: {serverText(job.error_code, job.error_params, job.error ?? '')}
                        </div>
                    )}
                    {job.state === 'done' && job.summary && (
                        <>
                            <table class="kv summary" data-testid="import-summary">
                                <tbody>
                                    {summaryKeys.map((k) => (
                                        <tr key={k} data-key={k}>
                                            <th scope="row">{t(`import.summary.${k}` as Key)}</th>
                                            <td class="num" data-testid={`import-summary-${k}`}>
                                                {number(summary[k] as number)}
                                            </td>
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                            {Number(summary.errors) > 0 && <ErrorRows job={job.job} />}
                            <p>
                                <a
                                    data-testid="import-errors-link"
                                    href={`${API}/imports/${job.job}/errors${buildQuery({})}`}
                                    download={`import-${job.job}-errors.csv`}
                                >
                                    {t('import.errorsLink')}
                                </a>
                            </p>
                        </>
                    )}
                    {job.state !== 'running' && (
                        <button type="button" onClick={again} data-testid="import-again">
                            {t('import.again')}
                        </button>
                    )}
                </Section>
            )}
        </div>
    );
}
