// One entry of a contact's history as the card and the operator's desk show it: the
// action and field in words, before → after (statuses by their names), and the
// detail in the user's language when the server sent it with a code.
import type { HistoryEntry, Status } from './api';
import * as dict from './dictionaries';
import { dateTime } from './format';
import { known, t } from './i18n';
import { serverText } from './server_messages';

function value(entry: HistoryEntry, text: string | undefined, statuses: Status[]): string {
    if (text === undefined || text === null) return '';
    if (text === '[hidden]') return t('history.hidden');
    if (entry.field === 'status') return dict.statusLabel(statuses, text);
    return text;
}

export function HistoryItem(props: { entry: HistoryEntry; statuses: Status[] }) {
    const h = props.entry;
    const action = known(`history.action.${h.action}`) ?? h.action;
    const field = h.field && h.field !== h.action ? (known(`history.field.${h.field}`) ?? h.field) : '';
    const before = value(h, h.before, props.statuses);
    const after = value(h, h.after, props.statuses);
    const detail =
        h.detail === '[hidden]' ? t('history.hidden') : serverText(h.detail_code, h.detail_params, h.detail ?? '');
    return (
        <li data-action={h.action}>
            <div class="timeline-when">
                {dateTime(h.at)} · <strong>{h.actor}</strong>
            </div>
            <div>
                <span class="history-action">{action}</span>
                {field ? <> · {field}</> : null}
                {before || after ? (
                    <span>
                        : <del>{before || '—'}</del> → <ins>{after || '—'}</ins>
                    </span>
                ) : null}
            </div>
            {detail && <div class="muted small break">{detail}</div>}
        </li>
    );
}
