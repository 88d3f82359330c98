// The Function App on the Flex Consumption plan (Linux, .NET 10 isolated worker) with a system-assigned managed
// identity, VNet integration into the NAT-gatewayed subnet, and always-ready instances for the HTTP group: WeCom gives
// the callback 1 s for URL verification and 5 s for events, shorter than a cold start.

@description('Azure region.')
param location string

@description('Function App name (globally unique; becomes <name>.azurewebsites.net).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Resource ID of the VNet integration subnet (delegated to Microsoft.App/environments).')
param appSubnetId string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Always-ready instances for the `http` group (all HTTP-triggered functions). At least 1.')
@minValue(1)
param alwaysReadyHttpInstances int

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('App settings (name to value). Secrets must be Key Vault references, never values.')
param appSettings object

@description('Tags.')
param tags object

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    // Inbound stays public: WeCom's servers call the callback over the internet (signature-checked); operator APIs
    // require an Entra ID token. Outbound goes through the VNet and its NAT gateway.
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: appSubnetId
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ]
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }

  // No FTP and no basic-auth (publishing profile) deployments: the pipeline deploys with its Entra ID service connection.
  resource ftpPolicy 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPolicy 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

@description('Function App name.')
output name string = site.name

@description('Resource ID of the Function App.')
output id string = site.id

@description('Object ID of the app\'s system-assigned managed identity.')
output principalId string = site.identity.principalId

@description('Default host name, e.g. func-pd-demobank-x.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
