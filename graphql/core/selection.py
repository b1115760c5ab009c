"""What the client asked for, so resolvers load related rows only when they are wanted."""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode


def requested_subfields(info: GraphQLResolveInfo) -> set[str]:
    """Names of the fields selected directly under the field being resolved, through
    fragments and inline fragments."""
    names: set[str] = set()
    seen_fragments: set[str] = set()

    def collect(selection_set) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen_fragments or name not in info.fragments:
                    continue
                seen_fragments.add(name)
                collect(info.fragments[name].selection_set)

    for node in info.field_nodes:
        collect(node.selection_set)
    return names
