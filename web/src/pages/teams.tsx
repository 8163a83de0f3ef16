// Teams: each team with its supervisors (the members whose role is supervisor) and
// its other members; add a team; move a user to a team or out of any. A
// supervisor in a team sees that team's contacts and figures only
// (docs/security.md, "Teams").
import { useState } from 'preact/hooks';
import { get, post, request, type List, type Team, type User } from '../api';
import { Empty, Labeled, Notice, Section, useLoad } from '../components';
import { t, type Key } from '../i18n';

function AddTeam(props: { onAdded: (name: string) => void }) {
    const [name, setName] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        await post('/teams', { name: name.trim() });
        props.onAdded(name.trim());
        setName('');
    }
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('teams.name')}>
                <input data-testid="team-name" required autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </Labeled>
            <button type="submit" class="primary" data-testid="team-add">
                {t('common.add')}
            </button>
        </form>
    );
}

function MoveUser(props: { users: User[]; teams: Team[]; teamOf: Map<string, string>; onMoved: (user: string, team: string) => void }) {
    const [user, setUser] = useState('');
    const [team, setTeam] = useState('');
    async function submit(e: Event) {
        e.preventDefault();
        await request('PUT', `/users/${encodeURIComponent(user)}/team`, { json: { team: team || null } });
        props.onMoved(user, team);
    }
    const active = props.users.filter((u) => !u.disabled_at);
    return (
        <form class="row-form" onSubmit={(e) => submit(e).catch(() => undefined)}>
            <Labeled label={t('teams.user')}>
                <select data-testid="team-move-user" required value={user} onChange={(e) => setUser(e.currentTarget.value)}>
                    <option value="">—</option>
                    {active.map((u) => (
                        <option key={u.name} value={u.name}>
                            {u.name} · {t(`role.${u.role}` as Key)}
                            {props.teamOf.get(u.name) ? ` · ${props.teamOf.get(u.name)}` : ''}
                        </option>
                    ))}
                </select>
            </Labeled>
            <Labeled label={t('teams.to')}>
                <select data-testid="team-move-to" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
                    <option value="">{t('teams.none')}</option>
                    {props.teams.map((tm) => (
                        <option key={tm.id} value={tm.name}>
                            {tm.name}
                        </option>
                    ))}
                </select>
            </Labeled>
            <button type="submit" class="primary" data-testid="team-move">
                {t('teams.move')}
            </button>
        </form>
    );
}

export function TeamsPage() {
    const teams = useLoad(() => get<List<Team>>('/teams'), []);
    const users = useLoad(() => get<List<User>>('/users'), []);
    const [notice, setNotice] = useState<string | null>(null);
    const roleOf = new Map((users.data?.items ?? []).map((u) => [u.name, u.role]));
    const items = teams.data?.items ?? [];
    const teamOf = new Map<string, string>();
    for (const tm of items) for (const m of tm.members) teamOf.set(m, tm.name);
    const reload = () => {
        teams.reload();
        users.reload();
    };
    const names = (list: string[]) =>
        list.length ? list.map((n) => <span key={n} class="chip" data-testid="team-member">{n}</span>) : <span class="muted">—</span>;
    return (
        <div class="page" data-testid="page-teams">
            <h1>{t('teams.title')}</h1>
            <p class="subhead">{t('teams.intro')}</p>
            <Notice text={notice} onClose={() => setNotice(null)} />
            <Section title={t('teams.add')}>
                <AddTeam
                    onAdded={(name) => {
                        setNotice(t('teams.added', { name }));
                        reload();
                    }}
                />
            </Section>
            <Section title={t('teams.moveTitle')}>
                <MoveUser
                    users={users.data?.items ?? []}
                    teams={items}
                    teamOf={teamOf}
                    onMoved={(user, team) => {
                        setNotice(team ? t('teams.moved', { user, team }) : t('teams.movedOut', { user }));
                        reload();
                    }}
                />
            </Section>
            <Section title={t('teams.list')}>
                <div class="table-wrap">
                    <table class="grid" data-testid="teams-table">
                        <thead>
                            <tr>
                                <th>{t('teams.name')}</th>
                                <th>{t('teams.supervisors')}</th>
                                <th>{t('teams.members')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.length === 0 && !teams.loading && <Empty colSpan={3} text={t('teams.empty')} />}
                            {items.map((tm) => {
                                const supervisors = tm.members.filter((m) => roleOf.get(m) === 'supervisor');
                                const others = tm.members.filter((m) => roleOf.get(m) !== 'supervisor');
                                return (
                                    <tr key={tm.id} data-testid="team-row" data-name={tm.name}>
                                        <td>{tm.name}</td>
                                        <td data-testid="team-supervisors">
                                            <div class="chips">{names(supervisors)}</div>
                                        </td>
                                        <td data-testid="team-members">
                                            <div class="chips">{names(others)}</div>
                                        </td>
                                    </tr>
                                );
                            })}
                        </tbody>
                    </table>
                </div>
            </Section>
        </div>
    );
}
