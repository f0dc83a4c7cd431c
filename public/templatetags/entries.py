"""Timeline entries and their overview, rendered or from the cache
(public.timeline.rendered_entries and rendered_overview)."""

from django import template
from django.utils.html import format_html, format_html_join

from public.timeline import rendered_entries, rendered_overview

register = template.Library()


@register.simple_tag
def entry_list(filings, level, show_case):
    """The entries' HTML, an <li> each, as includes/entry.html renders them."""
    return format_html_join(
        "", "{}", ((html,) for html in rendered_entries(filings, level, show_case))
    )


@register.inclusion_tag("includes/month_groups.html")
def month_groups(groups, level):
    """Entries grouped by month (public.timeline.MonthGroup), each month a section with a
    heading at ``level`` and its entries below it: all rendered in one batch, so that the
    cache is asked once and the entries to render read their citations in one query."""
    html = iter(rendered_entries([f for group in groups for f in group.entries], level + 1, True))
    return {
        "groups": [(group, [next(html) for _ in group.entries]) for group in groups],
        "level": level,
    }


@register.simple_tag
def overview_of(filings, title, by_case=False):
    """The overview of the entries (includes/overview.html), a lane per case when by_case."""
    return format_html("{}", rendered_overview(filings, title, by_case))
