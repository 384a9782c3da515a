import type { SimRoute } from '../route.js';
import { castConfigRoutes } from './cast-configs.js';
import { egressRoutes } from './egress.js';
import { groupImageRoutes } from './group-images.js';
import { groupSettingsRoutes } from './group-settings.js';
import { groupRoutes } from './groups.js';
import { imageRoutes } from './images.js';
import { licenseRoutes } from './licenses.js';
import { recordingRoutes } from './recordings.js';
import { registryRoutes } from './registries.js';
import { sessionMediaRoutes } from './session-media.js';
import { sessionPermissionRoutes } from './session-permissions.js';
import { sessionRoutes } from './sessions.js';
import { stagingConfigRoutes } from './staging-configs.js';
import { userRoutes } from './users.js';
import { zoneRoutes } from './zones.js';

/** Every endpoint the simulator serves. */
export const ALL_ROUTES: readonly SimRoute[] = [
  ...userRoutes,
  ...groupRoutes,
  ...groupSettingsRoutes,
  ...groupImageRoutes,
  ...imageRoutes,
  ...registryRoutes,
  ...zoneRoutes,
  ...licenseRoutes,
  ...castConfigRoutes,
  ...stagingConfigRoutes,
  ...egressRoutes,
  ...sessionRoutes,
  ...sessionPermissionRoutes,
  ...sessionMediaRoutes,
  ...recordingRoutes,
];
