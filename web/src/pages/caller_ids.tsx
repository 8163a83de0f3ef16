// A campaign's caller IDs on its page, usable with hundreds of them: a summary (how
// many, how many in use today, near their daily cap, at it and resting until the
// next day), the numbers near or at their cap as bars, and every number behind a
// search box and a filter, a page at a time. A campaign of a dozen numbers or
// fewer shows each one's bar instead.
import { useState } from 'preact/hooks';
import { BarList, type Bar } from '../charts';
import { Pager } from '../components';
import { number, phone } from '../format';
import { t } from '../i18n';

export interface CallerIdRow {
    number: string; // E.164
    calls: number; // today
    cap: number;
    near: boolean; // at or over the warning share of its cap
}

const PAGE = 20;
const SHOWN_NEAR = 12;

type Which = 'all' | 'near' | 'capped' | 'unused';

const atCap = (r: CallerIdRow) => r.calls >= r.cap;
const nearCap = (r: CallerIdRow) => r.near && !atCap(r);

function bar(r: CallerIdRow): Bar {
    return {
        key: r.number,
        label: <span class="mono">{phone(r.number)}</span>,
        value: r.calls,
        max: r.cap,
        text: `${number(r.calls)} / ${number(r.cap)}`,
        warn: r.near || atCap(r),
    };
}

export function CallerIdPanel(props: { rows: CallerIdRow[] }) {
    const rows = props.rows;
    const near = rows.filter(nearCap);
    const capped = rows.filter(atCap);
    const used = rows.filter((r) => r.calls > 0);
    // The busiest first: those at or near the cap lead.
    const hot = [...capped, ...near].sort((a, b) => b.calls / b.cap - a.calls / a.cap);
    return (
        <div data-testid="caller-id-panel">
            <div class="totals compact" data-testid="caller-id-summary">
                <div class="total">
                    <span class="total-value" data-testid="caller-ids-total">
                        {number(rows.length)}
                    </span>
                    <span class="total-label">{t('callerIds.total')}</span>
                </div>
                <div class="total">
                    <span class="total-value" data-testid="caller-ids-used">
                        {number(used.length)}
                    </span>
                    <span class="total-label">{t('callerIds.used')}</span>
                </div>
                <div class={near.length ? 'total warn' : 'total'}>
                    <span class="total-value" data-testid="caller-ids-near">
                        {number(near.length)}
                    </span>
                    <span class="total-label">{t('callerIds.near')}</span>
                </div>
                <div class={capped.length ? 'total warn' : 'total'}>
                    <span class="total-value" data-testid="caller-ids-capped">
                        {number(capped.length)}
                    </span>
                    <span class="total-label">{t('callerIds.capped')}</span>
                </div>
            </div>
            {rows.length <= SHOWN_NEAR ? (
                // A few numbers: each one's bar, as the page always showed them.
                <BarList bars={[...rows].sort((a, b) => b.calls - a.calls || a.number.localeCompare(b.number)).map(bar)} testid="caller-id-bars" rowTestid="caller-id-bar" />
            ) : hot.length > 0 ? (
                <>
                    <h3 class="subhead">{t('callerIds.hot')}</h3>
                    <BarList bars={hot.slice(0, SHOWN_NEAR).map(bar)} testid="caller-id-bars" rowTestid="caller-id-bar" />
                    {hot.length > SHOWN_NEAR && (
                        <p class="muted small">{t('callerIds.hotMore', { n: number(hot.length - SHOWN_NEAR) })}</p>
                    )}
                </>
            ) : (
                <p class="muted small" data-testid="caller-ids-none-hot">
                    {t('callerIds.noneHot')}
                </p>
            )}
            {rows.length > SHOWN_NEAR && (
                <CallerIdTable rows={rows} />
            )}
        </div>
    );
}

// Every number behind a search box and a filter, a page at a time.
function CallerIdTable(props: { rows: CallerIdRow[] }) {
    const [query, setQuery] = useState('');
    const [which, setWhich] = useState<Which>('all');
    const [offset, setOffset] = useState(0);
    const digits = query.replace(/\D/g, '');
    const matching = props.rows
        .filter((r) => (which === 'near' ? nearCap(r) : which === 'capped' ? atCap(r) : which === 'unused' ? r.calls === 0 : true))
        .filter((r) => !digits || r.number.replace(/\D/g, '').includes(digits))
        .sort((a, b) => b.calls - a.calls || a.number.localeCompare(b.number));
    const from = Math.min(offset, Math.max(0, Math.floor((matching.length - 1) / PAGE) * PAGE));
    const page = matching.slice(from, from + PAGE);
    return (
        <>
            <div class="row-form caller-id-filter">
                <input
                    type="search"
                    data-testid="caller-id-search"
                    placeholder={t('callerIds.search')}
                    aria-label={t('callerIds.search')}
                    value={query}
                    onInput={(e) => {
                        setQuery(e.currentTarget.value);
                        setOffset(0);
                    }}
                />
                <select
                    data-testid="caller-id-which"
                    aria-label={t('callerIds.which')}
                    value={which}
                    onChange={(e) => {
                        setWhich(e.currentTarget.value as Which);
                        setOffset(0);
                    }}
                >
                    <option value="all">{t('callerIds.all')}</option>
                    <option value="near">{t('callerIds.near')}</option>
                    <option value="capped">{t('callerIds.capped')}</option>
                    <option value="unused">{t('callerIds.unused')}</option>
                </select>
            </div>
            <table class="grid" data-testid="caller-id-table">
                <thead>
                    <tr>
                        <th>{t('callerIds.number')}</th>
                        <th class="num">{t('callerIds.calls')}</th>
                        <th>{t('callerIds.state')}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.map((r) => (
                        <tr key={r.number} data-testid="caller-id-row" data-number={r.number}>
                            <td class="mono nowrap">{phone(r.number)}</td>
                            <td class="num">
                                {number(r.calls)} / {number(r.cap)}
                            </td>
                            <td>
                                {atCap(r) ? (
                                    <span class="badge warn">{t('callerIds.resting')}</span>
                                ) : nearCap(r) ? (
                                    <span class="badge warn">{t('callerIds.nearOne')}</span>
                                ) : r.calls === 0 ? (
                                    <span class="muted">{t('callerIds.unusedOne')}</span>
                                ) : null}
                            </td>
                        </tr>
                    ))}
                    {page.length === 0 && (
                        <tr class="empty">
                            <td colSpan={3}>{t('callerIds.noMatch')}</td>
                        </tr>
                    )}
                </tbody>
            </table>
            {matching.length > PAGE && <Pager total={matching.length} offset={from} limit={PAGE} onChange={setOffset} />}
        </>
    );
}
