// Alerts for one tenant, sent to the operations team's action group:
//   - crm-changes dead-letter depth (Service Bus metric DeadletteredMessages, per queue): a CRM change the app rejected
//     or could not process; every one needs a look.
//   - wecom-events poison messages: Azure Storage has no per-queue depth metric, so the alert counts the Functions
//     host's "moving message to queue 'wecom-events-poison'" log lines, i.e. arrivals in the poison queue.
//   - callback 5xx rate: the share of /api/wecom/{tenant}/callback requests answered with 5xx. WeCom retries failed
//     deliveries only a few times, so a sustained rate means lost events.
//   - payroll calendar missing: the daily payroll run (PayrollDailyRun, 09:00 Shanghai) logs "Payroll calendar missing
//     for {tenant}: calendar for YEAR missing; pay months … undecided" from 45 days before the first payroll window
//     that year's State Council notice would decide. It fires once a day until the notice is published
//     (PUT /api/tenants/{tenant}/payroll/calendars/{year}, runbook in docs/DEPLOY.md).

@description('Azure region (log alerts are regional resources).')
param location string

@description('Base name, e.g. pd-demobank.')
param baseName string

@description('E-mail addresses of the on-call team.')
param alertEmails array

@description('Resource ID of the Service Bus namespace.')
param serviceBusNamespaceId string

@description('Resource ID of the Application Insights component.')
param appInsightsId string

@description('Callback 5xx rate (percent of callback requests in 15 minutes) that raises the alert.')
param callback5xxPercentThreshold int

@description('Tags.')
param tags object

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(replace(baseName, '-', ''), 12)
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: {
        name: 'ops-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${baseName}-crm-changes-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in the dead-letter queue of crm-changes: CRM changes the app rejected or could not process.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                'crm-changes'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource poisonAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${baseName}-wecom-events-poison'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'WeCom events moved to wecom-events-poison'
    description: 'A WeCom callback event failed processing on every try and was moved to the poison queue.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "wecom-events-poison" and message has "Moving message"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource callback5xxAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${baseName}-callback-5xx'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'WeCom callback 5xx rate'
    description: 'Share of WeCom callback requests answered with a 5xx status. WeCom retries only a few times.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'requests | where url has "/api/wecom/" and url has "/callback" | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total > 0 | extend failedPercent = 100.0 * failed / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failedPercent'
          operator: 'GreaterThan'
          threshold: callback5xxPercentThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource payrollCalendarAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${baseName}-payroll-calendar-missing'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Payroll calendar year missing'
    description: 'A payroll window within 45 days needs a year of the China working-day calendar that is not published. Publish the State Council notice: PUT /api/tenants/{tenant}/payroll/calendars/{year} (docs/DEPLOY.md).'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    // The daily run logs the warning once a day, so the query looks back a day; checked hourly.
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'traces | where severityLevel >= 2 and message startswith "Payroll calendar missing for "'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}
