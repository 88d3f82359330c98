// PrivateDomain: everything one tenant (one bank) runs on, deployed into one resource group.
//
//   az deployment group create -g <rg> -f infra-bicep/main.bicep -p infra-bicep/tenants/<tenant>.bicepparam
//
// Secrets are not parameters: the vault is created here, its secrets are written out of band with secrets.bicep,
// and the app reads them through Key Vault references. See docs/DEPLOY.md.

targetScope = 'resourceGroup'

import { secretNames } from 'modules/names.bicep'

@description('Tenant key: lowercase letters and digits only (it is part of app setting names, resource names and the callback route /api/wecom/<tenantKey>/callback).')
@minLength(3)
@maxLength(12)
param tenantKey string

@description('Azure region for every regional resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('The bank\'s WeCom CorpID (企业ID), e.g. ww0123456789abcdef. Not a secret.')
param weComCorpId string

@description('Largest accepted difference between a WeCom callback timestamp and our clock, as a TimeSpan (hh:mm:ss).')
param weComMaxClockSkew string = '00:10:00'

@description('Entra ID tenant that issues operators\' tokens.')
param entraTenantId string = tenant().tenantId

@description('Application (client) ID of the operator API\'s app registration.')
param entraClientId string

@description('Audience the operator API accepts in tokens.')
param entraAudience string = 'api://${entraClientId}'

@description('The bank\'s Entra tenant whose operators may operate this PrivateDomain tenant (their tokens\' tid). Default: the tenant of the deployment.')
param operatorsEntraTenantId string = tenant().tenantId

@description('Application (client) ID of the operators\' console (a single-page-application registration whose redirect URI is https://<app>/api/console/). Default: the operator API\'s own registration, with a SPA platform added.')
param consoleClientId string = entraClientId

@description('The bank\'s name as customers see it ({bank.name} in welcome messages and campaign copy).')
param bankName string

@description('The bank\'s customer-service hotline ({bank.hotline}).')
param bankHotline string

@description('The bank\'s public site, an absolute https URL ({bank.site}).')
param bankSite string

@description('Agent id (AgentId) of the bank\'s WeCom self-built app: it identifies visitors of the campaign pages (web authorisation) and sends the account managers\' task cards and digest.')
param weComAgentId int

@description('Where customers reach the campaign pages: an absolute https URL on the self-built app\'s trusted domain in WeCom (可信域名), ending in /api, e.g. https://pages.bank.cn/api. Page links are {this}/p/{token}.')
param campaignPagesBaseUrl string

@description('Address space of the tenant\'s VNet, a /22 or larger; must not overlap networks it will be peered with.')
param vnetAddressPrefix string

@description('Always-ready instances for the HTTP functions (the WeCom callback must answer within 1 s / 5 s).')
@minValue(1)
@maxValue(20)
param alwaysReadyHttpInstances int = 1

@description('Maximum instances the Function App scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Service Bus Premium messaging units.')
@allowed([
  1
  2
  4
  8
  16
])
param serviceBusCapacity int = 1

@description('Days Log Analytics / Application Insights keep data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 90

@description('Daily Log Analytics ingestion cap in GB (-1: no cap).')
param logDailyQuotaGb int = 5

@description('Key Vault soft-delete retention in days.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('E-mail addresses that receive the tenant\'s alerts.')
@minLength(1)
param alertEmails array

@description('Callback 5xx rate, in percent of callback requests over 15 minutes, that raises an alert.')
@minValue(1)
@maxValue(100)
param callback5xxPercentThreshold int = 5

@description('Object IDs of service principals (e.g. the CRM integration\'s) allowed to send to the crm-changes queue.')
param crmSenderPrincipalIds array = []

@description('Tags on every resource.')
param tags object = {}

var baseName = 'pd-${tenantKey}'
var suffix = take(uniqueString(subscription().id, resourceGroup().id, tenantKey), 6)
var allTags = union(tags, {
  application: 'PrivateDomain'
  tenant: tenantKey
})

var names = {
  storage: 'stpd${tenantKey}${suffix}'
  keyVault: 'kv-${tenantKey}-${suffix}'
  serviceBus: 'sb-${baseName}-${suffix}'
  functionApp: 'func-${baseName}-${suffix}'
  plan: 'plan-${baseName}'
  deploymentContainer: 'app-package'
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    baseName: baseName
    addressPrefix: vnetAddressPrefix
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    baseName: baseName
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    skuName: storageSku
    deploymentContainerName: names.deploymentContainer
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    zoneIds: network.outputs.zoneIds
    tags: allTags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    name: names.serviceBus
    capacity: serviceBusCapacity
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.zoneIds.serviceBus
    tags: allTags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: names.keyVault
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.zoneIds.keyVault
    tags: allTags
  }
}

