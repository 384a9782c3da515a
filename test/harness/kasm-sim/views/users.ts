import type { UserAttributesRecord, UserRecord } from '../records.js';
import { SIM_AGENT } from '../sim-agent.js';
import type { SimState } from '../state.js';
import { naiveOrNoneString, naiveOrNull, naiveTimestamp } from '../timestamps.js';

/**
 * A user as Kasm prints it. get_users prints unset dates as the string "None"; the single-user
 * replies print null. The password is never printed.
 */
export type MissingDate = 'null' | 'None';

export function userView(state: SimState, user: UserRecord, missingDate: MissingDate = 'null'): Record<string, unknown> {
  const date = missingDate === 'null' ? naiveOrNull : naiveOrNoneString;
  const groups: { name: string; group_id: string }[] = [];
  for (const groupId of user.groupIds) {
    const group = state.groups.get(groupId);
    if (group !== undefined) groups.push({ name: group.name, group_id: group.group_id });
  }
  return {
    user_id: user.user_id,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    realm: user.realm,
    phone: user.phone,
    organization: user.organization,
    notes: user.notes,
    email: user.email,
    city: user.city,
    state: user.state,
    country: user.country,
    locked: user.locked,
    disabled: user.disabled,
    two_factor: user.two_factor,
    program_id: user.program_id,
    created: naiveTimestamp(user.created),
    password_set_date: date(user.password_set_date),
    last_session: date(user.last_session),
    groups,
    kasms: state.sessionsOfUser(user.user_id).map((session) => ({
      kasm_id: session.kasm_id,
      start_date: naiveTimestamp(session.requestedAt),
      keepalive_date: naiveTimestamp(session.keepalive_date),
      expiration_date: naiveTimestamp(session.expiration_date),
      server: { server_id: SIM_AGENT.server_id, hostname: SIM_AGENT.hostname, port: SIM_AGENT.port },
    })),
  };
}

export function userAttributesView(attributes: UserAttributesRecord): Record<string, unknown> {
  return { ...attributes };
}
