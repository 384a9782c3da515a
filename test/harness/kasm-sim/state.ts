import { ApiKeyStore } from './api-keys.js';
import { newId } from './ids.js';
import type {
  CastConfigRecord,
  EgressCredentialRecord,
  EgressGatewayRecord,
  EgressMappingRecord,
  EgressProviderRecord,
  ExecRecord,
  GroupImageRecord,
  GroupRecord,
  ImageRecord,
  LicenseRecord,
  RecordingRecord,
  RegistryRecord,
  SessionRecord,
  StagingConfigRecord,
  UserAttributesRecord,
  UserRecord,
  ZoneRecord,
} from './records.js';

/**
 * The simulated Kasm database: one Map per kind keyed by 32-hex id, plus the unique indexes
 * (username, group name, cast key, registry URL) and the reverse indexes (sessions per user, group
 * images per group) that keep every lookup O(1).
 *
 * Tests may edit record fields directly to simulate out-of-band changes. Adding, removing and
 * renaming go through the methods so the indexes and cascades stay right.
 */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A unique key → id index; a hit is checked against the record so a stale entry reads as a miss. */
class UniqueIndex<T> {
  readonly #ids = new Map<string, string>();
  constructor(
    private readonly rows: ReadonlyMap<string, T>,
    private readonly keyOf: (row: T) => string,
  ) {}

  find(key: string): T | undefined {
    const id = this.#ids.get(key);
    if (id === undefined) return undefined;
    const row = this.rows.get(id);
    if (row === undefined || this.keyOf(row) !== key) {
      this.#ids.delete(key);
      return undefined;
    }
    return row;
  }

  set(key: string, id: string): void {
    this.#ids.set(key, id);
  }

  delete(key: string): void {
    this.#ids.delete(key);
  }
}

export class SimState {
  readonly apiKeys = new ApiKeyStore();

  readonly #users = new Map<string, UserRecord>();
  readonly #userAttributes = new Map<string, UserAttributesRecord>();
  readonly #groups = new Map<string, GroupRecord>();
  readonly #groupSettings = new Map<string, Map<string, string>>();
  readonly #groupImages = new Map<string, Map<string, GroupImageRecord>>();
  readonly #images = new Map<string, ImageRecord>();
  readonly #zones = new Map<string, ZoneRecord>();
  readonly #registries = new Map<string, RegistryRecord>();
  readonly #licenses = new Map<string, LicenseRecord>();
  readonly #castConfigs = new Map<string, CastConfigRecord>();
  readonly #stagingConfigs = new Map<string, StagingConfigRecord>();
  readonly #egressProviders = new Map<string, EgressProviderRecord>();
  readonly #egressGateways = new Map<string, EgressGatewayRecord>();
  readonly #egressCredentials = new Map<string, EgressCredentialRecord>();
  readonly #egressMappings = new Map<string, EgressMappingRecord>();
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #sessionsByUser = new Map<string, Set<string>>();
  readonly #shareIds = new Map<string, string>();
  readonly #recordings = new Map<string, RecordingRecord[]>();
  readonly #execCalls: ExecRecord[] = [];
  /** Lower bound of every live session's expiration_date, so most requests skip the sweep. */
  #nextExpiry = Number.POSITIVE_INFINITY;

  readonly #usernames = new UniqueIndex(this.#users, (user) => user.username);
  readonly #groupNames = new UniqueIndex(this.#groups, (group) => group.name);
  readonly #castKeys = new UniqueIndex(this.#castConfigs, (cast) => cast.key);
  readonly #registryUrls = new UniqueIndex(this.#registries, (registry) => registry.registry_url);
  readonly #activationKeys = new UniqueIndex(this.#licenses, (license) => license.activation_key);