// A Key Vault reference without a version: the app picks up a rotated secret (see docs/DEPLOY.md, "Rotating secrets").
func kvRef(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

var tenantPrefix = 'WeCom__Tenants__${tenantKey}__'

var appSettings = {
  // The Functions host's own storage (AzureWebJobsStorage: host state, the wecom-events queue trigger and the Durable
  // task hub) by managed identity. Service URIs rather than AzureWebJobsStorage__accountName: the host would build
  // global-cloud URIs from an account name, which is wrong in Azure operated by 21Vianet; the URIs are right everywhere.
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'

  // An ingestion endpoint and instrumentation key: not a credential for reading or changing anything.
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString

  // Tenant configuration. Token, EncodingAESKey and the app secret come from Key Vault.
  '${tenantPrefix}CorpId': weComCorpId
  '${tenantPrefix}Token': kvRef(keyVault.outputs.uri, secretNames.weComToken)
  '${tenantPrefix}EncodingAesKey': kvRef(keyVault.outputs.uri, secretNames.weComEncodingAesKey)
  '${tenantPrefix}AppSecret': kvRef(keyVault.outputs.uri, secretNames.weComAppSecret)
  WeCom__MaxClockSkew: weComMaxClockSkew
  Customers__PhoneHashKey: kvRef(keyVault.outputs.uri, secretNames.phoneHashKey)
  // The bank as customers see it: without these the welcome message is skipped.
  '${tenantPrefix}BankName': bankName
  '${tenantPrefix}BankHotline': bankHotline
  '${tenantPrefix}BankSite': bankSite

  // Tracked links and the unsubscribe page sign their tokens with this key; without it they answer 404.
  Links__SigningKey: kvRef(keyVault.outputs.uri, secretNames.linksSigningKey)

  // Campaign pages (welfare, quiz, product) on the self-built app's trusted domain; the app identifies their visitors.
  CampaignPages__BaseUrl: campaignPagesBaseUrl
  'CampaignPages__AgentIds__${tenantKey}': string(weComAgentId)
  // The account managers' side: task cards and digest through the same app, and the chat sidebar's sessions.
  'Managers__AgentIds__${tenantKey}': string(weComAgentId)
  Managers__SidebarKey: kvRef(keyVault.outputs.uri, secretNames.managersSidebarKey)

  // The app's own storage clients (DefaultAzureCredential: the managed identity).
  Storage__TableServiceUri: storage.outputs.tableEndpoint
  Storage__QueueServiceUri: storage.outputs.queueEndpoint
  Storage__BlobServiceUri: storage.outputs.blobEndpoint

  // Identity-based connection "ServiceBus" for the crm-changes trigger.
  ServiceBus__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace

  // Operator APIs: Entra ID bearer tokens.
  AzureAd__Instance: environment().authentication.loginEndpoint
  AzureAd__TenantId: entraTenantId
  AzureAd__ClientId: entraClientId
  AzureAd__Audience: entraAudience
  // Whose operators may operate this tenant: without it every operator call is refused (403).
  'Operators__Tenants__${tenantKey}__EntraTenantId': operatorsEntraTenantId
  // The operators' console (/api/console/) signs in with MSAL: its app, the operators' Entra tenant, the API's scope.
  Console__Entra__ClientId: consoleClientId
  Console__Entra__Authority: '${environment().authentication.loginEndpoint}${operatorsEntraTenantId}'
  Console__Entra__Scopes__0: '${entraAudience}/.default'
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: names.functionApp
    planName: names.plan
    appSubnetId: network.outputs.appSubnetId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: appSettings
    tags: allTags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    crmSenderPrincipalIds: crmSenderPrincipalIds
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    baseName: baseName
    alertEmails: alertEmails
    serviceBusNamespaceId: serviceBus.outputs.id
    appInsightsId: monitoring.outputs.appInsightsId
    callback5xxPercentThreshold: callback5xxPercentThreshold
    tags: allTags
  }
}

@description('Function App name (the pipeline deploys the package to it).')
output functionAppName string = functionApp.outputs.name

@description('Callback URL on the default host. WeCom needs it on the bank\'s own registered domain: map a custom domain to this app (docs/DEPLOY.md).')
output defaultCallbackUrl string = 'https://${functionApp.outputs.defaultHostName}/api/wecom/${tenantKey}/callback'

@description('The static egress IP: enter it as the trusted IP (企业可信IP) of the WeCom app.')
output weComTrustedIp string = network.outputs.egressIpAddress

@description('Key Vault name (write the secrets into it with secrets.bicep).')
output keyVaultName string = keyVault.outputs.name

@description('Storage account name.')
output storageAccountName string = storage.outputs.name

@description('Service Bus namespace host for CRM producers.')
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
