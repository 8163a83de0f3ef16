// Do-not-call registries: each registry's latest version (entries, when loaded and
// by whom), a new version uploaded as the body of POST /registries/{name}/versions
// with its progress polled from the job, every version of a registry, and what
// changed between two of them (counts: the numbers stay in the CLI).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request, type ImportJob, type List, type RegistryDiff, type RegistryVersion } from '../api';
import { Empty, JobProgress, Labeled, Notice, Section, useLoad } from '../components';
import { dateTime, number } from '../format';
import { t } from '../i18n';
import { serverText } from '../server_messages';

// The job of a registry load, until it is done or failed.
function pollJob(job: number, onState: (state: ImportJob) => void): () => void {
    let stopped = false;
    const tick = async () => {
        if (stopped) return;
        try {
            const state = await get<ImportJob>(`/registry-loads/${job}`, undefined, true);
            if (stopped) return;
            onState(state);
            if (state.state !== 'running') return;
        } catch {
            // a dropped answer: ask again
        }
        setTimeout(() => void tick(), 400);
    };
    void tick();
    return () => {
        stopped = true;
    };
}

function Upload(props: { names: string[]; onLoaded: (name: string, version: number) => void }) {
    const [name, setName] = useState('');
    const [file, setFile] = useState<File | null>(null);
    const [job, setJob] = useState<ImportJob | null>(null);
    const [busy, setBusy] = useState(false);
    const stop = useRef<(() => void) | null>(null);
    useEffect(() => () => stop.current?.(), []);

    async function submit(e: Event) {
        e.preventDefault();
        if (!file) return;
        setBusy(true);
        stop.current?.();
        setJob(null);
        const registry = name.trim().toLowerCase();
        try {
            const bytes = await file.arrayBuffer();
            const first = await request<ImportJob>('POST', `/registries/${encodeURIComponent(registry)}/versions`, { raw: bytes });
            setJob(first);
            stop.current = pollJob(first.job, (state) => {
                setJob(state);
                if (state.state === 'done') {
                    const version = Number((state.summary as Record<string, unknown> | null)?.version ?? 0);
                    props.onLoaded(registry, version);
                }
            });
        } catch {
            // shown in the banner
        } finally {
            setBusy(false);
        }
    }

    const summary = (job?.summary ?? {}) as Record<string, number>;
    return (
        <Section title={t('reg.upload')} testid="registry-upload">
            <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
                <Labeled label={t('reg.name')}>
                    <input
                        data-testid="registry-name"
                        required
                        list="registry-names"
                        pattern="[a-z0-9_\-]{1,40}"
                        title={t('reg.nameHint')}
                        autocomplete="off"
                        value={name}
                        onInput={(e) => setName(e.currentTarget.value)}
                    />
                    <datalist id="registry-names">
                        {props.names.map((n) => (
                            <option key={n} value={n} />
                        ))}
                    </datalist>
                </Labeled>
                <Labeled label={t('reg.file')} wide>
                    <input type="file" required data-testid="registry-file" accept=".txt,.csv,.gz,text/plain" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="registry-load" disabled={busy || job?.state === 'running'}>
                    {t('reg.load')}
                </button>
                <span class="hint">{t('reg.fileHint')}</span>
            </form>
            {job && (
                <>
                    <JobProgress job={job} testid="registry-progress" />
                    {job.state === 'failed' && (
                        <div class="error-inline" data-testid="registry-failed">
                            {t('reg.failed')}: {serverText(job.error_code, job.error_params, job.error ?? '')}
                        </div>
                    )}
                    {job.state === 'done' && (
                        <p data-testid="registry-loaded">
                            {t('reg.loaded', {
                                name: String(summary.registry ?? ''),
                                version: summary.version ?? 0,
                                numbers: number(summary.numbers ?? 0),
                                rejected: number(summary.rejected ?? 0),
                                duplicates: number(summary.duplicates ?? 0),
                            })}
                        </p>
                    )}
                </>
            )}
        </Section>
    );
}

