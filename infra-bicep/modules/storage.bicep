// The tenant's storage account: tables (WeComEvents and the rest the app creates), blobs (content, the Flex
// Consumption deployment package), queues (wecom-events and its poison queue) and the Durable Functions task hub.
// Shared keys are off, so every client (the Functions host, Durable, the app) authenticates with Entra ID; public
// network access is off and the account is reached through private endpoints only.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Replication: ZRS keeps the data in the region across zones; LRS is cheaper where ZRS is not offered.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param skuName string

@description('Blob container holding the Function App package for Flex Consumption deployments.')
param deploymentContainerName string

@description('Resource ID of the private endpoint subnet.')
param privateEndpointSubnetId string

@description('Private DNS zone IDs: blob, queue, table.')
param zoneIds object

@description('Tags.')
param tags object

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: []
      virtualNetworkRules: []
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
        table: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: {
        enabled: true
        days: 14
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: 14
      }
    }

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource contentContainer 'containers' = {
      name: 'content'
      properties: {
        publicAccess: 'None'
      }
    }

    // Holiday notices operators publish without a deploy (PUT …/payroll/calendars/{year}), {tenant}/cn-{year}.json.
    resource calendarsContainer 'containers' = {
      name: 'calendars'
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource eventsQueue 'queues' = {
      name: 'wecom-events'
    }

    resource poisonQueue 'queues' = {
      name: 'wecom-events-poison'
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource eventsTable 'tables' = {
      name: 'WeComEvents'
    }
  }
}

module endpoints 'private-endpoint.bicep' = [
  for service in [
    'blob'
    'queue'
    'table'
  ]: {
    name: 'pe-${name}-${service}'
    params: {
      location: location
      name: 'pe-${name}-${service}'
      subnetId: privateEndpointSubnetId
      targetResourceId: account.id
      groupId: service
      privateDnsZoneId: zoneIds[service]
      tags: tags
    }
  }
]

@description('Storage account name.')
output name string = account.name

@description('Resource ID of the storage account.')
output id string = account.id

@description('Service endpoints (https://<account>.<service>.<cloud suffix>/).')
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('URL of the Flex Consumption deployment container.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