  get users(): ReadonlyMap<string, UserRecord> { return this.#users; }
  get userAttributes(): ReadonlyMap<string, UserAttributesRecord> { return this.#userAttributes; }
  get groups(): ReadonlyMap<string, GroupRecord> { return this.#groups; }
  get images(): ReadonlyMap<string, ImageRecord> { return this.#images; }
  get zones(): ReadonlyMap<string, ZoneRecord> { return this.#zones; }
  get registries(): ReadonlyMap<string, RegistryRecord> { return this.#registries; }
  get licenses(): ReadonlyMap<string, LicenseRecord> { return this.#licenses; }
  get castConfigs(): ReadonlyMap<string, CastConfigRecord> { return this.#castConfigs; }
  get stagingConfigs(): ReadonlyMap<string, StagingConfigRecord> { return this.#stagingConfigs; }
  get egressProviders(): ReadonlyMap<string, EgressProviderRecord> { return this.#egressProviders; }
  get egressGateways(): ReadonlyMap<string, EgressGatewayRecord> { return this.#egressGateways; }
  get egressCredentials(): ReadonlyMap<string, EgressCredentialRecord> { return this.#egressCredentials; }
  get egressMappings(): ReadonlyMap<string, EgressMappingRecord> { return this.#egressMappings; }
  /** Sessions, including ones past expiration that no request has swept yet. */
  get sessions(): ReadonlyMap<string, SessionRecord> { return this.#sessions; }
  /** Recordings by kasm_id; they outlive their session. */
  get recordings(): ReadonlyMap<string, readonly RecordingRecord[]> { return this.#recordings; }
  /** Every exec_command_kasm call, in order. */
  get execCalls(): readonly ExecRecord[] { return this.#execCalls; }

  // ---- users ----
  findUserByUsername(username: string): UserRecord | undefined {
    return this.#usernames.find(username);
  }

  addUser(user: UserRecord, attributes: Omit<UserAttributesRecord, 'user_id' | 'user_attributes_id'>): UserRecord {
    this.#users.set(user.user_id, user);
    this.#usernames.set(user.username, user.user_id);
    this.#userAttributes.set(user.user_id, { ...attributes, user_id: user.user_id, user_attributes_id: newId() });
    return user;
  }

  renameUser(userId: string, username: string): void {
    const user = this.#users.get(userId);
    if (user === undefined || user.username === username) return;
    this.#usernames.delete(user.username);
    (user as Mutable<UserRecord>).username = username;
    this.#usernames.set(username, userId);
  }

  /** Removes the user with everything that hangs off it: sessions, attributes, egress mappings. */
  deleteUser(userId: string): boolean {
    const user = this.#users.get(userId);
    if (user === undefined) return false;
    for (const kasmId of [...(this.#sessionsByUser.get(userId) ?? [])]) {
      this.endSession(kasmId);
    }
    this.#sessionsByUser.delete(userId);
    this.#userAttributes.delete(userId);
    this.#deleteMappingsWhere((mapping) => mapping.user_id === userId);
    this.#usernames.delete(user.username);
    this.#users.delete(userId);
    return true;
  }

  addMembership(userId: string, groupId: string): void {
    this.#users.get(userId)?.groupIds.add(groupId);
  }

  removeMembership(userId: string, groupId: string): void {
    this.#users.get(userId)?.groupIds.delete(groupId);
  }

  // ---- groups ----
  findGroupByName(name: string): GroupRecord | undefined {
    return this.#groupNames.find(name);
  }

  addGroup(group: GroupRecord): GroupRecord {
    this.#groups.set(group.group_id, group);
    this.#groupNames.set(group.name, group.group_id);
    return group;
  }

  renameGroup(groupId: string, name: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.name === name) return;
    this.#groupNames.delete(group.name);
    (group as Mutable<GroupRecord>).name = name;
    this.#groupNames.set(name, groupId);
  }

  /** Removes the group, its memberships, images, settings and egress mappings; cast configs lose it. */
  deleteGroup(groupId: string): boolean {
    const group = this.#groups.get(groupId);
    if (group === undefined) return false;
    for (const user of this.#users.values()) {
      user.groupIds.delete(groupId);
    }
    this.#groupImages.delete(groupId);
    this.#groupSettings.delete(groupId);
    this.#deleteMappingsWhere((mapping) => mapping.group_id === groupId);
    for (const cast of this.#castConfigs.values()) {
      if (cast.group_id === groupId) cast.group_id = null;
    }
    this.#groupNames.delete(group.name);
    this.#groups.delete(groupId);
    return true;
  }

  /** Values set explicitly on the group, by group_setting_id. */
  groupSettingValues(groupId: string): ReadonlyMap<string, string> {
    return this.#groupSettings.get(groupId) ?? new Map<string, string>();
  }

  setGroupSetting(groupId: string, settingId: string, value: string): void {
    let values = this.#groupSettings.get(groupId);
    if (values === undefined) {
      values = new Map();
      this.#groupSettings.set(groupId, values);
    }
    values.set(settingId, value);
  }

  /** Images assigned to the group, by image_id. */
  groupImages(groupId: string): ReadonlyMap<string, GroupImageRecord> {
    return this.#groupImages.get(groupId) ?? new Map<string, GroupImageRecord>();
  }

  addGroupImage(groupId: string, imageId: string): GroupImageRecord {
    let images = this.#groupImages.get(groupId);
    if (images === undefined) {
      images = new Map();
      this.#groupImages.set(groupId, images);
    }
    const existing = images.get(imageId);
    if (existing !== undefined) return existing;
    const record: GroupImageRecord = { group_image_id: newId(), group_id: groupId, image_id: imageId };
    images.set(imageId, record);
    return record;
  }

  removeGroupImage(groupId: string, imageId: string): boolean {
    return this.#groupImages.get(groupId)?.delete(imageId) ?? false;
  }

  // ---- images ----
  addImage(image: ImageRecord): ImageRecord {
    this.#images.set(image.image_id, image);
    return image;
  }

  /** Removes the image and its group assignments and egress mappings. */
  deleteImage(imageId: string): boolean {
    if (!this.#images.delete(imageId)) return false;
    for (const images of this.#groupImages.values()) {
      images.delete(imageId);
    }
    this.#deleteMappingsWhere((mapping) => mapping.image_id === imageId);
    return true;
  }

  // ---- zones, registries, licences ----
  addZone(zone: ZoneRecord): ZoneRecord {
    this.#zones.set(zone.zone_id, zone);
    return zone;
  }

  findRegistryByUrl(url: string): RegistryRecord | undefined {
    return this.#registryUrls.find(url);
  }

  addRegistry(registry: RegistryRecord): RegistryRecord {
    this.#registries.set(registry.registry_id, registry);
    this.#registryUrls.set(registry.registry_url, registry.registry_id);
    return registry;
  }

  deleteRegistry(registryId: string): boolean {
    const registry = this.#registries.get(registryId);
    if (registry === undefined) return false;
    this.#registryUrls.delete(registry.registry_url);
    return this.#registries.delete(registryId);
  }

  findLicenseByActivationKey(key: string): LicenseRecord | undefined {
    return this.#activationKeys.find(key);
  }

  addLicense(license: LicenseRecord): LicenseRecord {
    this.#licenses.set(license.license_id, license);
    this.#activationKeys.set(license.activation_key, license.license_id);
    return license;
  }

  deleteLicense(licenseId: string): boolean {
    const license = this.#licenses.get(licenseId);
    if (license === undefined) return false;
    this.#activationKeys.delete(license.activation_key);
    return this.#licenses.delete(licenseId);
  }

  // ---- cast and staging configs ----
  findCastConfigByKey(key: string): CastConfigRecord | undefined {
    return this.#castKeys.find(key);
  }

  addCastConfig(cast: CastConfigRecord): CastConfigRecord {
    this.#castConfigs.set(cast.cast_config_id, cast);
    this.#castKeys.set(cast.key, cast.cast_config_id);
    return cast;
  }

  rekeyCastConfig(castConfigId: string, key: string): void {
    const cast = this.#castConfigs.get(castConfigId);
    if (cast === undefined || cast.key === key) return;
    this.#castKeys.delete(cast.key);
    (cast as Mutable<CastConfigRecord>).key = key;
    this.#castKeys.set(key, castConfigId);
  }

  deleteCastConfig(castConfigId: string): boolean {
    const cast = this.#castConfigs.get(castConfigId);
    if (cast === undefined) return false;
    this.#castKeys.delete(cast.key);
    return this.#castConfigs.delete(castConfigId);
  }

  addStagingConfig(staging: StagingConfigRecord): StagingConfigRecord {
    this.#stagingConfigs.set(staging.staging_config_id, staging);
    return staging;
  }

  deleteStagingConfig(stagingConfigId: string): boolean {
    return this.#stagingConfigs.delete(stagingConfigId);
  }

  // ---- egress ----
  addEgressProvider(provider: EgressProviderRecord): EgressProviderRecord {
    this.#egressProviders.set(provider.egress_provider_id, provider);
    return provider;
  }

  /** Removes the provider with its gateways, their credentials, and its mappings. */
  deleteEgressProvider(providerId: string): boolean {
    if (!this.#egressProviders.delete(providerId)) return false;
    for (const gateway of [...this.#egressGateways.values()]) {
      if (gateway.egress_provider_id === providerId) this.deleteEgressGateway(gateway.egress_gateway_id);
    }
    this.#deleteMappingsWhere((mapping) => mapping.egress_provider_id === providerId);
    return true;
  }

  addEgressGateway(gateway: EgressGatewayRecord): EgressGatewayRecord {
    this.#egressGateways.set(gateway.egress_gateway_id, gateway);
    return gateway;
  }

  /** Removes the gateway with its credentials; mappings that pinned it fall back to any gateway. */
  deleteEgressGateway(gatewayId: string): boolean {
    if (!this.#egressGateways.delete(gatewayId)) return false;
    for (const credential of [...this.#egressCredentials.values()]) {
      if (credential.egress_gateway_id === gatewayId) this.#egressCredentials.delete(credential.egress_credential_id);
    }
    for (const mapping of this.#egressMappings.values()) {
      if (mapping.egress_gateway_id === gatewayId) mapping.egress_gateway_id = null;
    }
    return true;
  }

  addEgressCredential(credential: EgressCredentialRecord): EgressCredentialRecord {
    this.#egressCredentials.set(credential.egress_credential_id, credential);
    return credential;
  }

  deleteEgressCredential(credentialId: string): boolean {
    return this.#egressCredentials.delete(credentialId);
  }

  addEgressMapping(mapping: EgressMappingRecord): EgressMappingRecord {
    this.#egressMappings.set(mapping.egress_provider_mapping_id, mapping);
    return mapping;
  }

  deleteEgressMapping(mappingId: string): boolean {
    return this.#egressMappings.delete(mappingId);
  }

  #deleteMappingsWhere(predicate: (mapping: EgressMappingRecord) => boolean): void {
    for (const [id, mapping] of this.#egressMappings) {
      if (predicate(mapping)) this.#egressMappings.delete(id);
    }
  }

  // ---- sessions ----
  addSession(session: SessionRecord): SessionRecord {
    this.#sessions.set(session.kasm_id, session);
    let owned = this.#sessionsByUser.get(session.user_id);
    if (owned === undefined) {
      owned = new Set();
      this.#sessionsByUser.set(session.user_id, owned);
    }
    owned.add(session.kasm_id);
    if (session.share_id !== null) this.#shareIds.set(session.share_id, session.kasm_id);
    this.noteExpiry(session.expiration_date);
    return session;
  }

  /** Ends a session at once (destroy, forced user delete, expiry, or a test simulating an outage). */
  endSession(kasmId: string): boolean {
    const session = this.#sessions.get(kasmId);
    if (session === undefined) return false;
    this.#sessions.delete(kasmId);
    this.#sessionsByUser.get(session.user_id)?.delete(kasmId);
    if (session.share_id !== null) this.#shareIds.delete(session.share_id);
    return true;
  }

  /** The user's sessions, expired ones included unless swept. */
  sessionsOfUser(userId: string): SessionRecord[] {
    const out: SessionRecord[] = [];
    for (const kasmId of this.#sessionsByUser.get(userId) ?? []) {
      const session = this.#sessions.get(kasmId);
      if (session !== undefined) out.push(session);
    }
    return out;
  }

  findSessionByShareId(shareId: string): SessionRecord | undefined {
    const kasmId = this.#shareIds.get(shareId);
    return kasmId === undefined ? undefined : this.#sessions.get(kasmId);
  }

  /** Tells the sweep that some session may expire as early as `at` (after editing expiration_date). */
  noteExpiry(at: number): void {
    this.#nextExpiry = Math.min(this.#nextExpiry, at);
  }

  /** Ends every session whose expiration_date has passed; cheap when none can have. */
  sweepExpired(now: number): void {
    if (now < this.#nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const session of [...this.#sessions.values()]) {
      if (session.expiration_date <= now) {
        this.endSession(session.kasm_id);
      } else {
        next = Math.min(next, session.expiration_date);
      }
    }
    this.#nextExpiry = next;
  }

  addRecording(recording: RecordingRecord): RecordingRecord {
    const list = this.#recordings.get(recording.kasm_id) ?? [];
    list.push(recording);
    this.#recordings.set(recording.kasm_id, list);
    return recording;
  }

  recordExec(call: ExecRecord): void {
    this.#execCalls.push(call);
  }
}
