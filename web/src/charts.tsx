// Small charts drawn as inline SVG (the campaign's live view): a line chart of a few
// series over time with an optional limit line, and a list of horizontal bars.
import type { ComponentChildren } from 'preact';

export interface Series {
    label: string;
    color: string;
    values: number[];
    width?: number; // of the line; a wider one under a narrower stays visible where they meet
}

const W = 480;
const H = 190;
const PAD = { left: 46, right: 12, top: 10, bottom: 24 };

// The smallest of 1, 2, 2.5, 5 × 10^n that is at least v.
export function niceCeil(v: number): number {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-12) return m * p;
    return 10 * p;
}

export function LineChart(props: {
    title: string;
    xs: number[];
    series: Series[];
    yMax?: number; // the top of the scale at least this
    yFormat?: (v: number) => string;
    xFormat?: (v: number) => string;
    limit?: { value: number; label: string };
    empty: string;
    testid?: string;
}) {
    const { xs, series } = props;
    const yFormat = props.yFormat ?? ((v: number) => String(Math.round(v * 100) / 100));
    const xFormat = props.xFormat ?? ((v: number) => String(v));
    const enough = xs.length >= 2;
    const dataMax = Math.max(0, ...series.flatMap((s) => s.values), props.limit?.value ?? 0);
    // About four steps of 1, 2, 2.5 or 5 × 10^n up to the top.
    const want = Math.max(dataMax * 1.05, props.yMax ?? 0, 1e-9);
    const step = niceCeil(want / 4);
    const top = Math.ceil(want / step - 1e-9) * step;
    const x0 = xs[0] ?? 0;
    const x1 = xs[xs.length - 1] ?? 1;
    const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
    const py = (y: number) => H - PAD.bottom - (y / top) * (H - PAD.top - PAD.bottom);
    const ticks: number[] = [];
    for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
    const xTicks = enough ? [x0, (x0 + x1) / 2, x1] : [];
    return (
        <figure class="line-chart" data-testid={props.testid}>
            <figcaption>
                <span class="line-chart-title">{props.title}</span>
                <span class="line-chart-legend">
                    {series.map((s) => (
                        <span key={s.label} class="legend-item">
                            <span class="legend-swatch" style={{ background: s.color }} />
                            {s.label}
                        </span>
                    ))}
                    {props.limit && (
                        <span class="legend-item">
                            <span class="legend-limit" />
                            {props.limit.label}
                        </span>
                    )}
                </span>
            </figcaption>
            <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="xMidYMid meet">
                {ticks.map((v) => (
                    <g key={v}>
                        <line class="grid-line" x1={PAD.left} x2={W - PAD.right} y1={py(v)} y2={py(v)} />
                        <text class="tick" x={PAD.left - 5} y={py(v) + 4} text-anchor="end">
                            {yFormat(v)}
                        </text>
                    </g>
                ))}
                {xTicks.map((x, i) => (
                    <text key={i} class="tick" x={px(x)} y={H - 6} text-anchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}>
                        {xFormat(x)}
                    </text>
                ))}
                {props.limit && (
                    <line
                        class="limit-line"
                        data-testid={props.testid ? `${props.testid}-limit` : undefined}
                        x1={PAD.left}
                        x2={W - PAD.right}
                        y1={py(props.limit.value)}
                        y2={py(props.limit.value)}
                    />
                )}
                {enough &&
                    series.map((s) => (
                        <polyline
                            key={s.label}
                            class="series-line"
                            style={{ stroke: s.color, strokeWidth: s.width ?? 2 }}
                            points={s.values.map((v, i) => `${px(xs[i]!).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}
                        />
                    ))}
                {!enough && (
                    <text class="tick" x={W / 2} y={H / 2} text-anchor="middle">
                        {props.empty}
                    </text>
                )}
            </svg>
        </figure>
    );
}

export interface Bar {
    key: string;
    label: ComponentChildren;
    value: number;
    max: number;
    text: string;
    warn?: boolean;
}

// Horizontal bars, each against its own maximum (a caller ID's calls against its cap).
export function BarList(props: { bars: Bar[]; testid?: string; rowTestid?: string }) {
    return (
        <ul class="bar-list" data-testid={props.testid}>
            {props.bars.map((b) => (
                <li key={b.key} class={b.warn ? 'bar-row warn' : 'bar-row'} data-testid={props.rowTestid} data-key={b.key}>
                    <span class="bar-label">{b.label}</span>
                    <span class="bar-track">
                        <span class="bar-fill" style={{ width: `${Math.min(100, b.max > 0 ? (b.value / b.max) * 100 : 0)}%` }} />
                    </span>
                    <span class="bar-value">{b.text}</span>
                </li>
            ))}
        </ul>
    );
}
