from __future__ import annotations

import json


def post(client, query: str, variables: dict | None = None, **extra):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **extra,
    )


COMPARISON = """
query Compare($club: ID!, $code: String!, $first: String!, $last: String!, $group: String) {
  benchmarkingComparison(clubId: $club, indicatorCode: $code, firstPeriod: $first,
                         lastPeriod: $last, group: $group) {
    embargoed
    club { id name anonymised memberCount members { name isYou } }
    indicator { code polarity comparisonPeriodType youConsent }
    periods {
      period { code label }
      shown hiddenReason
      summary { count median mean minimum maximum }
      you { label rank quartile value distanceFromMedian sideOfMedian }
      entries(first: 100) {
        label isYou value rank quartile distanceFromMedian sideOfMedian derivedFrom
      }
      exclusions { label isYou reason }
    }
    timeSeries { label isYou points { period { code } value clubMedian } }
    group {
      key name listsMembers
      periods { shown summary { count median } you { rank } entries { label } }
    }
  }
}
"""

CLUBS = """
query {
  benchmarkingClubs {
    id name administeredBy youAdminister anonymised minimumMembersWithData isEmbargoed memberCount
    members { name isYou }
    indicators { code title polarity comparisonPeriodType rollupRule youConsent }
    comparatorGroups { key name available reason }
  }
}
"""
