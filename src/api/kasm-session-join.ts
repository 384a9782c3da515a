import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef, writeConnectionSecretToRef } from './references.js';
import { issuedSecretStatusShape, renewInterval } from './renew-interval.js';
import { exactlyOneOf } from './validation-rules.js';

/**
 * KasmSessionJoin: one user's link into a shared session (join_kasm), kept in a Secret the
 * operator owns. The link is requested once per session, user and generation, and again on
 * spec.renewInterval when set; nothing of it appears in status.
 */

const joinSpecObject = managedSpec({
  sessionRef: localRef('KasmSession')
    .optional()
    .describe('A KasmSession in the same namespace, started with sharing on; the link is requested once it is Ready (running).'),
  shareId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'must be a Kasm share id such as c20d04e8' })
    .optional()
    .describe('Share id of a shared session not managed in the cluster.'),
  userRef: localRef('KasmUser').optional().describe('The KasmUser (same namespace) who joins; the link is requested once the user is Ready.'),
  userId: kasmId.optional().describe('Kasm id of a user not managed in the cluster who joins.'),
  writeConnectionSecretToRef: writeConnectionSecretToRef.describe(
    'Secret (same namespace) the operator creates and owns, with the keys url (the join link), token (its session token, when Kasm returns one), shareId, kasmId and userId.',
  ),
  renewInterval: renewInterval
    .optional()
    .describe('Request a new link this often, e.g. 8h. When absent, the link is requested again only when the session, the user or the spec changes.'),
}).describe('The shared session (exactly one of sessionRef or shareId), the user who joins (exactly one of userRef or userId) and the Secret to write.');

export const kasmSessionJoinSpec = exactlyOneOf(exactlyOneOf(joinSpecObject, ['sessionRef', 'shareId'], 'session'), ['userRef', 'userId'], 'user');
export type KasmSessionJoinSpec = z.infer<typeof kasmSessionJoinSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmSessionJoinAtProvider = z
  .object({
    kasmId: z.string().describe('Kasm id of the shared session.'),
    shareId: z.string().nullable().optional().describe('Share id of the session.'),
    ownerUsername: z.string().nullable().optional().describe('Username of the session\'s owner.'),
    operationalStatus: z.string().nullable().optional().describe('State of the session, e.g. running.'),
    image: z.string().nullable().optional().describe('Workspace the session runs.'),
    userId: z.string().describe('Kasm id of the user who joins.'),
    username: z.string().nullable().optional().describe('Username of the user who joins.'),
  })
  .describe('The shared session and the joining user as Kasm reports them (the link is only in the Secret).');
export type KasmSessionJoinAtProvider = z.infer<typeof kasmSessionJoinAtProvider>;

export const kasmSessionJoinStatus = managedStatus(kasmSessionJoinAtProvider, issuedSecretStatusShape);
export type KasmSessionJoinStatus = z.infer<typeof kasmSessionJoinStatus>;

export const kasmSessionJoinKind = defineKind({
  kind: 'KasmSessionJoin',
  plural: 'kasmsessionjoins',
  shortNames: ['ksj'],
  description: 'A user\'s join link into a shared Kasm Workspaces session, kept in a Secret.',
  managed: true,
  spec: kasmSessionJoinSpec,
  status: kasmSessionJoinStatus,
  printerColumns: [
    { name: 'SESSION', type: 'string', jsonPath: '.status.atProvider.shareId', description: 'Share id of the session.' },
    { name: 'USER', type: 'string', jsonPath: '.status.atProvider.username', description: 'The user who joins.' },
    { name: 'SECRET', type: 'string', jsonPath: '.spec.writeConnectionSecretToRef.name', description: 'Secret with the join link.' },
    { name: 'RENEWED', type: 'date', jsonPath: '.status.renewedAt', description: 'When the link was obtained.' },
  ],
});
export type KasmSessionJoin = z.infer<typeof kasmSessionJoinKind.resource>;
