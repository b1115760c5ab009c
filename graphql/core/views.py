"""The GraphQL endpoint: CSRF-exempt for API clients, authenticated like the REST API,
with query depth limited before execution."""

from __future__ import annotations

from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from .limits import DepthLimitValidator


class OrganisationGraphQLView(GraphQLView):
    validation_rules = (DepthLimitValidator,)


graphql_view = csrf_exempt(OrganisationGraphQLView.as_view(graphiql=True))
