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

export type ConcurrencySnapshotFragment = { name: string, description: string | null, isCurrent: boolean, parent: { name: string } | null };

export type ConcurrencyPayloadDomainFragment = { currentSnapshot: { name: string } | null };

export type ConcurrencyDomainQueryVariables = Exact<{
  name: string;
  host: string;
}>;


export type ConcurrencyDomainQuery = { domain: { id: string, uuid: string } | null };

export type ConcurrencyTreesQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ConcurrencyTreesQuery = { nodes: Array<
    | { id: string, name: string, hasCurrentSnapshot: boolean, currentSnapshot: { name: string } | null, snapshots: { totalCount: number, nodes: Array<{ id: string, name: string, description: string | null, isCurrent: boolean, parent: { name: string } | null }> } }
    | Record<PropertyKey, never>
   | null> };

export type ConcurrencySnapshotXmlQueryVariables = Exact<{
  id: string | number;
}>;


export type ConcurrencySnapshotXmlQuery = { node:
    | { xml: string }
    | Record<PropertyKey, never>
   | null };

export type ConcurrencyCreateMutationVariables = Exact<{
  input: Types.CreateSnapshotInput;
}>;


export type ConcurrencyCreateMutation = { createSnapshot: { snapshot: { name: string, description: string | null, isCurrent: boolean, parent: { name: string } | null } | null, domain: { currentSnapshot: { name: string } | null } } };

export type ConcurrencyRedefineMutationVariables = Exact<{
  input: Types.RedefineSnapshotInput;
}>;


export type ConcurrencyRedefineMutation = { redefineSnapshot: { snapshot: { name: string, description: string | null, isCurrent: boolean, parent: { name: string } | null }, domain: { currentSnapshot: { name: string } | null } } };

export type ConcurrencyRevertMutationVariables = Exact<{
  input: Types.RevertToSnapshotInput;
}>;


export type ConcurrencyRevertMutation = { revertToSnapshot: { snapshot: { name: string, description: string | null, isCurrent: boolean, parent: { name: string } | null }, domain: { currentSnapshot: { name: string } | null } } };

export type ConcurrencyDeleteMutationVariables = Exact<{
  input: Types.DeleteSnapshotInput;
}>;


export type ConcurrencyDeleteMutation = { deleteSnapshot: { deletedSnapshotNames: Array<string>, domain: { currentSnapshot: { name: string } | null } } };

export const ConcurrencySnapshotFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencySnapshot"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencySnapshotFragment, unknown>;
export const ConcurrencyPayloadDomainFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyPayloadDomainFragment, unknown>;
export const ConcurrencyDomainDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConcurrencyDomain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"host"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"host"},"value":{"kind":"Variable","name":{"kind":"Name","value":"host"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyDomainQuery, ConcurrencyDomainQueryVariables>;
export const ConcurrencyTreesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConcurrencyTrees"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"hasCurrentSnapshot"}},{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencySnapshot"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencySnapshot"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyTreesQuery, ConcurrencyTreesQueryVariables>;
export const ConcurrencySnapshotXmlDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConcurrencySnapshotXml"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"xml"}}]}}]}}]}}]} as unknown as DocumentNode<ConcurrencySnapshotXmlQuery, ConcurrencySnapshotXmlQueryVariables>;
export const ConcurrencyCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConcurrencyCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencySnapshot"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencySnapshot"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyCreateMutation, ConcurrencyCreateMutationVariables>;
export const ConcurrencyRedefineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConcurrencyRedefine"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RedefineSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redefineSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencySnapshot"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencySnapshot"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyRedefineMutation, ConcurrencyRedefineMutationVariables>;
export const ConcurrencyRevertDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConcurrencyRevert"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevertToSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revertToSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencySnapshot"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencySnapshot"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyRevertMutation, ConcurrencyRevertMutationVariables>;
export const ConcurrencyDeleteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConcurrencyDelete"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedSnapshotNames"}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConcurrencyPayloadDomain"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Domain"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ConcurrencyDeleteMutation, ConcurrencyDeleteMutationVariables>;