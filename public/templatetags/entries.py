"""Timeline entries, rendered or from the cache (public.timeline.rendered_entries)."""

from django import template
from django.utils.html import format_html_join

from public.timeline import rendered_entries

register = template.Library()


@register.simple_tag
def entry_list(filings, level, show_case):
    """The entries' HTML, an <li> each, as includes/entry.html renders them."""
    return format_html_join(
        "", "{}", ((html,) for html in rendered_entries(filings, level, show_case))
    )
