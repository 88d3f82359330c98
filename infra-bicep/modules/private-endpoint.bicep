// One private endpoint for one sub-resource (groupId) of a PaaS resource, registered in its private DNS zone.

@description('Azure region.')
param location string

@description('Name of the private endpoint.')
param name string

@description('Resource ID of the subnet the endpoint gets its private IP from.')
param subnetId string

@description('Resource ID of the resource the endpoint connects to.')
param targetResourceId string

@description('Sub-resource: blob, queue, table, namespace or vault.')
@allowed([
  'blob'
  'queue'
  'table'
  'namespace'
  'vault'
])
param groupId string

@description('Resource ID of the private DNS zone the endpoint\'s A record goes in.')
param privateDnsZoneId string

@description('Tags.')
param tags object

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    customNetworkInterfaceName: 'nic-${name}'
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }

  resource dnsGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: groupId
          properties: {
            privateDnsZoneId: privateDnsZoneId
          }
        }
      ]
    }
  }
}
