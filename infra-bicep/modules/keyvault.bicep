// The tenant's Key Vault: holds the WeCom callback Token and EncodingAESKey, the app's Secret (corpsecret) and the
// key that hashes customers' phone numbers. Azure RBAC (no access policies), purge protection, public network access
// off (reached through a private endpoint). This template creates the vault only: secret VALUES are never in a
// template or parameter file; they are written out of band with secrets.bicep (see docs/DEPLOY.md).

@description('Azure region.')
param location string

@description('Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Days a deleted vault or secret can be recovered (7-90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Resource ID of the private endpoint subnet.')
param privateEndpointSubnetId string

@description('Private DNS zone ID for privatelink.vaultcore.')
param privateDnsZoneId string

@description('Tags.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: []
      virtualNetworkRules: []
    }
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: 'pe-${name}'
  params: {
    location: location
    name: 'pe-${name}'
    subnetId: privateEndpointSubnetId
    targetResourceId: vault.id
    groupId: 'vault'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('Vault name.')
output name string = vault.name

@description('Resource ID of the vault.')
output id string = vault.id

@description('Vault URI, e.g. https://kv-x.vault.azure.net/ (ends with a slash).')
output uri string = vault.properties.vaultUri
