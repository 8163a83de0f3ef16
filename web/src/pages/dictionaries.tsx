// Dictionaries: tag categories and tags (define, retire) and custom fields
// (define), for those with the dictionaries permission. Contacts take tags and
// fields only from here.
import { useState } from 'preact/hooks';
import { get, post, type Field, type List, type Tag } from '../api';
import { Labeled, Notice, Section, useLoad } from '../components';
import { clearDictionaries } from '../dictionaries';
import { t, type Key } from '../i18n';

const fieldTypes = ['text', 'number', 'date', 'enum'] as const;

function TagForms(props: { categories: string[]; onChanged: (text: string) => void }) {
    const [category, setCategory] = useState('');
    const [tagCategory, setTagCategory] = useState('');
    const [tagName, setTagName] = useState('');
    async function addCategory(e: Event) {
        e.preventDefault();
        await post('/tag-categories', { name: category.trim() });
        props.onChanged(t('dict.categoryAdded', { name: category.trim() }));
        setCategory('');
    }
    async function addTag(e: Event) {
        e.preventDefault();
        const chosen = tagCategory.trim();
        await post('/tags', { category: chosen, name: tagName.trim() });
        props.onChanged(t('dict.tagAdded', { name: `${chosen}:${tagName.trim()}` }));
        setTagName('');
    }
    return (
        <>
            <form class="row-form" onSubmit={(e) => addCategory(e).catch(() => undefined)}>
                <Labeled label={t('dict.category')}>
                    <input data-testid="dict-category" required value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" data-testid="dict-category-add">
                    {t('dict.addCategory')}
                </button>
            </form>
            <form class="row-form" onSubmit={(e) => addTag(e).catch(() => undefined)}>
                <Labeled label={t('dict.category')}>
                    <input
                        data-testid="dict-tag-category"
                        required
                        list="dict-categories"
                        value={tagCategory}
                        onInput={(e) => setTagCategory(e.currentTarget.value)}
                    />
                    <datalist id="dict-categories">
                        {props.categories.map((c) => (
                            <option key={c} value={c} />
                        ))}
                    </datalist>
                </Labeled>
                <Labeled label={t('dict.tag')}>
                    <input data-testid="dict-tag-name" required value={tagName} onInput={(e) => setTagName(e.currentTarget.value)} />
                </Labeled>
                <button type="submit" class="primary" data-testid="dict-tag-add">
                    {t('dict.addTag')}
                </button>
            </form>
        </>
    );
}

function FieldForm(props: { onChanged: (text: string) => void }) {
    const [name, setName] = useState('');
    const [type, setType] = useState<string>('text');
    const [values, setValues] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        const listed = values
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean);
        await post('/fields', { name: name.trim(), type, values: type === 'enum' ? listed : [] });
        props.onChanged(t('dict.fieldAdded', { name: name.trim() }));
        setName('');
        setValues('');
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('dict.field')}>
                <input data-testid="dict-field-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </Labeled>
            <Labeled label={t('dict.type')}>
                <select data-testid="dict-field-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
                    {fieldTypes.map((ft) => (
                        <option key={ft} value={ft}>
                            {t(`dict.type.${ft}`)}
                        </option>
                    ))}
                </select>
            </Labeled>
            {type === 'enum' && (
                <Labeled label={t('dict.values')}>
                    <input data-testid="dict-field-values" required value={values} onInput={(e) => setValues(e.currentTarget.value)} />
                </Labeled>
            )}
            <button type="submit" class="primary" data-testid="dict-field-add">
                {t('dict.addField')}
            </button>
        </form>
    );
}

export function DictionariesPage() {
    const tags = useLoad(() => get<List<Tag>>('/tags'), []);
    const fields = useLoad(() => get<List<Field>>('/fields'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const changed = (text: string) => {
        clearDictionaries();
        setNotice(text);
        tags.reload();
        fields.reload();
    };
    const tagItems = tags.data?.items ?? [];
    const categories = [...new Set(tagItems.map((tag) => tag.category))];
    async function retire(tag: Tag) {
        await post('/tags/retire', { name: `${tag.category}:${tag.name}` });
        changed(t('dict.tagRetired', { name: `${tag.category}:${tag.name}` }));
    }
    return (
        <div class="page" data-testid="page-dictionaries">
            <h1>{t('dict.title')}</h1>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('dict.tags')}>
                <TagForms categories={categories} onChanged={changed} />
                <div class="table-wrap">
                    <table class="grid" data-testid="dict-tags">
                        <thead>
                            <tr>
                                <th>{t('dict.category')}</th>
                                <th>{t('dict.tag')}</th>
                                <th>{t('dict.usage')}</th>
                                <th />
                            </tr>
                        </thead>
                        <tbody>
                            {tagItems.map((tag) => (
                                <tr key={`${tag.category}:${tag.name}`} data-testid="dict-tag-row" data-name={`${tag.category}:${tag.name}`} class={tag.retired ? 'inactive' : ''}>
                                    <td>{tag.category}</td>
                                    <td>{tag.name}</td>
                                    <td>{tag.usage ?? 0}</td>
                                    <td>
                                        {tag.retired ? (
                                            <span class="muted">{t('dict.retired')}</span>
                                        ) : (
                                            <button type="button" class="small danger" data-testid="dict-tag-retire" onClick={() => retire(tag).catch(() => undefined)}>
                                                {t('dict.retire')}
                                            </button>
                                        )}
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            </Section>
            <Section title={t('dict.fields')}>
                <FieldForm onChanged={changed} />
                <div class="table-wrap">
                    <table class="grid" data-testid="dict-fields">
                        <thead>
                            <tr>
                                <th>{t('dict.field')}</th>
                                <th>{t('dict.type')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {(fields.data?.items ?? []).map((f) => (
                                <tr key={f.name} data-testid="dict-field-row" data-name={f.name}>
                                    <td>{f.name}</td>
                                    <td>{t(`dict.type.${f.type}` as Key)}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            </Section>
        </div>
    );
}
