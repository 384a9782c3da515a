import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { normalizeKasmId } from '../ids.js';
import { kasmId, listOf, nullableBoolean, nullableInteger, nullableKasmId, nullableString } from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';
import { requireFound } from './not-found.js';

/** Groups: CRUD, per-group settings and the workspaces (images) a group may launch. */

/** Built-in groups every Kasm install has; neither can be deleted. */
export const ALL_USERS_GROUP_ID = '68d557ac4cac42cca9f31c7c853de0f3';
export const ADMINISTRATORS_GROUP_ID = '31aa063c670648589533d3c42092d02a';

// ---- replies ----

const groupMetadataSchema = z
  .object({
    key: z.string(),
    value: z.unknown(),
  })
  .transform(camelKeys);

export const kasmGroupSchema = z
  .object({
    group_id: kasmId,
    name: z.string(),
    description: nullableString,
    priority: nullableInteger,
    is_system: nullableBoolean,
    // Kasm has sent metadata as a list of {key, value}; anything else is ignored rather than fatal.
    group_metadata: z
      .unknown()
      .optional()
      .transform((value) => {
        const parsed = listOf(groupMetadataSchema).safeParse(value);
        return parsed.success ? parsed.data : [];
      }),
    // The names of the images the group may launch, as get_groups lists them (CODE, not in the
    // docs): null when absent or not a list of names, so a reply without it still parses.
    workspace_names: z
      .unknown()
      .optional()
      .transform((value) => {
        const parsed = z.array(z.string()).safeParse(value);
        return parsed.success ? parsed.data : null;
      }),
  })
  .transform(camelKeys);
export type KasmGroup = z.output<typeof kasmGroupSchema>;

export const kasmGroupSettingSchema = z
  .object({
    group_setting_id: kasmId,
    group_id: nullableKasmId,
    name: z.string(),
    description: nullableString,
    // Values travel as text ("true", "3600"); a number or boolean is turned into the same text.
    value: z
      .union([z.string(), z.number(), z.boolean(), z.null()])
      .optional()
      .transform((value) => (value === undefined || value === null ? null : String(value))),
    value_type: nullableString,
  })
  .transform(camelKeys);
export type KasmGroupSetting = z.output<typeof kasmGroupSettingSchema>;

export const kasmGroupImageSchema = z
  .object({
    group_image_id: nullableKasmId,
    group_id: kasmId,
    image_id: kasmId,
    group_name: nullableString,
    image_name: nullableString,
    image_friendly_name: nullableString,
    image_src: nullableString,
  })
  .transform(camelKeys);
export type KasmGroupImage = z.output<typeof kasmGroupImageSchema>;

// ---- requests ----

const groupFields = {
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string().nullable().optional(),
  priority: z.number().int('must be a whole number').min(0, 'must be >= 0').optional(),
};

const createGroupRequest = z.object(groupFields).transform((group) => ({ target_group: snakeKeys(group) }));
export type CreateGroupInput = z.input<typeof createGroupRequest>;

const updateGroupRequest = z
  .object({ groupId: kasmId, ...groupFields, name: groupFields.name.optional() })
  .transform((group) => ({ target_group: snakeKeys(group) }));
export type UpdateGroupChanges = Omit<z.input<typeof updateGroupRequest>, 'groupId'>;

const targetGroup = z.object({ groupId: kasmId }).transform(({ groupId }) => ({ target_group: { group_id: groupId } }));

const updateSettingRequest = z
  .object({
    groupId: kasmId,
    groupSettingId: kasmId,
    value: z.union([z.string(), z.number(), z.boolean()]),
  })
  .transform(({ groupId, groupSettingId, value }) => ({
    target_group: { group_id: groupId },
    target_setting: { group_setting_id: groupSettingId, value: String(value) },
  }));

const groupImageRequest = z
  .object({ groupId: kasmId, imageId: kasmId })
  .transform(({ groupId, imageId }) => ({ target_group: { group_id: groupId }, target_image: { image_id: imageId } }));

// ---- endpoints ----

const emptyReply = z.object({});

