/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import * as Types from '../generated/schema-types.js';

import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type DomainEventType =
  | 'DEFINED'
  | 'HOST_CONNECTED'
  | 'HOST_DISCONNECTED'
  | 'STATE_CHANGED'
  | 'UNDEFINED';

export type EventOrigin =
  /** Made through this server */
  | 'API'
  /** Seen in libvirt: virsh, another client, a restart */
  | 'EXTERNAL';

export type SnapshotEventType =
  /** A new snapshot, including a redefinition under a new name */
  | 'CREATED'
  /** A snapshot deleted, or one of a domain that was undefined */
  | 'DELETED'
  /** The domain reverted to the snapshot, which is now current */
  | 'REVERTED'
  /** Redefined, re-parented by the delete of its parent, or made current */
  | 'UPDATED';

export type RestartSnapshotEventsSubscriptionVariables = Exact<{
  domainId?: string | number | null | undefined;
}>;


export type RestartSnapshotEventsSubscription = { snapshotEvents: { id: string, type: Types.SnapshotEventType, origin: Types.EventOrigin, snapshotName: string } };

export type RestartDomainEventsSubscriptionVariables = Exact<{
  hostId?: string | number | null | undefined;
}>;


export type RestartDomainEventsSubscription = { domainEvents: { id: string, type: Types.DomainEventType, domainName: string | null } };

export type RestartHostsQueryVariables = Exact<{ [key: string]: never; }>;


export type RestartHostsQuery = { hosts: Array<{ id: string, name: string, connected: boolean }> };

export type RestartDomainQueryVariables = Exact<{
  name: string;
}>;


export type RestartDomainQuery = { domain: { id: string, snapshots: { nodes: Array<{ id: string, name: string }> } } | null };

export type RestartCreateMutationVariables = Exact<{
  domainId: string | number;
  name: string;
}>;


export type RestartCreateMutation = { createSnapshot: { snapshot: { id: string } | null } };


export const RestartSnapshotEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RestartSnapshotEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshotEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"domainId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotName"}}]}}]}}]} as unknown as DocumentNode<RestartSnapshotEventsSubscription, RestartSnapshotEventsSubscriptionVariables>;
export const RestartDomainEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RestartDomainEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hostId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domainEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"hostId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hostId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"domainName"}}]}}]}}]} as unknown as DocumentNode<RestartDomainEventsSubscription, RestartDomainEventsSubscriptionVariables>;
export const RestartHostsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RestartHosts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hosts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"connected"}}]}}]}}]} as unknown as DocumentNode<RestartHostsQuery, RestartHostsQueryVariables>;
export const RestartDomainDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RestartDomain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"domain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RestartDomainQuery, RestartDomainQueryVariables>;
export const RestartCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestartCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"domainId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"domainId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<RestartCreateMutation, RestartCreateMutationVariables>;