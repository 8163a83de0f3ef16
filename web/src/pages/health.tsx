// Base health: each metric's share as a bar against its target (a threshold line),
// the verdict coloured pass / fail / n/a, the names and actions in the UI language;
// the totals above. The overview chart is uPlot (canvas).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { get, type Health, type Metric } from '../api';
import { Section, useLoad } from '../components';
import { dateTime, number } from '../format';
import { lang, t } from '../i18n';
import { serverText } from '../server_messages';

const colors: Record<string, string> = { pass: '#2e7d32', fail: '#c62828', na: '#9e9e9e' };

function verdictClass(verdict: string): 'pass' | 'fail' | 'na' {
    const v = verdict.toLowerCase();
    if (v === 'pass' || v === 'ok') return 'pass';
    if (v === 'fail' || v === 'bad') return 'fail';
    return 'na';
}

function verdictText(verdict: string): string {
    const v = verdictClass(verdict);
    return v === 'pass' ? t('health.pass') : v === 'fail' ? t('health.fail') : t('health.na');
}

function metricName(m: Metric): string {
    return lang.get() === 'ru' ? m.name_ru || m.name_en : m.name_en || m.name_ru;
}

function metricAction(m: Metric): string {
    return lang.get() === 'ru' ? m.action_ru || m.action_en : m.action_en || m.action_ru;
}

function percentText(p: number | null | undefined): string {
    if (p === null || p === undefined || Number.isNaN(p)) return '—';
    return `${p.toLocaleString(lang.get() === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 })} %`;
}

// All metrics as bars (numbered as in the list below), each with its target drawn as a
// threshold across the bar.
function Overview(props: { metrics: Metric[] }) {
    const box = useRef<HTMLDivElement>(null);
    useEffect(() => {
        const el = box.current;
        if (!el || props.metrics.length === 0) return undefined;
        const metrics = props.metrics;
        const xs = metrics.map((_, i) => i + 1);
        const values = metrics.map((m) => m.percent ?? null);
        const targets = metrics.map((m) => m.target_percent ?? null);
        const barColors = metrics.map((m) => colors[verdictClass(m.verdict)]!);
        const bars: { left: number; width: number }[] = [];
        const top = Math.max(10, ...values.map((v) => v ?? 0), ...targets.map((v) => v ?? 0));

        const opts: uPlot.Options = {
            width: Math.max(280, el.clientWidth),
            height: 240,
            legend: { show: false },
            cursor: { show: false },
            scales: {
                x: { time: false, range: [0.4, metrics.length + 0.6] },
                y: { range: [0, Math.min(100, Math.ceil((top * 1.1) / 10) * 10)] },
            },
            axes: [
                {
                    splits: () => xs,
                    // The metric's name where there is room for it, else its number in the list.
                    values: (u, splits) => {
                        const room = Math.floor(u.bbox.width / devicePixelRatio / metrics.length / 7.5);
                        return splits.map((s) => {
                            const name = `${s}. ${metricName(metrics[s - 1]!)}`;
                            if (room < 8) return `${s}`;
                            return name.length > room ? `${name.slice(0, room - 1)}…` : name;
                        });
                    },
                },
                { values: (_u, splits) => splits.map((s) => `${s}%`), size: 48 },
            ],
            series: [
                {},
                {
                    label: t('health.value'),
                    paths: uPlot.paths.bars!({
                        size: [0.6, 64],
                        disp: { fill: { unit: 3 as never, values: () => barColors } },
                        each: (_u, _s, idx, left, _top, width) => {
                            bars[idx] = { left, width };
                        },
                    }),
                    points: { show: false },
                    fill: '#90a4ae',
                    stroke: 'transparent',
                    width: 0, // per-bar colours need a series without its own stroke
                },
            ],
            hooks: {
                draw: [
                    (u) => {
                        const ctx = u.ctx;
                        ctx.save();
                        ctx.strokeStyle = '#1a237e';
                        ctx.lineWidth = 2 * devicePixelRatio;
                        ctx.setLineDash([6 * devicePixelRatio, 3 * devicePixelRatio]);
                        targets.forEach((target, i) => {
                            const bar = bars[i];
                            if (target === null || !bar) return;
                            const y = u.valToPos(target, 'y', true);
                            const pad = bar.width * 0.25;
                            ctx.beginPath();
                            ctx.moveTo(bar.left - pad, y);
                            ctx.lineTo(bar.left + bar.width + pad, y);
                            ctx.stroke();
                        });
                        ctx.restore();
                    },
                ],
            },
        };
        const plot = new uPlot(opts, [xs, values], el);
        const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
        observer.observe(el);
        return () => {
            observer.disconnect();
            plot.destroy();
        };
    }, [props.metrics, lang.get()]);
    return <div class="chart" ref={box} data-testid="health-chart" />;
}

