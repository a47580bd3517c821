/**
 * Every GraphQL operation the dashboard sends: it uses the public API of `/graphql` and
 * nothing else, so it is also a reference for clients of its own.
 */

/** What each snapshot of a drawn tree carries. */
const SNAPSHOT_FIELDS = `
  id name parent { id } state kind location creationTime description isCurrent
`;

/** Who the caller is: the page shows mutation buttons to an operator only. */
export const ACCESS = `query DashboardAccess { access { role tokenName } }`;

/** Every host and its domains, for the list at the side. */
export const HOSTS = `query DashboardHosts {
  hosts {
    id name uri connected readOnly hypervisor libvirtVersion
    domains { id name state snapshotCount currentSnapshot { id name } }
  }
}`;

/**
 * One page of a domain's whole tree, parents before children. Neither `first` nor `last`:
 * the server answers up to its cap on page size and `hasNextPage` tells when more remain.
 */
export const DOMAIN_TREE = `query DashboardDomainTree($id: ID!, $after: String) {
  node(id: $id) {
    ... on Domain {
      id name state persistent snapshotTreeVersion snapshotCount
      host { id name readOnly connected }
      currentSnapshot { id }
      snapshots(order: TOPOLOGICAL, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ${SNAPSHOT_FIELDS} }
      }
    }
  }
}`;

/** The fields of a domain that each change of its tree may move. */
const DOMAIN_SUMMARY = `id state snapshotCount snapshotTreeVersion currentSnapshot { id name }`;

/** Every snapshot change of every domain, as it happens. */
export const SNAPSHOT_EVENTS = `subscription DashboardSnapshotEvents {
  snapshotEvents {
    id type origin domainName snapshotId snapshotName
    domain { ${DOMAIN_SUMMARY} }
    snapshot { ${SNAPSHOT_FIELDS} }
  }
}`;

/** Creates, reverts and deletes in flight, with libvirt's byte counts. */
export const SNAPSHOT_JOBS = `subscription DashboardSnapshotJobs {
  snapshotJobs {
    id operation phase snapshotName dataTotal dataProcessed elapsedMs error
    domain { id name }
  }
}`;

/** Domains defined, undefined or changing state; hosts coming and going. */
export const DOMAIN_EVENTS = `subscription DashboardDomainEvents {
  domainEvents { id type domainName state domain { id } }
}`;

/** A new snapshot, with what the tree draws of it and the domain after it. */
export const CREATE_SNAPSHOT = `mutation DashboardCreateSnapshot($input: CreateSnapshotInput!) {
  createSnapshot(input: $input) {
    snapshot { ${SNAPSHOT_FIELDS} }
    domain { ${DOMAIN_SUMMARY} }
  }
}`;

/** A revert, or its dry run (`dryRun: true`): the state the domain is left in. */
export const REVERT_TO_SNAPSHOT = `mutation DashboardRevert($input: RevertToSnapshotInput!) {
  revertToSnapshot(input: $input) {
    dryRun resultingState
    snapshot { id name }
    domain { ${DOMAIN_SUMMARY} }
  }
}`;

/** A delete, or its dry run: what it removes and which children move up. */
export const DELETE_SNAPSHOT = `mutation DashboardDelete($input: DeleteSnapshotInput!) {
  deleteSnapshot(input: $input) {
    dryRun deletedSnapshotIds deletedSnapshotNames reparentedSnapshotIds
    domain { ${DOMAIN_SUMMARY} }
  }
}`;