function Diff(props: { name: string; versions: RegistryVersion[]; pick: { from: number; to: number } | null }) {
    const numbers = props.versions.map((v) => v.version);
    const last = numbers[numbers.length - 1] ?? 0;
    const [from, setFrom] = useState(props.pick?.from ?? Math.max(1, last - 1));
    const [to, setTo] = useState(props.pick?.to ?? last);
    const [diff, setDiff] = useState<RegistryDiff | null>(null);
    async function compare() {
        setDiff(await get<RegistryDiff>(`/registries/${encodeURIComponent(props.name)}/diff`, { from, to }));
    }
    useEffect(() => {
        if (props.pick) compare().catch(() => undefined);
    }, []);
    if (numbers.length < 2) return <p class="hint">{t('reg.oneVersion')}</p>;
    const options = numbers.map((n) => (
        <option key={n} value={String(n)}>
            {t('reg.versionN', { n })}
        </option>
    ));
    return (
        <div class="row-form" data-testid="registry-diff">
            <Labeled label={t('reg.diffFrom')}>
                <select data-testid="registry-diff-from" value={String(from)} onChange={(e) => setFrom(Number(e.currentTarget.value))}>
                    {options}
                </select>
            </Labeled>
            <Labeled label={t('reg.diffTo')}>
                <select data-testid="registry-diff-to" value={String(to)} onChange={(e) => setTo(Number(e.currentTarget.value))}>
                    {options}
                </select>
            </Labeled>
            <button type="button" data-testid="registry-compare" onClick={() => compare().catch(() => undefined)}>
                {t('reg.compare')}
            </button>
            {diff && (
                <p class="diff-result" data-testid="registry-diff-result">
                    {t('reg.diffResult', { from: diff.from, to: diff.to })} {t('reg.added')}{' '}
                    <strong class="pass" data-testid="registry-diff-added">
                        +{number(diff.added)}
                    </strong>
                    , {t('reg.removed')}{' '}
                    <strong class="fail" data-testid="registry-diff-removed">
                        −{number(diff.removed)}
                    </strong>
                </p>
            )}
        </div>
    );
}

function Versions(props: { name: string; versions: RegistryVersion[]; pick: { from: number; to: number } | null }) {
    return (
        <Section title={t('reg.versionsOf', { name: props.name })} testid="registry-versions">
            <div class="table-wrap">
                <table class="grid">
                    <thead>
                        <tr>
                            <th class="num">{t('reg.version')}</th>
                            <th class="num">{t('reg.entries')}</th>
                            <th class="num">{t('reg.rejected')}</th>
                            <th>{t('reg.loadedAt')}</th>
                            <th>{t('reg.loadedBy')}</th>
                            <th>{t('reg.checksum')}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {[...props.versions].reverse().map((v) => (
                            <tr key={v.version} data-testid="registry-version-row" data-version={v.version}>
                                <td class="num">{v.version}</td>
                                <td class="num">{number(v.entries)}</td>
                                <td class="num">{number(v.rejected)}</td>
                                <td class="nowrap">{dateTime(v.loaded_at)}</td>
                                <td>{v.loaded_by}</td>
                                <td class="mono small" title={v.source_sha256}>
                                    {v.source_sha256.slice(0, 12)}
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <h3>{t('reg.diff')}</h3>
            <Diff key={`${props.name}/${props.pick?.to ?? ''}`} name={props.name} versions={props.versions} pick={props.pick} />
        </Section>
    );
}

export function RegistriesPage() {
    const list = useLoad(() => get<List<RegistryVersion>>('/registry-versions'), []);
    const [selected, setSelected] = useState<string | null>(null);
    const [pick, setPick] = useState<{ from: number; to: number } | null>(null);
    const [notice, setNotice] = useState<string | null>(null);
    const all = list.data?.items ?? [];
    const byName = new Map<string, RegistryVersion[]>();
    for (const v of all) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
    const names = [...byName.keys()];
    const open = selected ?? names[0] ?? null;
    return (
        <div class="page" data-testid="page-registries">
            <h1>{t('reg.title')}</h1>
            <p class="subhead">{t('reg.intro')}</p>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('reg.list')}>
                <div class="table-wrap">
                    <table class="grid" data-testid="registries-table">
                        <thead>
                            <tr>
                                <th>{t('reg.name')}</th>
                                <th class="num">{t('reg.version')}</th>
                                <th class="num">{t('reg.entries')}</th>
                                <th>{t('reg.loadedAt')}</th>
                                <th>{t('reg.loadedBy')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {names.length === 0 && !list.loading && <Empty colSpan={6} text={t('stop.noRegistries')} />}
                            {names.map((n) => {
                                const versions = byName.get(n)!;
                                const latest = versions[versions.length - 1]!;
                                return (
                                    <tr key={n} data-testid="registry-row" data-name={n} class={n === open ? 'selected' : ''}>
                                        <td>{n}</td>
                                        <td class="num" data-testid="registry-latest">
                                            {latest.version}
                                        </td>
                                        <td class="num">{number(latest.entries)}</td>
                                        <td class="nowrap">{dateTime(latest.loaded_at)}</td>
                                        <td>{latest.loaded_by}</td>
                                        <td>
                                            <button
                                                type="button"
                                                class="small"
                                                data-testid="registry-open"
                                                onClick={() => {
                                                    setSelected(n);
                                                    setPick(null);
                                                }}
                                            >
                                                {t('reg.versions')}
                                            </button>
                                        </td>
                                    </tr>
                                );
                            })}
                        </tbody>
                    </table>
                </div>
            </Section>
            <Upload
                names={names}
                onLoaded={(name, version) => {
                    setNotice(t('reg.loadedNotice', { name, version }));
                    setSelected(name);
                    setPick(version > 1 ? { from: version - 1, to: version } : null);
                    list.reload();
                }}
            />
            {open && byName.get(open) && <Versions key={open} name={open} versions={byName.get(open)!} pick={open === selected ? pick : null} />}
        </div>
    );
}
