import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef, writeConnectionSecretToRef } from './references.js';
import { issuedSecretStatusShape, renewInterval } from './renew-interval.js';
import { exactlyOneOf } from './validation-rules.js';

/**
 * KasmLogin: a password-less login link for one user (get_login), kept in a Secret the operator
 * owns and renewed on an interval. The link is never written to status, events or logs.
 */

const DEFAULT_LOGIN_RENEW_INTERVAL = '1h';

const loginSpecObject = managedSpec({
  userRef: localRef('KasmUser').optional().describe('A KasmUser in the same namespace; the link is requested once the user is Ready.'),
  userId: kasmId.optional().describe('Kasm id of a user not managed in the cluster.'),
  writeConnectionSecretToRef: writeConnectionSecretToRef.describe(
    'Secret (same namespace) the operator creates and owns, with the keys url (the login link), userId and username.',
  ),
  renewInterval: renewInterval
    .default(DEFAULT_LOGIN_RENEW_INTERVAL)
    .describe('How often a new login link is requested, e.g. 30m or 8h (5s to 720h). A spec change requests one at once.'),
}).describe('The user (exactly one of userRef or userId) and the Secret to keep the login link in.');

export const kasmLoginSpec = exactlyOneOf(loginSpecObject, ['userRef', 'userId'], 'user');
export type KasmLoginSpec = z.infer<typeof kasmLoginSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmLoginAtProvider = z
  .object({
    userId: z.string().describe('Kasm id of the user.'),
    username: z.string().nullable().optional().describe('Kasm username.'),
    disabled: z.boolean().nullable().optional().describe('Whether the user is disabled (the link would not sign in).'),
    locked: z.boolean().nullable().optional().describe('Whether the user is locked (the link would not sign in).'),
  })
  .describe('The user as Kasm reports it (the login link is only in the Secret).');
export type KasmLoginAtProvider = z.infer<typeof kasmLoginAtProvider>;

export const kasmLoginStatus = managedStatus(kasmLoginAtProvider, issuedSecretStatusShape);
export type KasmLoginStatus = z.infer<typeof kasmLoginStatus>;

export const kasmLoginKind = defineKind({
  kind: 'KasmLogin',
  plural: 'kasmlogins',
  shortNames: ['klogin'],
  description: 'A password-less Kasm Workspaces login link for a user, kept in a Secret and renewed on an interval.',
  managed: true,
  spec: kasmLoginSpec,
  status: kasmLoginStatus,
  printerColumns: [
    { name: 'USER', type: 'string', jsonPath: '.status.atProvider.username', description: 'Kasm username.' },
    { name: 'SECRET', type: 'string', jsonPath: '.spec.writeConnectionSecretToRef.name', description: 'Secret with the login link.' },
    { name: 'RENEWED', type: 'date', jsonPath: '.status.renewedAt', description: 'When the link was obtained.' },
    { name: 'NEXT', type: 'date', jsonPath: '.status.nextRenewalAt', description: 'When it will be renewed.' },
  ],
});
export type KasmLogin = z.infer<typeof kasmLoginKind.resource>;
