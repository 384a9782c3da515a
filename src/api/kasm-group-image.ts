import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef } from './references.js';
import { exactlyOneFixedOf } from './validation-rules.js';

/**
 * KasmGroupImage: one workspace image granted to one Kasm group (add_images_group /
 * remove_images_group, observed with get_images_group). A grant that already exists is adopted.
 * Its Kasm identity is the pair of ids, recorded as the group id followed by the image id.
 */

const GROUP_FIELDS = ['groupRef', 'groupId'] as const;
const IMAGE_FIELDS = ['imageRef', 'imageId'] as const;

const groupImageSpecObject = managedSpec({
  groupRef: localRef('KasmGroup').optional().describe('A KasmGroup in the same namespace; the grant is made once the group is Ready.'),
  groupId: kasmId.optional().describe('Kasm id of a group not managed in the cluster, e.g. 68d557ac4cac42cca9f31c7c853de0f3 (All Users).'),
  imageRef: localRef('KasmImage').optional().describe('A KasmImage in the same namespace; the grant is made once the image is Ready.'),
  imageId: kasmId.optional().describe('Kasm id of an image not managed in the cluster.'),
}).describe('The group (exactly one of groupRef or groupId) and the image (exactly one of imageRef or imageId) it may launch; both fixed once created.');

export const kasmGroupImageSpec = exactlyOneFixedOf(
  exactlyOneFixedOf(groupImageSpecObject, GROUP_FIELDS, 'group', 'the group of a KasmGroupImage cannot change; create a new KasmGroupImage for another group'),
  IMAGE_FIELDS,
  'image',
  'the image of a KasmGroupImage cannot change; create a new KasmGroupImage for another image',
);
export type KasmGroupImageSpec = z.infer<typeof kasmGroupImageSpec>;

export const kasmGroupImageAtProvider = z
  .object({
    groupId: z.string().describe('Kasm id of the group.'),
    groupName: z.string().nullable().optional().describe('Group name.'),
    imageId: z.string().describe('Kasm id of the image.'),
    imageName: z.string().nullable().optional().describe('Docker image.'),
    imageFriendlyName: z.string().nullable().optional().describe('Name users see.'),
    groupImageId: z.string().nullable().optional().describe('Kasm id of the grant itself.'),
  })
  .describe('The grant as Kasm reports it.');
export type KasmGroupImageAtProvider = z.infer<typeof kasmGroupImageAtProvider>;

export const kasmGroupImageStatus = managedStatus(kasmGroupImageAtProvider, {});
export type KasmGroupImageStatus = z.infer<typeof kasmGroupImageStatus>;

export const kasmGroupImageKind = defineKind({
  kind: 'KasmGroupImage',
  plural: 'kasmgroupimages',
  shortNames: ['kgi'],
  description: 'A Kasm Workspaces image granted to a group: members of the group may launch it.',
  managed: true,
  spec: kasmGroupImageSpec,
  status: kasmGroupImageStatus,
  printerColumns: [
    { name: 'GROUP', type: 'string', jsonPath: '.status.atProvider.groupName', description: 'Kasm group name.' },
    { name: 'IMAGE', type: 'string', jsonPath: '.status.atProvider.imageName', description: 'Docker image.' },
  ],
});
export type KasmGroupImage = z.infer<typeof kasmGroupImageKind.resource>;
