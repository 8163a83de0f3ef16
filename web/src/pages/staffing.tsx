// The staffing forecast (#/staffing, GET /staffing; docs/routing.md): calls an
// hour, the average handle time and the targets in; the operators needed on the
// phones and the people to put on the rota out, in big type, with the table of
// what one operator fewer or more would give.
//
// The page takes ?calls=&aht= from its address (#/staffing?calls=300&aht=180) and
// calculates at once: a report of measured calls (the queue reports of issue 19)
// links here with its own measured arrival rate and AHT, and the supervisor sees
// the forecast for the figures measured next to them.
import { useEffect, useState } from 'preact/hooks';
import { get, type Staffing, type StaffingRow } from '../api';
import { Labeled } from '../components';
import { number, percent } from '../format';
import { t } from '../i18n';

interface Inputs {
    calls: string;
    aht: string;
    target: string; // percent
    threshold: string; // seconds
    shrinkage: string; // percent
    maxOccupancy: string; // percent; empty: no limit
}

const DEFAULTS: Inputs = { calls: '', aht: '', target: '80', threshold: '20', shrinkage: '30', maxOccupancy: '' };

// The address's query (#/staffing?calls=…&aht=…): the figures a report links with.
function linked(): Partial<Inputs> {
    const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
    const out: Partial<Inputs> = {};
    const calls = query.get('calls');
    const aht = query.get('aht');
    if (calls) out.calls = calls;
    if (aht) out.aht = aht;
    return out;
}