export const groupsEndpoints = {
  getGroups: defineEndpoint({
    name: 'get_groups',
    path: '/api/public/get_groups',
    kind: 'read',
    permissions: ['Groups View'],
    request: z.object({}),
    response: z.object({ groups: listOf(kasmGroupSchema) }),
  }),
  createGroup: defineEndpoint({
    name: 'create_group',
    path: '/api/public/create_group',
    kind: 'write',
    permissions: ['Groups Create'],
    request: createGroupRequest,
    response: z.object({ group: kasmGroupSchema }),
  }),
  updateGroup: defineEndpoint({
    name: 'update_group',
    path: '/api/public/update_group',
    kind: 'write',
    permissions: ['Groups Modify'],
    request: updateGroupRequest,
    response: z.object({ group: kasmGroupSchema.optional() }),
  }),
  deleteGroup: defineEndpoint({
    name: 'delete_group',
    path: '/api/public/delete_group',
    kind: 'write',
    permissions: ['Groups Delete'],
    request: targetGroup,
    response: emptyReply,
  }),
  getSettingsGroup: defineEndpoint({
    name: 'get_settings_group',
    path: '/api/admin/get_settings_group',
    kind: 'read',
    permissions: ['Groups View'],
    request: targetGroup,
    response: z.object({ settings: listOf(kasmGroupSettingSchema) }),
  }),
  updateSettingsGroup: defineEndpoint({
    name: 'update_settings_group',
    path: '/api/admin/update_settings_group',
    kind: 'write',
    permissions: ['Groups Modify'],
    request: updateSettingRequest,
    response: emptyReply,
  }),
  getImagesGroup: defineEndpoint({
    name: 'get_images_group',
    path: '/api/public/get_images_group',
    kind: 'read',
    permissions: ['Groups View', 'Images View'],
    request: targetGroup,
    response: z.object({ images: listOf(kasmGroupImageSchema) }),
  }),
  addImagesGroup: defineEndpoint({
    name: 'add_images_group',
    path: '/api/public/add_images_group',
    kind: 'write',
    permissions: ['Groups Modify', 'Images View'],
    request: groupImageRequest,
    response: emptyReply,
  }),
  removeImagesGroup: defineEndpoint({
    name: 'remove_images_group',
    path: '/api/public/remove_images_group',
    kind: 'write',
    permissions: ['Groups Modify', 'Images View'],
    request: groupImageRequest,
    response: emptyReply,
  }),
};

// ---- API ----

export class GroupsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateGroupInput, options?: CallOptions): Promise<KasmGroup> {
    return (await this.#caller.call(groupsEndpoints.createGroup, input, options)).group;
  }

  /** Every group (the classic API does not page). */
  async list(options?: CallOptions): Promise<KasmGroup[]> {
    return (await this.#caller.call(groupsEndpoints.getGroups, {}, options)).groups;
  }

  /** Kasm has no single-group read: this lists and picks. */
  async get(groupId: string, options?: CallOptions): Promise<KasmGroup> {
    const id = normalizeKasmId(groupId, { field: 'groupId', endpoint: groupsEndpoints.getGroups.name });
    const groups = await this.list(options);
    return requireFound(groups.find((group) => group.groupId === id), 'Group', groupsEndpoints.getGroups.name);
  }

  /** Group names are unique in Kasm. */
  async getByName(name: string, options?: CallOptions): Promise<KasmGroup> {
    const groups = await this.list(options);
    return requireFound(groups.find((group) => group.name === name), 'Group', groupsEndpoints.getGroups.name);
  }

  /** Changes only the fields given. */
  async update(groupId: string, changes: UpdateGroupChanges, options?: CallOptions): Promise<KasmGroup> {
    const reply = await this.#caller.call(groupsEndpoints.updateGroup, { ...changes, groupId }, options);
    return reply.group ?? this.get(groupId, options);
  }

  /** System groups (All Users, Administrators) are refused by Kasm. */
  async delete(groupId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(groupsEndpoints.deleteGroup, { groupId }, options);
  }

  async getSettings(groupId: string, options?: CallOptions): Promise<KasmGroupSetting[]> {
    return (await this.#caller.call(groupsEndpoints.getSettingsGroup, { groupId }, options)).settings;
  }

  /** Sets one setting; the value is sent as text, the way Kasm stores it. */
  async updateSetting(
    groupId: string,
    groupSettingId: string,
    value: string | number | boolean,
    options?: CallOptions,
  ): Promise<void> {
    await this.#caller.call(groupsEndpoints.updateSettingsGroup, { groupId, groupSettingId, value }, options);
  }

  /**
   * Sets one setting by name (e.g. `keepalive_expiration`); Kasm's setting ids are per install, so
   * this reads the group's settings first.
   */
  async updateSettingByName(
    groupId: string,
    name: string,
    value: string | number | boolean,
    options?: CallOptions,
  ): Promise<KasmGroupSetting> {
    const settings = await this.getSettings(groupId, options);
    const setting = requireFound(
      settings.find((candidate) => candidate.name === name),
      `Group setting "${name}"`,
      groupsEndpoints.getSettingsGroup.name,
    );
    await this.updateSetting(groupId, setting.groupSettingId, value, options);
    return { ...setting, value: String(value) };
  }

  /** The workspaces members of the group may launch. */
  async listImages(groupId: string, options?: CallOptions): Promise<KasmGroupImage[]> {
    return (await this.#caller.call(groupsEndpoints.getImagesGroup, { groupId }, options)).images;
  }

  async addImage(groupId: string, imageId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(groupsEndpoints.addImagesGroup, { groupId, imageId }, options);
  }

  async removeImage(groupId: string, imageId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(groupsEndpoints.removeImagesGroup, { groupId, imageId }, options);
  }
}
