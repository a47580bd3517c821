/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import * as Types from '../generated/schema-types.js';

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

export type SnapshotJobOperation =
  | 'CREATE'
  | 'DELETE'
  | 'REVERT';

export type SnapshotJobPhase =
  /** libvirt finished it */
  | 'COMPLETED'
  /** libvirt refused or failed it, or it timed out; see error */
  | 'FAILED'
  /** libvirt reports the job, with its byte counts where it has them */
  | 'RUNNING'
  /** The server is about to call libvirt */
  | 'STARTED';

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

export type JobsOfDomainSubscriptionVariables = Exact<{
  domainId?: string | number | null | undefined;
}>;


export type JobsOfDomainSubscription = { snapshotJobs: { id: string, operation: Types.SnapshotJobOperation, phase: Types.SnapshotJobPhase, snapshotName: string | null, dataTotal: number | null, dataProcessed: number | null, elapsedMs: number, error: string | null, domain: { name: string } } };

export type JobsDomainQueryVariables = Exact<{
  name: string;
}>;


export type JobsDomainQuery = { domain: { id: string, snapshots: { nodes: Array<{ id: string, name: string }> } } | null };

export type JobsCreateMutationVariables = Exact<{
  input: Types.CreateSnapshotInput;
}>;


export type JobsCreateMutation = { createSnapshot: { snapshot: { name: string } | null } };

export type JobsRevertMutationVariables = Exact<{
  input: Types.RevertToSnapshotInput;
}>;


export type JobsRevertMutation = { revertToSnapshot: { snapshot: { name: string } } };

export type JobsDeleteMutationVariables = Exact<{
  input: Types.DeleteSnapshotInput;
}>;


export type JobsDeleteMutation = { deleteSnapshot: { deletedSnapshotNames: Array<string> } };


export const JobsOfDomainDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"JobsOfDomain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshotJobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"domainId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotName"}},{"kind":"Field","name":{"kind":"Name","value":"dataTotal"}},{"kind":"Field","name":{"kind":"Name","value":"dataProcessed"}},{"kind":"Field","name":{"kind":"Name","value":"elapsedMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<JobsOfDomainSubscription, JobsOfDomainSubscriptionVariables>;
export const JobsDomainDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"JobsDomain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<JobsDomainQuery, JobsDomainQueryVariables>;
export const JobsCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"JobsCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<JobsCreateMutation, JobsCreateMutationVariables>;
export const JobsRevertDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"JobsRevert"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevertToSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revertToSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<JobsRevertMutation, JobsRevertMutationVariables>;
export const JobsDeleteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"JobsDelete"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedSnapshotNames"}}]}}]}}]} as unknown as DocumentNode<JobsDeleteMutation, JobsDeleteMutationVariables>;