import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef } from './references.js';
import { exactlyOneOf, withSharedRules } from './validation-rules.js';

/**
 * KasmExec: a command run in a session (exec_command_kasm) once per generation of the resource and
 * session. Kasm starts it and answers at once, without its output or exit code: the status records
 * when it was sent and for which generation, and says that no output is reported.
 */

const execSpecObject = managedSpec({
  sessionRef: localRef('KasmSession').optional().describe('A KasmSession in the same namespace; the command is sent once it is Ready (running).'),
  kasmId: kasmId.optional().describe('Kasm id of a session not managed in the cluster.'),
  userId: kasmId
    .optional()
    .describe('With kasmId: Kasm id of the session\'s owner. When absent, the owner Kasm lists for the session is used.'),
  command: z.string().min(1).max(65_536).describe('The command line Kasm runs in the session container (exec_config.cmd), e.g. "xdg-open https://kasm.example.com".'),
  workingDirectory: z.string().min(1).max(4096).optional().describe('Directory the command runs in (exec_config.workdir).'),
  environment: z
    .record(z.string().min(1).max(255), z.string().max(65_536))
    .optional()
    .describe('Environment variables of the command (exec_config.environment). Not for secrets: they are part of the spec.'),
  user: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Linux user the command runs as (exec_config.user); "root" turns the sandbox off, other users must exist in the image.'),
  privileged: z.boolean().optional().describe('Run the command privileged (exec_config.privileged).'),
}).describe('The session (exactly one of sessionRef or kasmId) and the command to run in it. Any change to the spec runs the command again.');

export const kasmExecSpec = withSharedRules(exactlyOneOf(execSpecObject, ['sessionRef', 'kasmId'], 'session'), [
  {
    holds: (spec) => spec.userId === undefined || spec.kasmId !== undefined,
    cel: '!has(self.userId) || has(self.kasmId)',
    message: 'userId names the owner of a session given by kasmId; remove it, or use kasmId instead of sessionRef',
    path: ['userId'],
  },
]);
export type KasmExecSpec = z.infer<typeof kasmExecSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmExecAtProvider = z
  .object({
    kasmId: z.string().describe('Kasm id of the session.'),
    userId: z.string().nullable().optional().describe('Kasm id of the session\'s owner.'),
    username: z.string().nullable().optional().describe('Username of the session\'s owner.'),
    operationalStatus: z.string().nullable().optional().describe('State of the session, e.g. running.'),
    image: z.string().nullable().optional().describe('Workspace the session runs.'),
  })
  .describe('The session the command runs in, as Kasm reports it.');
export type KasmExecAtProvider = z.infer<typeof kasmExecAtProvider>;

export const EXEC_OUTPUT_NOT_REPORTED = 'NotReported';

export const kasmExecStatus = managedStatus(kasmExecAtProvider, {
  sentAt: z.string().optional().describe('When the command was last sent to Kasm (RFC 3339).'),
  sentGeneration: z.int().min(0).optional().describe('metadata.generation the command was last sent for; it is sent again when the generation differs.'),
  sentKasmId: z.string().optional().describe('Kasm id of the session it was last sent to; it is sent again to a new session.'),
  output: z
    .enum([EXEC_OUTPUT_NOT_REPORTED])
    .optional()
    .describe('Always NotReported: Kasm starts the command without returning its output or exit code.'),
});
export type KasmExecStatus = z.infer<typeof kasmExecStatus>;

export const kasmExecKind = defineKind({
  kind: 'KasmExec',
  plural: 'kasmexecs',
  shortNames: ['kexec'],
  description: 'A command run once in a Kasm Workspaces session (per generation); Kasm reports no output.',
  managed: true,
  spec: kasmExecSpec,
  status: kasmExecStatus,
  printerColumns: [
    { name: 'SESSION', type: 'string', jsonPath: '.status.atProvider.kasmId', description: 'Kasm id of the session.' },
    { name: 'SENT', type: 'date', jsonPath: '.status.sentAt', description: 'When the command was last sent.' },
    { name: 'SENT-GEN', type: 'integer', jsonPath: '.status.sentGeneration', description: 'Generation it was sent for.' },
  ],
});
export type KasmExec = z.infer<typeof kasmExecKind.resource>;
