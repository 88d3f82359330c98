// Service Bus namespace carrying CRM changes (customer profile/tag upserts from core banking and mobile banking) into
// the app. Premium, because private endpoints and turning public network access off need the Premium tier. Local
// (SAS key) authentication is disabled: producers and the app authenticate with Entra ID.

@description('Azure region.')
param location string

@description('Namespace name (globally unique).')
param name string

@description('Messaging units (1, 2, 4, 8 or 16).')
@allowed([
  1
  2
  4
  8
  16
])
param capacity int

@description('Resource ID of the private endpoint subnet.')
param privateEndpointSubnetId string

@description('Private DNS zone ID for privatelink.servicebus.')
param privateDnsZoneId string

@description('Tags.')
param tags object

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    zoneRedundant: true
  }

  resource networkRules 'networkRuleSets' = {
    name: 'default'
    properties: {
      publicNetworkAccess: 'Disabled'
      defaultAction: 'Deny'
      trustedServiceAccessEnabled: false
      ipRules: []
      virtualNetworkRules: []
    }
  }

  resource crmChanges 'queues' = {
    name: 'crm-changes'
    properties: {
      // A message the app cannot process after this many tries goes to the dead-letter queue with its reason.
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
      lockDuration: 'PT1M'
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT1H'
      // No sessions: each change carries a version and the app ignores stale ones, so order of arrival does not matter.
      requiresSession: false
      enablePartitioning: false
      maxSizeInMegabytes: 5120
    }
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: 'pe-${name}'
  params: {
    location: location
    name: 'pe-${name}'
    subnetId: privateEndpointSubnetId
    targetResourceId: namespace.id
    groupId: 'namespace'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('Namespace name.')
output name string = namespace.name

@description('Resource ID of the namespace.')
output id string = namespace.id

@description('Fully qualified namespace host, e.g. sb-pd-demobank-x.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