function MetricBar(props: { metric: Metric }) {
    const m = props.metric;
    const value = Math.max(0, Math.min(100, m.percent ?? 0));
    const target = m.target_percent;
    const v = verdictClass(m.verdict);
    return (
        <div class="metric-bar" aria-hidden="true">
            <div class={`metric-fill ${v}`} style={{ width: `${value}%` }} />
            {target !== null && target !== undefined && (
                <div class="metric-target" style={{ left: `${Math.max(0, Math.min(100, target))}%` }} title={`${t('health.target')} ${percentText(target)}`} />
            )}
        </div>
    );
}

export function HealthPage() {
    const health = useLoad(() => get<Health>('/health'), []);
    const h = health.data;
    return (
        <div class="page" data-testid="page-health">
            <h1>{t('health.title')}</h1>
            {!h ? (
                <p class="muted">{health.loading ? t('common.loading') : ''}</p>
            ) : (
                <>
                    <div class="totals" data-testid="health-totals">
                        <div class="total">
                            <span class="total-value" data-testid="health-contacts">
                                {number(h.contacts)}
                            </span>
                            <span class="total-label">{t('health.contacts')}</span>
                        </div>
                        <div class="total">
                            <span class="total-value" data-testid="health-phones">
                                {number(h.phones)}
                            </span>
                            <span class="total-label">{t('health.phones')}</span>
                        </div>
                        <div class="total">
                            <span class="total-value">{number(h.merged_contacts)}</span>
                            <span class="total-label">{t('health.merged')}</span>
                        </div>
                        <div class="total">
                            <span class="total-value small">{dateTime(h.at)}</span>
                            <span class="total-label">{t('health.at')}</span>
                        </div>
                    </div>
                    <Section title={t('health.overview')}>
                        <Overview metrics={h.metrics} />
                        <p class="muted small">
                            <span class="legend-swatch pass" /> {t('health.pass')} <span class="legend-swatch fail" /> {t('health.fail')}{' '}
                            <span class="legend-swatch na" /> {t('health.na')} <span class="legend-line" /> {t('health.target')}
                        </p>
                    </Section>
                    <Section title={t('health.metrics')}>
                        <ol class="metrics" data-testid="health-metrics">
                            {h.metrics.map((m) => {
                                const v = verdictClass(m.verdict);
                                return (
                                    <li key={m.id} class={`metric ${v}`} data-testid="health-metric" data-id={m.id} data-verdict={v}>
                                        <div class="metric-head">
                                            <span class="metric-name">{metricName(m)}</span>
                                            <span class={`verdict ${v}`}>{verdictText(m.verdict)}</span>
                                        </div>
                                        <MetricBar metric={m} />
                                        <div class="metric-numbers">
                                            <strong>{percentText(m.percent)}</strong>
                                            <span class="muted">
                                                {' '}
                                                ({number(m.count)} / {number(m.total)})
                                            </span>
                                            {m.target_percent !== null && m.target_percent !== undefined && (
                                                <span class="muted">
                                                    {' '}
                                                    · {t('health.target')} {m.lower_is_better ? '≤' : '≥'} {percentText(m.target_percent)}
                                                </span>
                                            )}
                                        </div>
                                        {m.note && <div class="muted small">{serverText(m.note_code, undefined, m.note)}</div>}
                                        {v !== 'pass' && metricAction(m) && <div class="metric-action">→ {metricAction(m)}</div>}
                                    </li>
                                );
                            })}
                        </ol>
                    </Section>
                </>
            )}
        </div>
    );
}
