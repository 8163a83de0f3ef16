// A pause reason in the user's language: the label the supervisor gave a
// reason they added, else the built-in reason's own words by its code
// (lunch, break, training, after_call_work, meeting, and the server's
// desk_gone and no_answer); '' is a pause without a reason. A code this does not know and
// that has no label stays as it came.
import { Key, t } from './i18n';

const builtIn = new Set(['lunch', 'break', 'training', 'after_call_work', 'meeting', 'desk_gone', 'no_answer']);

export interface PauseReason {
    code: string;
    label: string; // '' for a built-in reason
    paid: boolean;
    max_minutes: number; // 0: no limit
}

export function pauseReasonText(code: string, labels: Record<string, string> = {}): string {
    if (labels[code]) return labels[code];
    if (code === '') return t('pauseReason.none');
    if (builtIn.has(code)) return t(`pauseReason.${code}` as Key);
    return code;
}
