import type { KasmCaller } from './endpoint.js';
import { CastConfigsApi } from './areas/cast-configs.js';
import { EgressApi } from './areas/egress.js';
import { GroupsApi } from './areas/groups.js';
import { ImagesApi } from './areas/images.js';
import { LicensesApi } from './areas/licenses.js';
import { RegistriesApi } from './areas/registries.js';
import { SessionPermissionsApi } from './areas/session-permissions.js';
import { SessionsApi } from './areas/sessions.js';
import { StagingConfigsApi } from './areas/staging-configs.js';
import { UsersApi } from './areas/users.js';
import { ZonesApi } from './areas/zones.js';

/**
 * Every Kasm area over one connection. The client owns no resources: close the transport it was
 * built on.
 */
export class KasmClient {
  readonly users: UsersApi;
  readonly groups: GroupsApi;
  readonly images: ImagesApi;
  readonly registries: RegistriesApi;
  readonly sessions: SessionsApi;
  readonly sessionPermissions: SessionPermissionsApi;
  readonly zones: ZonesApi;
  readonly licenses: LicensesApi;
  readonly castConfigs: CastConfigsApi;
  readonly stagingConfigs: StagingConfigsApi;
  readonly egress: EgressApi;
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
    this.users = new UsersApi(caller);
    this.groups = new GroupsApi(caller);
    this.images = new ImagesApi(caller);
    this.registries = new RegistriesApi(caller);
    this.sessions = new SessionsApi(caller);
    this.sessionPermissions = new SessionPermissionsApi(caller);
    this.zones = new ZonesApi(caller);
    this.licenses = new LicensesApi(caller);
    this.castConfigs = new CastConfigsApi(caller);
    this.stagingConfigs = new StagingConfigsApi(caller);
    this.egress = new EgressApi(caller);
  }

  /** The server's URL without a trailing slash (no credentials); undefined when the caller does not say. */
  get baseUrl(): string | undefined {
    return this.#caller.baseUrl;
  }
}
