// Log Analytics workspace and a workspace-based Application Insights component for one tenant.

@description('Azure region.')
param location string

@description('Base name, e.g. pd-demobank.')
param baseName string

@description('Days Log Analytics keeps data (banks usually need 90 days or more online; archive beyond that).')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Daily ingestion cap in GB, so a log storm cannot run up the bill (-1 = no cap).')
param dailyQuotaGb int

@description('Tags.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    RetentionInDays: retentionInDays
  }
}

@description('Resource ID of the Application Insights component (scope of the log alerts).')
output appInsightsId string = appInsights.id

@description('Application Insights connection string: an ingestion endpoint and key, not a credential for reading data.')
output appInsightsConnectionString string = appInsights.properties.ConnectionString

@description('Resource ID of the Log Analytics workspace.')
output workspaceId string = workspace.id
