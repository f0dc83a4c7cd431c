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


@register.simple_tag
def overview_of(filings, title, by_case=False):
    """The overview of the entries (includes/overview.html), a lane per case when by_case."""
    return format_html("{}", rendered_overview(filings, title, by_case))
