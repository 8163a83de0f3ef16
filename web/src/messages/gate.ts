// The server's messages of one area in English and Russian (see ../server_messages.ts).
// Keep one code per line, `'code': 'text',` — npm run check-i18n reads them that way.

export const en = {
    'gate.reason.attempt_cap': 'attempts limit reached',
    'gate.reason.consent_revoked': 'consent withdrawn',
    'gate.reason.deletion_pending': 'a deletion request is pending',
    'gate.reason.inactive': 'inactive number',
    'gate.reason.no_consent': 'no consent',
    'gate.reason.other_operator': 'talked with another operator today',
    'gate.reason.outside_window': 'outside the calling hours',
    'gate.reason.registry': 'in a do-not-call registry',
    'gate.reason.stop_list': 'on the stop-list',
    'gate.reason.too_soon': 'too soon after the last attempt',
    'gate.window.day_off': 'a day off',
    'gate.window.holiday': 'a holiday',
    'gate.window.hours': 'outside the hours',
} as const;

export const ru: Record<keyof typeof en, string> = {
    'gate.reason.attempt_cap': 'исчерпан лимит попыток',
    'gate.reason.consent_revoked': 'согласие отозвано',
    'gate.reason.deletion_pending': 'есть запрос на удаление',
    'gate.reason.inactive': 'номер неактивен',
    'gate.reason.no_consent': 'нет согласия',
    'gate.reason.other_operator': 'сегодня уже говорил с другим оператором',
    'gate.reason.outside_window': 'вне разрешённого времени',
    'gate.reason.registry': 'в реестре отказов от звонков',
    'gate.reason.stop_list': 'в стоп-листе',
    'gate.reason.too_soon': 'слишком рано после прошлой попытки',
    'gate.window.day_off': 'выходной день',
    'gate.window.holiday': 'праздник',
    'gate.window.hours': 'не те часы',
};