// "80", "80,5", "80 %" as a share (0.8); null for what is no number.
function share(text: string): number | null {
    const cleaned = text.replace(/%/g, '').replace(/\s/g, '').replace(',', '.');
    if (cleaned === '' || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return null;
    return Number(cleaned) / 100;
}

const seconds = (v: number | null) => (v === null ? '∞' : `${number(Math.round(v * 10) / 10)} ${t('staffing.sec')}`);

function verdict(row: StaffingRow, answer: number): string {
    if (row.meets) return row.agents === answer ? t('staffing.answerRow') : t('staffing.meets');
    if (!row.stable) return t('staffing.unstable');
    const what = row.misses.map((m) => t(m === 'target' ? 'staffing.missesTarget' : m === 'occupancy' ? 'staffing.missesOccupancy' : 'staffing.missesAsa'));
    return t('staffing.misses', { what: what.join(', ') });
}

function Answer(props: { s: Staffing }) {
    const { s } = props;
    const a = s.answer;
    return (
        <>
            <div class="staffing-answer" data-testid="staffing-answer">
                <div class="staffing-big">
                    <span class="staffing-number" data-testid="staffing-agents">
                        {number(a.agents)}
                    </span>
                    <span class="staffing-label">{t('staffing.agents')}</span>
                </div>
                <div class="staffing-big">
                    <span class="staffing-number" data-testid="staffing-scheduled">
                        {number(a.scheduled)}
                    </span>
                    <span class="staffing-label">{t('staffing.scheduled')}</span>
                    <span class="total-sub">{t('staffing.scheduledSub', { shrinkage: percent(s.input.shrinkage) })}</span>
                </div>
            </div>
            <div class="totals" data-testid="staffing-figures">
                <div class="total">
                    <span class="total-value" data-testid="staffing-sl">
                        {percent(a.service_level)}
                    </span>
                    <span class="total-label">{t('staffing.serviceLevel')}</span>
                    <span class="total-sub">{t('staffing.serviceLevelSub', { seconds: number(s.input.threshold_seconds) })}</span>
                </div>
                <div class="total">
                    <span class="total-value">{seconds(a.asa_seconds)}</span>
                    <span class="total-label">{t('staffing.asa')}</span>
                </div>
                <div class="total">
                    <span class="total-value">{percent(a.wait_probability)}</span>
                    <span class="total-label">{t('staffing.wait')}</span>
                </div>
                <div class="total">
                    <span class="total-value">{percent(a.occupancy)}</span>
                    <span class="total-label">{t('staffing.occupancy')}</span>
                </div>
            </div>
            <p class="hint" data-testid="staffing-traffic">
                {t('staffing.traffic', {
                    erlangs: number(Math.round(s.traffic_erlangs * 100) / 100),
                    calls: number(Math.round(s.calls_per_hour * 10) / 10),
                    aht: number(s.input.aht_seconds),
                })}
            </p>
            <h2>{t('staffing.table')}</h2>
            <div class="table-wrap">
                <table class="grid" data-testid="staffing-table">
                    <thead>
                        <tr>
                            <th class="num">{t('staffing.colAgents')}</th>
                            <th class="num">{t('staffing.colScheduled')}</th>
                            <th class="num">{t('staffing.serviceLevel')}</th>
                            <th class="num">{t('staffing.asa')}</th>
                            <th class="num">{t('staffing.wait')}</th>
                            <th class="num">{t('staffing.occupancy')}</th>
                            <th>{t('staffing.colVerdict')}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {s.rows.map((row) => (
                            <tr
                                key={row.agents}
                                class={row.agents === a.agents ? 'selected' : row.meets ? '' : 'muted'}
                                data-testid="staffing-row"
                                data-agents={row.agents}
                                data-meets={row.meets ? 'yes' : 'no'}
                            >
                                <td class="num">{number(row.agents)}</td>
                                <td class="num">{number(row.scheduled)}</td>
                                <td class="num">{percent(row.service_level)}</td>
                                <td class="num">{seconds(row.asa_seconds)}</td>
                                <td class="num">{percent(row.wait_probability)}</td>
                                <td class="num">{percent(row.occupancy)}</td>
                                <td>{verdict(row, a.agents)}</td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </div>
            <p class="hint">{t('staffing.assumes')}</p>
        </>
    );
}

export function StaffingPage() {
    const [fromLink] = useState(linked);
    const [inputs, setInputs] = useState<Inputs>({ ...DEFAULTS, ...fromLink });
    const [result, setResult] = useState<Staffing | null>(null);
    const [formError, setFormError] = useState<string | null>(null);
    const set = (name: keyof Inputs) => (e: Event) => setInputs({ ...inputs, [name]: (e.target as HTMLInputElement).value });

    async function calculate(values: Inputs) {
        if (!values.calls.trim() || !values.aht.trim()) {
            setFormError(t('staffing.needInputs'));
            return;
        }
        const shares: Record<string, number | null> = {};
        for (const [name, text] of [
            ['target', values.target],
            ['shrinkage', values.shrinkage],
            ['max_occupancy', values.maxOccupancy],
        ] as const) {
            if (name === 'max_occupancy' && text.trim() === '') continue;
            const v = share(text);
            if (v === null) {
                setFormError(t('staffing.notPercent', { value: text }));
                return;
            }
            shares[name] = v;
        }
        setFormError(null);
        // The figures the page shows stay in its address, for a bookmark or a link.
        history.replaceState(null, '', `#/staffing?calls=${encodeURIComponent(values.calls.trim())}&aht=${encodeURIComponent(values.aht.trim())}`);
        try {
            setResult(
                await get<Staffing>('/staffing', {
                    calls: values.calls.trim(),
                    aht: values.aht.trim(),
                    threshold: values.threshold.trim(),
                    ...shares,
                }),
            );
        } catch {
            setResult(null); // the error banner says what was wrong
        }
    }

    useEffect(() => {
        if (fromLink.calls && fromLink.aht) void calculate(inputs);
    }, []);

    return (
        <div class="page" data-testid="page-staffing" data-loaded={result ? String(result.answer.agents) : ''}>
            <h1>{t('staffing.title')}</h1>
            <p class="hint">{t('staffing.hint')}</p>
            {fromLink.calls && fromLink.aht && (
                <p class="notice" data-testid="staffing-linked">
                    {t('staffing.linked')}
                </p>
            )}
            <form
                class="row-form staffing-form"
                data-testid="staffing-form"
                onSubmit={(e) => {
                    e.preventDefault();
                    void calculate(inputs);
                }}
            >
                <Labeled label={t('staffing.calls')}>
                    <input inputMode="decimal" value={inputs.calls} onInput={set('calls')} data-testid="staffing-calls" />
                </Labeled>
                <Labeled label={t('staffing.aht')}>
                    <input inputMode="decimal" value={inputs.aht} onInput={set('aht')} data-testid="staffing-aht" />
                </Labeled>
                <Labeled label={t('staffing.target')}>
                    <input inputMode="decimal" value={inputs.target} onInput={set('target')} data-testid="staffing-target" />
                </Labeled>
                <Labeled label={t('staffing.threshold')}>
                    <input inputMode="decimal" value={inputs.threshold} onInput={set('threshold')} data-testid="staffing-threshold" />
                </Labeled>
                <Labeled label={t('staffing.shrinkage')}>
                    <input inputMode="decimal" value={inputs.shrinkage} onInput={set('shrinkage')} data-testid="staffing-shrinkage" />
                </Labeled>
                <Labeled label={t('staffing.maxOccupancy')}>
                    <input
                        inputMode="decimal"
                        value={inputs.maxOccupancy}
                        placeholder={t('staffing.noLimit')}
                        onInput={set('maxOccupancy')}
                        data-testid="staffing-max-occupancy"
                    />
                </Labeled>
                <button type="submit" class="primary" data-testid="staffing-calculate">
                    {t('staffing.calculate')}
                </button>
            </form>
            {formError && (
                <p class="error-inline" role="alert" data-testid="staffing-form-error">
                    {formError}
                </p>
            )}
            {result && <Answer s={result} />}
        </div>
    );
}
