// Network for one tenant: a VNet with
//   - `app`: the Function App's VNet integration subnet (delegated to Microsoft.App/environments, as Flex Consumption
//     requires), whose outbound internet traffic leaves through a NAT gateway with ONE static public IP. That IP is the
//     "trusted IP" registered in the WeCom admin console: WeCom rejects API calls from any other address (errcode 60020).
//   - `private-endpoints`: private endpoints for Storage, Service Bus and Key Vault (their public access is off).
// plus the private DNS zones those endpoints register in, linked to the VNet.

@description('Azure region.')
param location string

@description('Base name for the network resources, e.g. pd-demobank.')
param baseName string

@description('Address space of the VNet (a /22 or larger; the subnets are carved from it).')
param addressPrefix string

@description('Tags for every resource.')
param tags object

// environment() keeps the DNS zones right in every Azure cloud (global: core.windows.net / vaultcore.azure.net;
// Azure operated by 21Vianet: core.chinacloudapi.cn / vaultcore.azure.cn).
var storageSuffix = environment().suffixes.storage
var keyVaultZone = 'privatelink${replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.')}'
var serviceBusZone = environment().name == 'AzureChinaCloud'
  ? 'privatelink.servicebus.chinacloudapi.cn'
  : 'privatelink.servicebus.windows.net'

var zoneNames = {
  blob: 'privatelink.blob.${storageSuffix}'
  queue: 'privatelink.queue.${storageSuffix}'
  table: 'privatelink.table.${storageSuffix}'
  serviceBus: serviceBusZone
  keyVault: keyVaultZone
}

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${baseName}-egress'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
    idleTimeoutInMinutes: 4
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: 'ng-${baseName}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: publicIp.id
      }
    ]
  }
}

resource appNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${baseName}-app'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource peNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${baseName}-pe'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${baseName}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          natGateway: {
            id: natGateway.id
          }
          networkSecurityGroup: {
            id: appNsg.id
          }
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
          defaultOutboundAccess: false
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 26, 4)
          networkSecurityGroup: {
            id: peNsg.id
          }
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
          defaultOutboundAccess: false
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: 'app'
  }

  resource peSubnet 'subnets' existing = {
    name: 'private-endpoints'
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(zoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(zoneNames): {
    parent: zones[i]
    name: 'link-${vnet.name}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

@description('Resource ID of the Function App integration subnet.')
output appSubnetId string = vnet::appSubnet.id

@description('Resource ID of the private endpoint subnet.')
output privateEndpointSubnetId string = vnet::peSubnet.id

@description('The static egress IP: register it as the WeCom app\'s trusted IP.')
output egressIpAddress string = publicIp.properties.ipAddress

@description('Private DNS zone IDs by service.')
output zoneIds object = {
  blob: resourceId('Microsoft.Network/privateDnsZones', zoneNames.blob)
  queue: resourceId('Microsoft.Network/privateDnsZones', zoneNames.queue)
  table: resourceId('Microsoft.Network/privateDnsZones', zoneNames.table)
  serviceBus: resourceId('Microsoft.Network/privateDnsZones', zoneNames.serviceBus)
  keyVault: resourceId('Microsoft.Network/privateDnsZones', zoneNames.keyVault)
}
