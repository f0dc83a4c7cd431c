from csp.constants import SELF, UNSAFE_INLINE
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML view of the API, for people exploring it in a browser.

    Its bundled scripts add inline styles, so these pages alone allow inline
    style. Scripts stay limited to this site's own files, as everywhere.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context["response"]._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
