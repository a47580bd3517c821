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

export type SnapshotFilter = {
  /** true: LIST_METADATA, false: LIST_NO_METADATA */
  hasMetadata?: boolean | null | undefined;
  /** LIST_INACTIVE / LIST_ACTIVE / LIST_DISK_ONLY */
  kinds?: Array<SnapshotKind> | null | undefined;
  /** true: LIST_LEAVES, false: LIST_NO_LEAVES */
  leaves?: boolean | null | undefined;
  /** LIST_INTERNAL / LIST_EXTERNAL */
  location?: SnapshotLocation | null | undefined;
  /** true: LIST_ROOTS; false: only snapshots with a parent. Domain-level lists only: on children and descendants it is BAD_USER_INPUT (libvirt gives ROOTS and DESCENDANTS the same bit) */
  roots?: boolean | null | undefined;
};

export type SnapshotKind =
  | 'ACTIVE'
  | 'DISK_ONLY'
  | 'INACTIVE';

export type SnapshotLocation =
  | 'EXTERNAL'
  | 'INTERNAL';

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

export type BadInputTreeQueryVariables = Exact<{
  domain: string;
}>;


export type BadInputTreeQuery = { domain: { id: string, uuid: string, state: Types.DomainState, persistent: boolean, currentSnapshot: { name: string } | null, snapshots: { totalCount: number, nodes: Array<{ id: string, name: string, isCurrent: boolean, xml: string, parent: { name: string } | null }> } } | null };

export type BadInputNodeQueryVariables = Exact<{
  id: string | number;
}>;


export type BadInputNodeQuery = { node:
    | { id: string }
    | { id: string }
    | { id: string }
   | null };

export type BadInputCreateMutationVariables = Exact<{
  input: Types.CreateSnapshotInput;
}>;


export type BadInputCreateMutation = { createSnapshot: { snapshot: { id: string, name: string, description: string | null, xml: string } | null } };

export type BadInputRedefineMutationVariables = Exact<{
  input: Types.RedefineSnapshotInput;
}>;


export type BadInputRedefineMutation = { redefineSnapshot: { snapshot: { id: string, name: string } } };

export type BadInputRevertMutationVariables = Exact<{
  input: Types.RevertToSnapshotInput;
}>;


export type BadInputRevertMutation = { revertToSnapshot: { snapshot: { id: string } } };

export type BadInputDeleteMutationVariables = Exact<{
  input: Types.DeleteSnapshotInput;
}>;


export type BadInputDeleteMutation = { deleteSnapshot: { deletedSnapshotNames: Array<string> } };

export type BadInputSnapshotsPageQueryVariables = Exact<{
  domain: string;
  first?: number | null | undefined;
  last?: number | null | undefined;
  filter?: Types.SnapshotFilter | null | undefined;
}>;


export type BadInputSnapshotsPageQuery = { domain: { snapshots: { totalCount: number, nodes: Array<{ name: string }> } } | null };

export type BadInputChildrenQueryVariables = Exact<{
  domain: string;
  name: string;
  first?: number | null | undefined;
  last?: number | null | undefined;
  filter?: Types.SnapshotFilter | null | undefined;
}>;


export type BadInputChildrenQuery = { domain: { snapshot: { children: { totalCount: number, nodes: Array<{ name: string }> } } | null } | null };

export type BadInputDescendantsQueryVariables = Exact<{
  domain: string;
  name: string;
  first?: number | null | undefined;
  last?: number | null | undefined;
  filter?: Types.SnapshotFilter | null | undefined;
}>;


export type BadInputDescendantsQuery = { domain: { snapshot: { descendants: { totalCount: number, nodes: Array<{ name: string }> } } | null } | null };

export type BadInputChildCountQueryVariables = Exact<{
  domain: string;
  name: string;
  filter?: Types.SnapshotFilter | null | undefined;
  descendants?: boolean | null | undefined;
}>;


export type BadInputChildCountQuery = { domain: { snapshot: { childCount: number } | null } | null };

export type BadInputChildNamesQueryVariables = Exact<{
  domain: string;
  name: string;
  filter?: Types.SnapshotFilter | null | undefined;
  descendants?: boolean | null | undefined;
}>;


export type BadInputChildNamesQuery = { domain: { snapshot: { childNames: Array<string> } | null } | null };


export const BadInputTreeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"persistent"}},{"kind":"Field","name":{"kind":"Name","value":"currentSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"order"},"value":{"kind":"EnumValue","value":"TOPOLOGICAL"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"isCurrent"}},{"kind":"Field","name":{"kind":"Name","value":"xml"}}]}}]}}]}}]}}]} as unknown as DocumentNode<BadInputTreeQuery, BadInputTreeQueryVariables>;
export const BadInputNodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputNode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<BadInputNodeQuery, BadInputNodeQueryVariables>;
export const BadInputCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BadInputCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"xml"}}]}}]}}]}}]} as unknown as DocumentNode<BadInputCreateMutation, BadInputCreateMutationVariables>;
export const BadInputRedefineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BadInputRedefine"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RedefineSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redefineSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<BadInputRedefineMutation, BadInputRedefineMutationVariables>;
export const BadInputRevertDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BadInputRevert"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevertToSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revertToSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<BadInputRevertMutation, BadInputRevertMutationVariables>;
export const BadInputDeleteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BadInputDelete"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSnapshotInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedSnapshotNames"}}]}}]}}]} as unknown as DocumentNode<BadInputDeleteMutation, BadInputDeleteMutationVariables>;
export const BadInputSnapshotsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputSnapshotsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SnapshotFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<BadInputSnapshotsPageQuery, BadInputSnapshotsPageQueryVariables>;
export const BadInputChildrenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputChildren"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SnapshotFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<BadInputChildrenQuery, BadInputChildrenQueryVariables>;
export const BadInputDescendantsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputDescendants"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SnapshotFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"descendants"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<BadInputDescendantsQuery, BadInputDescendantsQueryVariables>;
export const BadInputChildCountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputChildCount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SnapshotFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"descendants"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"childCount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"descendants"},"value":{"kind":"Variable","name":{"kind":"Name","value":"descendants"}}}]}]}}]}}]}}]} as unknown as DocumentNode<BadInputChildCountQuery, BadInputChildCountQueryVariables>;
export const BadInputChildNamesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BadInputChildNames"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domain"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SnapshotFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"descendants"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domain"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"childNames"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"descendants"},"value":{"kind":"Variable","name":{"kind":"Name","value":"descendants"}}}]}]}}]}}]}}]} as unknown as DocumentNode<BadInputChildNamesQuery, BadInputChildNamesQueryVariables>;