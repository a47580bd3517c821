/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import * as Types from '../../generated/schema-types.js';

import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreateSnapshotInput = {
  /** CREATE_ATOMIC */
  atomic?: boolean | null | undefined;
  description?: string | null | undefined;
  /** CREATE_DISK_ONLY */
  diskOnly?: boolean | null | undefined;
  disks?: Array<SnapshotDiskInput> | null | undefined;
  domainId: string | number;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: string | null | undefined;
  /** CREATE_HALT */
  halt?: boolean | null | undefined;
  /** CREATE_LIVE: needs memory saved to an external file */
  live?: boolean | null | undefined;
  memory?: SnapshotMemoryInput | null | undefined;
  /** libvirt picks one (the epoch time) when absent */
  name?: string | null | undefined;
  /** CREATE_NO_METADATA */
  noMetadata?: boolean | null | undefined;
  /** CREATE_QUIESCE */
  quiesce?: boolean | null | undefined;
  /** CREATE_REUSE_EXT */
  reuseExternal?: boolean | null | undefined;
  /** CREATE_VALIDATE */
  validate?: boolean | null | undefined;
  /** A whole <domainsnapshot> document instead of the structured fields */
  xml?: string | null | undefined;
};

export type DeleteScope =
  /** DELETE_CHILDREN_ONLY */
  | 'DESCENDANTS_ONLY'
  /** The snapshot only; its children move up to its parent */
  | 'SNAPSHOT'
  /** DELETE_CHILDREN */
  | 'SNAPSHOT_AND_DESCENDANTS';

export type DeleteSnapshotInput = {
  /** Check and describe; change nothing */
  dryRun?: boolean | null | undefined;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: string | null | undefined;
  /** DELETE_METADATA_ONLY */
  metadataOnly?: boolean | null | undefined;
  /** SNAPSHOT by default: its children are re-parented */
  scope?: DeleteScope | null | undefined;
  snapshotId: string | number;
};

export type DomainState =
  | 'BLOCKED'
  | 'CRASHED'
  | 'NOSTATE'
  | 'PAUSED'
  | 'PMSUSPENDED'
  | 'RUNNING'
  | 'SHUTDOWN'
  | 'SHUTOFF';

export type RedefineSnapshotInput = {
  /** CREATE_CURRENT */
  current?: boolean | null | undefined;
  domainId: string | number;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: string | null | undefined;
  /** CREATE_VALIDATE */
  validate?: boolean | null | undefined;
  /** CREATE_REDEFINE: a full <domainsnapshot>, as Snapshot.xml returns it */
  xml: string;
};

export type RevertTargetState =
  /** REVERT_PAUSED */
  | 'PAUSED'
  /** REVERT_RUNNING */
  | 'RUNNING';

export type RevertToSnapshotInput = {
  /** Check and describe; change nothing */
  dryRun?: boolean | null | undefined;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: string | null | undefined;
  /** REVERT_FORCE */
  force?: boolean | null | undefined;
  /** REVERT_RESET_NVRAM */
  resetNvram?: boolean | null | undefined;
  snapshotId: string | number;
  /** RUNNING (REVERT_RUNNING) or PAUSED (REVERT_PAUSED); absent: as taken */
  targetState?: RevertTargetState | null | undefined;
};

export type SnapshotDiskInput = {
  /** e.g. qcow2 */
  driverType?: string | null | undefined;
  mode: SnapshotMode;
  /** The disk’s target, e.g. vda */
  name: string;
  /** With mode EXTERNAL: the new overlay file */
  sourceFile?: string | null | undefined;
};

export type SnapshotMemoryInput = {
  /** With mode EXTERNAL: where the memory is saved */
  file?: string | null | undefined;
  mode: SnapshotMode;
};

export type SnapshotMode =
  | 'EXTERNAL'
  | 'INTERNAL'
  | 'MANUAL'
  | 'NO';

export type SafetyTreeQueryVariables = Exact<{
  domain: string;
}>;


export type SafetyTreeQuery = { domain: { id: string, state: Types.DomainState, snapshotTreeVersion: string, currentSnapshot: { name: string } | null, snapshots: { nodes: Array<{ id: string, name: string, description: string | null, xml: string, parent: { name: string } | null }> } } | null };

export type SafetyCreateMutationVariables = Exact<{
  input: Types.CreateSnapshotInput;
}>;


export type SafetyCreateMutation = { createSnapshot: { snapshot: { name: string } | null, domain: { snapshotTreeVersion: string } } };

export type SafetyRedefineMutationVariables = Exact<{
  input: Types.RedefineSnapshotInput;
}>;


export type SafetyRedefineMutation = { redefineSnapshot: { snapshot: { name: string } } };

export type SafetyRevertMutationVariables = Exact<{
  input: Types.RevertToSnapshotInput;
}>;


export type SafetyRevertMutation = { revertToSnapshot: { dryRun: boolean, resultingState: Types.DomainState, snapshot: { name: string }, domain: { state: Types.DomainState } } };

export type SafetyDeleteMutationVariables = Exact<{
  input: Types.DeleteSnapshotInput;
}>;


export type SafetyDeleteMutation = { deleteSnapshot: { dryRun: boolean, deletedSnapshotNames: Array<string>, deletedSnapshotIds: Array<string>, reparentedSnapshotIds: Array<string> } };


export const SafetyTreeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SafetyTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotTreeVersion"}},{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"xml"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SafetyTreeQuery, SafetyTreeQueryVariables>;
export const SafetyCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SafetyCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshotTreeVersion"}}]}}]}}]}}]} as unknown as DocumentNode<SafetyCreateMutation, SafetyCreateMutationVariables>;
export const SafetyRedefineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SafetyRedefine"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RedefineSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redefineSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<SafetyRedefineMutation, SafetyRedefineMutationVariables>;
export const SafetyRevertDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SafetyRevert"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevertToSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revertToSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"resultingState"}},{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<SafetyRevertMutation, SafetyRevertMutationVariables>;
export const SafetyDeleteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SafetyDelete"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"deletedSnapshotNames"}},{"kind":"Field","name":{"kind":"Name","value":"deletedSnapshotIds"}},{"kind":"Field","name":{"kind":"Name","value":"reparentedSnapshotIds"}}]}}]}}]} as unknown as DocumentNode<SafetyDeleteMutation, SafetyDeleteMutationVariables>;