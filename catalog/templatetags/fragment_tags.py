"""{% fragment key... %}...{% endfragment %}: a piece of a page (a table row) rendered once per distinct input and
kept in this process.

The key must hold every value the piece reads (the row it shows and any page-wide value it uses; Decimals as text,
or from one database column, whose scale is fixed: 0.5 and 0.50 are equal keys): the piece is then
a pure function of its key, so a kept one is never stale, whatever changes in the catalog (a changed row is a new key;
the old one ages out, least recently used first). What differs between the rows of one page (the row number, the
first row's "cheapest") stays outside the tag. So a cold list whose rows were shown before, on any page, filter or
sort, skips most of its template rendering: the catalog browser's rows are the same under every filter, and after a
price change only the changed models' rows are rendered again (the calculator's rows are kept per workload).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import mark_safe

from lib.fragments import FRAGMENTS
from providers.pricing.costing import RouteCost

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, parts: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context: template.Context) -> str:
        key = tuple(part.resolve(context) for part in self.parts)
        html = FRAGMENTS.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own escaped output
            FRAGMENTS.keep(key, html)
        return html


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    """{% fragment "name" value... %}: the name says which piece it is; the values are all it reads."""
    parts = token.split_contents()[1:]
    if not parts:
        raise template.TemplateSyntaxError("{% fragment %} needs a name and the values the piece reads")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(part) for part in parts])


@register.filter
def cost_inputs(cost: RouteCost) -> tuple[Any, ...]:
    """Everything a calculator row and its arithmetic read of a route's cost (calculator.html,
    _workload_breakdown.html): the route as shown, the workload, and each line's price row and quantity. The rest
    (totals, badges, labels, notes) follows from these."""
    offering, workload = cost.offering, cost.workload
    model = offering.model
    return (
        offering.pk,
        model.slug,
        model.name,
        model.lab.name,
        offering.provider.name,
        offering.provider_model_id,
        offering.region,
        offering.quantization,
        # Decimals as text: 0.5 and 0.50 are equal keys but need not read the same.
        (workload.requests_per_month, workload.input_tokens, workload.output_tokens, str(workload.cached_share)),
        (workload.cache_write_tokens, workload.batch),
        tuple(
            (
                line.component,
                line.price.component,
                line.price.service_tier,
                line.price.tier_min_tokens,
                str(line.price.usd),
                str(line.per_request),
                line.note,
            )
            for line in cost.lines
        ),
        cost.missing,
    )
