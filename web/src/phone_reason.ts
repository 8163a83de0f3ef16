// Why a text is not a phone number, in the user's language. The phone cleaner
// (src/phone/clean.cc) says it in English for the CLI and the API's /phone;
// it reaches a screen inside a message's {why} (an import row's phone, a
// number typed into a form). A reason this does not know stays as it came.
import { t } from './i18n';

const reasons: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^empty$/, () => t('phoneWhy.empty')],
    [/^no digits: not a phone number$/, () => t('phoneWhy.noDigits')],
    [/^not a phone number$/, () => t('phoneWhy.notANumber')],
    [/^not a valid number: (.+)$/, (m) => t('phoneWhy.invalid', { why: phoneReason(m[1]) })],
    [/^too few digits \((\d+)\)$/, (m) => t('phoneWhy.tooFewN', { n: m[1] })],
    [/^too few digits$/, () => t('phoneWhy.tooFew')],
    [/^too many digits \((\d+)\): a phone number has at most 15$/, (m) => t('phoneWhy.tooManyMax', { n: m[1] })],
    [/^too many digits \((\d+)\)$/, (m) => t('phoneWhy.tooManyN', { n: m[1] })],
    [/^too many digits$/, () => t('phoneWhy.tooMany')],
    [/^unknown country code$/, () => t('phoneWhy.unknownCountry')],
    [/^not a number in use in its country$/, () => t('phoneWhy.notInUse')],
    [/^letters or digits that are not written in it$/, () => t('phoneWhy.notWritten')],
];

export function phoneReason(text: string): string {
    for (const [pattern, say] of reasons) {
        const m = pattern.exec(text);
        if (m) return say(m);
    }
    return text;
}
