'use strict';

// The names the published spectrocloud-backend plugin (0.10.0) imports from its common package,
// as plain Backstage basic permissions. Only the drop-in test uses them; it runs that plugin with
// `enablePermissions` off (its default), so no permission decision depends on them.
const permission = (name, action) => ({
  type: 'basic',
  name: `spectrocloud.${name}`,
  attributes: action ? { action } : {},
});

const viewClusterInfoPermission = permission('cluster.view', 'read');
const downloadKubeconfigPermission = permission('kubeconfig.download', 'read');
const createClusterPermission = permission('cluster.create', 'create');
const viewPackValuesPermission = permission('pack.values.view', 'read');
const viewPackManifestsPermission = permission('pack.manifests.view', 'read');
const viewProfileInfoPermission = permission('profile.view', 'read');
const viewProfileClustersPermission = permission(
  'profile.clusters.view',
  'read',
);

module.exports = {
  viewClusterInfoPermission,
  downloadKubeconfigPermission,
  createClusterPermission,
  viewPackValuesPermission,
  viewPackManifestsPermission,
  viewProfileInfoPermission,
  viewProfileClustersPermission,
  spectroCloudPermissions: [
    viewClusterInfoPermission,
    downloadKubeconfigPermission,
    createClusterPermission,
    viewPackValuesPermission,
    viewPackManifestsPermission,
    viewProfileInfoPermission,
    viewProfileClustersPermission,
  ],
};
